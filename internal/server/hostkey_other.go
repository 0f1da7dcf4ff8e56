//go:build !unix

package server

import "io/fs"

// hostKeyOpenFlags: only unix has FIFOs that block an open.
const hostKeyOpenFlags = 0

// fileOwner: without unix owners and modes, the mode check is skipped.
func fileOwner(fs.FileInfo) (uid int, ok bool) { return 0, false }

// syncDir: folders cannot be fsynced here; the file itself was.
func syncDir(string) error { return nil }
