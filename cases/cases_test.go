package cases_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/access"
	"portal/cases"
	"portal/employees"
	"portal/internal/testenv"
	"portal/payroll"
	"portal/valid"
)

var ctx = context.Background()

// dir is a staff directory of three: Fatima works in E-FAT under Eva's
// E-EVA; Otto (E-OTTO) manages nobody.
type dir struct{}

var emps = map[string]employees.Employment{
	"E-FAT":  {ID: "E-FAT", PersonID: "fatima", UnitID: "U1", ManagerID: "E-EVA", Active: true},
	"E-FAT2": {ID: "E-FAT2", PersonID: "fatima", UnitID: "U2", ManagerID: "E-OTTO", Active: true},
	"E-EVA":  {ID: "E-EVA", PersonID: "eva", UnitID: "U1", Active: true},
	"E-OTTO": {ID: "E-OTTO", PersonID: "otto", UnitID: "U2", Active: true},
}

func (dir) Employment(_ context.Context, id string) (employees.Employment, error) {
	e, ok := emps[id]
	if !ok {
		return e, employees.ErrNotFound
	}
	return e, nil
}
func (dir) Employments(_ context.Context, p string) ([]employees.Employment, error) {
	var out []employees.Employment
	for _, e := range emps {
		if e.PersonID == p {
			out = append(out, e)
		}
	}
	return out, nil
}
func (dir) Reports(_ context.Context, p string) ([]employees.Employment, error) {
	var out []employees.Employment
	for _, e := range emps {
		if m, ok := emps[e.ManagerID]; ok && m.PersonID == p {
			out = append(out, e)
		}
	}
	return out, nil
}
func (d dir) ManagerOf(_ context.Context, id string) (employees.Person, employees.Employment, error) {
	m, ok := emps[emps[id].ManagerID]
	if !ok {
		return employees.Person{}, m, employees.ErrNotFound
	}
	return employees.Person{ID: m.PersonID}, m, nil
}
func (dir) Person(_ context.Context, id string) (employees.Person, error) {
	return employees.Person{ID: id, FirstName: id, Active: id != "gone"}, nil
}

// policy: the manager of the employment manages it; "sara" has
// administrative support for U1.
type policy struct{}

func (policy) Manages(ctx context.Context, p, emp string) (bool, error) {
	m, _, err := dir{}.ManagerOf(ctx, emp)
	return err == nil && m.ID == p, nil
}
func (policy) Can(_ context.Context, p string, perm access.Permission, unit string) (bool, error) {
	return p == "sara" && perm == access.PermReportAbsence && unit == "U1", nil
}

type balances struct{ days payroll.Quantity }

func (b balances) Summary(_ context.Context, emp string) (payroll.Summary, error) {
	return payroll.Summary{EmploymentID: emp, Balances: []payroll.Balance{{Kind: payroll.VacationPaid, Year: 2026, Value: b.days}}}, nil
}

type notices struct {
	mu        sync.Mutex
	submitted []string
	decided   []string
}

func (n *notices) Submitted(_ context.Context, c cases.Case, m employees.Person) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.submitted = append(n.submitted, m.ID+":"+c.ID)
	return nil
}
func (n *notices) Decided(_ context.Context, c cases.Case, p employees.Person) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.decided = append(n.decided, p.ID+":"+string(c.State()))
	return nil
}

var now = time.Date(2026, 12, 2, 10, 0, 0, 0, payroll.Stockholm)

func service(t *testing.T) (*cases.Service, *notices) {
	t.Helper()
	n := &notices{}
	return &cases.Service{Store: testenv.DB(t).Cases(), Directory: dir{}, Policy: policy{}, Balances: balances{500}, Notify: n,
		Now: func() time.Time { return now }}, n
}

var fatima = cases.Owner{PersonID: "fatima", EmploymentID: "E-FAT", UnitID: "U1"}

func travel(t *testing.T) cases.Content {
	t.Helper()
	c, err := cases.Parse(cases.KindTravel, map[string]string{"from": "2026-11-20", "to": "2026-11-21", "destination": "Jönköping",
		"purpose": "Utbildning", "km": "120", "days": "2", "lunches": "1"}, cases.DefaultCodes())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A travel claim goes draft → submitted → approved, each step logged
// with who and when; the manager is told of it and the employee of the
// decision; the approval is paid with this month (before the cut-off)
// and its lines are mileage and per diem less the lunch.
func TestFlowAndPay(t *testing.T) {
	t.Parallel()
	s, n := service(t)
	c, err := s.Create(ctx, fatima, cases.KindTravel, travel(t), false)
	if err != nil || c.State() != cases.StateDraft {
		t.Fatalf("create: %+v %v", c, err)
	}
	if _, err := s.Submit(ctx, fatima, c.ID); err != nil {
		t.Fatal(err)
	}
	waiting, err := s.Waiting(ctx, "eva")
	if err != nil || len(waiting) != 1 || waiting[0].ID != c.ID {
		t.Fatalf("waiting: %+v %v", waiting, err)
	}
	if w, _ := s.Waiting(ctx, "otto"); len(w) != 0 {
		t.Fatalf("otto sees %d", len(w))
	}
	out, err := s.Decide(ctx, "eva", []cases.Decision{{ID: c.ID, Rev: 1, Approve: true}})
	if err != nil || out[0].Err != nil || out[0].Case.State() != cases.StateApproved || out[0].Case.End.Period != "2026-12" {
		t.Fatalf("decide: %+v %v", out, err)
	}
	got, steps, role, err := s.Open(ctx, "fatima", "E-FAT", c.ID)
	if err != nil || role != cases.RoleOwner || got.State() != cases.StateApproved || len(steps) != 3 {
		t.Fatalf("open: %+v %v %v %v", got, steps, role, err)
	}
	for i, k := range []cases.StepKind{cases.StepCreated, cases.StepSubmitted, cases.StepApproved} {
		if steps[i].Kind != k || steps[i].At.IsZero() {
			t.Errorf("step %d: %+v", i, steps[i])
		}
	}
	if steps[2].By != "eva" || steps[1].By != "fatima" {
		t.Errorf("who: %+v", steps)
	}
	lines, err := s.ApprovedLines(ctx, "E-FAT", "2026-12", now)
	if err != nil || len(lines) != 2 || lines[0].Amount != 120*250 || lines[1].Amount != 2*30000-10500 {
		t.Fatalf("lines: %+v %v", lines, err)
	}
	if len(n.submitted) != 1 || n.submitted[0] != "eva:"+c.ID || len(n.decided) != 1 || n.decided[0] != "fatima:approved" {
		t.Errorf("notices: %+v", n)
	}
	if _, err := s.Withdraw(ctx, fatima, c.ID); !errors.Is(err, cases.ErrHandled) {
		t.Errorf("withdraw approved: %v", err)
	}
	if _, err := s.Change(ctx, fatima, c.ID, 1, travel(t)); !errors.Is(err, cases.ErrHandled) {
		t.Errorf("change approved: %v", err)
	}
	s.Cutoff = 1
	if p := s.PeriodFor(now); p != "2027-01" {
		t.Errorf("after the cut-off: %s", p)
	}
}

// Nobody but the owner in the case's employment, its manager and
// administrative support of its unit sees a case; nobody else can
// decide, change or withdraw it; drafts are the owner's alone.
func TestAccess(t *testing.T) {
	t.Parallel()
	s, _ := service(t)
	abs, err := cases.Parse(cases.KindAbsence, map[string]string{"cause": "sick-child", "from": "2026-12-03", "to": "2026-12-03"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Create(ctx, fatima, cases.KindAbsence, abs, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.Open(ctx, "eva", "E-EVA", c.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("manager sees a draft: %v", err)
	}
	if _, err := s.Submit(ctx, fatima, c.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ person, emp string }{{"otto", "E-OTTO"}, {"fatima", "E-FAT2"}, {"nobody", ""}} {
		if _, _, _, err := s.Open(ctx, who.person, who.emp, c.ID); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("%s sees it: %v", who.person, err)
		}
	}
	other := cases.Owner{PersonID: "fatima", EmploymentID: "E-FAT2"}
	if _, err := s.Withdraw(ctx, other, c.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("withdraw from the other employment: %v", err)
	}
	if out, err := s.Decide(ctx, "otto", []cases.Decision{{ID: c.ID, Approve: true}}); err != nil || !errors.Is(out[0].Err, cases.ErrNotFound) {
		t.Errorf("otto decides: %+v %v", out, err)
	}
	if _, err := s.Decide(ctx, "fatima", []cases.Decision{{ID: c.ID, Approve: true}}); err != nil {
		t.Fatal(err)
	}
	if _, _, role, err := s.Open(ctx, "sara", "", c.ID); err != nil || role != cases.RoleSupport {
		t.Errorf("support: %v %v", role, err)
	}
	if out, _ := s.Decide(ctx, "sara", []cases.Decision{{ID: c.ID, Approve: true}}); !errors.Is(out[0].Err, cases.ErrNotFound) {
		t.Errorf("support decides: %v", out[0].Err)
	}
	if got, err := s.Recommend(ctx, "sara", c.ID); err != nil || got.State() != cases.StateRecommended {
		t.Errorf("recommend: %v %v", got.State(), err)
	}
	if _, _, _, err := s.Open(ctx, "eva", "E-EVA", c.ID); err != nil {
		t.Errorf("manager: %v", err)
	}
	if out, err := s.Decide(ctx, "eva", []cases.Decision{{ID: c.ID}}); out != nil || err == nil {
		t.Error("a rejection without a reason passed")
	}
}

// Two managers deciding at once and the employee withdrawing at the same
// time end with one outcome, logged once.
func TestParallelDecisions(t *testing.T) {
	t.Parallel()
	s, n := service(t)
	c, err := s.Create(ctx, fatima, cases.KindTravel, travel(t), true)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 12 {
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				_, err = s.Withdraw(ctx, fatima, c.ID)
			case 1:
				var out []cases.Outcome
				out, err = s.Decide(ctx, "eva", []cases.Decision{{ID: c.ID, Approve: true}})
				if err == nil {
					err = out[0].Err
				}
			default:
				var out []cases.Outcome
				out, err = s.Decide(ctx, "eva", []cases.Decision{{ID: c.ID, Reason: "Nej"}})
				if err == nil {
					err = out[0].Err
				}
			}
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, cases.ErrHandled) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	_, steps, _, err := s.Open(ctx, "fatima", "E-FAT", c.ID)
	ends := 0
	for _, st := range steps {
		if st.Kind.Ends() {
			ends++
		}
	}
	if err != nil || wins != 1 || ends != 1 {
		t.Fatalf("wins %d, ends %d: %v", wins, ends, err)
	}
	if len(n.decided) > 1 {
		t.Errorf("told %d times", len(n.decided))
	}
}

// A vacation the balance does not cover is refused, naming the balance;
// other open vacation cases count against it.
func TestVacationBalance(t *testing.T) {
	t.Parallel()
	s, _ := service(t) // 5 paid days
	week := map[string]string{"cause": "vacation", "from": "2026-12-07", "to": "2026-12-11"}
	abs, err := cases.Parse(cases.KindAbsence, week, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cases.VacationDays(*abs.Absence); d != 500 {
		t.Fatalf("days %d", d)
	}
	if _, err := s.Create(ctx, fatima, cases.KindAbsence, abs, true); err != nil {
		t.Fatal(err)
	}
	more, _ := cases.Parse(cases.KindAbsence, map[string]string{"cause": "vacation", "from": "2026-12-14", "to": "2026-12-14"}, nil)
	_, err = s.Create(ctx, fatima, cases.KindAbsence, more, true)
	var p valid.Problems
	if !errors.As(err, &p) || p[0].Key != "cases.error.vacation" {
		t.Fatalf("not refused: %v", err)
	}
}

// Bad input names its field.
func TestParse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind  cases.Kind
		form  map[string]string
		field string
	}{
		{cases.KindAbsence, map[string]string{"cause": "x", "from": "2026-12-01", "to": "2026-12-01"}, "cause"},
		{cases.KindAbsence, map[string]string{"cause": "sick", "from": "2026-12-02", "to": "2026-12-01"}, "to"},
		{cases.KindAbsence, map[string]string{"cause": "sick", "from": "2026-12-02", "to": "2026-12-02", "extent": "percent", "percent": "120"}, "percent"},
		{cases.KindWork, map[string]string{"type": "swap", "day": "2026-12-02", "start": "18:00", "end": "20:00"}, "colleague"},
		{cases.KindTravel, map[string]string{"from": "2026-12-02", "to": "2026-12-02", "destination": "<b>", "purpose": "x"}, "destination"},
		{cases.KindTravel, map[string]string{"from": "2026-12-02", "to": "2026-12-02", "destination": "A", "purpose": "x", "days": "1", "lunches": "2"}, "lunches"},
		{cases.KindAddition, map[string]string{"code": "9999"}, "code"},
		{cases.KindAddition, map[string]string{"code": "3220", "amount": "abc"}, "amount"},
	} {
		_, err := cases.Parse(c.kind, c.form, cases.DefaultCodes())
		var p valid.Problems
		if !errors.As(err, &p) {
			t.Errorf("%v: %v", c.form, err)
			continue
		}
		if _, ok := p.Field(c.field); !ok {
			t.Errorf("%v: %v", c.form, p)
		}
	}
	w, err := cases.Parse(cases.KindWork, map[string]string{"type": "overtime", "day": "2026-12-02", "start": "22:00", "end": "01:30"}, nil)
	if err != nil || w.Work.Hours != 350 {
		t.Errorf("overnight: %+v %v", w.Work, err)
	}
	if q, ok := cases.ParseAmount("1 234,5 kr"); !ok || q != 123450 {
		t.Errorf("amount %d", q)
	}
	if !strings.Contains(cases.FormOf(w)["start"], "22:00") {
		t.Error("form")
	}
}

// A manager's substitute decides for the period named, recorded as the
// substitute's for the manager; before and after, not at all.
func TestSubstitutes(t *testing.T) {
	t.Parallel()
	s, _ := service(t)
	c, err := s.Create(ctx, fatima, cases.KindTravel, travel(t), true)
	if err != nil {
		t.Fatal(err)
	}
	day := func(d string) time.Time { t, _ := time.ParseInLocation(time.DateOnly, d, payroll.Stockholm); return t }
	for _, bad := range []struct{ who, field, from, to string }{{"eva", "substitute", "2026-12-01", "2026-12-05"}, {"gone", "substitute", "2026-12-01", "2026-12-05"},
		{"sara", "to", "2026-12-05", "2026-12-01"}, {"sara", "to", "2026-11-01", "2026-11-05"}} {
		_, err := s.NameSubstitute(ctx, "eva", bad.who, day(bad.from), day(bad.to))
		var p valid.Problems
		if !errors.As(err, &p) {
			t.Fatalf("%+v: %v", bad, err)
		}
		if _, ok := p.Field(bad.field); !ok {
			t.Errorf("%+v: %v", bad, p)
		}
	}
	if _, err := s.NameSubstitute(ctx, "sara", "eva", day("2026-12-01"), day("2026-12-05")); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("sara manages nobody: %v", err)
	}
	if ok, _ := s.Approves(ctx, "sara"); ok {
		t.Error("sara approves before")
	}
	later, err := s.NameSubstitute(ctx, "eva", "sara", day("2026-12-10"), day("2026-12-20"))
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := s.Waiting(ctx, "sara"); len(w) != 0 {
		t.Errorf("a later substitution counts now: %d", len(w))
	}
	if _, err := s.NameSubstitute(ctx, "eva", "sara", day("2026-12-01"), day("2026-12-03")); err != nil {
		t.Fatal(err)
	}
	if list, err := s.SubstitutesOf(ctx, "eva"); err != nil || len(list) != 2 || list[1].ID != later.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	if ok, _ := s.Approves(ctx, "sara"); !ok {
		t.Error("sara does not approve")
	}
	w, err := s.Waiting(ctx, "sara")
	if err != nil || len(w) != 1 {
		t.Fatalf("waiting for the substitute: %+v %v", w, err)
	}
	out, err := s.Decide(ctx, "sara", []cases.Decision{{ID: c.ID, Approve: true}})
	if err != nil || out[0].Err != nil || !out[0].Case.End.Substitute || out[0].Case.End.Of != "eva" || out[0].Case.End.By != "sara" {
		t.Fatalf("decided: %+v %v", out, err)
	}
	if err := s.EndSubstitute(ctx, "otto", later.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("another's substitution ended: %v", err)
	}
	if err := s.EndSubstitute(ctx, "eva", later.ID); err != nil {
		t.Error(err)
	}
}

// A hundred cases approved at once, a few at a time: each once.
func TestDecideMany(t *testing.T) {
	t.Parallel()
	s, _ := service(t)
	var ds []cases.Decision
	for range 100 {
		c, err := s.Create(ctx, fatima, cases.KindAddition, cases.Content{Addition: &cases.Addition{Code: "3220", Amount: 10000}}, true)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, cases.Decision{ID: c.ID, Approve: true})
	}
	start := time.Now()
	out, err := s.Decide(ctx, "eva", ds)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Err != nil || o.Case.State() != cases.StateApproved {
			t.Fatalf("%+v", o)
		}
	}
	lines, err := s.ApprovedLines(ctx, "E-FAT", "2026-12", now)
	if err != nil || len(lines) != 100 {
		t.Fatalf("%d lines: %v", len(lines), err)
	}
	// Timed by make bench; here the shared test servers' load decides.
	t.Logf("100 decisions in %v", took)
}
