package access

import (
	"bytes"
	_ "embed" // the shipped catalogue
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Permission is one thing a role lets its holder do.
type Permission string

// The permissions roles can carry. A catalogue naming any other is refused.
const (
	// HR roles of seed 002.
	PermStaffOverview Permission = "staff.overview" // see the staff overview of the units
	PermApproveCases  Permission = "cases.approve"  // approve or reject absence and work changes
	PermReadReports   Permission = "reports.read"   // read the managers' reports
	PermManageSched   Permission = "schedule.manage"
	PermBalances      Permission = "balances.manage" // balances and clockings
	PermReportAbsence Permission = "absence.report"  // report absence and work changes for others
	PermPlanSchedule  Permission = "schedule.plan"   // individual schedule planning
	// Recruitment and records.
	PermRecruit  Permission = "recruitment.manage" // write ads, move candidates
	PermReview   Permission = "recruitment.review" // read the applications of one's recruitments
	PermDecide   Permission = "recruitment.decide" // take the employment decision
	PermRegister Permission = "records.register"   // register official records
	// Administration.
	PermGrantRoles    Permission = "access.grant"   // grant and revoke roles, handle requests
	PermReadAudit     Permission = "access.audit"   // read the audit log
	PermRecordCourses Permission = "access.courses" // record completed courses
	PermManageMail    Permission = "mail.manage"    // the page of failed e-mail
	// PermRecruitStages: change the stages of the review and the reasons
	// of "not selected".
	PermRecruitStages Permission = "recruitment.stages"
	// PermRetention: the records' retention: culling, holds lifted.
	PermRetention Permission = "records.retention"
)

// Permissions lists every known permission.
var Permissions = []Permission{PermStaffOverview, PermApproveCases, PermReadReports, PermManageSched, PermBalances,
	PermReportAbsence, PermPlanSchedule, PermRecruit, PermReview, PermDecide, PermRegister, PermGrantRoles,
	PermReadAudit, PermRecordCourses, PermManageMail, PermRecruitStages, PermRetention}

// RoleSystemAdmin is the role the command line grants the first
// administrator; the catalogue must have it.
const RoleSystemAdmin = "system-admin"

// Names are a text in Swedish and English.
type Names struct {
	SV string `json:"sv"`
	EN string `json:"en"`
}

// In returns the name in the language, Swedish for any other.
func (n Names) In(lang string) string {
	if lang == "en" && n.EN != "" {
		return n.EN
	}
	return n.SV
}

// Course is a course of the learning platform that roles may require.
type Course struct {
	ID   string `json:"id"`
	Name Names  `json:"name"`
}

// Role is one role of the catalogue.
type Role struct {
	ID          string       `json:"id"`
	Name        Names        `json:"name"`
	Permissions []Permission `json:"permissions"`
	Courses     []string     `json:"courses"`  // required completed courses
	Excludes    []string     `json:"excludes"` // roles it cannot be combined with
	Exclusive   bool         `json:"exclusive"`
	// InterimFor names the full roles this one stands in for while their
	// courses are pending; granting one of them ends it.
	InterimFor []string `json:"interim_for"`
}

// Interim reports whether the role stands in for others.
func (r Role) Interim() bool { return len(r.InterimFor) > 0 }

// Has reports whether the role carries the permission.
func (r Role) Has(p Permission) bool { return slices.Contains(r.Permissions, p) }

// Catalogue is the roles and courses the administrator has described.
type Catalogue struct {
	Courses []Course `json:"courses"`
	Roles   []Role   `json:"roles"`
}

//go:embed roles.json
var defaultCatalogue []byte

// DefaultCatalogue is the shipped catalogue.
func DefaultCatalogue() *Catalogue {
	c, err := ParseCatalogue(defaultCatalogue)
	if err != nil {
		panic(err) // a test keeps the shipped file valid
	}
	return c
}

// ParseCatalogue reads and checks a catalogue; the error names every bad
// entry.
func ParseCatalogue(b []byte) (*Catalogue, error) {
	var c Catalogue
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("role catalogue: %w", err)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	courses, roles := map[string]bool{}, map[string]bool{}
	for i, co := range c.Courses {
		switch {
		case co.ID == "":
			bad("course %d: no id", i+1)
		case courses[co.ID]:
			bad("course %q: listed twice", co.ID)
		case co.Name.SV == "" || co.Name.EN == "":
			bad("course %q: needs a name in sv and en", co.ID)
		}
		courses[co.ID] = true
	}
	for i, r := range c.Roles {
		switch {
		case r.ID == "":
			bad("role %d: no id", i+1)
		case roles[r.ID]:
			bad("role %q: listed twice", r.ID)
		}
		roles[r.ID] = true
		if r.Name.SV == "" || r.Name.EN == "" {
			bad("role %q: needs a name in sv and en", r.ID)
		}
	}
	for _, r := range c.Roles {
		for _, p := range r.Permissions {
			if !slices.Contains(Permissions, p) {
				bad("role %q: unknown permission %q", r.ID, p)
			}
		}
		for _, co := range r.Courses {
			if !courses[co] {
				bad("role %q: unknown course %q", r.ID, co)
			}
		}
		for _, x := range r.Excludes {
			if !roles[x] {
				bad("role %q: excludes unknown role %q", r.ID, x)
			} else if x == r.ID {
				bad("role %q: excludes itself", r.ID)
			}
		}
		for _, x := range r.InterimFor {
			if !roles[x] {
				bad("role %q: interim for unknown role %q", r.ID, x)
			} else if x == r.ID {
				bad("role %q: interim for itself", r.ID)
			}
		}
	}
	if !roles[RoleSystemAdmin] {
		bad("role %q: missing (the command line grants it to the first administrator)", RoleSystemAdmin)
	} else if r, _ := c.Role(RoleSystemAdmin); !r.Has(PermGrantRoles) {
		bad("role %q: must carry %q", RoleSystemAdmin, PermGrantRoles)
	}
	if len(errs) > 0 {
		return nil, errors.New("role catalogue:\n  " + strings.Join(errs, "\n  "))
	}
	return &c, nil
}

// Role returns the role with the id.
func (c *Catalogue) Role(id string) (Role, bool) {
	for _, r := range c.Roles {
		if r.ID == id {
			return r, true
		}
	}
	return Role{}, false
}

// Course returns the course with the id.
func (c *Catalogue) Course(id string) (Course, bool) {
	for _, co := range c.Courses {
		if co.ID == id {
			return co, true
		}
	}
	return Course{}, false
}

// FindCourse returns the course by id or by its name in either language,
// in any case, as the learning platform's export may name it.
func (c *Catalogue) FindCourse(s string) (Course, bool) {
	s = strings.TrimSpace(s)
	for _, co := range c.Courses {
		if strings.EqualFold(co.ID, s) || strings.EqualFold(co.Name.SV, s) || strings.EqualFold(co.Name.EN, s) {
			return co, true
		}
	}
	return Course{}, false
}

// conflicts reports whether two different roles cannot be held together.
func conflicts(a, b Role) bool {
	return a.Exclusive || b.Exclusive || slices.Contains(a.Excludes, b.ID) || slices.Contains(b.Excludes, a.ID)
}
