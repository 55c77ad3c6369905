package access

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"portal/employees"
	"portal/valid"
)

// MaxReason is the longest reason a request, decline, refusal or
// revocation may give.
const MaxReason = 1000

// maxUnits is the most units one request or grant may name.
const maxUnits = 20

// Service runs role requests, grants, courses and the audit log.
type Service struct {
	Store  Store
	Dir    Directory
	Roles  *Catalogue
	Policy *Policy
	Now    func() time.Time
	// Notify sends the e-mail about requests; nil sends none.
	Notify Notifier
	// BaseURL is the portal's address, for the links in e-mail.
	BaseURL string
	// Logger notes e-mail that could not be sent; nil notes nothing.
	Logger *slog.Logger
	// LockWait is how long a grant waits for another one to the same
	// person to finish; zero is five seconds.
	LockWait time.Duration
}

// Pages the e-mail link to.
const (
	linkSign  = "/personal/behorigheter/att-signera"
	linkRoles = "/personal/behorigheter"
)

// Signer is the manager who signs the person's requests: the manager of
// the person's current employment; ok false when there is none (the top
// of the organisation, or no active employment).
func (s *Service) Signer(ctx context.Context, personID string) (manager employees.Person, ok bool, err error) {
	person, err := s.Dir.Person(ctx, personID)
	if err != nil {
		return employees.Person{}, false, err
	}
	_, manager, ok, err = s.signer(ctx, person)
	return manager, ok, err
}

// signer is the person's current employment and the manager of it.
func (s *Service) signer(ctx context.Context, person employees.Person) (employees.Employment, employees.Person, bool, error) {
	emp, err := s.Dir.CurrentEmployment(ctx, person)
	if errors.Is(err, employees.ErrNotFound) {
		return emp, employees.Person{}, false, nil
	}
	if err != nil {
		return emp, employees.Person{}, false, err
	}
	manager, m, err := s.Dir.ManagerOf(ctx, emp.ID)
	if errors.Is(err, employees.ErrNotFound) || (err == nil && m.PersonID == person.ID) {
		return emp, employees.Person{}, false, nil
	}
	return emp, manager, err == nil, err
}

// notify sends the notice to the person; a failure is noted, never the
// action's.
func (s *Service) notify(ctx context.Context, to employees.Person, n Notice) {
	if s.Notify == nil || to.WorkEmail == "" || !to.Active {
		return
	}
	n.To, n.PersonID, n.Link = to.WorkEmail, to.ID, s.BaseURL+n.Link
	if n.Lang == "" {
		n.Lang = "sv"
	}
	if err := s.Notify.Notify(ctx, n); err != nil && s.Logger != nil {
		s.Logger.Warn("access: e-mail not sent", "kind", n.Kind, "err", err)
	}
}

// notifyRequester tells the requester what became of the request.
func (s *Service) notifyRequester(ctx context.Context, r Request, kind, reason string) {
	p, err := s.Dir.Person(ctx, r.PersonID)
	if err != nil {
		return
	}
	s.notify(ctx, p, s.notice(ctx, r, kind, reason, linkRoles, p.Lang))
}

// notice is the e-mail about the request in lang, the recipient's
// language (Swedish when none is on record).
func (s *Service) notice(ctx context.Context, r Request, kind, reason, link, lang string) Notice {
	if lang != "en" {
		lang = "sv"
	}
	n := Notice{Kind: kind, Lang: lang, Requester: r.PersonName, Reason: reason, Link: link, Role: r.Role}
	if role, ok := s.Roles.Role(r.Role); ok {
		n.Role = role.Name.In(lang)
	}
	names := make([]string, 0, len(r.Units))
	for _, u := range r.Units {
		if unit, err := s.Dir.Unit(ctx, u); err == nil {
			names = append(names, unit.Name)
		} else {
			names = append(names, u)
		}
	}
	n.Units = strings.Join(names, ", ")
	return n
}

// lock holds the person's grants still while a grant is checked and
// stored: of two grants at once to one person, the second is checked
// only when the first is stored. It answers ErrStale when the other takes
// too long.
func (s *Service) lock(ctx context.Context, key string) (func(), error) {
	token := newID()
	wait := cmp.Or(s.LockWait, 5*time.Second)
	deadline := time.Now().Add(wait)
	for {
		now := s.Now()
		err := s.Store.Lock(ctx, "lock:"+key, token, now, now.Add(-time.Minute))
		if err == nil {
			return func() { _ = s.Store.Unlock(context.WithoutCancel(ctx), "lock:"+key, token) }, nil
		}
		if !errors.Is(err, ErrTaken) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, ErrStale
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(15 * time.Millisecond):
		}
	}
}

func newID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// name is the person's full name, or their id when not in the directory.
func (s *Service) name(ctx context.Context, personID string) string {
	if personID == CommandLine {
		return ""
	}
	if p, err := s.Dir.Person(ctx, personID); err == nil {
		return p.Name()
	}
	return personID
}

// seq orders the lines an instance logs within one moment.
var seq atomic.Uint64

func (s *Service) log(ctx context.Context, e Event) error {
	e.At = s.Now()
	// The id sorts by time, then by the order of this instance's lines.
	e.ID = fmt.Sprintf("%016x%08x", e.At.UnixNano(), uint32(seq.Add(1))) + newID()[:8]
	if e.ActorName == "" {
		e.ActorName = s.name(ctx, e.Actor)
	}
	return s.Store.AppendEvent(ctx, e)
}

// checkForm checks a role, units and reason as a form: the problems name
// the fields "role", "units" and "reason".
func (s *Service) checkForm(ctx context.Context, roleID string, units []string, reason string, needReason bool) (valid.Problems, []string, error) {
	var p valid.Problems
	if _, ok := s.Roles.Role(roleID); !ok {
		p.Add("role", "access.error.role")
	}
	units = uniq(units)
	switch {
	case len(units) == 0:
		p.Add("units", "access.error.units")
	case len(units) > maxUnits:
		p.Add("units", "access.error.units_many")
	default:
		for _, u := range units {
			if u == Everywhere {
				continue
			}
			unit, err := s.Dir.Unit(ctx, u)
			if errors.Is(err, employees.ErrNotFound) || (err == nil && !unit.Active) {
				p.Add("units", "access.error.unit")
				break
			}
			if err != nil {
				return nil, nil, err
			}
		}
	}
	if needReason {
		p = checkReason(p, reason, "access.error.reason")
	}
	return p, units, nil
}

// checkReason checks a reason; missing is the message of an empty one,
// which names what the field asks for.
func checkReason(p valid.Problems, reason, missing string) valid.Problems {
	if strings.TrimSpace(reason) == "" {
		p.Add("reason", missing)
	} else if utf8.RuneCountInString(reason) > MaxReason {
		p.Add("reason", "access.error.reason_long")
	}
	return p
}

func uniq(in []string) []string {
	var out []string
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Submit files a request of the person for the role in the units; it
// awaits the signature of the manager of the person's current employment.
func (s *Service) Submit(ctx context.Context, personID, roleID string, units []string, reason string) (Request, error) {
	p, units, err := s.checkForm(ctx, roleID, units, reason, true)
	if err != nil {
		return Request{}, err
	}
	if slices.Contains(units, Everywhere) {
		p.Add("units", "access.error.unit")
	}
	person, err := s.Dir.Person(ctx, personID)
	if err != nil {
		return Request{}, err
	}
	emp, _, ok, err := s.signer(ctx, person)
	if err != nil {
		return Request{}, err
	}
	if !ok {
		p.Add("role", "access.error.no_manager")
	}
	if err := p.Err(); err != nil {
		return Request{}, err
	}
	// One open request a role: of the same request sent many times at
	// once (a double click, a form sent again), one is stored.
	unlock, err := s.lock(ctx, "requests:"+personID)
	if err != nil {
		return Request{}, err
	}
	defer unlock()
	open, err := s.Store.RequestsOf(ctx, personID)
	if err != nil {
		return Request{}, err
	}
	for _, o := range open {
		if o.Role == roleID && (o.State == StateAwaiting || o.State == StateSigned) {
			p.Add("role", "access.error.open_request")
			return Request{}, p.Err()
		}
	}
	r := Request{ID: newID(), PersonID: personID, PersonName: person.Name(), EmploymentID: emp.ID, Role: roleID, Units: units,
		Reason: strings.TrimSpace(reason), State: StateAwaiting, CreatedAt: s.Now()}
	if err := s.Store.InsertRequest(ctx, r); err != nil {
		return Request{}, err
	}
	if err := s.log(ctx, Event{Actor: personID, Action: ActionRequest, Person: personID, Role: roleID, Units: units, Request: r.ID, Detail: r.Reason}); err != nil {
		return r, err
	}
	if manager, _, err := s.Dir.ManagerOf(ctx, emp.ID); err == nil {
		s.notify(ctx, manager, s.notice(ctx, r, MailToSign, "", linkSign, manager.Lang))
	}
	return r, nil
}

// RequestsOf returns the person's own requests.
func (s *Service) RequestsOf(ctx context.Context, personID string) ([]Request, error) {
	return s.Store.RequestsOf(ctx, personID)
}

// ToSign returns the requests awaiting the person's signature: those of
// the employments the person manages.
func (s *Service) ToSign(ctx context.Context, personID string) ([]Request, error) {
	all, err := s.Store.RequestsIn(ctx, StateAwaiting, nil)
	if err != nil {
		return nil, err
	}
	var out []Request
	for _, r := range all {
		ok, err := s.Policy.Manages(ctx, personID, r.EmploymentID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// move claims the request's way out of its state, once: of two who act
// at once, one wins and the other gets ErrStale.
func (s *Service) move(ctx context.Context, r Request) error {
	err := s.Store.ClaimStep(ctx, stepKey(r), s.Now())
	if errors.Is(err, ErrTaken) {
		return ErrStale
	}
	return err
}

// stepKey is the key of the request's way out of its present state.
func stepKey(r Request) string { return "request:" + r.ID + ":" + string(r.State) }

// signable returns the request if the person may sign it, else
// ErrNotFound (nothing said of requests one may not see).
func (s *Service) signable(ctx context.Context, signerID, requestID string) (Request, error) {
	r, err := s.Store.RequestByID(ctx, requestID)
	if err != nil {
		return Request{}, err
	}
	ok, err := s.Policy.Manages(ctx, signerID, r.EmploymentID)
	if err != nil {
		return Request{}, err
	}
	if !ok || r.PersonID == signerID {
		return Request{}, ErrNotFound
	}
	if r.State != StateAwaiting {
		return Request{}, ErrStale
	}
	return r, nil
}

// Sign records the manager's signature of a report's request, with the
// manager's name and the time.
func (s *Service) Sign(ctx context.Context, signerID, requestID string) (Request, error) {
	r, err := s.signable(ctx, signerID, requestID)
	if err != nil {
		return Request{}, err
	}
	if err := s.move(ctx, r); err != nil {
		return Request{}, err
	}
	r.State, r.SignedBy, r.SignedByName, r.SignedAt = StateSigned, signerID, s.name(ctx, signerID), s.Now()
	if err := s.Store.SaveRequest(ctx, r); err != nil {
		return Request{}, err
	}
	if err := s.log(ctx, Event{Actor: signerID, ActorName: r.SignedByName, Action: ActionSign, Person: r.PersonID, Role: r.Role, Units: r.Units, Request: r.ID}); err != nil {
		return r, err
	}
	s.notifyRequester(ctx, r, MailSigned, "")
	return r, nil
}

// Decline is the manager's no to a report's request, with a reason.
func (s *Service) Decline(ctx context.Context, signerID, requestID, reason string) (Request, error) {
	r, err := s.signable(ctx, signerID, requestID)
	if err != nil {
		return Request{}, err
	}
	if err := checkReason(nil, reason, "access.error.reason_decline").Err(); err != nil {
		return Request{}, err
	}
	r, err = s.close(ctx, r, signerID, StateDeclined, ActionDecline, reason)
	if err == nil {
		s.notifyRequester(ctx, r, MailDeclined, r.CloseReason)
	}
	return r, err
}

// Withdraw takes back the person's own request before it is decided.
func (s *Service) Withdraw(ctx context.Context, personID, requestID string) (Request, error) {
	r, err := s.Store.RequestByID(ctx, requestID)
	if err != nil {
		return Request{}, err
	}
	if r.PersonID != personID {
		return Request{}, ErrNotFound
	}
	if r.State != StateAwaiting && r.State != StateSigned {
		return Request{}, ErrStale
	}
	return s.close(ctx, r, personID, StateWithdrawn, ActionWithdraw, "")
}

func (s *Service) close(ctx context.Context, r Request, actor string, to State, action, reason string) (Request, error) {
	if err := s.move(ctx, r); err != nil {
		return Request{}, err
	}
	r.State, r.ClosedBy, r.ClosedByName, r.ClosedAt, r.CloseReason = to, actor, s.name(ctx, actor), s.Now(), strings.TrimSpace(reason)
	if err := s.Store.SaveRequest(ctx, r); err != nil {
		return Request{}, err
	}
	return r, s.log(ctx, Event{Actor: actor, ActorName: r.ClosedByName, Action: action, Person: r.PersonID, Role: r.Role, Units: r.Units,
		Request: r.ID, Detail: r.CloseReason})
}

// mayGrant checks that the administrator may grant roles in every unit.
func (s *Service) mayGrant(ctx context.Context, adminID string, units []string) (bool, error) {
	for _, u := range units {
		ok, err := s.Policy.Can(ctx, adminID, PermGrantRoles, u)
		if err != nil || !ok {
			return false, err
		}
	}
	return len(units) > 0, nil
}

// Signed returns the signed requests the administrator may decide.
func (s *Service) Signed(ctx context.Context, adminID string) ([]Request, error) {
	all, err := s.Store.RequestsIn(ctx, StateSigned, nil)
	if err != nil {
		return nil, err
	}
	var out []Request
	for _, r := range all {
		ok, err := s.mayGrant(ctx, adminID, r.Units)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// decidable returns the signed request if the administrator may decide it.
func (s *Service) decidable(ctx context.Context, adminID, requestID string) (Request, error) {
	r, err := s.Store.RequestByID(ctx, requestID)
	if err != nil {
		return Request{}, err
	}
	ok, err := s.mayGrant(ctx, adminID, r.Units)
	if err != nil {
		return Request{}, err
	}
	if !ok {
		return Request{}, ErrNotFound
	}
	if r.State != StateSigned {
		return Request{}, ErrStale
	}
	return r, nil
}

// Grant grants a signed request, or answers a *Refusal naming every
// prerequisite that does not hold (the request then stays signed).
func (s *Service) Grant(ctx context.Context, adminID, requestID string) ([]Grant, error) {
	r, err := s.decidable(ctx, adminID, requestID)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lock(ctx, "grants:"+r.PersonID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.prerequisites(ctx, adminID, r.PersonID, r.Role, r.Units, r.ID); err != nil {
		// Another administrator's grant of this very request may be
		// what now stands in the way: then it is simply done.
		if taken, terr := s.Store.StepTaken(ctx, stepKey(r)); terr != nil || taken {
			return nil, cmp.Or(terr, ErrStale)
		}
		return nil, s.blocked(ctx, adminID, r.PersonID, r.Role, r.Units, r.ID, err)
	}
	if err := s.move(ctx, r); err != nil {
		return nil, err
	}
	grants, err := s.grant(ctx, adminID, r.PersonID, r.Role, r.Units, r.ID)
	if err != nil {
		return nil, err
	}
	r.State, r.ClosedBy, r.ClosedByName, r.ClosedAt = StateGranted, adminID, s.name(ctx, adminID), s.Now()
	if err := s.Store.SaveRequest(ctx, r); err != nil {
		return grants, err
	}
	s.notifyRequester(ctx, r, MailGranted, "")
	return grants, nil
}

// Refuse is the administrator's no to a signed request, with a reason.
func (s *Service) Refuse(ctx context.Context, adminID, requestID, reason string) (Request, error) {
	r, err := s.decidable(ctx, adminID, requestID)
	if err != nil {
		return Request{}, err
	}
	if err := checkReason(nil, reason, "access.error.reason_refuse").Err(); err != nil {
		return Request{}, err
	}
	r, err = s.close(ctx, r, adminID, StateRefused, ActionRefuse, reason)
	if err == nil {
		s.notifyRequester(ctx, r, MailRefused, r.CloseReason)
	}
	return r, err
}

// GrantDirect grants a role without a request, under the same
// prerequisites; the form's problems name "person", "role" and "units".
func (s *Service) GrantDirect(ctx context.Context, adminID, personID, roleID string, units []string) ([]Grant, error) {
	// The problems in the order of the form's fields: person, role, units.
	var p valid.Problems
	var person employees.Person
	if strings.TrimSpace(personID) == "" {
		p.Add("person", "access.error.person_missing")
	} else if found, err := s.Dir.Person(ctx, personID); errors.Is(err, employees.ErrNotFound) {
		p.Add("person", "access.error.person")
	} else if err != nil {
		return nil, err
	} else {
		person = found
	}
	rest, units, err := s.checkForm(ctx, roleID, units, "", false)
	if err != nil {
		return nil, err
	}
	p = append(p, rest...)
	if err := p.Err(); err != nil {
		return nil, err
	}
	ok, err := s.mayGrant(ctx, adminID, units)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrForbidden
	}
	unlock, err := s.lock(ctx, "grants:"+person.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.prerequisites(ctx, adminID, person.ID, roleID, units, ""); err != nil {
		return nil, s.blocked(ctx, adminID, person.ID, roleID, units, "", err)
	}
	return s.grant(ctx, adminID, person.ID, roleID, units, "")
}

// CourseStatus is a course a role requires, and whether the person has
// completed it.
type CourseStatus struct {
	Course Course
	Done   bool
	On     time.Time // the day it was completed
}

// RequiredCourses lists the courses the role requires, each with whether
// the person has completed it.
func (s *Service) RequiredCourses(ctx context.Context, personID, roleID string) ([]CourseStatus, error) {
	role, ok := s.Roles.Role(roleID)
	if !ok || len(role.Courses) == 0 {
		return nil, nil
	}
	done, err := s.Store.CompletionsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := make([]CourseStatus, 0, len(role.Courses))
	for _, id := range role.Courses {
		co, _ := s.Roles.Course(id)
		st := CourseStatus{Course: co}
		for _, d := range done {
			if d.Course == id {
				st.Done, st.On = true, d.CompletedOn
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// Check lists what keeps the person from being granted the role for the
// units by the administrator; none: the grant may be made.
func (s *Service) Check(ctx context.Context, adminID, personID, roleID string, units []string) ([]Reason, error) {
	var out []Reason
	role, ok := s.Roles.Role(roleID)
	if !ok {
		return nil, ErrNotFound
	}
	if adminID == personID {
		out = append(out, Reason{Kind: ReasonSelf})
	}
	person, err := s.Dir.Person(ctx, personID)
	if err != nil {
		return nil, err
	}
	if !person.Active {
		out = append(out, Reason{Kind: ReasonInactive})
	}
	done, err := s.Store.CompletionsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	for _, c := range role.Courses {
		if !slices.ContainsFunc(done, func(d Completion) bool { return d.Course == c }) {
			out = append(out, Reason{Kind: ReasonCourse, Subject: c})
		}
	}
	grants, err := s.activeGrants(ctx, personID)
	if err != nil {
		return nil, err
	}
	conflicting, full := map[string]bool{}, map[string]bool{}
	var covered []string
	for _, g := range grants {
		held, ok := s.Roles.Role(g.Role)
		if !ok {
			continue
		}
		switch {
		case held.ID == role.ID:
			covered = append(covered, g.Unit)
		case slices.Contains(held.InterimFor, role.ID):
			// the interim role ends when the full one is granted
		case slices.Contains(role.InterimFor, held.ID):
			full[held.ID] = true
		case conflicts(role, held):
			conflicting[held.ID] = true
		}
	}
	for _, r := range s.Roles.Roles { // in the catalogue's order
		if full[r.ID] {
			out = append(out, Reason{Kind: ReasonHasFull, Subject: r.ID})
		}
		if conflicting[r.ID] {
			out = append(out, Reason{Kind: ReasonConflict, Subject: r.ID})
		}
	}
	all := len(units) > 0
	for _, u := range units {
		in, err := s.coveredBy(ctx, u, covered)
		if err != nil {
			return nil, err
		}
		all = all && in
	}
	if all {
		out = append(out, Reason{Kind: ReasonHeld})
	}
	return out, nil
}

// prerequisites answers a *Refusal when the grant may not be made.
func (s *Service) prerequisites(ctx context.Context, adminID, personID, roleID string, units []string, requestID string) error {
	reasons, err := s.Check(ctx, adminID, personID, roleID, units)
	if err != nil || len(reasons) == 0 {
		return err
	}
	return &Refusal{Reasons: reasons}
}

// blocked logs a grant refused for its prerequisites, and returns err.
func (s *Service) blocked(ctx context.Context, adminID, personID, roleID string, units []string, requestID string, err error) error {
	var r *Refusal
	if !errors.As(err, &r) {
		return err
	}
	kinds := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		kinds[i] = strings.TrimSpace(x.Kind + " " + x.Subject)
	}
	if lerr := s.log(ctx, Event{Actor: adminID, Action: ActionGrantBlocked, Person: personID, Role: roleID, Units: units,
		Request: requestID, Detail: strings.Join(kinds, reasonSep)}); lerr != nil {
		return lerr
	}
	return err
}

// reasonSep parts the reasons of a blocked grant in its audit line.
const reasonSep = ", "

// BlockedReasons reads the reasons of a blocked grant back from the
// Detail of its audit line.
func BlockedReasons(e Event) []Reason {
	if e.Action != ActionGrantBlocked || e.Detail == "" {
		return nil
	}
	var out []Reason
	for _, part := range strings.Split(e.Detail, reasonSep) {
		kind, subject, _ := strings.Cut(part, " ")
		out = append(out, Reason{Kind: kind, Subject: subject})
	}
	return out
}

// coveredBy reports whether unit lies under one of the tops.
func (s *Service) coveredBy(ctx context.Context, unit string, tops []string) (bool, error) {
	for _, top := range tops {
		if top == Everywhere {
			return true, nil
		}
		if unit == Everywhere {
			continue
		}
		ok, err := s.Dir.Within(ctx, unit, top)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (s *Service) activeGrants(ctx context.Context, personID string) ([]Grant, error) {
	all, err := s.Store.GrantsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for _, g := range all {
		if g.Active() {
			out = append(out, g)
		}
	}
	return out, nil
}

// grant stores one grant per unit, then ends the interim grants the new
// role replaces in those units.
func (s *Service) grant(ctx context.Context, actor, personID, roleID string, units []string, requestID string) ([]Grant, error) {
	actorName := s.name(ctx, actor)
	var out []Grant
	for _, u := range units {
		g := Grant{ID: newID(), PersonID: personID, Role: roleID, Unit: u, RequestID: requestID, GrantedBy: actor,
			GrantedByName: actorName, GrantedAt: s.Now()}
		if err := s.Store.InsertGrant(ctx, g); err != nil {
			return out, err
		}
		out = append(out, g)
		if err := s.log(ctx, Event{Actor: actor, ActorName: actorName, Action: ActionGrant, Person: personID, Role: roleID,
			Units: []string{u}, Request: requestID, Grant: g.ID}); err != nil {
			return out, err
		}
	}
	held, err := s.activeGrants(ctx, personID)
	if err != nil {
		return out, err
	}
	for _, g := range held {
		r, ok := s.Roles.Role(g.Role)
		if !ok || !slices.Contains(r.InterimFor, roleID) {
			continue
		}
		in, err := s.coveredBy(ctx, g.Unit, units)
		if err != nil {
			return out, err
		}
		if in {
			if err := s.revoke(ctx, actor, g, "", ActionInterimEnded); err != nil && !errors.Is(err, ErrStale) {
				return out, err
			}
		}
	}
	return out, nil
}

// Revoke ends a grant, with who, when and why.
func (s *Service) Revoke(ctx context.Context, adminID, grantID, reason string) error {
	g, err := s.Store.GrantByID(ctx, grantID)
	if err != nil {
		return err
	}
	ok, err := s.mayGrant(ctx, adminID, []string{g.Unit})
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	if !g.Active() {
		return ErrStale
	}
	if err := checkReason(nil, reason, "access.error.reason_revoke").Err(); err != nil {
		return err
	}
	if g.Role != RoleSystemAdmin || g.Unit != Everywhere {
		return s.revoke(ctx, adminID, g, reason, ActionRevoke)
	}
	// Never the last administrator of the whole organisation: two at
	// once revoking each other's grant take turns.
	unlock, err := s.lock(ctx, "system-admins")
	if err != nil {
		return err
	}
	defer unlock()
	others, err := s.otherAdmins(ctx, g)
	if err != nil {
		return err
	}
	if others == 0 {
		return valid.Problems{{Field: "reason", Key: "access.error.last_admin"}}
	}
	return s.revoke(ctx, adminID, g, reason, ActionRevoke)
}

// otherAdmins counts the active people other than the grant's holder
// who hold the system administrator role for the whole organisation.
func (s *Service) otherAdmins(ctx context.Context, g Grant) (int, error) {
	all, err := s.Store.ActiveGrants(ctx)
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	for _, o := range all {
		if o.Role != RoleSystemAdmin || o.Unit != Everywhere || o.PersonID == g.PersonID || seen[o.PersonID] {
			continue
		}
		if ok, err := s.Policy.active(ctx, o.PersonID); err != nil {
			return 0, err
		} else if ok {
			seen[o.PersonID] = true
		}
	}
	return len(seen), nil
}

func (s *Service) revoke(ctx context.Context, actor string, g Grant, reason, action string) error {
	err := s.Store.ClaimStep(ctx, "grant:"+g.ID+":revoke", s.Now())
	if errors.Is(err, ErrTaken) {
		return ErrStale
	}
	if err != nil {
		return err
	}
	g.RevokedBy, g.RevokedByName, g.RevokedAt, g.RevokeReason = actor, s.name(ctx, actor), s.Now(), strings.TrimSpace(reason)
	g.Replaced = action == ActionInterimEnded
	if err := s.Store.SaveGrant(ctx, g); err != nil {
		return err
	}
	return s.log(ctx, Event{Actor: actor, ActorName: g.RevokedByName, Action: action, Person: g.PersonID, Role: g.Role,
		Units: []string{g.Unit}, Grant: g.ID, Request: g.RequestID, Detail: g.RevokeReason})
}

// GrantsOf returns the person's grants, active first.
func (s *Service) GrantsOf(ctx context.Context, personID string) ([]Grant, error) {
	all, err := s.Store.GrantsOf(ctx, personID)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b Grant) int {
		switch {
		case a.Active() && !b.Active():
			return -1
		case !a.Active() && b.Active():
			return 1
		}
		return b.GrantedAt.Compare(a.GrantedAt)
	})
	return all, nil
}

// ActiveGrants returns the active grants the administrator may revoke.
func (s *Service) ActiveGrants(ctx context.Context, adminID string) ([]Grant, error) {
	all, err := s.Store.ActiveGrants(ctx)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for _, g := range all {
		ok, err := s.mayGrant(ctx, adminID, []string{g.Unit})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, g)
		}
	}
	return out, nil
}

// AddAdmin grants the system administrator role for the whole
// organisation, as the command line; a person who holds it already keeps
// the grant they have.
func (s *Service) AddAdmin(ctx context.Context, personID string) (Grant, error) {
	return s.GrantByCommand(ctx, personID, RoleSystemAdmin, Everywhere)
}

// GrantByCommand grants a role for a unit from the command line (the
// demo data and the first administrator), unless the person holds it
// there already; the grant is in the audit log as the command line's.
func (s *Service) GrantByCommand(ctx context.Context, personID, roleID, unit string) (Grant, error) {
	if _, ok := s.Roles.Role(roleID); !ok {
		return Grant{}, fmt.Errorf("access: no role %q in the catalogue", roleID)
	}
	if _, err := s.Dir.Person(ctx, personID); err != nil {
		return Grant{}, err
	}
	unlock, err := s.lock(ctx, "grants:"+personID)
	if err != nil {
		return Grant{}, err
	}
	defer unlock()
	held, err := s.activeGrants(ctx, personID)
	if err != nil {
		return Grant{}, err
	}
	for _, g := range held {
		if g.Role == roleID && g.Unit == unit {
			return g, nil
		}
	}
	gs, err := s.grant(ctx, CommandLine, personID, roleID, []string{unit}, "")
	if err != nil {
		return Grant{}, err
	}
	return gs[0], nil
}

// Log returns the newest lines of the audit log, of one person if given,
// to an administrator who may read it for the whole organisation; the
// lines of earlier views of the log only when withViews. A person that is
// no user name is the problem of the field "person", and nothing is read
// or recorded.
func (s *Service) Log(ctx context.Context, viewerID, personID string, withViews bool, limit int) ([]Event, error) {
	if err := s.Policy.Require(ctx, viewerID, PermReadAudit, Everywhere); err != nil {
		return nil, err
	}
	personID = employees.NormalizeUser(personID)
	if personID != "" && !employees.ValidUser(personID) {
		return nil, valid.Problems{{Field: "person", Key: "access.error.person_filter"}}
	}
	events, err := s.Store.Events(ctx, personID, withViews, limit)
	if err != nil {
		return nil, err
	}
	// The view is on record from the next one on.
	return events, s.log(ctx, Event{Actor: viewerID, Action: ActionViewLog, Person: personID})
}
