package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := kv[k]
		return v, ok
	}
}

func runCmd(t *testing.T, environ map[string]string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	status = run(args, &out, &errOut, env(environ))
	return out.String(), errOut.String(), status
}

func TestHelpListsEveryFlagWithEnvAndDefault(t *testing.T) {
	out, _, status := runCmd(t, nil, "--help")
	if status != 0 {
		t.Fatalf("--help exit status %d", status)
	}
	for _, want := range []string{
		"--addr", "SSHBLOG_ADDR", "default :23234",
		"--host-key", "SSHBLOG_HOST_KEY", "default .ssh/id_ed25519",
		"--content", "SSHBLOG_CONTENT",
		"serve", "check", "healthcheck", "fingerprint", "version",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--help does not mention %q:\n%s", want, out)
		}
	}
}

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	badPosts := filepath.Join(dir, "posts")
	os.MkdirAll(badPosts, 0o755)
	os.WriteFile(filepath.Join(badPosts, "2020-01-01-bad.md"), []byte("---\ndate: 2020-01-01 24:30:00\n---\nbody\n"), 0o644)

	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantStatus int
		wantOut    string // in stdout or stderr
	}{
		{"version", nil, []string{"version"}, 0, "sshblog "},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", nil, []string{"serve", "--nope"}, 2, "not defined: -nope"},
		{"bad env value", map[string]string{"SSHBLOG_FUTURE": "maybe"}, []string{"check"}, 2, "SSHBLOG_FUTURE"},
		{"check embedded posts", nil, []string{"check"}, 0, "0 errors"},
		{"serve with no loadable post", nil, []string{"serve", "--content", badPosts, "--addr", "127.0.0.1:0", "--host-key", filepath.Join(dir, "key")}, 1, "no post could be loaded"},
		{"check broken folder", nil, []string{"check", "--content", badPosts}, 1, "2020-01-01-bad.md:2: "},
		{"check broken folder from env", map[string]string{"SSHBLOG_CONTENT": badPosts}, []string{"check"}, 1, "1 error"},
		{"flag wins over env", map[string]string{"SSHBLOG_CONTENT": badPosts}, []string{"check", "--content", filepath.Join(dir, "missing")}, 1, "missing"},
		{"missing content folder", nil, []string{"check", "--content", filepath.Join(dir, "missing")}, 1, "--content"},
		{"fingerprint without key", nil, []string{"fingerprint", "--host-key", filepath.Join(dir, "nokey")}, 1, "nokey"},
		{"healthcheck nothing listening", nil, []string{"healthcheck", "--addr", "127.0.0.1:1"}, 1, "127.0.0.1:1"},
		{"healthcheck bad addr", nil, []string{"healthcheck", "--addr", "nonsense"}, 2, "--addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runCmd(t, tt.env, tt.args...)
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", status, tt.wantStatus, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.wantOut) {
				t.Errorf("output does not contain %q\nstdout: %s\nstderr: %s", tt.wantOut, out, errOut)
			}
		})
	}
}
