package portal_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Dependencies point one way: cmd -> handlers -> domain. Domain packages
// know no web framework, database, storage or mail library.
func TestDependencyDirection(t *testing.T) {
	forbidden := map[string][]string{
		"portal/jobs":               {"gofiber", "mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/views", "portal/mail"},
		"portal/mail":               {"gofiber", "mongo-driver", "minio", "portal/storage", "portal/handlers", "portal/views", "portal/jobs"},
		"portal/alerts":             {"gofiber", "mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/views"},
		"portal/tasks":              {"gofiber", "mongo-driver", "minio", "portal/storage", "portal/handlers", "portal/views"},
		"portal/applicants":         {"gofiber", "mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/views"},
		"portal/sessions":           {"gofiber", "mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/views", "portal/applicants"},
		"portal/internal/tokens":    {"gofiber", "mongo-driver", "minio", "portal/storage", "portal/handlers", "portal/views", "portal/applicants", "portal/jobs"},
		"portal/views":              {"mongo-driver", "minio", "portal/storage", "portal/handlers"},
		"portal/storage":            {"gofiber", "portal/handlers", "portal/views"},
		"portal/handlers":           {"mongo-driver", "minio", "portal/storage", "portal/internal/app"},
		"portal/handlers/web":       {"mongo-driver", "minio", "portal/storage", "portal/handlers/public", "portal/handlers/applicant", "portal/handlers/staff"},
		"portal/handlers/public":    {"mongo-driver", "minio", "portal/storage", "portal/handlers/applicant", "portal/handlers/staff"},
		"portal/handlers/applicant": {"mongo-driver", "minio", "portal/storage", "portal/handlers/public", "portal/handlers/staff"},
		"portal/handlers/staff":     {"mongo-driver", "minio", "portal/storage", "portal/handlers/public", "portal/handlers/applicant"},
		"portal/applications":       {"gofiber", "mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/views"},
	}
	// Leaves are what every domain shares; they import nothing but the
	// standard library, so that any package may use them.
	leaves := []string{"portal/valid", "portal/links"}
	// Every package of ours is named above or is a command, a test kit or
	// demo data, which may use anything.
	list, err := exec.Command("go", "list", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, list)
	}
	for _, pkg := range strings.Fields(string(list)) {
		_, named := forbidden[pkg]
		named = named || slices.Contains(leaves, pkg)
		free := strings.HasPrefix(pkg, "portal/cmd/") || strings.HasPrefix(pkg, "portal/scripts/") || pkg == "portal/demo" ||
			pkg == "portal" || pkg == "portal/e2e" || pkg == "portal/internal/testapp" || pkg == "portal/internal/app" || pkg == "portal/internal/testenv" ||
			pkg == "portal/internal/smtptest" || pkg == "portal/mail/smtp"
		if !named && !free {
			t.Errorf("%s has no rule of its dependencies", pkg)
		}
	}
	for _, pkg := range leaves {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep != pkg {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if strings.Contains(dep, b) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
