package storage

import (
	"context"
	"testing"
)

// Two instances starting together may both run a step: each runs again
// without harm.
func TestEveryMigrationStepRunsAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := internalDB(t)
	for _, m := range migrations {
		if err := m.run(ctx, d); err != nil {
			t.Fatalf("%s again: %v", m.name, err)
		}
	}
}
