// Package recruiting holds recruitments: the case a vacancy is filled
// through, with its recruitment group, its ad, the candidates who applied,
// their review and the employment decision. Who may see or do what in a
// recruitment is decided in one place, Service.Open.
package recruiting

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"portal/access"
	"portal/employees"
	"portal/jobs"
	"portal/valid"
)

// Errors of recruiting.
var (
	// ErrNotFound is the answer for a recruitment, candidate or file that
	// does not exist or that the person may not see: the two are never
	// told apart.
	ErrNotFound = errors.New("recruiting: not found")
	// ErrForbidden is returned when the person may see the recruitment but
	// not do what was asked.
	ErrForbidden = errors.New("recruiting: not allowed")
	// ErrExists is returned when a unique thing is stored twice.
	ErrExists = errors.New("recruiting: exists")
)

// Roles in a recruitment group.
const (
	RoleRecruiter     = "recruiter"
	RoleHiringManager = "hiring-manager"
	RoleUnion         = "union"  // union representative, read only
	RoleExpert        = "expert" // expert, read only
)

// GroupRoles lists the roles of a group in display order.
var GroupRoles = []string{RoleRecruiter, RoleHiringManager, RoleUnion, RoleExpert}

// How a group member hears of new applications.
const (
	NotifyNow    = "now"    // one e-mail per application
	NotifyDigest = "digest" // one e-mail a day
	NotifyNone   = "none"
)

// NotifyChoices lists the notification choices in display order.
var NotifyChoices = []string{NotifyNow, NotifyDigest, NotifyNone}

// PermManage is the role permission that lets a recruiter open and run
// recruitments for the units of the grant.
const PermManage access.Permission = "recruitment.manage"

// Member is one person of a recruitment group.
type Member struct {
	PersonID string
	Role     string // one of GroupRoles
	Notify   string // one of NotifyChoices
}

// Recruitment is the case of one vacancy. Its ad is the job ad whose
// reference number is Ref.
type Recruitment struct {
	ID        string
	Ref       string // the ad's reference number, e.g. "REK-2026-0007"
	UnitID    string
	Title     string // the working title, the ad's title until it has one
	Positions int
	// Anonymised: names, contact details and birth dates are hidden from
	// the group until a candidate reaches the interview stage. Chosen
	// before the ad is published.
	Anonymised bool
	Group      []Member
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Member returns the group member who is the person, if any.
func (r Recruitment) Member(personID string) (Member, bool) {
	for _, m := range r.Group {
		if m.PersonID == personID {
			return m, true
		}
	}
	return Member{}, false
}

// Rights are what a person may do in one recruitment.
type Rights struct {
	See    bool // read the recruitment, its candidates and their files
	Review bool // rate, write notes, move candidates between stages
	Manage bool // edit the ad and the group, register applications, message, export
	Decide bool // record the employment decision
}

// Viewer is a person and what they may do in one recruitment.
type Viewer struct {
	PersonID string
	Rights
}

// Store keeps recruitments.
type Store interface {
	// CreateRecruitment stores a new recruitment and returns its id; a
	// reference number in use is ErrExists.
	CreateRecruitment(ctx context.Context, r Recruitment) (string, error)
	// Recruitment returns one recruitment, or ErrNotFound.
	Recruitment(ctx context.Context, id string) (Recruitment, error)
	// RecruitmentByRef returns the recruitment of an ad, or ErrNotFound.
	RecruitmentByRef(ctx context.Context, ref string) (Recruitment, error)
	// Recruitments returns every recruitment, newest first.
	Recruitments(ctx context.Context) ([]Recruitment, error)
	// SaveGroup replaces the group and the anonymisation choice.
	SaveGroup(ctx context.Context, id string, group []Member, anonymised bool, at time.Time) error
	// CountRefs returns how many reference numbers start with prefix.
	CountRefs(ctx context.Context, prefix string) (int64, error)
}

// Policy is what recruiting asks the access policy.
type Policy interface {
	Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
	// UnitsWith returns the units of the person's grants with the
	// permission; a grant covers the units under its unit.
	UnitsWith(ctx context.Context, personID string, perm access.Permission) ([]string, error)
}

// People reads the staff directory.
type People interface {
	Person(ctx context.Context, user string) (employees.Person, error)
	Unit(ctx context.Context, id string) (employees.Unit, error)
	// Within reports whether unit lies in the tree under top.
	Within(ctx context.Context, unit, top string) (bool, error)
}

// Service is what the portal does with recruitments.
type Service struct {
	Store  Store
	Policy Policy
	People People
	// RefPrefix starts every reference number, e.g. "REK".
	RefPrefix string
	Now       func() time.Time
}

// RightsIn returns what the person may do in the recruitment: a recruiter
// whose grant covers its unit may do everything; a group member what the
// group role gives; the registrar and the records administrator of its
// unit read it; anyone else nothing. People who have left may do nothing.
func (s *Service) RightsIn(ctx context.Context, personID string, r Recruitment) (Rights, error) {
	sc, err := s.scope(ctx, personID)
	if err != nil {
		return Rights{}, err
	}
	return sc.rights(ctx, r)
}

// scope is what decides a person's rights in recruitments, read once for
// a list of them.
type scope struct {
	s        *Service
	personID string
	active   bool
	units    []string        // of the person's recruiter grants
	covered  map[string]bool // by unit of a recruitment, as found
	// records are the units of the person's grants that keep the
	// official records (registrar, records administrator): they read.
	records *scope
}

func (s *Service) scope(ctx context.Context, personID string) (*scope, error) {
	sc := &scope{s: s, personID: personID, covered: map[string]bool{}}
	p, err := s.People.Person(ctx, personID)
	if errors.Is(err, employees.ErrNotFound) {
		return sc, nil
	}
	if err != nil {
		return nil, err
	}
	if sc.active = p.Active; !sc.active {
		return sc, nil
	}
	if sc.units, err = s.Policy.UnitsWith(ctx, personID, PermManage); err != nil {
		return nil, err
	}
	rec := &scope{s: s, personID: personID, active: true, covered: map[string]bool{}}
	for _, perm := range recordsPerms {
		units, err := s.Policy.UnitsWith(ctx, personID, perm)
		if err != nil {
			return nil, err
		}
		rec.units = append(rec.units, units...)
	}
	if len(rec.units) > 0 {
		sc.records = rec
	}
	return sc, nil
}

// recordsPerms are the permissions of those who keep the official
// records: the registrar reads the recruitments of their units, as the
// records they are (holds, appeals, requests for the documents). The
// records administrator's right (access.PermRetention, which the system
// administrator carries) is not among them: the culling's page needs no
// application, and an administrator of the system reads none.
var recordsPerms = []access.Permission{access.PermRegister}

func (sc *scope) covers(ctx context.Context, unit string) (bool, error) {
	if ok, known := sc.covered[unit]; known {
		return ok, nil
	}
	ok := false
	for _, top := range sc.units {
		if top == access.Everywhere {
			ok = true
			break
		}
		in, err := sc.s.People.Within(ctx, unit, top)
		if err != nil {
			return false, err
		}
		if in {
			ok = true
			break
		}
	}
	sc.covered[unit] = ok
	return ok, nil
}

func (sc *scope) rights(ctx context.Context, r Recruitment) (Rights, error) {
	if !sc.active {
		return Rights{}, nil
	}
	ok, err := sc.covers(ctx, r.UnitID)
	if err != nil {
		return Rights{}, err
	}
	if ok {
		return Rights{See: true, Review: true, Manage: true, Decide: true}, nil
	}
	m, ok := r.Member(sc.personID)
	if !ok {
		return sc.recordsRights(ctx, r)
	}
	switch m.Role {
	case RoleRecruiter:
		return Rights{See: true, Review: true, Manage: true, Decide: true}, nil
	case RoleHiringManager:
		return Rights{See: true, Review: true, Decide: true}, nil
	case RoleUnion, RoleExpert:
		return Rights{See: true}, nil
	}
	return sc.recordsRights(ctx, r)
}

// recordsRights: the keepers of the records of the unit read it.
func (sc *scope) recordsRights(ctx context.Context, r Recruitment) (Rights, error) {
	if sc.records == nil {
		return Rights{}, nil
	}
	ok, err := sc.records.covers(ctx, r.UnitID)
	if err != nil || !ok {
		return Rights{}, err
	}
	return Rights{See: true}, nil
}

// Open returns the recruitment with what the person may do in it; one the
// person may not see is ErrNotFound, as one that does not exist.
func (s *Service) Open(ctx context.Context, personID, id string) (Recruitment, Viewer, error) {
	r, err := s.Store.Recruitment(ctx, id)
	if err != nil {
		return Recruitment{}, Viewer{}, err
	}
	return s.viewerOf(ctx, personID, r)
}

// OpenByRef is Open by the ad's reference number.
func (s *Service) OpenByRef(ctx context.Context, personID, ref string) (Recruitment, Viewer, error) {
	r, err := s.Store.RecruitmentByRef(ctx, ref)
	if err != nil {
		return Recruitment{}, Viewer{}, err
	}
	return s.viewerOf(ctx, personID, r)
}

func (s *Service) viewerOf(ctx context.Context, personID string, r Recruitment) (Recruitment, Viewer, error) {
	rights, err := s.RightsIn(ctx, personID, r)
	if err != nil {
		return Recruitment{}, Viewer{}, err
	}
	if !rights.See {
		return Recruitment{}, Viewer{}, ErrNotFound
	}
	return r, Viewer{PersonID: personID, Rights: rights}, nil
}

// Listed is a recruitment in a person's list, with their rights in it.
type Listed struct {
	Recruitment
	Rights
}

// List returns the recruitments the person may see, newest first.
func (s *Service) List(ctx context.Context, personID string) ([]Listed, error) {
	all, err := s.Store.Recruitments(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := s.scope(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []Listed
	for _, r := range all {
		rights, err := sc.rights(ctx, r)
		if err != nil {
			return nil, err
		}
		if rights.See {
			out = append(out, Listed{r, rights})
		}
	}
	return out, nil
}

// MayOpen reports whether the person may open recruitments at all: in
// some unit by a grant.
func (s *Service) MayOpen(ctx context.Context, personID string) (bool, error) {
	return s.Policy.Can(ctx, personID, PermManage, "")
}

// SeesRecruitments reports whether the person has recruitments to open:
// a recruiter by a grant, or a member of some group.
func (s *Service) SeesRecruitments(ctx context.Context, personID string) (bool, error) {
	if ok, err := s.MayOpen(ctx, personID); err != nil || ok {
		return ok, err
	}
	list, err := s.List(ctx, personID)
	return len(list) > 0, err
}

// Draft is what a recruiter fills in to open a recruitment.
type Draft struct {
	UnitID     string
	Title      string
	Positions  int
	Anonymised bool
	Group      []Member
}

// Create opens a recruitment for a unit the person's grant covers, with a
// new reference number; the creator is in the group as a recruiter.
func (s *Service) Create(ctx context.Context, personID string, d Draft) (Recruitment, error) {
	d.Title = strings.TrimSpace(d.Title)
	var errs valid.Problems
	if d.Title == "" {
		errs.Add("title", "recruit.error.title")
	} else if utf8.RuneCountInString(d.Title) > 200 {
		errs.Add("title", "recruit.error.title_long")
	}
	if d.Positions < 1 || d.Positions > 1000 {
		errs.Add("positions", "recruit.error.positions")
	}
	if d.UnitID == "" {
		errs.Add("unit", "recruit.error.unit")
	} else if u, err := s.People.Unit(ctx, d.UnitID); errors.Is(err, employees.ErrNotFound) || (err == nil && !u.Active) {
		errs.Add("unit", "recruit.error.unit")
	} else if err != nil {
		return Recruitment{}, err
	} else if ok, err := s.Policy.Can(ctx, personID, PermManage, d.UnitID); err != nil {
		return Recruitment{}, err
	} else if !ok {
		errs.Add("unit", "recruit.error.unit_rights")
	}
	group, gerrs, err := s.checkGroup(ctx, personID, d.Group)
	if err != nil {
		return Recruitment{}, err
	}
	errs = append(errs, gerrs...)
	if len(errs) > 0 {
		return Recruitment{}, errs
	}
	now := s.Now()
	r := Recruitment{UnitID: d.UnitID, Title: d.Title, Positions: d.Positions, Anonymised: d.Anonymised, Group: group,
		CreatedBy: personID, CreatedAt: now, UpdatedAt: now}
	prefix := fmt.Sprintf("%s-%d-", s.refPrefix(), now.In(jobs.Stockholm).Year())
	n, err := s.Store.CountRefs(ctx, prefix)
	if err != nil {
		return Recruitment{}, err
	}
	// Two recruiters at once may count the same; the reference number is
	// unique, so the later one takes the next.
	for try := 0; try < 50; try++ {
		r.Ref = fmt.Sprintf("%s%04d", prefix, n+1+int64(try))
		id, err := s.Store.CreateRecruitment(ctx, r)
		if errors.Is(err, ErrExists) {
			continue
		}
		if err != nil {
			return Recruitment{}, err
		}
		r.ID = id
		return r, nil
	}
	return Recruitment{}, fmt.Errorf("recruiting: no free reference number after %s%04d", prefix, n+50)
}

func (s *Service) refPrefix() string {
	if s.RefPrefix == "" {
		return "REK"
	}
	return s.RefPrefix
}

// SetGroup replaces the recruitment group; only those who manage the
// recruitment may. Anonymisation can change only until the ad is
// published, which the caller says.
func (s *Service) SetGroup(ctx context.Context, v Viewer, r Recruitment, group []Member, anonymised, published bool) (Recruitment, error) {
	if !v.Manage {
		return r, ErrForbidden
	}
	members, errs, err := s.checkGroup(ctx, "", group)
	if err != nil {
		return r, err
	}
	if published && anonymised != r.Anonymised {
		errs.Add("anonymised", "recruit.error.anonymised_published")
	}
	if len(errs) > 0 {
		return r, errs
	}
	now := s.Now()
	if err := s.Store.SaveGroup(ctx, r.ID, members, anonymised, now); err != nil {
		return r, err
	}
	r.Group, r.Anonymised, r.UpdatedAt = members, anonymised, now
	return r, nil
}

// checkGroup checks the members: active people of the directory, each
// once, with a known role and choice of notification. creator, when
// given, is added as a recruiter if missing.
func (s *Service) checkGroup(ctx context.Context, creator string, group []Member) ([]Member, valid.Problems, error) {
	var errs valid.Problems
	var out []Member
	seen := map[string]bool{}
	for i, m := range group {
		m.PersonID = strings.ToLower(strings.TrimSpace(m.PersonID))
		if m.PersonID == "" {
			continue
		}
		field := fmt.Sprintf("member_%d", i)
		if m.Notify == "" {
			m.Notify = NotifyNow
		}
		if !slices.Contains(GroupRoles, m.Role) {
			errs.Add(field, "recruit.error.member_role")
			continue
		}
		if !slices.Contains(NotifyChoices, m.Notify) {
			errs.Add(field, "recruit.error.member_notify")
			continue
		}
		if seen[m.PersonID] {
			errs.Add(field, "recruit.error.member_twice")
			continue
		}
		p, err := s.People.Person(ctx, m.PersonID)
		if errors.Is(err, employees.ErrNotFound) || (err == nil && !p.Active) {
			errs.Add(field, "recruit.error.member_unknown")
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		seen[m.PersonID] = true
		out = append(out, m)
	}
	if creator != "" && !seen[creator] {
		out = append([]Member{{PersonID: creator, Role: RoleRecruiter, Notify: NotifyNow}}, out...)
	}
	if len(errs) == 0 && !slices.ContainsFunc(out, func(m Member) bool { return m.Role == RoleRecruiter }) {
		errs.Add("group", "recruit.error.no_recruiter")
	}
	return out, errs, nil
}
