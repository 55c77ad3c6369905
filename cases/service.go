package cases

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"

	"portal/access"
	"portal/employees"
	"portal/payroll"
	"portal/valid"
)

// Store keeps the cases and their logs. Every step is an insert that
// collides on its key (Step.Key); the case record holds the content of
// the latest revision, written after that revision's step was claimed.
type Store interface {
	// Insert stores a new case.
	Insert(ctx context.Context, c Case) error
	// Case returns a case without its log, or ErrNotFound.
	Case(ctx context.Context, id string) (Case, error)
	// Save writes the case's content, revision and listing fields.
	Save(ctx context.Context, c Case) error
	// Delete removes a draft and its log.
	Delete(ctx context.Context, id string) error
	// OfEmployments returns the cases of the employments, newest first;
	// open: only those not yet closed.
	OfEmployments(ctx context.Context, employmentIDs []string, open bool) ([]Case, error)
	// AddStep inserts a step; ErrTaken when its key is taken.
	AddStep(ctx context.Context, s Step) error
	// Steps returns a case's log, oldest first.
	Steps(ctx context.Context, caseID string) ([]Step, error)
	// StepsByKey returns the steps of the keys that exist.
	StepsByKey(ctx context.Context, keys []string) ([]Step, error)
	// Approved returns the approvals of the employment paid with the
	// period; every employment's with "".
	Approved(ctx context.Context, employmentID string, period payroll.Period) ([]Step, error)
	// PayStamp reads the employment's change stamp of its approvals (one
	// read by key); TouchPay moves it after an approval.
	PayStamp(ctx context.Context, employmentID string) (string, error)
	TouchPay(ctx context.Context, employmentID string) error
	// SubmittedBetween returns the submissions in [from, to).
	SubmittedBetween(ctx context.Context, from, to time.Time) ([]Step, error)
	// CasesStamp reads the employment's change stamp of its cases, which
	// every write of a case or a step moves (one read by key).
	CasesStamp(ctx context.Context, employmentID string) (string, error)
}

// Blobs keeps the receipts' files.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	Remove(ctx context.Context, key string) error
}

// Directory is what the cases ask of the staff directory.
type Directory interface {
	Employment(ctx context.Context, id string) (employees.Employment, error)
	Employments(ctx context.Context, personID string) ([]employees.Employment, error)
	Reports(ctx context.Context, personID string) ([]employees.Employment, error)
	ManagerOf(ctx context.Context, employmentID string) (employees.Person, employees.Employment, error)
	Person(ctx context.Context, user string) (employees.Person, error)
}

// Policy is the one access check of cases besides the case's own
// employment: who manages an employment, and which units a role's grant
// covers (administrative support recommends there).
type Policy interface {
	Manages(ctx context.Context, personID, employmentID string) (bool, error)
	Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
}

// Balances gives an employment's balances as payroll exported them.
type Balances interface {
	Summary(ctx context.Context, employmentID string) (payroll.Summary, error)
}

// Notifier tells people about their cases: the manager of a new case,
// the employee of a decision.
type Notifier interface {
	Submitted(ctx context.Context, c Case, manager employees.Person) error
	Decided(ctx context.Context, c Case, employee employees.Person) error
}

// Service is the cases: the employee's own, the manager's decisions,
// administrative support's recommendations, and what the approved ones
// add to the pay.
type Service struct {
	Store     Store
	Blobs     Blobs
	Directory Directory
	Policy    Policy
	Balances  Balances // nil: vacation is not checked against a balance
	Notify    Notifier // nil: nobody is told
	Codes     *Codes   // nil: DefaultCodes
	// Cutoff is the day of the month up to which an approval is paid
	// with that month's payday; later ones with the next. 0: the 10th.
	Cutoff int
	// Digest: managers get one message a day of the cases submitted to
	// them (SendDigests) rather than one per case.
	Digest bool
	Now    func() time.Time

	payMu sync.Mutex
	pay   map[payKey]paid // the approvals of an employment and period, under its stamp
	subs  subsCache
	byEmp map[string]listed // an employment's cases with their states, under its stamp
}

type listed struct {
	stamp string
	cases []Case
	at    time.Time
}

type payKey struct {
	employment string
	period     payroll.Period
}

type paid struct {
	stamp string
	steps []Step
	at    time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CodeList is the employer's code list.
func (s *Service) CodeList() *Codes {
	if s.Codes == nil {
		s.Codes = DefaultCodes()
	}
	return s.Codes
}

// Owner is the person and the employment the employee's pages act on:
// the session's, never an id from the request.
type Owner struct {
	PersonID     string
	EmploymentID string
	UnitID       string
}

// Role is how a person may see a case.
type Role string

// The ways to see a case.
const (
	RoleOwner   Role = "owner"
	RoleManager Role = "manager"
	RoleSupport Role = "support"
)

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// PeriodFor is the pay period an approval at t is paid with: the month
// of t up to its cut-off day, else the next.
func (s *Service) PeriodFor(t time.Time) payroll.Period {
	cut := s.Cutoff
	if cut <= 0 {
		cut = 10
	}
	d := t.In(payroll.Stockholm)
	p := payroll.PeriodOf(d)
	if d.Day() > cut {
		p = p.Next()
	}
	return p
}

// CutoffOf is the last day approvals are paid with the period.
func (s *Service) CutoffOf(p payroll.Period) time.Time {
	cut := s.Cutoff
	if cut <= 0 {
		cut = 10
	}
	st := p.Start()
	last := st.AddDate(0, 1, -1).Day()
	return time.Date(st.Year(), st.Month(), min(cut, last), 0, 0, 0, 0, payroll.Stockholm)
}

// withLog fills in the steps that tell a case's state.
func withLog(c Case, steps []Step) Case {
	for i := range steps {
		st := steps[i]
		switch {
		case st.Kind.Ends():
			c.End = &st
		case st.Kind == StepRecommended:
			c.Recommended = &st
		case st.Kind == StepTransferred:
			c.Transferred = &st
		}
	}
	return c
}

// stateKeys are the keys of the steps that tell a case's state.
func stateKeys(id string) []string {
	return []string{StepKey(id, StepApproved, 0), StepKey(id, StepRecommended, 0), StepKey(id, StepTransferred, 0)}
}

// withStates fills in the state of each case with one read by keys.
func (s *Service) withStates(ctx context.Context, list []Case) ([]Case, error) {
	if len(list) == 0 {
		return list, nil
	}
	keys := make([]string, 0, 3*len(list))
	for _, c := range list {
		keys = append(keys, stateKeys(c.ID)...)
	}
	steps, err := s.Store.StepsByKey(ctx, keys)
	if err != nil {
		return nil, err
	}
	by := map[string][]Step{}
	for _, st := range steps {
		by[st.CaseID] = append(by[st.CaseID], st)
	}
	for i := range list {
		list[i] = withLog(list[i], by[list[i].ID])
	}
	return list, nil
}

// read returns a case with its state, and its log.
func (s *Service) read(ctx context.Context, id string) (Case, []Step, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, nil, err
	}
	steps, err := s.Store.Steps(ctx, id)
	if err != nil {
		return Case{}, nil, err
	}
	return withLog(c, steps), steps, nil
}

// Open reads a case for the person, with its log and how the person may
// see it: as its owner working in the employment, as the manager of the
// employment, or as administrative support for its unit (absence and
// work changes). Anyone else gets ErrNotFound, as for no case at all.
func (s *Service) Open(ctx context.Context, personID, employmentID, id string) (Case, []Step, Role, error) {
	c, steps, err := s.read(ctx, id)
	if err != nil {
		return Case{}, nil, "", err
	}
	role, err := s.roleOf(ctx, personID, employmentID, c)
	if err != nil {
		return Case{}, nil, "", err
	}
	if role == "" {
		return Case{}, nil, "", ErrNotFound
	}
	return c, steps, role, nil
}

// roleOf is how the person may see the case; "" not at all. The owner is
// the owner only in the employment the case is of.
func (s *Service) roleOf(ctx context.Context, personID, employmentID string, c Case) (Role, error) {
	if c.PersonID == personID {
		if c.EmploymentID == employmentID {
			return RoleOwner, nil
		}
		return "", nil
	}
	if c.SubmittedAt.IsZero() { // a draft is the owner's alone
		return "", nil
	}
	ok, err := s.Policy.Manages(ctx, personID, c.EmploymentID)
	if err != nil || ok {
		return RoleManager, err
	}
	if m, err := s.substituteFor(ctx, personID, c.EmploymentID); err != nil || m != "" {
		return RoleManager, err
	}
	if c.Kind == KindAbsence || c.Kind == KindWork {
		ok, err = s.Policy.Can(ctx, personID, access.PermReportAbsence, c.UnitID)
		if err != nil || ok {
			return RoleSupport, err
		}
	}
	return "", nil
}

// own reads a case of the owner's employment, else ErrNotFound.
func (s *Service) own(ctx context.Context, o Owner, id string) (Case, error) {
	c, _, role, err := s.Open(ctx, o.PersonID, o.EmploymentID, id)
	if err != nil {
		return Case{}, err
	}
	if role != RoleOwner {
		return Case{}, ErrNotFound
	}
	return c, nil
}

// Mine are the owner's cases of the employment, newest first.
func (s *Service) Mine(ctx context.Context, o Owner) ([]Case, error) {
	list, err := s.casesOf(ctx, o.EmploymentID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(c Case) bool { return c.PersonID != o.PersonID }), nil
}

// casesOf are the employment's cases with their states, newest first:
// kept in memory under the employment's stamp, so that the overview's
// to-do reads one stamp by key; read anew at least once a minute.
func (s *Service) casesOf(ctx context.Context, employmentID string) ([]Case, error) {
	stamp, err := s.Store.CasesStamp(ctx, employmentID)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s.payMu.Lock()
	got, ok := s.byEmp[employmentID]
	s.payMu.Unlock()
	if ok && got.stamp == stamp && now.Sub(got.at) < time.Minute && now.Sub(got.at) >= 0 {
		return slices.Clone(got.cases), nil
	}
	list, err := s.Store.OfEmployments(ctx, []string{employmentID}, false)
	if err != nil {
		return nil, err
	}
	if list, err = s.withStates(ctx, list); err != nil {
		return nil, err
	}
	s.payMu.Lock()
	if s.byEmp == nil || len(s.byEmp) > 20000 {
		s.byEmp = map[string]listed{}
	}
	s.byEmp[employmentID] = listed{stamp: stamp, cases: list, at: now}
	s.payMu.Unlock()
	return slices.Clone(list), nil
}

// Create makes a case of the owner's employment from its content, as a
// draft or submitted at once.
func (s *Service) Create(ctx context.Context, o Owner, kind Kind, content Content, submit bool) (Case, error) {
	if err := s.check(ctx, o.EmploymentID, "", kind, content); err != nil {
		return Case{}, err
	}
	now := s.now()
	c := Case{ID: newID(), EmploymentID: o.EmploymentID, PersonID: o.PersonID, UnitID: o.UnitID, Kind: kind, Content: content,
		Rev: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.Insert(ctx, c); err != nil {
		return Case{}, err
	}
	if err := s.Store.AddStep(ctx, Step{Key: StepKey(c.ID, StepCreated, 0), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepCreated,
		By: o.PersonID, At: now, Rev: 1}); err != nil {
		return Case{}, err
	}
	if submit {
		return s.Submit(ctx, o, c.ID)
	}
	return c, nil
}

// Change writes new content of an open case of the owner's, checked;
// rev is the revision the form was made from (ErrStale when another
// change came first). A change that meets a decision made meanwhile is
// ErrHandled: the decision stands on what the manager saw.
func (s *Service) Change(ctx context.Context, o Owner, id string, rev int, content Content) (Case, error) {
	c, err := s.own(ctx, o, id)
	if err != nil {
		return Case{}, err
	}
	if !c.Open() {
		return Case{}, ErrHandled
	}
	if rev != c.Rev {
		return Case{}, ErrStale
	}
	if err := s.check(ctx, c.EmploymentID, c.ID, c.Kind, content); err != nil {
		return Case{}, err
	}
	if c.Travel != nil && content.Travel != nil {
		content.Travel.Outlays = c.Travel.Outlays
	}
	return s.revise(ctx, o, c, func(c *Case) { c.Content = content })
}

// revise claims the case's next revision, applies the change and stores
// it, then looks whether the case was handled meanwhile.
func (s *Service) revise(ctx context.Context, o Owner, c Case, change func(*Case)) (Case, error) {
	now := s.now()
	next := c.Rev + 1
	err := s.Store.AddStep(ctx, Step{Key: StepKey(c.ID, StepChanged, next), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepChanged,
		By: o.PersonID, At: now, Rev: next})
	if errors.Is(err, ErrTaken) {
		return Case{}, ErrStale
	}
	if err != nil {
		return Case{}, err
	}
	change(&c)
	c.Rev, c.UpdatedAt = next, now
	if err := s.Store.Save(ctx, c); err != nil {
		return Case{}, err
	}
	ends, err := s.Store.StepsByKey(ctx, []string{StepKey(c.ID, StepApproved, 0)})
	if err != nil {
		return Case{}, err
	}
	if len(ends) > 0 {
		return Case{}, ErrHandled
	}
	return c, nil
}

// Submit sends a draft to the manager, who is told.
func (s *Service) Submit(ctx context.Context, o Owner, id string) (Case, error) {
	c, err := s.own(ctx, o, id)
	if err != nil {
		return Case{}, err
	}
	if !c.Open() {
		return Case{}, ErrHandled
	}
	if !c.SubmittedAt.IsZero() {
		return c, nil
	}
	if err := s.check(ctx, c.EmploymentID, c.ID, c.Kind, c.Content); err != nil {
		return Case{}, err
	}
	now := s.now()
	err = s.Store.AddStep(ctx, Step{Key: StepKey(c.ID, StepSubmitted, 0), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepSubmitted,
		By: o.PersonID, At: now, Rev: c.Rev})
	if errors.Is(err, ErrTaken) {
		return s.own(ctx, o, id) // submitted from another tab
	}
	if err != nil {
		return Case{}, err
	}
	c.SubmittedAt = now
	if err := s.Store.Save(ctx, c); err != nil {
		return Case{}, err
	}
	if s.Notify != nil && !s.Digest {
		if m, _, err := s.Directory.ManagerOf(ctx, c.EmploymentID); err == nil {
			if err := s.Notify.Submitted(ctx, c, m); err != nil {
				return c, err
			}
		} else if !errors.Is(err, employees.ErrNotFound) {
			return c, err
		}
	}
	return c, nil
}

// Withdraw takes back a case: a draft is removed with its receipts, a
// submitted one stays, withdrawn, as the record it is.
func (s *Service) Withdraw(ctx context.Context, o Owner, id string) (Case, error) {
	c, err := s.own(ctx, o, id)
	if err != nil {
		return Case{}, err
	}
	if !c.Open() {
		return Case{}, ErrHandled
	}
	if c.SubmittedAt.IsZero() {
		if c.Travel != nil && s.Blobs != nil {
			for _, ol := range c.Travel.Outlays {
				if err := s.Blobs.Remove(ctx, ol.Receipt.Key); err != nil {
					return Case{}, err
				}
			}
		}
		return Case{}, s.Store.Delete(ctx, c.ID)
	}
	end := Step{Key: StepKey(c.ID, StepWithdrawn, 0), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepWithdrawn, By: o.PersonID, At: s.now(), Rev: c.Rev}
	if err := s.Store.AddStep(ctx, end); errors.Is(err, ErrTaken) {
		return Case{}, ErrHandled
	} else if err != nil {
		return Case{}, err
	}
	c.End, c.Closed = &end, true
	return c, s.Store.Save(ctx, c)
}

// Decision is a manager's answer to one case: approve or reject (with a
// reason), on the revision the manager saw.
type Decision struct {
	ID      string
	Rev     int
	Approve bool
	Reason  string
}

// Outcome is what came of one decision; Err is nil, ErrNotFound,
// ErrHandled or ErrStale.
type Outcome struct {
	Case Case
	Err  error
}

// MaxReason bounds a rejection's reason.
const MaxReason = 500

// Decide approves or rejects cases of employments the person manages, each
// at most once: a case handled meanwhile (by another manager, or
// withdrawn) is ErrHandled and keeps its outcome. A rejection without a
// reason changes nothing (valid.Problems on "reason").
func (s *Service) Decide(ctx context.Context, personID string, ds []Decision) ([]Outcome, error) {
	for _, d := range ds {
		if !d.Approve {
			var p valid.Problems
			switch {
			case len([]rune(d.Reason)) == 0:
				p.Add("reason", "cases.error.reason")
			case !valid.PlainText(d.Reason) || len([]rune(d.Reason)) > MaxReason:
				p.Add("reason", "cases.error.too_long", MaxReason)
			}
			if err := p.Err(); err != nil {
				return nil, err
			}
		}
	}
	// The cases are independent: decided a few at a time, so that a
	// hundred at once take well under a second.
	out := make([]Outcome, len(ds))
	var wg sync.WaitGroup
	sem := make(chan struct{}, decideAtOnce)
	for i, d := range ds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := s.decide(ctx, personID, d)
			out[i] = Outcome{Case: c, Err: err}
		})
	}
	wg.Wait()
	for _, o := range out {
		if err := o.Err; err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrHandled) && !errors.Is(err, ErrStale) {
			return out, err
		}
	}
	return out, nil
}

// decideAtOnce bounds the decisions of one call made at the same time.
const decideAtOnce = 8

func (s *Service) decide(ctx context.Context, personID string, d Decision) (Case, error) {
	c, _, err := s.read(ctx, d.ID)
	if err != nil {
		return Case{}, err
	}
	if role, err := s.roleOf(ctx, personID, "", c); err != nil {
		return Case{}, err
	} else if role != RoleManager {
		return Case{}, ErrNotFound
	}
	if !c.Open() {
		return c, ErrHandled
	}
	if d.Rev != 0 && d.Rev != c.Rev {
		return c, ErrStale
	}
	now := s.now()
	content := c.Content
	end := Step{Key: StepKey(c.ID, StepApproved, 0), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepApproved, By: personID,
		At: now, Rev: c.Rev, Content: &content}
	if ok, err := s.Policy.Manages(ctx, personID, c.EmploymentID); err != nil {
		return Case{}, err
	} else if !ok { // a substitute's decision, recorded as such
		if end.Of, err = s.substituteFor(ctx, personID, c.EmploymentID); err != nil {
			return Case{}, err
		}
		end.Substitute = true
	}
	if d.Approve {
		end.Period = s.PeriodFor(now)
	} else {
		end.Kind, end.Reason = StepRejected, d.Reason
	}
	if err := s.Store.AddStep(ctx, end); errors.Is(err, ErrTaken) {
		c, _, _ = s.read(ctx, d.ID)
		return c, ErrHandled
	} else if err != nil {
		return Case{}, err
	}
	c.End, c.Closed = &end, true
	if err := s.Store.Save(ctx, c); err != nil {
		return Case{}, err
	}
	if end.Kind == StepApproved {
		if err := s.Store.TouchPay(ctx, c.EmploymentID); err != nil {
			return Case{}, err
		}
	}
	if s.Notify != nil {
		p, err := s.Directory.Person(ctx, c.PersonID)
		if err == nil {
			err = s.Notify.Decided(ctx, c, p)
		}
		if err != nil && !errors.Is(err, employees.ErrNotFound) {
			return c, err
		}
	}
	return c, nil
}

// Recommend records administrative support's recommendation of a case of
// a unit the person's grant covers, once.
func (s *Service) Recommend(ctx context.Context, personID, id string) (Case, error) {
	c, _, err := s.read(ctx, id)
	if err != nil {
		return Case{}, err
	}
	role, err := s.roleOf(ctx, personID, "", c)
	if err != nil {
		return Case{}, err
	}
	if role != RoleSupport {
		return Case{}, ErrNotFound
	}
	if !c.Open() {
		return c, ErrHandled
	}
	st := Step{Key: StepKey(c.ID, StepRecommended, 0), CaseID: c.ID, EmploymentID: c.EmploymentID, Kind: StepRecommended, By: personID, At: s.now(), Rev: c.Rev}
	if err := s.Store.AddStep(ctx, st); err != nil && !errors.Is(err, ErrTaken) {
		return Case{}, err
	}
	c.Recommended = &st
	return c, nil
}

// Waiting are the submitted cases of the employments the person
// manages, oldest first.
func (s *Service) Waiting(ctx context.Context, personID string) ([]Case, error) {
	reports, err := s.Directory.Reports(ctx, personID)
	if err != nil {
		return nil, err
	}
	managers, err := s.actingFor(ctx, personID)
	if err != nil {
		return nil, err
	}
	for _, m := range managers { // and those of the managers one substitutes for
		theirs, err := s.Directory.Reports(ctx, m)
		if err != nil {
			return nil, err
		}
		for _, r := range theirs {
			if r.PersonID != personID {
				reports = append(reports, r)
			}
		}
	}
	if len(reports) == 0 {
		return nil, nil
	}
	var ids []string
	for _, r := range reports {
		if !slices.Contains(ids, r.ID) {
			ids = append(ids, r.ID)
		}
	}
	list, err := s.Store.OfEmployments(ctx, ids, true)
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(c Case) bool { return c.SubmittedAt.IsZero() })
	if list, err = s.withStates(ctx, list); err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(c Case) bool { return !c.Open() })
	sort.SliceStable(list, func(i, j int) bool { return list[i].SubmittedAt.Before(list[j].SubmittedAt) })
	return list, nil
}

// check applies the rules beyond the form: a vacation must be covered by
// the vacation balance, less what other open vacation cases take.
func (s *Service) check(ctx context.Context, employmentID, caseID string, kind Kind, c Content) error {
	if (kind == KindAbsence) != (c.Absence != nil) || (kind == KindWork) != (c.Work != nil) ||
		(kind == KindTravel) != (c.Travel != nil) || (kind == KindAddition) != (c.Addition != nil) {
		return fmt.Errorf("cases: content of another kind than %s", kind)
	}
	if c.Absence == nil || c.Absence.Cause != CauseVacation || s.Balances == nil {
		return nil
	}
	need := VacationDays(*c.Absence)
	sum, err := s.Balances.Summary(ctx, employmentID)
	if err != nil && !errors.Is(err, payroll.ErrNotFound) {
		return err
	}
	var have payroll.Quantity
	for _, b := range sum.Balances {
		if b.Kind == payroll.VacationPaid || b.Kind == payroll.VacationSaved {
			have += b.Value
		}
	}
	others, err := s.casesOf(ctx, employmentID)
	if err != nil {
		return err
	}
	var taken payroll.Quantity
	for _, o := range others {
		if o.ID != caseID && o.Open() && o.Absence != nil && o.Absence.Cause == CauseVacation {
			taken += VacationDays(*o.Absence)
		}
	}
	if need > have-taken {
		var p valid.Problems
		p.Add("from", "cases.error.vacation", need, have-taken, taken)
		return p.Err()
	}
	return nil
}

// VacationDays is how many vacation days an absence takes: its banking
// days, in part by the hours (of an 8-hour day) or the percentage.
func VacationDays(a Absence) payroll.Quantity {
	var days int64
	for d := payroll.Day(a.From); !d.After(payroll.Day(a.To)); d = d.AddDate(0, 0, 1) {
		if payroll.BankingDay(d) {
			days++
		}
		if days > MaxDays {
			break
		}
	}
	switch a.Extent {
	case ExtentHours:
		return payroll.Quantity(days * int64(a.Hours) / 8)
	case ExtentPercent:
		return payroll.Quantity(days * int64(a.Percent) / 100)
	}
	return payroll.Quantity(days * 100)
}

// OfPerson are the person's own cases in progress (not yet handled) in
// all their employments, newest first, for the overview's to-do.
func (s *Service) OfPerson(ctx context.Context, personID string) ([]Case, error) {
	emps, err := s.Directory.Employments(ctx, personID)
	if err != nil || len(emps) == 0 {
		return nil, err
	}
	var out []Case
	for _, e := range emps {
		list, err := s.casesOf(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, slices.DeleteFunc(list, func(c Case) bool { return c.PersonID != personID || !c.Open() })...)
	}
	return out, nil
}
