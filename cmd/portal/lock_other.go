//go:build !unix

package main

// lockFolder locks nothing where flock is missing: each instance needs its
// own PORTAL_UPLOAD_DIR there.
func lockFolder(string) (release func(), err error) { return func() {}, nil }
