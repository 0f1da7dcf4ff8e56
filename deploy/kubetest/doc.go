// Package kubetest checks the deployment files under deploy/: the
// Kubernetes manifests and kustomize overlays decode strictly into the
// Kubernetes API types (an unknown or misspelt field fails) and say what
// the hosting guide promises, and compose.yaml is a valid Compose file.
// In the git-sync overlay, sshblog reads the link git-sync flips, from the
// volume git-sync writes, and git-sync runs unprivileged before it
// (gitsync_test.go).
// The memory limits of the Deployment, the Compose file and the
// Dockerfile's docker run example fit their GOMEMLIMIT, session and
// connection caps (memory_test.go has the figures).
//
// It is its own module so that the server's module does not depend on
// Kubernetes. Run it with:
//
//	(cd deploy/kubetest && go test ./...)
package kubetest
