package testenv

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"portal/storage"
)

// EnvBin names the folder of the servers' binaries (./bin of the module).
const EnvBin = "PORTAL_TEST_BIN"

// Server is a database or S3 server of one test's own, which the test can
// pause and resume as a server that hangs would.
type Server struct {
	Addr string
	cmd  *exec.Cmd
}

// Pause stops the server without closing its connections.
func (s *Server) Pause(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// The signal is delivered in its own time: wait until the process is
	// stopped, so that nothing the test sends next is answered.
	stat := fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(stat); err == nil {
			if i := bytes.LastIndexByte(b, ')'); i > 0 && len(b) > i+2 && b[i+2] == 'T' {
				return
			}
		}
	}
	t.Fatal("the server did not stop")
}

// Resume lets a paused server go on.
func (s *Server) Resume(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServer(t testing.TB, name string, env []string, args func(addr, dir string) []string) *Server {
	t.Helper()
	bin := filepath.Join(need(t, EnvBin), name)
	dir := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command(bin, args(addr, dir)...)
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	s := &Server{Addr: addr, cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start on %s", name, addr)
		}
	}
}

// OwnDB starts a FerretDB of the test's own and returns it with a migrated
// database on it.
func OwnDB(t testing.TB) (*Server, *storage.DB) {
	t.Helper()
	s := startServer(t, "ferretdb", nil, func(addr, dir string) []string {
		return []string{"-listen", addr, "-dir", dir}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := storage.Connect(ctx, "mongodb://"+s.Addr+"/", Name("test_"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return s, db
}

// OwnBlobs starts a MinIO of the test's own and returns it with a bucket.
func OwnBlobs(t testing.TB) (*Server, *storage.Blobs) {
	t.Helper()
	const user, secret = "portal-test", "portal-test-secret"
	s := startServer(t, "minio", []string{"MINIO_ROOT_USER=" + user, "MINIO_ROOT_PASSWORD=" + secret, "MINIO_BROWSER=off", "MINIO_UPDATE=off"},
		func(addr, dir string) []string { return []string{"server", "--quiet", "--address", addr, dir} })
	var b *storage.Blobs
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b, err = storage.OpenBlobs(ctx, storage.BlobConfig{Endpoint: s.Addr, AccessKey: user, SecretKey: secret, Bucket: Name("test-")})
		cancel()
		if err == nil {
			return s, b
		}
	}
	t.Fatal(fmt.Errorf("minio on %s: %w", s.Addr, err))
	return nil, nil
}
