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
	// What no domain package may use: the web, the database, S3, SMTP, the
	// pages, the adapters and the composition above them.
	domain := []string{"gofiber", "fasthttp", "mongo-driver", "minio", "go-mail", "go-smtp",
		"portal/storage", "portal/handlers", "portal/views", "portal/mail/smtp", "portal/mail/elks", "portal/cmd", "portal/internal/testapp", "portal/internal/testenv", "portal/internal/fixtures", "portal/internal/app"}
	with := func(more ...string) []string { return append(append([]string(nil), domain...), more...) }
	// A rule names a package, or with "/..." a package and every package
	// under it. A bad dependency of ours matches by path (portal/handlers
	// stands for portal/handlers/...), a module by a part of its path.
	forbidden := map[string][]string{
		"portal/jobs":            with("portal/mail", "portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/mail":            with("portal/jobs", "portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/alerts":          with("portal/sessions", "portal/tasks"),
		"portal/tasks":           with("portal/jobs", "portal/mail", "portal/applicants", "portal/alerts", "portal/sessions"),
		"portal/applicants":      with("portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/applications":    with("portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/employees":       with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/factors":         with("portal/applicants", "portal/applications", "portal/jobs", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/credentials":     with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks", "portal/employees", "portal/staffauth"),
		"portal/staffauth":       with("portal/applicants", "portal/applications", "portal/jobs", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/access":          with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/recruiting":      with("portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/disclosure":      with("portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/retention":       with("portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/inbox":           with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks", "portal/recruiting"),
		"portal/favourites":      with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks", "portal/recruiting", "portal/employees"),
		"portal/payroll":         with("portal/applicants", "portal/applications", "portal/jobs", "portal/alerts", "portal/sessions", "portal/tasks", "portal/recruiting"),
		"portal/personal":        with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks", "portal/recruiting", "portal/payroll", "portal/employees"),
		"portal/overview":        with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks", "portal/payroll", "portal/access", "portal/employees"),
		"portal/cases":           with("portal/applicants", "portal/alerts", "portal/sessions", "portal/tasks", "portal/recruiting"),
		"portal/sessions":        with("portal/applicants", "portal/jobs", "portal/mail", "portal/alerts", "portal/tasks"),
		"portal/sso":             with("portal/applicants", "portal/applications", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/internal/tokens": with("portal/applicants", "portal/jobs", "portal/mail", "portal/alerts", "portal/sessions", "portal/tasks"),
		"portal/views":           {"mongo-driver", "minio", "go-mail", "portal/storage", "portal/handlers", "portal/cmd"},
		"portal/storage":         {"gofiber", "fasthttp", "go-mail", "portal/handlers", "portal/views", "portal/cmd"},
		// Exports: excelize and the standard library, nothing of ours.
		"portal/tables": with("portal/jobs", "portal/mail", "portal/applicants", "portal/applications", "portal/alerts", "portal/sessions", "portal/tasks",
			"portal/employees", "portal/factors", "portal/credentials", "portal/staffauth", "portal/access", "portal/sso", "portal/links", "portal/charts", "portal/internal"),
		// The route table, the web kit and every surface under it.
		"portal/handlers/...": {"mongo-driver", "minio", "go-mail", "portal/storage", "portal/mail/smtp", "portal/mail/elks", "portal/cmd", "portal/internal/app"},
		// The kit knows no surface, and no surface another.
		"portal/handlers/web":       {"portal/handlers/public", "portal/handlers/applicant", "portal/handlers/staff"},
		"portal/handlers/public":    {"portal/handlers/applicant", "portal/handlers/staff"},
		"portal/handlers/applicant": {"portal/handlers/public", "portal/handlers/staff"},
		"portal/handlers/staff":     {"portal/handlers/public", "portal/handlers/applicant"},
	}
	// Leaves are what every domain shares; they import nothing but the
	// standard library, so that any package may use them.
	leaves := []string{"portal/valid", "portal/links", "portal/classify", "portal/charts", "portal/stamped", "portal/fonts"}
	// Commands, test kits, demo data and the SMTP adapter may use anything.
	free := []string{"portal", "portal/cmd/...", "portal/scripts/...", "portal/demo", "portal/e2e", "portal/mail/smtp", "portal/mail/elks",
		"portal/internal/app", "portal/internal/testapp", "portal/internal/testenv", "portal/internal/pdftext", "portal/internal/smtptest", "portal/internal/fixtures", "portal/internal/oidctest"}

	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	used := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		var rules []string
		for pattern := range forbidden {
			if covers(pattern, pkg) {
				rules = append(rules, pattern)
				used[pattern] = true
			}
		}
		isFree := slices.Contains(leaves, pkg)
		for _, pattern := range free {
			isFree = isFree || covers(pattern, pkg)
		}
		if len(rules) == 0 && !isFree {
			t.Errorf("%s has no rule of its dependencies: add one to forbidden, or to free for a command or test kit", pkg)
		}
		for _, pattern := range rules {
			for _, bad := range forbidden[pattern] {
				for _, dep := range deps {
					if uses(dep, bad) { // the first is enough to name
						t.Errorf("%s depends on %s (rule %s: no %s)", pkg, dep, pattern, bad)
						break
					}
				}
			}
		}
	}
	for _, pkg := range leaves {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep != pkg {
				t.Errorf("%s depends on %s: a leaf imports only the standard library", pkg, dep)
			}
		}
	}
	for pattern := range forbidden {
		if !used[pattern] {
			t.Errorf("the rule for %s names no package", pattern)
		}
	}
}

// covers reports whether the rule's pattern names pkg: the package itself,
// or with a "/..." ending also every package under it.
func covers(pattern, pkg string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// uses reports whether dep is the bad dependency: a package of ours and
// every package under it, or a module whose path contains bad.
func uses(dep, bad string) bool {
	if strings.HasPrefix(bad, "portal/") {
		return dep == bad || strings.HasPrefix(dep, bad+"/")
	}
	return strings.Contains(dep, bad)
}

// The rules match packages by path, so that a new package under
// portal/handlers falls under its rule and portal/mail does not stand for
// portal/mailbox.
func TestDependencyRulesMatchByPath(t *testing.T) {
	for _, tc := range []struct {
		pattern, pkg string
		want         bool
	}{
		{"portal/handlers/...", "portal/handlers", true},
		{"portal/handlers/...", "portal/handlers/staff", true},
		{"portal/handlers/...", "portal/handlersx", false},
		{"portal/jobs", "portal/jobs", true},
		{"portal/jobs", "portal/jobs/feed", false},
	} {
		if got := covers(tc.pattern, tc.pkg); got != tc.want {
			t.Errorf("covers(%q, %q) = %v", tc.pattern, tc.pkg, got)
		}
	}
	for _, tc := range []struct {
		dep, bad string
		want     bool
	}{
		{"portal/handlers/public", "portal/handlers", true},
		{"portal/mail/smtp", "portal/mail", true},
		{"portal/mailbox", "portal/mail", false},
		{"go.mongodb.org/mongo-driver/v2/bson", "mongo-driver", true},
	} {
		if got := uses(tc.dep, tc.bad); got != tc.want {
			t.Errorf("uses(%q, %q) = %v", tc.dep, tc.bad, got)
		}
	}
}
