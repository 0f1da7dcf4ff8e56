//go:build unix

package server_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/server"
)

const (
	hkHelperEnv = "SSHBLOG_TEST_HOSTKEY_HELPER" // the key path
	hkStageEnv  = "SSHBLOG_TEST_HOSTKEY_STAGE"  // where to pause
	hkMarkEnv   = "SSHBLOG_TEST_HOSTKEY_MARK"   // written once paused
)

// TestHostKeyHelperProcess is not a test: TestHostKeyKilledWhileWriting
// runs this test binary again with it, to be killed while it generates a
// host key.
func TestHostKeyHelperProcess(t *testing.T) {
	path := os.Getenv(hkHelperEnv)
	if path == "" {
		t.Skip("helper process of TestHostKeyKilledWhileWriting")
	}
	stage, mark := os.Getenv(hkStageEnv), os.Getenv(hkMarkEnv)
	server.SetHostKeyHook(func(s, tmp string) {
		if s != stage {
			return
		}
		if err := os.WriteFile(mark+".tmp", []byte(tmp), 0o600); err != nil {
			panic(err)
		}
		if err := os.Rename(mark+".tmp", mark); err != nil {
			panic(err)
		}
		time.Sleep(time.Minute) // SIGKILL arrives here
	})
	_, _, err := server.LoadHostKey(path)
	t.Fatalf("LoadHostKey returned (err=%v); the process should have been killed at stage %q", err, stage)
}

// kill -9 while the first host key is being written must leave no key at
// all (not a 0-byte or partial one that fails every restart), and the
// next start must generate a good key.
func TestHostKeyKilledWhileWriting(t *testing.T) {
	for _, stage := range []string{"created", "synced"} {
		t.Run(stage, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".ssh", "id_ed25519")
			mark := filepath.Join(t.TempDir(), "paused")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostKeyHelperProcess$", "-test.count=1", "-test.timeout=2m")
			cmd.Env = append(os.Environ(), hkHelperEnv+"="+path, hkStageEnv+"="+stage, hkMarkEnv+"="+mark)
			// A file, not a buffer: it is read while the helper runs.
			out, err := os.Create(filepath.Join(t.TempDir(), "helper.out"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			cmd.Stdout, cmd.Stderr = out, out
			output := func() string { b, _ := os.ReadFile(out.Name()); return string(b) }
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})

			// Wait for the helper to pause with the temporary file written.
			var tmp string
			deadline := time.After(60 * time.Second)
			for tmp == "" {
				select {
				case err := <-exited:
					exited <- err
					t.Fatalf("helper exited before pausing (%v):\n%s", err, output())
				case <-deadline:
					t.Fatalf("helper did not pause within 60s:\n%s", output())
				case <-time.After(10 * time.Millisecond):
				}
				if b, err := os.ReadFile(mark); err == nil {
					tmp = string(b)
				}
			}
			st, err := os.Stat(tmp)
			if err != nil {
				t.Fatalf("temporary key file: %v", err)
			}
			if filepath.Dir(tmp) != filepath.Dir(path) || !strings.HasPrefix(filepath.Base(tmp), ".id_ed25519.tmp-") {
				t.Fatalf("temporary key file %s, want .id_ed25519.tmp-* next to %s", tmp, path)
			}
			if wantEmpty := stage == "created"; (st.Size() == 0) != wantEmpty {
				t.Fatalf("at stage %s the temporary file has %d bytes", stage, st.Size())
			}
			if st.Mode().Perm() != 0o600 {
				t.Fatalf("temporary key file has mode %04o, want 0600", st.Mode().Perm())
			}

			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err = <-exited
			exited <- err
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) {
				t.Fatalf("helper: %v", err)
			}
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("helper was not killed by SIGKILL: %v\n%s", err, output())
			}

			if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
				data, _ := os.ReadFile(path)
				t.Fatalf("after kill -9 there is a key file (%d bytes, %v): every restart would use or fail on it", len(data), err)
			}

			// The restart.
			signer, created, err := server.LoadHostKey(path)
			if err != nil || !created {
				t.Fatalf("restart: created=%v err=%v", created, err)
			}
			hkCheckNewKey(t, path, signer)

			// The dead start's temporary file is ignored while fresh and
			// removed once stale.
			if _, err := os.Stat(tmp); err != nil {
				t.Fatalf("fresh temporary file removed: %v", err)
			}
			long := time.Now().Add(-time.Hour)
			if err := os.Chtimes(tmp, long, long); err != nil {
				t.Fatal(err)
			}
			again, _, err := server.LoadHostKey(path)
			if err != nil || server.Fingerprint(again.PublicKey()) != server.Fingerprint(signer.PublicKey()) {
				t.Fatalf("load after cleanup: err=%v", err)
			}
			if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("stale temporary key file %s not removed: %v", tmp, err)
			}
		})
	}
}

// As sshd: a key the running user owns that group or others may read is
// refused, with the command that fixes it.
func TestHostKeyModeOfOwnKey(t *testing.T) {
	for _, tt := range []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true}, {0o400, true}, {0o700, true},
		{0o644, false}, {0o640, false}, {0o604, false}, {0o660, false}, {0o440, false}, {0o666, false},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "id_ed25519")
			data, want := hkEd25519(t)
			hkWrite(t, path, data, tt.mode)
			signer, created, err := server.LoadHostKey(path)
			if tt.ok {
				if err != nil || created || server.Fingerprint(signer.PublicKey()) != server.Fingerprint(want.PublicKey()) {
					t.Fatalf("created=%v err=%v", created, err)
				}
				return
			}
			if err == nil {
				t.Fatal("key readable by group or others was accepted")
			}
			for _, w := range []string{path, "chmod 600 " + path, "group or others"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Error("the key was changed")
			}
		})
	}
}

// A key owned by another user is accepted whatever its mode, as sshd
// does: a Kubernetes Secret is mounted 0440 root:65532 for uid 65532.
func TestHostKeyOwnedByAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give the key to another user")
	}
	for _, mode := range []os.FileMode{0o440, 0o644} {
		path := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
		data, want := hkEd25519(t)
		hkWrite(t, path, data, mode)
		if err := os.Chown(path, 65532, 65532); err != nil {
			t.Skipf("chown: %v", err)
		}
		got, created, err := server.LoadHostKey(path)
		if err != nil || created || server.Fingerprint(got.PublicKey()) != server.Fingerprint(want.PublicKey()) {
			t.Fatalf("mode %04o owned by 65532: created=%v err=%v", mode, created, err)
		}
	}
}

// A FIFO at the path is an error at once: opening it must not wait for
// a writer.
func TestHostKeyFIFOIsAnErrorWithoutBlocking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id_ed25519")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	type result struct {
		created bool
		err     error
	}
	done := make(chan result, 1)
	go func() {
		_, created, err := server.LoadHostKey(path)
		done <- result{created, err}
	}()
	select {
	case r := <-done:
		if r.err == nil || r.created {
			t.Fatalf("created=%v err=%v, want an error", r.created, r.err)
		}
		for _, w := range []string{path, "not a regular file", "FIFO"} {
			if !strings.Contains(r.err.Error(), w) {
				t.Errorf("error %q does not say %q", r.err, w)
			}
		}
	case <-time.After(5 * time.Second):
		// Unblock the stuck open so the test binary can exit.
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		t.Fatal("LoadHostKey blocked on a FIFO")
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", st, err)
	}
}

// A symlink to nothing is an error, not a reason to write through it.
func TestHostKeyDanglingSymlinkIsAnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "id_ed25519")
	if err := os.Symlink(filepath.Join(dir, "missing"), path); err != nil {
		t.Fatal(err)
	}
	_, created, err := server.LoadHostKey(path)
	if err == nil || created {
		t.Fatalf("created=%v err=%v, want an error", created, err)
	}
	for _, w := range []string{path, "symlink", "does not exist"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a key was written through the dangling symlink")
	}
}
