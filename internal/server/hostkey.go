package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// LoadHostKey reads the ed25519 host key at path, creating it (mode 0600,
// folder 0700) when the file does not exist. A key that exists but cannot
// be read or parsed is an error: replacing it would change the fingerprint
// every returning reader has pinned, so that is left to the operator.
func LoadHostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		signer, err := createHostKey(path)
		return signer, err == nil, err
	case err != nil:
		return nil, false, fmt.Errorf("host key %s: %w: make it readable by this user (or point --host-key elsewhere)", path, err)
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: not a valid private key (%v): restore it from a backup, or delete it to generate a new one (readers will see a new fingerprint)", path, err)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		return nil, false, fmt.Errorf("host key %s: is a %s key, want ed25519: generate one with ssh-keygen -t ed25519 -f %s", path, signer.PublicKey().Type(), path)
	}
	return signer, false, nil
}

func createHostKey(path string) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "sshblog host key")
	if err != nil {
		return nil, fmt.Errorf("encoding host key: %w", err)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating host key folder: %w", err)
		}
	}
	// O_EXCL: never overwrite a key another replica or process just wrote.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating host key %s: %w", path, err)
	}
	if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("writing host key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("writing host key %s: %w", path, err)
	}
	return gossh.NewSignerFromKey(priv)
}

// Fingerprint is the SHA256 fingerprint readers see, as ssh-keygen -l
// prints it.
func Fingerprint(key gossh.PublicKey) string {
	return gossh.FingerprintSHA256(key)
}
