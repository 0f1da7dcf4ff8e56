package kubetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// deploy/compose.yaml is a valid Compose file (the Compose specification's
// schema rejects unknown keys) and runs the image as the hosting guide says.
func TestComposeFile(t *testing.T) {
	project, svc := loadCompose(t)
	if svc.Build == nil || !strings.HasSuffix(svc.Build.Dockerfile, "Dockerfile") {
		t.Errorf("build %+v does not use the repository's Dockerfile", svc.Build)
	}
	if !slices.ContainsFunc(svc.Ports, func(p types.ServicePortConfig) bool {
		return p.Target == sshPort && p.Published == "22" && p.Protocol == "tcp"
	}) {
		t.Errorf("ports %+v do not publish 22 to %d", svc.Ports, sshPort)
	}
	if !slices.ContainsFunc(svc.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Type == types.VolumeTypeVolume && v.Source == "sshblog-keys" && v.Target == "/data" && !v.ReadOnly
	}) {
		t.Errorf("volumes %+v do not mount the named volume sshblog-keys at /data", svc.Volumes)
	}
	if _, ok := project.Volumes["sshblog-keys"]; !ok {
		t.Error("the volume sshblog-keys is not declared")
	}
	if !svc.ReadOnly {
		t.Error("read_only is not true")
	}
	if !slices.Contains(svc.CapDrop, "ALL") || len(svc.CapAdd) > 0 {
		t.Errorf("cap_drop %v cap_add %v, want [ALL] and none", svc.CapDrop, svc.CapAdd)
	}
	if !slices.ContainsFunc(svc.SecurityOpt, func(o string) bool { return strings.HasPrefix(o, "no-new-privileges") }) {
		t.Errorf("security_opt %v lacks no-new-privileges", svc.SecurityOpt)
	}
	if svc.Restart == "" || svc.Restart == "no" {
		t.Errorf("restart %q: the blog would stay down after a reboot", svc.Restart)
	}
	grace := 8 * time.Second // the image's SSHBLOG_SHUTDOWN_GRACE
	if v := svc.Environment["SSHBLOG_SHUTDOWN_GRACE"]; v != nil {
		var err error
		if grace, err = time.ParseDuration(*v); err != nil {
			t.Fatalf("SSHBLOG_SHUTDOWN_GRACE=%q: %v", *v, err)
		}
	}
	stop := 10 * time.Second // Compose's default
	if svc.StopGracePeriod != nil {
		stop = time.Duration(*svc.StopGracePeriod)
	}
	if stop <= grace {
		t.Errorf("stop_grace_period %s is not more than SSHBLOG_SHUTDOWN_GRACE %s: readers would be cut off", stop, grace)
	}
	for name := range svc.Environment {
		if name == proxyVar {
			t.Errorf("compose.yaml sets %s: a single host has no load balancer", proxyVar)
		}
	}
}

// loadCompose loads deploy/compose.yaml as docker compose does, and returns
// it with its service sshblog.
func loadCompose(t *testing.T) (*types.Project, types.ServiceConfig) {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../compose.yaml"},
		cli.WithEnv(nil), cli.WithInterpolation(true), cli.WithResolvedPaths(true))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	svc, ok := project.Services["sshblog"]
	if !ok {
		t.Fatalf("no service sshblog: %v", project.ServiceNames())
	}
	return project, svc
}
