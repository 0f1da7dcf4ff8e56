//go:build unix

package server

import (
	"io/fs"
	"os"
	"syscall"
)

// hostKeyOpenFlags keeps opening the key from blocking should the path be
// (or become) a FIFO.
const hostKeyOpenFlags = syscall.O_NONBLOCK

// fileOwner is the uid that owns the file st describes.
func fileOwner(st fs.FileInfo) (uid int, ok bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(sys.Uid), true
}

// syncDir fsyncs the folder dir, so that a new name in it survives a
// crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
