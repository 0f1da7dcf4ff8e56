package kubetest

import (
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

const (
	gitSyncDir = "../kubernetes/overlays/git-sync"
	gitSyncCtr = "git-sync"
	contentVar = "SSHBLOG_CONTENT"
	// git-sync v4 (kubernetes/git-sync): the layout under --root, a link
	// to .worktrees/HASH replaced by a rename, is v4's; v3 differs.
	gitSyncImage = `^registry\.k8s\.io/git-sync/git-sync:v4\.[0-9]+\.[0-9]+$`
	// The image's HOME (its Dockerfile: ENV HOME=/tmp), where git-sync
	// runs git config --global.
	gitSyncHome = "/tmp"
)

func TestGitSyncOverlay(t *testing.T) {
	dep, svc, pdb := build(t, gitSyncDir)
	// The patch adds to the base; everything the base promises still holds.
	checkDeployment(t, dep)
	checkService(t, svc, dep)
	checkPDB(t, pdb, dep)
	for _, p := range gitSyncProblems(dep) {
		t.Error(p)
	}

	// sshblog itself is the base's: the same variables (one more) and
	// probes.
	base, _, _ := build(t, baseDir)
	bc, c := sshblogContainer(t, base), sshblogContainer(t, dep)
	for _, e := range bc.Env {
		if got, ok := env(c, e.Name); !ok || got != e.Value {
			t.Errorf("the overlay lost or changed %s (base %q, overlay %q)", e.Name, e.Value, got)
		}
	}
	for name, p := range map[string][2]*corev1.Probe{
		"startupProbe":   {bc.StartupProbe, c.StartupProbe},
		"readinessProbe": {bc.ReadinessProbe, c.ReadinessProbe},
		"livenessProbe":  {bc.LivenessProbe, c.LivenessProbe},
	} {
		if !reflect.DeepEqual(p[0], p[1]) {
			t.Errorf("sshblog's %s differs from the base's: %+v, base %+v", name, p[1], p[0])
		}
	}
	if !reflect.DeepEqual(bc.Args, c.Args) {
		t.Errorf("sshblog's args %q, the base's %q", c.Args, bc.Args)
	}
}

// The check catches the plausible ways of getting the overlay wrong.
func TestGitSyncOverlayRejectsMistakes(t *testing.T) {
	good, _, _ := build(t, gitSyncDir)
	sidecar := func(dep *appsv1.Deployment) *corev1.Container {
		for i, c := range dep.Spec.Template.Spec.InitContainers {
			if c.Name == gitSyncCtr {
				return &dep.Spec.Template.Spec.InitContainers[i]
			}
		}
		t.Fatalf("no init container %s", gitSyncCtr)
		return nil
	}
	sshblog := func(dep *appsv1.Deployment) *corev1.Container { return &dep.Spec.Template.Spec.Containers[0] }
	setEnv := func(c *corev1.Container, name, value string) {
		for i := range c.Env {
			if c.Env[i].Name == name {
				c.Env[i].Value = value
				return
			}
		}
		c.Env = append(c.Env, corev1.EnvVar{Name: name, Value: value})
	}
	// setArg replaces the flag --name's argument (dropping it when arg is
	// "").
	setArg := func(c *corev1.Container, name, arg string) {
		c.Args = slices.DeleteFunc(c.Args, func(a string) bool { return strings.HasPrefix(a, "--"+name+"=") })
		if arg != "" {
			c.Args = append(c.Args, arg)
		}
	}
	mount := func(c *corev1.Container, name string) *corev1.VolumeMount {
		for i := range c.VolumeMounts {
			if c.VolumeMounts[i].Name == name {
				return &c.VolumeMounts[i]
			}
		}
		t.Fatalf("%s has no mount of %s", c.Name, name)
		return nil
	}
	for name, mistake := range map[string]func(*appsv1.Deployment){
		"--content at git-sync's root": func(d *appsv1.Deployment) { setEnv(sshblog(d), contentVar, "/git/root") },
		"--content at the volume":      func(d *appsv1.Deployment) { setEnv(sshblog(d), contentVar, "/git") },
		"--root at the volume itself": func(d *appsv1.Deployment) {
			setArg(sidecar(d), "root", "--root=/git")
			setEnv(sshblog(d), contentVar, "/git/current")
		},
		"--content at a worktree":     func(d *appsv1.Deployment) { setEnv(sshblog(d), contentVar, "/git/root/.worktrees/0123abc") },
		"--content off the link":      func(d *appsv1.Deployment) { setEnv(sshblog(d), contentVar, "/git/root/main") },
		"no --content":                func(d *appsv1.Deployment) { setEnv(sshblog(d), contentVar, "") },
		"--content flag over the env": func(d *appsv1.Deployment) { sshblog(d).Args = []string{"serve", "--content=/git"} },
		"sshblog's mount writable":    func(d *appsv1.Deployment) { mount(sshblog(d), "git").ReadOnly = false },
		"sshblog mounts it elsewhere": func(d *appsv1.Deployment) { mount(sshblog(d), "git").MountPath = "/content" },
		"sshblog lacks the volume": func(d *appsv1.Deployment) {
			c := sshblog(d)
			c.VolumeMounts = slices.DeleteFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == "git" })
		},
		"link outside the volume":       func(d *appsv1.Deployment) { setArg(sidecar(d), "link", "--link=/tmp/current") },
		"link not set":                  func(d *appsv1.Deployment) { setArg(sidecar(d), "link", "") },
		"root outside the volume":       func(d *appsv1.Deployment) { setArg(sidecar(d), "root", "--root=/var/git") },
		"no period":                     func(d *appsv1.Deployment) { setArg(sidecar(d), "period", "") },
		"a period of 10ms":              func(d *appsv1.Deployment) { setArg(sidecar(d), "period", "--period=10ms") },
		"a period in v3's seconds":      func(d *appsv1.Deployment) { setArg(sidecar(d), "period", "--period=30") },
		"no repository":                 func(d *appsv1.Deployment) { setEnv(sidecar(d), "GITSYNC_REPO", "") },
		"a plain init container":        func(d *appsv1.Deployment) { sidecar(d).RestartPolicy = nil },
		"git-sync v3":                   func(d *appsv1.Deployment) { sidecar(d).Image = "registry.k8s.io/git-sync/git-sync:v3.6.9" },
		"an unpinned image":             func(d *appsv1.Deployment) { sidecar(d).Image = "registry.k8s.io/git-sync/git-sync:latest" },
		"no startup probe":              func(d *appsv1.Deployment) { sidecar(d).StartupProbe = nil },
		"startup probe on no http-bind": func(d *appsv1.Deployment) { setArg(sidecar(d), "http-bind", "") },
		"git-sync as root":              func(d *appsv1.Deployment) { sidecar(d).SecurityContext.RunAsUser = new(int64) },
		"a writable root filesystem":    func(d *appsv1.Deployment) { *sidecar(d).SecurityContext.ReadOnlyRootFilesystem = false },
		"privilege escalation":          func(d *appsv1.Deployment) { *sidecar(d).SecurityContext.AllowPrivilegeEscalation = true },
		"capabilities kept":             func(d *appsv1.Deployment) { sidecar(d).SecurityContext.Capabilities = nil },
		"no security context":           func(d *appsv1.Deployment) { sidecar(d).SecurityContext = nil },
		"no writable HOME":              func(d *appsv1.Deployment) { mount(sidecar(d), "git-sync-home").MountPath = "/home" },
		"git-sync's mount read-only":    func(d *appsv1.Deployment) { mount(sidecar(d), "git").ReadOnly = true },
		"no memory limit for git-sync":  func(d *appsv1.Deployment) { delete(sidecar(d).Resources.Limits, corev1.ResourceMemory) },
		"no CPU request for git-sync":   func(d *appsv1.Deployment) { delete(sidecar(d).Resources.Requests, corev1.ResourceCPU) },
		"request over the limit": func(d *appsv1.Deployment) {
			sidecar(d).Resources.Requests[corev1.ResourceMemory] = resource.MustParse("1Gi")
		},
		"the checkout in memory (tmpfs)": func(d *appsv1.Deployment) { gitVolume(d).EmptyDir.Medium = corev1.StorageMediumMemory },
		"no size limit on the checkout":  func(d *appsv1.Deployment) { gitVolume(d).EmptyDir.SizeLimit = nil },
		"a volume other than an emptyDir": func(d *appsv1.Deployment) {
			gitVolume(d).VolumeSource = corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/srv/blog"}}
		},
		"no fsGroup": func(d *appsv1.Deployment) { d.Spec.Template.Spec.SecurityContext.FSGroup = nil },
	} {
		d := good.DeepCopy()
		mistake(d)
		if p := gitSyncProblems(d); len(p) == 0 {
			t.Errorf("%s: passes the check", name)
		} else {
			t.Logf("%s: %s", name, p[0])
		}
	}
}

func gitVolume(d *appsv1.Deployment) *corev1.Volume {
	for i, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == "git" {
			return &d.Spec.Template.Spec.Volumes[i]
		}
	}
	return &corev1.Volume{}
}

// gitSyncFlag is git-sync's setting name: its --name flag, else its
// $GITSYNC_NAME variable (flags win, as in git-sync).
func gitSyncFlag(c *corev1.Container, name string) (string, bool) {
	for i, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v, true
		}
		if a == "--"+name && i+1 < len(c.Args) {
			return c.Args[i+1], true
		}
	}
	return env(c, "GITSYNC_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
}

// within says whether p is dir or below it.
func within(p, dir string) bool {
	p, dir = path.Clean(p), path.Clean(dir)
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// gitSyncProblems says what keeps the git-sync overlay's pod from serving
// the repository's newest commit to every reader: sshblog must read the
// link git-sync flips, from the volume git-sync writes, and git-sync must
// run, unprivileged, before sshblog starts.
func gitSyncProblems(dep *appsv1.Deployment) []string {
	var p []string
	problem := func(format string, a ...any) { p = append(p, fmt.Sprintf(format, a...)) }
	pod := &dep.Spec.Template.Spec

	var gs *corev1.Container
	for i, c := range pod.InitContainers {
		if c.Name == gitSyncCtr {
			gs = &pod.InitContainers[i]
		}
	}
	if gs == nil {
		return []string{fmt.Sprintf("no init container %s", gitSyncCtr)}
	}
	var sb *corev1.Container
	for i, c := range pod.Containers {
		if c.Name == container {
			sb = &pod.Containers[i]
		}
	}
	if sb == nil {
		return []string{"no container " + container}
	}

	// A native sidecar: started, and its first sync done, before sshblog.
	if gs.RestartPolicy == nil || *gs.RestartPolicy != corev1.ContainerRestartPolicyAlways {
		problem("%s is an init container without restartPolicy Always: it never exits, so sshblog never starts", gitSyncCtr)
	}
	if !regexp.MustCompile(gitSyncImage).MatchString(gs.Image) {
		problem("%s image %q is not a pinned git-sync v4 (%s)", gitSyncCtr, gs.Image, gitSyncImage)
	}
	if repo, _ := gitSyncFlag(gs, "repo"); strings.TrimSpace(repo) == "" {
		problem("%s has no repository (--repo or GITSYNC_REPO)", gitSyncCtr)
	}
	if v, ok := gitSyncFlag(gs, "period"); !ok {
		problem("%s sets no --period: the promise is publishing within it", gitSyncCtr)
	} else if d, err := time.ParseDuration(v); err != nil {
		problem("%s --period=%q is not a Go duration (30s): %v", gitSyncCtr, v, err)
	} else if d < 5*time.Second || d > 5*time.Minute {
		// Every replica fetches once a period.
		problem("%s --period=%s: want 5s to 5m (each replica asks the git host once a period)", gitSyncCtr, d)
	}
	if sp := gs.StartupProbe; sp == nil {
		problem("%s has no startup probe: sshblog could start before the first checkout", gitSyncCtr)
	} else if sp.HTTPGet != nil {
		bind, _ := gitSyncFlag(gs, "http-bind")
		port := sp.HTTPGet.Port.String()
		for _, cp := range gs.Ports {
			if cp.Name == port {
				port = fmt.Sprint(cp.ContainerPort)
			}
		}
		if bind == "" || !strings.HasSuffix(bind, ":"+port) {
			problem("%s's startup probe gets port %s, but --http-bind is %q", gitSyncCtr, port, bind)
		}
	}

	// Unprivileged.
	if sc := gs.SecurityContext; sc == nil {
		problem("%s has no securityContext", gitSyncCtr)
	} else {
		nonRoot := sc.RunAsNonRoot
		if nonRoot == nil && pod.SecurityContext != nil {
			nonRoot = pod.SecurityContext.RunAsNonRoot
		}
		if nonRoot == nil || !*nonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
			problem("%s does not run as a non-root user of its own (runAsNonRoot, runAsUser)", gitSyncCtr)
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			problem("%s: readOnlyRootFilesystem is not true", gitSyncCtr)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			problem("%s: allowPrivilegeEscalation is not false", gitSyncCtr)
		}
		if sc.Privileged != nil && *sc.Privileged {
			problem("%s is privileged", gitSyncCtr)
		}
		if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
			problem("%s capabilities %+v, want drop [ALL] and nothing added", gitSyncCtr, sc.Capabilities)
		}
		if sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem &&
			!slices.ContainsFunc(gs.VolumeMounts, func(m corev1.VolumeMount) bool { return path.Clean(m.MountPath) == gitSyncHome && !m.ReadOnly }) {
			problem("%s: nothing writable is mounted at %s, its HOME, where it runs git config --global", gitSyncCtr, gitSyncHome)
		}
	}
	if pod.SecurityContext == nil || pod.SecurityContext.FSGroup == nil {
		problem("no fsGroup: the volume's files would not be group-owned by one group both containers share")
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, okReq := gs.Resources.Requests[r]
		lim, okLim := gs.Resources.Limits[r]
		if !okReq || !okLim {
			problem("%s %s: request and limit must both be set", gitSyncCtr, r)
		} else if req.Cmp(lim) > 0 {
			problem("%s %s request %s exceeds its limit %s", gitSyncCtr, r, req.String(), lim.String())
		}
	}

	// The volume: git-sync writes --root and --link in it, sshblog reads
	// the link through the same volume at the same path, read-only.
	root, okRoot := gitSyncFlag(gs, "root")
	link, okLink := gitSyncFlag(gs, "link")
	if !okRoot || !okLink || !path.IsAbs(root) {
		// git-sync's default --link is named after the repository.
		problem("%s must set an absolute --root and a --link: sshblog's %s names them", gitSyncCtr, contentVar)
		return p
	}
	linkPath := link
	if !path.IsAbs(link) {
		linkPath = path.Join(root, link)
	}
	var vol *corev1.VolumeMount
	for i, m := range gs.VolumeMounts {
		if within(root, m.MountPath) {
			vol = &gs.VolumeMounts[i]
		}
	}
	if vol == nil {
		problem("%s --root=%s is on no volume: nothing else sees it", gitSyncCtr, root)
		return p
	}
	if path.Clean(root) == path.Clean(vol.MountPath) {
		problem("%s --root=%s is the volume itself, which belongs to root: git refuses a repository in a folder another user owns (dubious ownership); use a folder of it (%s/root)", gitSyncCtr, root, root)
	}
	if vol.ReadOnly {
		problem("%s's volume %s is mounted read-only", gitSyncCtr, vol.Name)
	}
	if !within(linkPath, vol.MountPath) {
		problem("%s's link %s is outside its volume %s (%s)", gitSyncCtr, linkPath, vol.Name, vol.MountPath)
	}
	for _, v := range pod.Volumes {
		if v.Name != vol.Name {
			continue
		}
		switch {
		case v.EmptyDir == nil:
			problem("the volume %s is not an emptyDir: each pod's git-sync needs its own", v.Name)
		case v.EmptyDir.Medium == corev1.StorageMediumMemory:
			problem("the volume %s is in memory: the checkout would count against the pod's memory, which sshblog's budget does not allow for", v.Name)
		case v.EmptyDir.SizeLimit == nil:
			problem("the volume %s has no sizeLimit: a large repository could fill the node's disk", v.Name)
		}
	}
	var sm *corev1.VolumeMount
	for i, m := range sb.VolumeMounts {
		if m.Name == vol.Name {
			sm = &sb.VolumeMounts[i]
		}
	}
	switch {
	case sm == nil:
		problem("%s does not mount the volume %s", container, vol.Name)
	case path.Clean(sm.MountPath) != path.Clean(vol.MountPath):
		problem("%s mounts %s at %s, %s at %s: mount it at the same path, so that %s reads as --root and --link", container, vol.Name, sm.MountPath, gitSyncCtr, vol.MountPath, contentVar)
	case !sm.ReadOnly:
		problem("%s's mount of %s is writable: it only reads the posts", container, vol.Name)
	}
	if slices.ContainsFunc(sb.Args, func(a string) bool { return a == "--content" || strings.HasPrefix(a, "--content=") }) {
		problem("%s's args set --content, which wins over %s", container, contentVar)
	}
	content, _ := env(sb, contentVar)
	switch {
	case content == "":
		problem("%s is not set: sshblog would serve its embedded posts", contentVar)
	case path.Clean(content) == path.Clean(root):
		problem("%s=%s is git-sync's --root, which holds git's dot-folders and the link: sshblog would serve an empty blog; point it at the link %s", contentVar, content, linkPath)
	case !within(content, linkPath):
		problem("%s=%s is not git-sync's link %s (or below it): sshblog would not see new commits", contentVar, content, linkPath)
	}
	return p
}
