package server_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/server"
)

// hkKeyPEM is a fresh private key in OpenSSH's PEM format, and its signer.
func hkKeyPEM(t testing.TB, key any) ([]byte, gossh.Signer) {
	t.Helper()
	block, err := gossh.MarshalPrivateKey(key, "test")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), signer
}

func hkEd25519(t testing.TB) ([]byte, gossh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return hkKeyPEM(t, priv)
}

// hkWrite writes data to path with exactly mode (whatever the umask).
func hkWrite(t testing.TB, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// hkTemps lists the temporary key files LoadHostKey left next to path.
func hkTemps(t testing.TB, path string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var temps []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(path)+".tmp-") {
			temps = append(temps, filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
	return temps
}

// hkCheckNewKey checks that path now holds a whole ed25519 key, mode 0600,
// that signer is, and that loading it again gives the same fingerprint.
func hkCheckNewKey(t testing.TB, path string, signer gossh.Signer) {
	t.Helper()
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("key type %s, want ed25519", signer.PublicKey().Type())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatalf("key on disk does not parse (%v):\n%s", err, data)
	}
	if !bytes.Equal(onDisk.PublicKey().Marshal(), signer.PublicKey().Marshal()) {
		t.Fatal("the key on disk is not the key LoadHostKey returned")
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("new key has mode %04o, want 0600", st.Mode().Perm())
		}
	}
	again, created, err := server.LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("loading the new key again: created=%v err=%v", created, err)
	}
	if server.Fingerprint(again.PublicKey()) != server.Fingerprint(signer.PublicKey()) {
		t.Fatal("fingerprint changed between loads")
	}
}

func TestHostKeyGeneratedOnceAndStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep", ".ssh", "id_ed25519")
	signer, created, err := server.LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first load: created=%v err=%v", created, err)
	}
	hkCheckNewKey(t, path, signer)
	if temps := hkTemps(t, path); len(temps) != 0 {
		t.Fatalf("temporary files left behind: %v", temps)
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(filepath.Dir(path))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o700 {
			t.Fatalf("new key folder has mode %04o, want 0700", st.Mode().Perm())
		}
	}
	fp := server.Fingerprint(signer.PublicKey())
	if !strings.HasPrefix(fp, "SHA256:") {
		t.Fatalf("fingerprint %q", fp)
	}
	for range 3 {
		again, created, err := server.LoadHostKey(path)
		if err != nil || created || server.Fingerprint(again.PublicKey()) != fp {
			t.Fatalf("reload: created=%v err=%v fingerprint %s, want %s", created, err, server.Fingerprint(again.PublicKey()), fp)
		}
	}
}

// A key written by ssh-keygen's format (what an operator brings) loads
// as it is, and keeps its fingerprint.
func TestHostKeyExistingKeyRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
	data, want := hkEd25519(t)
	hkWrite(t, path, data, 0o600)
	got, created, err := server.LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if server.Fingerprint(got.PublicKey()) != server.Fingerprint(want.PublicKey()) {
		t.Fatal("fingerprint of the loaded key differs from the file's")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
		t.Fatal("loading rewrote the key file")
	}
}

// Kubernetes mounts a Secret's files as symlinks (key -> ..data/key).
func TestHostKeySymlinkToKeyIsFollowed(t *testing.T) {
	dir := t.TempDir()
	data, want := hkEd25519(t)
	if err := os.Mkdir(filepath.Join(dir, "..2026_01_01"), 0o755); err != nil {
		t.Fatal(err)
	}
	hkWrite(t, filepath.Join(dir, "..2026_01_01", "key"), data, 0o600)
	path := filepath.Join(dir, "key")
	if err := os.Symlink("..data/key", path); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if err := os.Symlink("..2026_01_01", filepath.Join(dir, "..data")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	got, created, err := server.LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	if server.Fingerprint(got.PublicKey()) != server.Fingerprint(want.PublicKey()) {
		t.Fatal("wrong key through the symlink")
	}
}

// Whatever is at the path and is not a usable key is an error that names
// the path and says what to do; it is never replaced, and the error comes
// at once (nothing is read without a bound, nothing blocks).
func TestHostKeyUnusableFileIsAnError(t *testing.T) {
	ecdsaKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecdsaPEM, _ := hkKeyPEM(t, ecdsaKey)
	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the path
		want  []string                  // in the error, besides the path
	}{
		{"corrupt", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "id_ed25519")
			hkWrite(t, p, []byte("not a key"), 0o600)
			return p
		}, []string{"not a valid private key", "restore it from a backup"}},
		{"empty (a 0-byte file an older version left)", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "id_ed25519")
			hkWrite(t, p, nil, 0o600)
			return p
		}, []string{"is empty", "delete the file"}},
		{"not ed25519", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "id_ecdsa")
			hkWrite(t, p, ecdsaPEM, 0o600)
			return p
		}, []string{"ecdsa", "want ed25519", "ssh-keygen -t ed25519"}},
		{"1 MB file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "id_ed25519")
			hkWrite(t, p, bytes.Repeat([]byte("A"), 1<<20), 0o600)
			return p
		}, []string{"larger than 64 KiB"}},
		{"one byte over the limit", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "id_ed25519")
			hkWrite(t, p, bytes.Repeat([]byte("A"), server.MaxHostKeySize+1), 0o600)
			return p
		}, []string{"larger than 64 KiB"}},
		{"directory", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "keys")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{"is a directory", filepath.Join("keys", "id_ed25519")}},
		{"/dev/zero", func(t *testing.T) string {
			if _, err := os.Stat("/dev/zero"); err != nil {
				t.Skip("no /dev/zero here")
			}
			return "/dev/zero"
		}, []string{"not a regular file", "character device"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t)
			before, _ := os.Lstat(path)
			var beforeData []byte
			if before.Mode().IsRegular() {
				beforeData, _ = os.ReadFile(path)
			}
			start := time.Now()
			signer, created, err := server.LoadHostKey(path)
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("LoadHostKey took %v", took)
			}
			if err == nil || signer != nil || created {
				t.Fatalf("signer=%v created=%v err=%v, want an error", signer, created, err)
			}
			for _, w := range append([]string{path}, tt.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			after, aerr := os.Lstat(path)
			if aerr != nil || after.Mode() != before.Mode() || !os.SameFile(before, after) {
				t.Errorf("the file at the path was replaced or changed: before %v, after %v (%v)", before.Mode(), after, aerr)
			}
			if before.Mode().IsRegular() {
				if afterData, _ := os.ReadFile(path); !bytes.Equal(afterData, beforeData) {
					t.Error("the file's contents changed")
				}
			}
			if path != "/dev/zero" {
				if temps := hkTemps(t, path); len(temps) != 0 {
					t.Errorf("temporary files left: %v", temps)
				}
			}
		})
	}
}

// Another replica (or process) sharing the folder puts its key in place
// while this one is writing its own: this one must use theirs, not
// overwrite it, so both present the same key.
func TestHostKeyOtherReplicaWinsTheRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id_ed25519")
	theirs, theirSigner := hkEd25519(t)
	restore := server.SetHostKeyHook(func(stage, tmp string) {
		if stage == "synced" {
			hkWrite(t, path, theirs, 0o600)
		}
	})
	defer restore()
	got, created, err := server.LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("created=%v err=%v, want the other replica's key", created, err)
	}
	if server.Fingerprint(got.PublicKey()) != server.Fingerprint(theirSigner.PublicKey()) {
		t.Fatal("LoadHostKey returned its own key, not the one already in place")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, theirs) {
		t.Fatal("the other replica's key was overwritten")
	}
	if temps := hkTemps(t, path); len(temps) != 0 {
		t.Fatalf("temporary files left: %v", temps)
	}
}

// Many starts at once on an empty folder: one key, one creator, the same
// fingerprint everywhere.
func TestHostKeyConcurrentStartsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".ssh", "id_ed25519")
	const n = 16
	var (
		wg       sync.WaitGroup
		fps      [n]string
		creators [n]bool
		errs     [n]error
	)
	for i := range n {
		wg.Go(func() {
			s, c, err := server.LoadHostKey(path)
			errs[i], creators[i] = err, c
			if err == nil {
				fps[i] = server.Fingerprint(s.PublicKey())
			}
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if fps[i] != fps[0] {
			t.Fatalf("start %d got %s, start 0 got %s", i, fps[i], fps[0])
		}
		if creators[i] {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d starts say they created the key, want 1", created)
	}
	if temps := hkTemps(t, path); len(temps) != 0 {
		t.Fatalf("temporary files left: %v", temps)
	}
}

// Temporary files a killed start left behind never stop a restart; old
// ones (each holds a private key nobody uses) are removed.
func TestHostKeyStaleTempFilesAreHarmless(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "id_ed25519")
	old := filepath.Join(dir, ".id_ed25519.tmp-111")
	fresh := filepath.Join(dir, ".id_ed25519.tmp-222")
	other := filepath.Join(dir, ".other.tmp-333")
	for _, p := range []string{old, fresh, other} {
		hkWrite(t, p, nil, 0o600)
	}
	long := time.Now().Add(-time.Hour)
	for _, p := range []string{old, other} {
		if err := os.Chtimes(p, long, long); err != nil {
			t.Fatal(err)
		}
	}
	signer, created, err := server.LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("created=%v err=%v", created, err)
	}
	hkCheckNewKey(t, path, signer)
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary key %s not removed (%v)", old, err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary key (another replica's, perhaps) removed: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file not ours was removed: %v", err)
	}
}
