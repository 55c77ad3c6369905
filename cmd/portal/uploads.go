package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// lockName is the file in the upload folder that the running instance
// holds locked.
const lockName = ".lock"

// prepareUploads makes dir the folder of this instance's uploads in
// progress and empties it: whatever is there was left by an instance that
// stopped while reading a request. A folder that holds files but was never
// the portal's is refused, not emptied. The upload form spools its files
// there; TMPDIR, which os.TempDir reads at each call, points there too, so
// that anything else spooled while reading a request goes to the same
// place and is cleared the same way. The folder stays locked while the
// portal runs, so a second instance given the same folder refuses to start
// rather than delete uploads in progress. It returns how many entries it
// removed and the function that releases the folder.
func prepareUploads(dir string) (removed int, release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, nil, fmt.Errorf("upload folder: %w", err)
	}
	// The lock file marks a folder as the portal's: another folder given
	// by mistake is not emptied.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil, fmt.Errorf("upload folder: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, lockName)); len(entries) > 0 && errors.Is(err, fs.ErrNotExist) {
		return 0, nil, fmt.Errorf("upload folder %s holds files that are not the portal's: give PORTAL_UPLOAD_DIR an empty folder or one of the portal's own", dir)
	}
	release, err = lockFolder(filepath.Join(dir, lockName))
	if err != nil {
		return 0, nil, fmt.Errorf("upload folder %s: %w", dir, err)
	}
	entries, err = os.ReadDir(dir)
	if err != nil {
		release()
		return 0, nil, fmt.Errorf("upload folder: %w", err)
	}
	for _, e := range entries {
		if e.Name() == lockName {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			release()
			return removed, nil, fmt.Errorf("upload folder: %w", err)
		}
		removed++
	}
	if err := os.Setenv("TMPDIR", dir); err != nil {
		release()
		return removed, nil, fmt.Errorf("upload folder: %w", err)
	}
	return removed, release, nil
}
