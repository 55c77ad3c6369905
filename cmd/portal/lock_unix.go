//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"
)

// lockFolder holds an exclusive lock on the file at path until release; the
// system drops it when the process ends, however it ends.
func lockFolder(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("in use by another running portal: give each instance its own PORTAL_UPLOAD_DIR")
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
