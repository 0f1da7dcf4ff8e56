package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// maxHostKeySize bounds what LoadHostKey reads: an OpenSSH ed25519 key is
// about 400 bytes, so anything near this is not a key (--host-key
// /dev/zero must not read until the machine runs out of memory).
const maxHostKeySize = 64 << 10

// staleTempAge is how old a leftover temporary key file (from a start that
// was killed while generating the key) must be before LoadHostKey removes
// it. Younger ones may belong to another replica writing right now.
const staleTempAge = time.Minute

// hostKeyHook, when set (by tests only), is called at each stage of
// generating a key: "created" once the temporary file exists and is still
// empty, "synced" once the key is written and fsynced but not yet in
// place. A test pauses there and kills the process.
var hostKeyHook func(stage, tmp string)

// LoadHostKey reads the ed25519 host key at path, creating it (mode 0600,
// folder 0700) when the file does not exist. A key that exists but cannot
// be read or parsed is an error: replacing it would change the fingerprint
// every returning reader has pinned, so that is left to the operator.
//
// It treats the key as sshd does: a key the running user owns that group
// or others may read is refused (a key owned by someone else, such as a
// Kubernetes Secret mounted 0440 root:GROUP, is accepted); only a regular
// file, or a symlink to one, of at most 64 KiB is read; and a new key is
// written to a temporary file in the same folder, fsynced, and only then
// linked into place, so a start killed half-way leaves no partial key.
func LoadHostKey(path string) (signer gossh.Signer, created bool, err error) {
	removeStaleHostKeyTemps(path)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return createHostKey(path)
	}
	signer, err = readHostKey(path)
	return signer, false, err
}

// readHostKey loads the existing key at path.
func readHostKey(path string) (gossh.Signer, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// Lstat found it, Stat did not: a dangling symlink.
			target, _ := os.Readlink(path)
			return nil, fmt.Errorf("host key %s: is a symlink to %s, which does not exist: restore the key there, or remove the link to generate a new key", path, target)
		}
		return nil, fmt.Errorf("host key %s: %w: make it readable by this user (or point --host-key elsewhere)", path, err)
	}
	if err := checkHostKeyFileType(path, st); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should the path become a FIFO between Stat and here,
	// opening it must not wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|hostKeyOpenFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w: make it readable by this user (or point --host-key elsewhere)", path, err)
	}
	defer f.Close()
	// Check what was opened, not what was there a moment before.
	if st, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("host key %s: %w", path, err)
	}
	if err := checkHostKeyFileType(path, st); err != nil {
		return nil, err
	}
	if err := checkHostKeyMode(path, st); err != nil {
		return nil, err
	}
	if st.Size() > maxHostKeySize {
		return nil, hostKeyTooLarge(path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHostKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("host key %s: %w: make it readable by this user (or point --host-key elsewhere)", path, err)
	}
	if len(data) > maxHostKeySize {
		return nil, hostKeyTooLarge(path)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("host key %s: is empty (perhaps a start was killed while an older sshblog wrote it): restore the key from a backup, or delete the file to generate a new one (readers will see a new fingerprint)", path)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: not a valid private key (%v): restore it from a backup, or delete it to generate a new one (readers will see a new fingerprint)", path, err)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		return nil, fmt.Errorf("host key %s: is a %s key, want ed25519: generate one with ssh-keygen -t ed25519 -f %s", path, signer.PublicKey().Type(), path)
	}
	return signer, nil
}

func checkHostKeyFileType(path string, st fs.FileInfo) error {
	switch m := st.Mode(); {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("host key %s: is a directory, not a key file: point --host-key at the key file inside it (for example %s)", path, filepath.Join(path, "id_ed25519"))
	default:
		return fmt.Errorf("host key %s: is not a regular file (%s): point --host-key at an ed25519 key file, or at a path where one may be generated", path, fileKind(m))
	}
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	default:
		return "mode " + m.String()
	}
}

func hostKeyTooLarge(path string) error {
	return fmt.Errorf("host key %s: is larger than %d KiB, so it is not an ed25519 key: point --host-key at the key file", path, maxHostKeySize>>10)
}

// checkHostKeyMode refuses, as OpenSSH does, a key the running user owns
// that group or others may read or write.
func checkHostKeyMode(path string, st fs.FileInfo) error {
	uid, ok := fileOwner(st)
	if !ok || uid != os.Getuid() || st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	return fmt.Errorf("host key %s: mode %04o lets group or others read it (sshd refuses such a key too): run chmod 600 %s", path, st.Mode().Perm(), path)
}

// hostKeyTempPrefix is the name prefix of the temporary files a new key is
// written to, in the key's own folder.
func hostKeyTempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// removeStaleHostKeyTemps removes, best effort, the temporary key files a
// start killed while generating the key left behind. They never stop a
// restart (their names are random), but each holds a private key.
func removeStaleHostKeyTemps(path string) {
	dir, prefix := filepath.Dir(path), hostKeyTempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func createHostKey(path string) (gossh.Signer, bool, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("generating host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "sshblog host key")
	if err != nil {
		return nil, false, fmt.Errorf("encoding host key: %w", err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("encoding host key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("host key %s: creating its folder: %w: make %s writable by this user (or point --host-key elsewhere)", path, err, dir)
	}

	// The key goes to a temporary file (mode 0600) in the same folder,
	// written and fsynced before it is given the key's name: a start
	// killed at any point leaves either no key or a whole one.
	f, err := os.CreateTemp(dir, hostKeyTempPrefix(path)+"*")
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: creating it: %w: make %s writable by this user (or point --host-key elsewhere)", path, err, dir)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the link, or on failure
	if hostKeyHook != nil {
		hostKeyHook("created", tmp)
	}
	_, err = f.Write(pem.EncodeToMemory(block))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: writing it: %w", path, err)
	}
	if hostKeyHook != nil {
		hostKeyHook("synced", tmp)
	}

	placed, err := placeHostKey(tmp, path)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: putting it in place: %w: make %s writable by this user (or point --host-key elsewhere)", path, err, dir)
	}
	if !placed {
		// Another replica or process wrote the key meanwhile: use theirs,
		// so every one of them presents the same key.
		signer, err := readHostKey(path)
		return signer, false, err
	}
	if err := syncDir(dir); err != nil {
		return nil, false, fmt.Errorf("host key %s: syncing folder %s: %w", path, dir, err)
	}
	return signer, true, nil
}

// placeHostKey gives the finished temporary file tmp the name path unless
// something is already there; placed is false when something was.
func placeHostKey(tmp, path string) (placed bool, err error) {
	// A hard link never replaces an existing file.
	err = os.Link(tmp, path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrExist):
		return false, nil
	}
	// No hard links on this file system: rename, having checked that
	// nothing is there (a narrow race with another replica remains).
	if _, lerr := os.Lstat(path); lerr == nil {
		return false, nil
	} else if !errors.Is(lerr, fs.ErrNotExist) {
		return false, lerr
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, err
	}
	return true, nil
}

// Fingerprint is the SHA256 fingerprint readers see, as ssh-keygen -l
// prints it.
func Fingerprint(key gossh.PublicKey) string {
	return gossh.FingerprintSHA256(key)
}
