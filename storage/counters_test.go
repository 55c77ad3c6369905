package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/internal/testenv"
)

// A counter that cannot be written says which kind it is, never the
// address in its key: the error reaches the log.
func TestCounterErrorsHoldNoAddress(t *testing.T) {
	c := testenv.DB(t).Counters()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	_, _, hitErr := c.Hit(gone, "login-fail:acct:anna@example.se", time.Hour, now)
	undoErr := c.Undo(gone, "login-fail:ip:192.0.2.7", time.Hour, now)
	for _, err := range []error{hitErr, undoErr} {
		if err == nil || !strings.Contains(err.Error(), "login-fail") || strings.Contains(err.Error(), "anna@") || strings.Contains(err.Error(), "192.0.2.7") {
			t.Errorf("error %v", err)
		}
	}
}
