package kubetest

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	kustomize "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

const (
	manifestDir = "../kubernetes"
	baseDir     = "../kubernetes/base"
	overlayDir  = "../kubernetes/overlays/proxy-protocol"
	// The image's user (Dockerfile: USER 65532:65532) and SSH port.
	imageUID  = 65532
	sshPort   = 2222
	proxyVar  = "SSHBLOG_PROXY_PROTOCOL_FROM"
	graceVar  = "SSHBLOG_SHUTDOWN_GRACE"
	hostKey   = "SSHBLOG_HOST_KEY"
	container = "sshblog"
)

// Every YAML file under deploy/kubernetes, patches included, decodes
// strictly into the Kubernetes (or kustomize) type its kind names.
func TestEveryManifestDecodesStrictly(t *testing.T) {
	var files []string
	err := filepath.WalkDir(manifestDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("found only %d manifests under %s: %v", len(files), manifestDir, files)
	}
	kinds := map[string]int{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		docs := splitDocuments(data)
		if len(docs) == 0 {
			t.Errorf("%s: no YAML document", file)
		}
		for i, doc := range docs {
			obj, err := decodeObject(doc)
			if err != nil {
				t.Errorf("%s (document %d): %v", file, i+1, err)
				continue
			}
			kinds[typeName(obj)]++
		}
	}
	t.Logf("decoded %d files: %v", len(files), kinds)
}

func typeName(v any) string {
	switch v.(type) {
	case *appsv1.Deployment:
		return "Deployment"
	case *corev1.Service:
		return "Service"
	case *policyv1.PodDisruptionBudget:
		return "PodDisruptionBudget"
	case *corev1.Secret:
		return "Secret"
	case *kustomize.Kustomization:
		return "Kustomization"
	}
	return "?"
}

// The strict decoder catches the mistakes a lenient one lets through.
func TestStrictDecodingRejectsMistakes(t *testing.T) {
	for name, doc := range map[string]string{
		"misspelt field":           "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replica: 3\n",
		"wrong case":               "apiVersion: apps/v1\nkind: Deployment\nspec:\n  Replicas: 3\n",
		"field at the wrong level": "apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 22\n      externalTrafficPolicy: Local\n",
		"duplicate field":          "apiVersion: v1\nkind: Service\nspec:\n  type: LoadBalancer\n  type: NodePort\n",
		"wrong type":               "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: three\n",
		"unknown kind":             "apiVersion: v1\nkind: Pod\nspec: {}\n",
		"misspelt kustomization":   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - a.yaml\n",
	} {
		if _, err := decodeObject([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without an error:\n%s", name, doc)
		}
	}
}

// build runs kustomize on dir, as kubectl apply -k does, and decodes every
// resulting object strictly.
func build(t *testing.T, dir string) (dep *appsv1.Deployment, svc *corev1.Service, pdb *policyv1.PodDisruptionBudget) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	for _, r := range resources.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj, err := decodeObject(doc)
		if err != nil {
			t.Fatalf("kustomize build %s: %v\n%s", dir, err, doc)
		}
		switch o := obj.(type) {
		case *appsv1.Deployment:
			dep = o
		case *corev1.Service:
			svc = o
		case *policyv1.PodDisruptionBudget:
			pdb = o
		default:
			t.Errorf("kustomize build %s: unexpected %s %s", dir, typeName(obj), r.GetName())
		}
	}
	if dep == nil || svc == nil || pdb == nil {
		t.Fatalf("kustomize build %s: want a Deployment, a Service and a PodDisruptionBudget, got %d objects", dir, resources.Size())
	}
	return dep, svc, pdb
}

func TestBase(t *testing.T) {
	dep, svc, pdb := build(t, baseDir)
	checkDeployment(t, dep)
	checkService(t, svc, dep)
	checkPDB(t, pdb, dep)
	if v, ok := env(sshblogContainer(t, dep), proxyVar); ok {
		t.Errorf("the base sets %s=%q: PROXY protocol is the overlay's", proxyVar, v)
	}
}

func TestProxyProtocolOverlay(t *testing.T) {
	dep, svc, pdb := build(t, overlayDir)
	// The patch adds to the base; everything the base promises still holds.
	checkDeployment(t, dep)
	checkService(t, svc, dep)
	checkPDB(t, pdb, dep)

	c := sshblogContainer(t, dep)
	v, ok := env(c, proxyVar)
	if !ok || strings.TrimSpace(v) == "" {
		t.Fatalf("the overlay does not set %s", proxyVar)
	}
	// The same syntax the server accepts: CIDRs or addresses, commas.
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		p, err := netip.ParsePrefix(item)
		if err != nil {
			a, aerr := netip.ParseAddr(item)
			if aerr != nil {
				t.Errorf("%s: %q is neither a CIDR nor an address", proxyVar, item)
				continue
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		// The probes connect from the pod's loopback without a header.
		for _, lo := range []string{"127.0.0.1", "::1"} {
			if p.Contains(netip.MustParseAddr(lo)) {
				t.Errorf("%s=%q covers %s, where the probes connect from without a PROXY header", proxyVar, v, lo)
			}
		}
	}

	base, _, _ := build(t, baseDir)
	for _, e := range sshblogContainer(t, base).Env {
		if got, ok := env(c, e.Name); !ok || got != e.Value {
			t.Errorf("the overlay lost or changed %s (base %q, overlay %q)", e.Name, e.Value, got)
		}
	}
}

func sshblogContainer(t *testing.T, dep *appsv1.Deployment) *corev1.Container {
	t.Helper()
	cs := dep.Spec.Template.Spec.Containers
	if len(cs) != 1 || cs[0].Name != container {
		t.Fatalf("want one container named %s, got %d", container, len(cs))
	}
	return &cs[0]
}

func env(c *corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

func checkDeployment(t *testing.T, dep *appsv1.Deployment) {
	spec := dep.Spec
	pod := spec.Template.Spec
	c := sshblogContainer(t, dep)

	if spec.Replicas == nil || *spec.Replicas != 3 {
		t.Errorf("replicas: %v, want 3", deref(spec.Replicas))
	}
	if spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || spec.Strategy.RollingUpdate == nil {
		t.Fatalf("strategy %q, want RollingUpdate with its parameters", spec.Strategy.Type)
	}
	ru := spec.Strategy.RollingUpdate
	// Zero at any scale, not only at 3 replicas (25% of 3 rounds down to 0).
	if n := scaled(t, ru.MaxUnavailable, 1000, false); n != 0 {
		t.Errorf("maxUnavailable %s: replicas may be down during an update, want 0", ru.MaxUnavailable.String())
	}
	if n := scaled(t, ru.MaxSurge, 3, true); n < 1 {
		t.Errorf("maxSurge %v: with maxUnavailable 0 the update could never start", ru.MaxSurge)
	}
	sel, err := metaSelector(spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(spec.Template.Labels)) {
		t.Errorf("the selector %v does not match the pod labels %v (%v)", spec.Selector, spec.Template.Labels, err)
	}

	// Non-root, read-only, without capabilities.
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		t.Error("pod securityContext.runAsNonRoot is not true")
	}
	if psc == nil || psc.RunAsUser == nil || *psc.RunAsUser != imageUID {
		t.Errorf("pod runAsUser is not %d, the image's user", imageUID)
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("pod seccompProfile is not RuntimeDefault")
	}
	sc := c.SecurityContext
	if sc == nil {
		t.Fatal("the container has no securityContext")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if sc.Privileged != nil && *sc.Privileged {
		t.Error("the container is privileged")
	}
	if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		t.Errorf("capabilities %+v, want drop [ALL] and nothing added", sc.Capabilities)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("automountServiceAccountToken is not false: the server needs no API access")
	}
	if pod.EnableServiceLinks == nil || *pod.EnableServiceLinks {
		t.Error("enableServiceLinks is not false: the Service sshblog would inject SSHBLOG_* variables")
	}

	// The SSH port.
	if addr, _ := env(c, "SSHBLOG_ADDR"); addr != ":2222" {
		t.Errorf("SSHBLOG_ADDR=%q, want \":2222\"", addr)
	}
	if !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool {
		return p.ContainerPort == sshPort && p.Name == "ssh" && (p.Protocol == "" || p.Protocol == corev1.ProtocolTCP)
	}) {
		t.Errorf("no TCP container port %d named ssh: %+v", sshPort, c.Ports)
	}

	// Startup: an SSH handshake with the server in the pod.
	if p := c.StartupProbe; p == nil || p.Exec == nil {
		t.Error("startupProbe is not an exec probe")
	} else {
		if len(p.Exec.Command) < 2 || p.Exec.Command[0] != "/sshblog" || p.Exec.Command[1] != "healthcheck" {
			t.Errorf("startupProbe runs %q, want /sshblog healthcheck", p.Exec.Command)
		}
		// healthcheck gives the handshake 5s (--healthcheck-timeout).
		if p.TimeoutSeconds <= 5 {
			t.Errorf("startupProbe timeoutSeconds %d: the kubelet would give up before healthcheck's own 5s timeout", p.TimeoutSeconds)
		}
	}
	// Readiness and liveness: the HTTP endpoints, on the port SSHBLOG_HTTP_ADDR opens.
	if addr, _ := env(c, "SSHBLOG_HTTP_ADDR"); addr != ":9222" {
		t.Errorf("SSHBLOG_HTTP_ADDR=%q, want \":9222\"", addr)
	}
	if !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == 9222 && p.Name == "http" }) {
		t.Errorf("no container port 9222 named http: %+v", c.Ports)
	}
	for name, want := range map[string]struct {
		p    *corev1.Probe
		path string
	}{"readinessProbe": {c.ReadinessProbe, "/readyz"}, "livenessProbe": {c.LivenessProbe, "/healthz"}} {
		if want.p == nil || want.p.HTTPGet == nil {
			t.Errorf("%s is not an HTTP probe", name)
			continue
		}
		if want.p.HTTPGet.Path != want.path || want.p.HTTPGet.Port.String() != "http" {
			t.Errorf("%s gets %s on port %s, want %s on http", name, want.p.HTTPGet.Path, want.p.HTTPGet.Port.String(), want.path)
		}
	}
	ann := dep.Spec.Template.Annotations
	if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != "9222" || ann["prometheus.io/path"] != "/metrics" {
		t.Errorf("pod template lacks the Prometheus scrape annotations: %v", ann)
	}

	// Resources.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, okReq := c.Resources.Requests[r]
		lim, okLim := c.Resources.Limits[r]
		if !okReq || !okLim {
			t.Errorf("%s: request and limit must both be set (request %v, limit %v)", r, req.String(), lim.String())
			continue
		}
		if req.Cmp(lim) > 0 {
			t.Errorf("%s request %s exceeds its limit %s", r, req.String(), lim.String())
		}
	}
	if v, ok := env(c, "GOMEMLIMIT"); ok {
		soft, err := resource.ParseQuantity(strings.TrimSuffix(v, "B"))
		lim := c.Resources.Limits[corev1.ResourceMemory]
		if err != nil || soft.Cmp(lim) >= 0 {
			t.Errorf("GOMEMLIMIT=%s must be below the memory limit %s (%v)", v, lim.String(), err)
		}
	}

	// The host key: one Secret, read-only, the same in every replica.
	keyPath, ok := env(c, hostKey)
	if !ok {
		t.Fatalf("%s is not set", hostKey)
	}
	var mount *corev1.VolumeMount
	for i, m := range c.VolumeMounts {
		if filepath.Dir(keyPath) == filepath.Clean(m.MountPath) {
			mount = &c.VolumeMounts[i]
		}
	}
	if mount == nil {
		t.Fatalf("%s=%s is on no volume mount", hostKey, keyPath)
	}
	if !mount.ReadOnly {
		t.Errorf("the host key mount %s is writable", mount.MountPath)
	}
	var vol *corev1.Volume
	for i := range pod.Volumes {
		if pod.Volumes[i].Name == mount.Name {
			vol = &pod.Volumes[i]
		}
	}
	if vol == nil || vol.Secret == nil {
		t.Fatalf("the host key's volume %q is not a Secret volume", mount.Name)
	}
	if vol.Secret.Optional != nil && *vol.Secret.Optional {
		t.Error("the host key Secret is optional: a replica without it would generate its own key")
	}
	file := filepath.Base(keyPath)
	if len(vol.Secret.Items) > 0 && !slices.ContainsFunc(vol.Secret.Items, func(k corev1.KeyToPath) bool { return k.Path == file }) {
		t.Errorf("the Secret's items %+v do not provide %s", vol.Secret.Items, file)
	}
	// Secret files belong to root, group fsGroup: the server reads the key
	// through the group bits.
	mode := int32(0o644)
	if vol.Secret.DefaultMode != nil {
		mode = *vol.Secret.DefaultMode
	}
	if mode&0o040 == 0 || psc == nil || psc.FSGroup == nil || *psc.FSGroup != imageUID {
		t.Errorf("the key file (mode %#o, owner root, group fsGroup) is not readable by uid %d", mode, imageUID)
	}
	if mode&0o007 != 0 {
		t.Errorf("the key file mode %#o lets every user read it", mode)
	}

	// A rolling update lets readers finish: the pod's grace period covers
	// the preStop pause and the server's own shutdown grace.
	grace := 10 * time.Second // the server's default
	if v, ok := env(c, graceVar); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s=%q: %v", graceVar, v, err)
		}
		grace = d
	}
	var preStop time.Duration
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
		if s := c.Lifecycle.PreStop.Sleep; s != nil {
			preStop = time.Duration(s.Seconds) * time.Second
		} else {
			t.Error("preStop is not a sleep action: the image has no shell to run a command")
		}
	}
	if pod.TerminationGracePeriodSeconds == nil {
		t.Fatal("terminationGracePeriodSeconds is not set (default 30s)")
	}
	if tgp := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second; tgp <= preStop+grace {
		t.Errorf("terminationGracePeriodSeconds %s is not more than preStop %s + %s %s: readers would be cut off", tgp, preStop, graceVar, grace)
	}
}

func checkService(t *testing.T, svc *corev1.Service, dep *appsv1.Deployment) {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		t.Errorf("Service type %q, want LoadBalancer", svc.Spec.Type)
	}
	if svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
		t.Errorf("externalTrafficPolicy %q, want Local", svc.Spec.ExternalTrafficPolicy)
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)) || len(svc.Spec.Selector) == 0 {
		t.Errorf("the Service selector %v does not select the pods %v", svc.Spec.Selector, dep.Spec.Template.Labels)
	}
	if len(svc.Spec.Ports) != 1 {
		t.Fatalf("want one Service port, got %+v", svc.Spec.Ports)
	}
	p := svc.Spec.Ports[0]
	target := p.TargetPort.IntValue()
	if p.TargetPort.Type == intstr.String {
		for _, cp := range sshblogContainer(t, dep).Ports {
			if cp.Name == p.TargetPort.StrVal {
				target = int(cp.ContainerPort)
			}
		}
	}
	if p.Port != 22 || target != sshPort || (p.Protocol != "" && p.Protocol != corev1.ProtocolTCP) {
		t.Errorf("Service port %d -> %s (%d) %s, want TCP 22 -> %d", p.Port, p.TargetPort.String(), target, p.Protocol, sshPort)
	}
}

func checkPDB(t *testing.T, pdb *policyv1.PodDisruptionBudget, dep *appsv1.Deployment) {
	sel, err := metaSelector(pdb.Spec.Selector)
	if err != nil || sel.Empty() || !sel.Matches(labels.Set(dep.Spec.Template.Labels)) {
		t.Errorf("the PodDisruptionBudget selector %v does not select the pods (%v)", pdb.Spec.Selector, err)
	}
	replicas := int(deref(dep.Spec.Replicas))
	var allowed int
	switch {
	case pdb.Spec.MaxUnavailable != nil && pdb.Spec.MinAvailable == nil:
		allowed = scaled(t, pdb.Spec.MaxUnavailable, replicas, true)
	case pdb.Spec.MinAvailable != nil && pdb.Spec.MaxUnavailable == nil:
		allowed = replicas - scaled(t, pdb.Spec.MinAvailable, replicas, true)
	default:
		t.Fatal("the PodDisruptionBudget must set exactly one of minAvailable and maxUnavailable")
	}
	// One at a time: drains make progress, and two replicas keep serving.
	if allowed != 1 {
		t.Errorf("the PodDisruptionBudget allows %d of %d replicas down at once, want 1", allowed, replicas)
	}
}

func scaled(t *testing.T, v *intstr.IntOrString, total int, roundUp bool) int {
	t.Helper()
	if v == nil {
		t.Fatal("an IntOrString is not set (the default is 25%)")
	}
	n, err := intstr.GetScaledValueFromIntOrPercent(v, total, roundUp)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func deref(p *int32) int32 {
	if p == nil {
		return -1
	}
	return *p
}

// The image and the manifests agree on the port, user, key and probe.
func TestDockerfileMatchesManifests(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	for _, want := range []string{
		`(?m)^FROM golang:1\.26\.8-bookworm AS build$`,
		`(?m)^FROM gcr\.io/distroless/static-debian12:nonroot$`,
		`(?m)^EXPOSE 2222 9222$`,
		`SSHBLOG_HTTP_ADDR=:9222`,
		`(?m)^USER 65532:65532$`,
		`(?m)^VOLUME \["/data"\]$`,
		`SSHBLOG_ADDR=:2222\b`,
		`SSHBLOG_HOST_KEY=/data/ssh_host_ed25519_key\b`,
		`CMD \["/sshblog", "healthcheck"\]`,
		`(?m)^ENTRYPOINT \["/sshblog"\]$`,
		`CGO_ENABLED=0`,
		`-trimpath`,
		`org\.opencontainers\.image\.source=`,
		`org\.opencontainers\.image\.version=`,
		`org\.opencontainers\.image\.licenses=`,
	} {
		if !regexp.MustCompile(want).MatchString(df) {
			t.Errorf("Dockerfile does not match %s", want)
		}
	}
}

func metaSelector(s *metav1.LabelSelector) (labels.Selector, error) {
	if s == nil {
		return nil, errors.New("no selector")
	}
	return metav1.LabelSelectorAsSelector(s)
}
