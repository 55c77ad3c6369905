package staff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/applications"
	"portal/cases"
	"portal/employees"
	"portal/handlers/web"
	"portal/payroll"
	"portal/valid"
	"portal/views"
)

// Paths of the cases (seed 001 "Personligt": absence, work change, travel
// claim, additions and deductions; seed 002: the manager's approval).
const (
	PathCases    = PathHome + "/arenden"
	PathApproval = PathHome + "/attestera"
)

// kindSlugs name the kinds of case in addresses.
var kindSlugs = map[cases.Kind]string{
	cases.KindAbsence: "franvaro", cases.KindWork: "arbetsforandring", cases.KindTravel: "reserakning", cases.KindAddition: "tillagg-avdrag",
}

// NewCasePath is the form of a new case of a kind.
func NewCasePath(k cases.Kind) string { return PathCases + "/ny/" + kindSlugs[k] }

// CasePath is a case's page.
func CasePath(id string) string { return PathCases + "/" + id }

func kindOfCaseSlug(s string) (cases.Kind, bool) {
	for k, v := range kindSlugs {
		if v == s {
			return k, true
		}
	}
	return "", false
}

var caseID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// CaseService is what the case pages ask of the cases.
type CaseService interface {
	CodeList() *cases.Codes
	Mine(ctx context.Context, o cases.Owner) ([]cases.Case, error)
	OfPerson(ctx context.Context, personID string) ([]cases.Case, error)
	Open(ctx context.Context, personID, employmentID, id string) (cases.Case, []cases.Step, cases.Role, error)
	Create(ctx context.Context, o cases.Owner, kind cases.Kind, content cases.Content, submit bool) (cases.Case, error)
	Change(ctx context.Context, o cases.Owner, id string, rev int, content cases.Content) (cases.Case, error)
	Submit(ctx context.Context, o cases.Owner, id string) (cases.Case, error)
	Withdraw(ctx context.Context, o cases.Owner, id string) (cases.Case, error)
	AddOutlay(ctx context.Context, o cases.Owner, id string, rev int, ol cases.Outlay, f cases.File) (cases.Case, error)
	RemoveOutlay(ctx context.Context, o cases.Owner, id string, rev, n int) (cases.Case, error)
	OpenReceipt(ctx context.Context, personID, employmentID, id string, n int) (cases.Receipt, io.ReadCloser, error)
	Waiting(ctx context.Context, personID string) ([]cases.Case, error)
	Decide(ctx context.Context, personID string, ds []cases.Decision) ([]cases.Outcome, error)
	Recommend(ctx context.Context, personID, id string) (cases.Case, error)
	Lines(c cases.Content) []payroll.Line
	CutoffOf(p payroll.Period) time.Time
	Approves(ctx context.Context, personID string) (bool, error)
	NameSubstitute(ctx context.Context, manager, substitute string, from, to time.Time) (cases.Substitute, error)
	SubstitutesOf(ctx context.Context, manager string) ([]cases.Substitute, error)
	EndSubstitute(ctx context.Context, manager, id string) error
}

// Cases are the employee's case pages and the manager's approval page.
// The employee's act on the session's person and employment only; a case
// of anyone else's is a 404 whatever its id.
type Cases struct {
	*web.Kit
	Header  *Header
	Service CaseService
	// Pay gives the balances and the schedule shown beside each waiting
	// case; nil: none shown.
	Pay interface {
		Summary(ctx context.Context, employmentID string) (payroll.Summary, error)
		Shifts(ctx context.Context, employmentID string, from, to time.Time) ([]payroll.Shift, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
		Employment(ctx context.Context, id string) (employees.Employment, error)
	}
	// Managers tells who manages anyone: only they name substitutes.
	Managers interface {
		ManagesAnyone(ctx context.Context, personID string) (bool, error)
	}
}

// owner is the session's person and employment; ok false without one.
func (h *Cases) owner(c *fiber.Ctx) (cases.Owner, bool, error) {
	ctx, s := c.UserContext(), web.SessionOf(c)
	p, err := h.Header.Directory.Person(ctx, s.AccountID)
	if err != nil {
		return cases.Owner{}, false, err
	}
	emps, err := h.Header.Directory.Employments(ctx, p.ID)
	if err != nil {
		return cases.Owner{}, false, err
	}
	e, ok := h.Header.Current(ctx, s, p, emps)
	return cases.Owner{PersonID: p.ID, EmploymentID: e.ID, UnitID: e.UnitID}, ok, nil
}

// CaseView is a case as the lists and pages show it.
type CaseView struct {
	ID, Kind, KindName, Title, State, StateName, Submitted, Period string
	Rev                                                            int
	Open, Draft                                                    bool
	Details                                                        [][2]string
	Outlays                                                        []OutlayView
	Lines                                                          []ovLine
	Reason                                                         string
	Person                                                         string
	Balances                                                       []ovBalance
	Shifts                                                         []string
}

// OutlayView is an outlay with its receipt.
type OutlayView struct {
	N                    int
	Text, Amount, File   string
	Size, Href, RemoveAt string
}

// StepView is one entry of a case's log.
type StepView struct{ At, Text string }

func day(l *views.Localizer, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t)
}

func span(l *views.Localizer, a, b time.Time) string {
	if payroll.Day(a).Equal(payroll.Day(b)) {
		return day(l, a)
	}
	return day(l, a) + "–" + day(l, b)
}

// CaseTitle is a case in a few words: what and when.
func CaseTitle(l *views.Localizer, codes *cases.Codes, c cases.Content) string {
	switch {
	case c.Absence != nil:
		return l.T("cases.cause."+c.Absence.Cause) + " " + span(l, c.Absence.From, c.Absence.To)
	case c.Work != nil:
		return l.T("cases.work."+c.Work.Type) + " " + day(l, c.Work.Day) + " " + c.Work.Start + "–" + c.Work.End
	case c.Travel != nil:
		return c.Travel.Destination + " " + span(l, c.Travel.From, c.Travel.To)
	case c.Addition != nil:
		name := c.Addition.Code
		if code, ok := codes.Addition(c.Addition.Code); ok {
			name = code.Name.In(l.Lang)
		}
		return name
	}
	return ""
}

func (h *Cases) view(l *views.Localizer, c cases.Case) CaseView {
	codes := h.Service.CodeList()
	content := c.Decided()
	v := CaseView{ID: c.ID, Kind: string(c.Kind), KindName: l.T("cases.kind." + string(c.Kind)), Title: CaseTitle(l, codes, content),
		State: string(c.State()), StateName: l.T("cases.state." + string(c.State())), Rev: c.Rev, Open: c.Open(), Draft: c.SubmittedAt.IsZero()}
	if !c.SubmittedAt.IsZero() {
		v.Submitted = l.Date(c.SubmittedAt)
	}
	if c.End != nil && c.End.Period != "" {
		v.Period = periodLabel(l, c.End.Period)
	}
	if c.End != nil {
		v.Reason = c.End.Reason
	}
	add := func(k, val string) {
		if val != "" {
			v.Details = append(v.Details, [2]string{l.T(k), val})
		}
	}
	q := func(x payroll.Quantity) string {
		if x == 0 {
			return ""
		}
		return x.Format(l.Lang)
	}
	n := func(x int) string {
		if x == 0 {
			return ""
		}
		return strconv.Itoa(x)
	}
	switch {
	case content.Absence != nil:
		a := content.Absence
		add("cases.field.cause", l.T("cases.cause."+a.Cause))
		add("cases.field.from", day(l, a.From))
		add("cases.field.to", day(l, a.To))
		switch a.Extent {
		case cases.ExtentHours:
			add("cases.field.extent", l.T("cases.extent.hours_of", a.Hours.Format(l.Lang)))
		case cases.ExtentPercent:
			add("cases.field.extent", l.T("cases.extent.percent_of", a.Percent.Format(l.Lang)))
		default:
			add("cases.field.extent", l.T("cases.extent.whole"))
		}
		add("cases.field.comment", a.Comment)
	case content.Work != nil:
		w := content.Work
		add("cases.field.type", l.T("cases.work."+w.Type))
		add("cases.field.day", day(l, w.Day))
		add("cases.field.time", w.Start+"–"+w.End)
		add("cases.field.hours", q(w.Hours))
		add("cases.field.colleague", w.Colleague)
		add("cases.field.comment", w.Comment)
	case content.Travel != nil:
		t := content.Travel
		add("cases.field.from", day(l, t.From))
		add("cases.field.to", day(l, t.To))
		add("cases.field.destination", t.Destination)
		add("cases.field.purpose", t.Purpose)
		add("cases.field.km", q(t.Km))
		add("cases.field.days", n(t.Days))
		add("cases.field.breakfasts", n(t.Breakfasts))
		add("cases.field.lunches", n(t.Lunches))
		add("cases.field.dinners", n(t.Dinners))
		for _, o := range t.Outlays {
			v.Outlays = append(v.Outlays, OutlayView{N: o.N, Text: o.Text, Amount: o.Amount.Format(l.Lang), File: o.Receipt.Name,
				Size: views.FileSize(o.Receipt.Size), Href: fmt.Sprintf("%s/utlagg/%d", CasePath(c.ID), o.N),
				RemoveAt: fmt.Sprintf("%s/utlagg/%d/ta-bort", CasePath(c.ID), o.N)})
		}
	case content.Addition != nil:
		a := content.Addition
		name := a.Code
		if code, ok := codes.Addition(a.Code); ok {
			name = a.Code + " " + code.Name.In(l.Lang)
		}
		add("cases.field.code", name)
		add("cases.field.quantity", q(a.Quantity))
		if a.Amount != 0 {
			add("cases.field.amount", a.Amount.Format(l.Lang))
		}
		add("cases.field.comment", a.Comment)
	}
	for _, ln := range h.Service.Lines(content) {
		qty := ""
		if ln.Quantity != 0 {
			qty = l.Counted(ln.Quantity, ln.Unit)
		}
		v.Lines = append(v.Lines, ovLine{Text: ln.Code + " " + ln.Text, Quantity: qty, Amount: ln.Amount.Format(l.Lang)})
	}
	return v
}

// name is a person's name, or the user name when the directory has none.
func (h *Cases) name(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if p, err := h.People.Person(ctx, id); err == nil && p.Name() != "" {
		return p.Name()
	}
	return id
}

// casesNotices are the outcomes shown after an action, by "klart".
var casesNotices = map[string]string{
	"sparat": "cases.done.saved", "skickat": "cases.done.submitted", "andrat": "cases.done.changed", "aterkallat": "cases.done.withdrawn",
	"borttaget": "cases.done.deleted", "utlagg": "cases.done.outlay", "utlagg-bort": "cases.done.outlay_removed", "rekommenderat": "cases.done.recommended",
	"beslutat": "cases.done.decided", "ersattare": "cases.done.substitute", "ersattare-bort": "cases.done.substitute_removed",
}

// ShowCases lists the person's cases of the employment.
func (h *Cases) ShowCases(c *fiber.Ctx) error {
	o, ok, err := h.owner(c)
	if err != nil {
		return err
	}
	l := web.L(c)
	data := fiber.Map{"Kinds": h.kindLinks(l), "Notice": casesNotices[c.Query("klart")]}
	if ok {
		list, err := h.Service.Mine(c.UserContext(), o)
		if err != nil {
			return err
		}
		var views []CaseView
		for _, x := range list {
			views = append(views, h.view(l, x))
		}
		data["Cases"] = views
	} else {
		data["NoEmployment"] = true
	}
	return h.FormPageIn(c, "staff/cases", "cases.list.title", "staff-cases", data)
}

type kindLink struct{ Href, Text string }

func (h *Cases) kindLinks(l *views.Localizer) []kindLink {
	out := make([]kindLink, len(cases.Kinds))
	for i, k := range cases.Kinds {
		out[i] = kindLink{NewCasePath(k), l.T("cases.new." + string(k))}
	}
	return out
}

// messages are the problems in the reader's language by field, with
// their numbers written as the language does.
func messages(l *views.Localizer, p valid.Problems) (valid.Problems, map[string]string) {
	out := make(valid.Problems, len(p))
	msgs := map[string]string{}
	for i, x := range p {
		args := make([]any, len(x.Args))
		for j, a := range x.Args {
			switch v := a.(type) {
			case payroll.Quantity:
				args[j] = v.Format(l.Lang)
			default:
				args[j] = a
			}
		}
		out[i] = valid.Problem{Field: x.Field, Key: x.Key, Args: args}
		if _, ok := msgs[x.Field]; !ok {
			msgs[x.Field] = l.Problem(out[i])
		}
	}
	return out, msgs
}

// formPage is the form of a new case (id "") or of one to change.
func (h *Cases) formPage(c *fiber.Ctx, kind cases.Kind, id string, rev int, form map[string]string, err error) error {
	l := web.L(c)
	data := fiber.Map{"Kind": string(kind), "ID": id, "Rev": rev, "Form": form, "Causes": cases.Causes, "WorkTypes": cases.WorkTypes, "Extents": []string{cases.ExtentWhole, cases.ExtentHours, cases.ExtentPercent},
		"Codes": h.Service.CodeList().Additions, "Heading": "cases.new." + string(kind), "Action": NewCasePath(kind)}
	if id != "" {
		data["Heading"], data["Action"] = "cases.change."+string(kind), CasePath(id)+"/andra"
	}
	if p, ok := web.FieldErrors(err); ok {
		data["Errors"], data["Msgs"] = messages(l, p)
	}
	return h.FormPageIn(c, "staff/case_form", data["Heading"].(string), "staff-cases", data)
}

// ShowNewCase is the form of a new case of a kind; ?dag= fills in the
// day, as the schedule's day menu links it.
func (h *Cases) ShowNewCase(c *fiber.Ctx) error {
	kind, ok := kindOfCaseSlug(c.Params("kind"))
	if !ok {
		return fiber.ErrNotFound
	}
	form := map[string]string{}
	if d := c.Query("dag"); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err == nil {
			form["from"], form["to"], form["day"] = d, d, d
		}
	}
	return h.formPage(c, kind, "", 0, form, nil)
}

// CreateCase stores a new case, submitted, or as a draft with
// "Spara utkast".
func (h *Cases) CreateCase(c *fiber.Ctx) error {
	kind, ok := kindOfCaseSlug(c.Params("kind"))
	if !ok {
		return fiber.ErrNotFound
	}
	o, ok, err := h.owner(c)
	if err != nil {
		return err
	}
	if !ok {
		return fiber.ErrNotFound
	}
	f := web.Form(c, append([]string{"action"}, cases.Fields[kind]...)...)
	content, err := cases.Parse(kind, f, h.Service.CodeList())
	if err == nil {
		var x cases.Case
		x, err = h.Service.Create(c.UserContext(), o, kind, content, f["action"] != "draft")
		if err == nil {
			done := "skickat"
			if x.SubmittedAt.IsZero() {
				done = "sparat"
			}
			return c.Redirect(CasePath(x.ID)+"?klart="+done, fiber.StatusSeeOther)
		}
	}
	if _, ok := web.FieldErrors(err); ok {
		return h.formPage(c, kind, "", 0, f, err)
	}
	return err
}

// openOwn is open for the case's owner only; anyone else finds nothing.
func (h *Cases) openOwn(c *fiber.Ctx) (cases.Owner, cases.Case, []cases.Step, error) {
	o, x, steps, role, err := h.open(c)
	if err == nil && role != cases.RoleOwner {
		err = fiber.ErrNotFound
	}
	return o, x, steps, err
}

// open reads the case of the path for the session's person and
// employment, with its log and the person's role.
func (h *Cases) open(c *fiber.Ctx) (cases.Owner, cases.Case, []cases.Step, cases.Role, error) {
	id := c.Params("id")
	if !caseID.MatchString(id) {
		return cases.Owner{}, cases.Case{}, nil, "", fiber.ErrNotFound
	}
	o, _, err := h.owner(c)
	if err != nil {
		return o, cases.Case{}, nil, "", err
	}
	x, steps, role, err := h.Service.Open(c.UserContext(), o.PersonID, o.EmploymentID, strings.Clone(id))
	if errors.Is(err, cases.ErrNotFound) {
		return o, x, nil, "", fiber.ErrNotFound
	}
	return o, x, steps, role, err
}

// ShowCase is a case's page: what it says, where it is, its log, and
// what the person may do with it.
func (h *Cases) ShowCase(c *fiber.Ctx) error {
	return h.casePage(c, nil, "")
}

func (h *Cases) casePage(c *fiber.Ctx, err error, problem string) error {
	_, x, steps, role, oerr := h.open(c)
	if oerr != nil {
		return oerr
	}
	l, ctx := web.L(c), c.UserContext()
	v := h.view(l, x)
	var log []StepView
	for _, st := range steps {
		who := h.name(ctx, st.By)
		if who == "" {
			who = l.T("cases.log.portal")
		}
		text := l.T("cases.log."+string(st.Kind), who)
		if st.Kind == cases.StepChanged {
			text = l.T("cases.log.changed", who, st.Rev)
		}
		if st.Substitute {
			text += " " + l.T("cases.log.substitute", h.name(ctx, st.Of))
		}
		if st.Period != "" {
			text += " " + l.T("cases.log.period", periodLabel(l, st.Period))
		}
		if st.Reason != "" {
			text += " " + l.T("cases.log.reason", st.Reason)
		}
		log = append(log, StepView{At: l.DateTime(st.At), Text: text})
	}
	data := fiber.Map{"Case": v, "Log": log, "Role": string(role), "Notice": casesNotices[c.Query("klart")], "Problem": problem,
		"Form": map[string]string{}}
	if x.End != nil && x.End.Kind == cases.StepApproved && x.End.Period != "" {
		data["Cutoff"] = l.Date(h.Service.CutoffOf(x.End.Period))
	}
	if role != cases.RoleOwner {
		data["Person"] = h.name(ctx, x.PersonID)
	}
	if p, ok := web.FieldErrors(err); ok {
		data["Errors"], data["Msgs"] = messages(l, p)
	}
	var fe *applications.FileError
	if errors.As(err, &fe) {
		data["Errors"] = valid.Problems{{Field: "files", Key: fe.Key, Args: []any{fe.Name}}}
		data["Msgs"] = map[string]string{"files": l.T(fe.Key, fe.Name)}
	}
	return h.FormPageIn(c, "staff/case", "cases.case.title", "staff-cases", data)
}

// handled is the page of a case handled meanwhile, or changed in another
// tab.
func (h *Cases) handled(c *fiber.Ctx, id string, err error) error {
	heading, text := "cases.handled.heading", "cases.handled.text"
	if errors.Is(err, cases.ErrStale) {
		heading, text = "cases.stale.heading", "cases.stale.text"
	}
	return h.Message(c, fiber.StatusConflict, "staff-cases", heading, text, false, CasePath(id), "cases.back_to_case")
}

// ShowChangeCase is the form of an open case of the person's own.
func (h *Cases) ShowChangeCase(c *fiber.Ctx) error {
	_, x, _, err := h.openOwn(c)
	if err != nil {
		return err
	}
	if !x.Open() {
		return h.handled(c, x.ID, cases.ErrHandled)
	}
	return h.formPage(c, x.Kind, x.ID, x.Rev, cases.FormOf(x.Content), nil)
}

// ChangeCase stores the changed content of an open case.
func (h *Cases) ChangeCase(c *fiber.Ctx) error {
	o, x, _, err := h.openOwn(c)
	if err != nil {
		return err
	}
	f := web.Form(c, append([]string{"rev"}, cases.Fields[x.Kind]...)...)
	rev, _ := strconv.Atoi(f["rev"])
	content, err := cases.Parse(x.Kind, f, h.Service.CodeList())
	if err == nil {
		_, err = h.Service.Change(c.UserContext(), o, x.ID, rev, content)
	}
	if _, ok := web.FieldErrors(err); ok {
		return h.formPage(c, x.Kind, x.ID, rev, f, err)
	}
	if errors.Is(err, cases.ErrHandled) || errors.Is(err, cases.ErrStale) {
		return h.handled(c, x.ID, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(CasePath(x.ID)+"?klart=andrat", fiber.StatusSeeOther)
}

// SubmitCase sends a draft to the manager.
func (h *Cases) SubmitCase(c *fiber.Ctx) error {
	o, x, _, err := h.openOwn(c)
	if err != nil {
		return err
	}
	_, err = h.Service.Submit(c.UserContext(), o, x.ID)
	if _, ok := web.FieldErrors(err); ok {
		return h.casePage(c, err, "")
	}
	if errors.Is(err, cases.ErrHandled) {
		return h.handled(c, x.ID, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(CasePath(x.ID)+"?klart=skickat", fiber.StatusSeeOther)
}

// ShowWithdrawCase asks before a case is withdrawn.
func (h *Cases) ShowWithdrawCase(c *fiber.Ctx) error {
	_, x, _, err := h.openOwn(c)
	if err != nil {
		return err
	}
	if !x.Open() {
		return h.handled(c, x.ID, cases.ErrHandled)
	}
	return h.FormPageIn(c, "staff/case_withdraw", "cases.withdraw.title", "staff-cases", fiber.Map{"Case": h.view(web.L(c), x)})
}

// WithdrawCase withdraws a case: a draft goes, a submitted case stays
// as withdrawn.
func (h *Cases) WithdrawCase(c *fiber.Ctx) error {
	o, x, _, err := h.openOwn(c)
	if err != nil {
		return err
	}
	_, err = h.Service.Withdraw(c.UserContext(), o, x.ID)
	if errors.Is(err, cases.ErrHandled) {
		return h.handled(c, x.ID, err)
	}
	if err != nil {
		return err
	}
	if x.SubmittedAt.IsZero() {
		return c.Redirect(PathCases+"?klart=borttaget", fiber.StatusSeeOther)
	}
	return c.Redirect(CasePath(x.ID)+"?klart=aterkallat", fiber.StatusSeeOther)
}

// AddOutlay adds an outlay with its receipt to a travel claim: a
// multipart form with the file in "files" and the fields "text",
// "amount" and "rev".
func (h *Cases) AddOutlay(c *fiber.Ctx) error {
	o, x, _, role, err := h.open(c)
	if err != nil {
		return err
	}
	if role != cases.RoleOwner || x.Kind != cases.KindTravel {
		return fiber.ErrNotFound
	}
	form, err := h.ReadUploads(c)
	if err != nil {
		return err
	}
	defer form.Close()
	ctx, cancel := context.WithTimeout(c.UserContext(), h.Cfg.RequestTimeout)
	defer cancel()
	rev, _ := strconv.Atoi(form.Fields["rev"])
	ol, err := cases.ParseOutlay(form.Fields["text"], form.Fields["amount"])
	if err == nil {
		switch {
		case len(form.Files) == 0:
			err = valid.Problems{{Field: "files", Key: "cases.file.none"}}
		case len(form.Files) > 1:
			err = valid.Problems{{Field: "files", Key: "cases.file.one"}}
		default:
			f := form.Files[0]
			_, err = h.Service.AddOutlay(ctx, o, x.ID, rev, ol, cases.File{Name: f.Name, Size: f.Size, Body: f.Body})
		}
	}
	if errors.Is(err, cases.ErrHandled) || errors.Is(err, cases.ErrStale) {
		return h.handled(c, x.ID, err)
	}
	var fe *applications.FileError
	if _, ok := web.FieldErrors(err); ok || errors.As(err, &fe) {
		return h.casePage(c, err, "")
	}
	if err != nil {
		return err
	}
	return c.Redirect(CasePath(x.ID)+"?klart=utlagg#utlagg", fiber.StatusSeeOther)
}

// RemoveOutlay takes an outlay off an open travel claim.
func (h *Cases) RemoveOutlay(c *fiber.Ctx) error {
	o, x, _, role, err := h.open(c)
	if err != nil {
		return err
	}
	n, nerr := strconv.Atoi(c.Params("n"))
	if role != cases.RoleOwner || nerr != nil {
		return fiber.ErrNotFound
	}
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	_, err = h.Service.RemoveOutlay(c.UserContext(), o, x.ID, rev, n)
	if errors.Is(err, cases.ErrHandled) || errors.Is(err, cases.ErrStale) {
		return h.handled(c, x.ID, err)
	}
	if errors.Is(err, cases.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(CasePath(x.ID)+"?klart=utlagg-bort#utlagg", fiber.StatusSeeOther)
}

// DownloadReceipt sends an outlay's receipt to whoever may see the case.
func (h *Cases) DownloadReceipt(c *fiber.Ctx) error {
	id := c.Params("id")
	n, err := strconv.Atoi(c.Params("n"))
	if !caseID.MatchString(id) || err != nil {
		return fiber.ErrNotFound
	}
	o, _, err := h.owner(c)
	if err != nil {
		return err
	}
	ctx, detach, done := h.StreamContext(c)
	rc, body, err := h.Service.OpenReceipt(ctx, o.PersonID, o.EmploymentID, strings.Clone(id), n)
	detach()
	if err != nil {
		done()
		if errors.Is(err, cases.ErrNotFound) {
			return fiber.ErrNotFound
		}
		return err
	}
	c.Set(fiber.HeaderContentType, rc.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": rc.Name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(&doneReader{body, done}, int(rc.Size))
}

// doneReader closes the object and ends its context once read.
type doneReader struct {
	r    io.ReadCloser
	done func()
}

func (d *doneReader) Read(b []byte) (int, error) { return d.r.Read(b) }

// Close closes the object.
func (d *doneReader) Close() error {
	err := d.r.Close()
	d.done()
	return err
}

// RecommendCase records administrative support's recommendation.
func (h *Cases) RecommendCase(c *fiber.Ctx) error {
	id := c.Params("id")
	if !caseID.MatchString(id) {
		return fiber.ErrNotFound
	}
	_, err := h.Service.Recommend(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(id))
	if errors.Is(err, cases.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if errors.Is(err, cases.ErrHandled) {
		return h.handled(c, id, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(CasePath(id)+"?klart=rekommenderat", fiber.StatusSeeOther)
}

// approvalGroup is the waiting cases of one kind.
type approvalGroup struct {
	Kind, Name string
	Cases      []CaseView
}

// ShowApproval is the manager's to-do: the cases waiting, grouped by
// kind, each with the employee's balances and schedule for its days.
func (h *Cases) ShowApproval(c *fiber.Ctx) error {
	return h.approvalPage(c, nil, nil)
}

func (h *Cases) approvalPage(c *fiber.Ctx, err error, results []string) error {
	ctx, l := c.UserContext(), web.L(c)
	waiting, werr := h.Service.Waiting(ctx, web.SessionOf(c).AccountID)
	if werr != nil {
		return werr
	}
	// What is shown beside each case, read once per employment, at once.
	type side struct {
		name     string
		balances []ovBalance
		shifts   []payroll.Shift
	}
	sides := map[string]*side{}
	for _, x := range waiting {
		if sides[x.EmploymentID] == nil {
			sides[x.EmploymentID] = &side{}
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ferr error
		sem  = make(chan struct{}, 8)
	)
	for emp, sd := range sides {
		person := ""
		for _, x := range waiting {
			if x.EmploymentID == emp {
				person = x.PersonID
				break
			}
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			sd.name = h.name(ctx, person)
			if h.Pay == nil {
				return
			}
			sum, err := h.Pay.Summary(ctx, emp)
			if err == nil {
				sd.balances = balanceViews(l, sum)
				sd.shifts = sum.Schedule
			} else if !errors.Is(err, payroll.ErrNotFound) {
				mu.Lock()
				ferr = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ferr != nil {
		return ferr
	}
	var groups []approvalGroup
	for _, k := range cases.Kinds {
		g := approvalGroup{Kind: string(k), Name: l.T("cases.kind." + string(k))}
		for _, x := range waiting {
			if x.Kind != k {
				continue
			}
			v := h.view(l, x)
			sd := sides[x.EmploymentID]
			v.Person, v.Balances = sd.name, sd.balances
			from, to := caseDays(x.Content)
			for _, s := range sd.shifts {
				if !from.IsZero() && !s.Day.Before(from) && !s.Day.After(to) {
					v.Shifts = append(v.Shifts, l.Date(s.Day)+" "+s.Start+"–"+s.End)
				}
			}
			g.Cases = append(g.Cases, v)
		}
		if len(g.Cases) > 0 {
			groups = append(groups, g)
		}
	}
	data := fiber.Map{"Groups": groups, "Results": results, "Notice": casesNotices[c.Query("klart")], "Count": len(waiting)}
	if p, ok := web.FieldErrors(err); ok {
		data["Errors"], data["Msgs"] = messages(l, p)
	}
	return h.FormPageIn(c, "staff/case_approval", "cases.approval.title", "staff-approval", data)
}

// caseDays are the days a case is about, for the schedule beside it.
func caseDays(c cases.Content) (time.Time, time.Time) {
	switch {
	case c.Absence != nil:
		return payroll.Day(c.Absence.From), payroll.Day(c.Absence.To)
	case c.Work != nil:
		return payroll.Day(c.Work.Day), payroll.Day(c.Work.Day)
	case c.Travel != nil:
		return payroll.Day(c.Travel.From), payroll.Day(c.Travel.To)
	}
	return time.Time{}, time.Time{}
}

// Decide approves or rejects: one case by its own button ("one" is
// "approve:<id>" or "reject:<id>", with that case's reason), or the
// checked ones ("case" repeated) by "approve" or "reject" with the common
// reason. A rejection without a reason changes nothing.
func (h *Cases) Decide(c *fiber.Ctx) error {
	var ds []cases.Decision
	rev := func(id string) int { n, _ := strconv.Atoi(c.FormValue("rev-" + id)); return n }
	if one := c.FormValue("one"); one != "" {
		act, id, _ := strings.Cut(one, ":")
		if !caseID.MatchString(id) || (act != "approve" && act != "reject") {
			return fiber.ErrBadRequest
		}
		id = strings.Clone(id)
		ds = append(ds, cases.Decision{ID: id, Rev: rev(id), Approve: act == "approve", Reason: strings.TrimSpace(c.FormValue("reason-" + id))})
	} else {
		act := c.FormValue("action")
		if act != "approve" && act != "reject" {
			return fiber.ErrBadRequest
		}
		reason := strings.TrimSpace(c.FormValue("reason"))
		args := c.Request().PostArgs()
		for _, v := range args.PeekMulti("case") {
			id := string(v)
			if !caseID.MatchString(id) || slices.ContainsFunc(ds, func(d cases.Decision) bool { return d.ID == id }) {
				continue
			}
			r := reason
			if own := strings.TrimSpace(c.FormValue("reason-" + id)); own != "" {
				r = own
			}
			ds = append(ds, cases.Decision{ID: id, Rev: rev(id), Approve: act == "approve", Reason: r})
		}
		if len(ds) == 0 {
			return h.approvalPage(c, valid.Problems{{Field: "cases-list", Key: "cases.error.none_checked"}}, nil)
		}
	}
	out, err := h.Service.Decide(c.UserContext(), web.SessionOf(c).AccountID, ds)
	if _, ok := web.FieldErrors(err); ok {
		field := "reason"
		if len(ds) == 1 && c.FormValue("one") != "" {
			field = "reason-" + ds[0].ID
		}
		return h.approvalPage(c, valid.Problems{{Field: field, Key: "cases.error.reason"}}, nil)
	}
	if err != nil {
		return err
	}
	l := web.L(c)
	var results []string
	for _, o := range out {
		switch {
		case o.Err == nil && o.Case.End != nil && o.Case.End.Kind == cases.StepApproved:
			results = append(results, l.T("cases.result.approved", h.name(c.UserContext(), o.Case.PersonID), CaseTitle(l, h.Service.CodeList(), o.Case.Content)))
		case o.Err == nil:
			results = append(results, l.T("cases.result.rejected", h.name(c.UserContext(), o.Case.PersonID), CaseTitle(l, h.Service.CodeList(), o.Case.Content)))
		case errors.Is(o.Err, cases.ErrHandled):
			results = append(results, l.T("cases.result.handled"))
		case errors.Is(o.Err, cases.ErrStale):
			results = append(results, l.T("cases.result.stale"))
		default:
			results = append(results, l.T("cases.result.not_found"))
		}
	}
	return h.approvalPage(c, nil, results)
}

// CaseToDo puts the cases into the overview's to-do: the person's own in
// progress, by kind, and for managers the cases waiting for them.
type CaseToDo struct {
	Service interface {
		OfPerson(ctx context.Context, personID string) ([]cases.Case, error)
		Waiting(ctx context.Context, personID string) ([]cases.Case, error)
		CodeList() *cases.Codes
	}
	// Approvers tells who decides anyone's cases: managers and their
	// substitutes.
	Approvers interface {
		Approves(ctx context.Context, personID string) (bool, error)
	}
	Locales *views.Locales
}

// ToDo lists the cases in progress and waiting.
func (t *CaseToDo) ToDo(ctx context.Context, personID, lang string) ([]ToDo, error) {
	l := t.Locales.Get(lang)
	own, err := t.Service.OfPerson(ctx, personID)
	if err != nil {
		return nil, err
	}
	var out []ToDo
	for _, k := range cases.Kinds {
		for _, x := range own {
			if x.Kind != k || !x.Open() {
				continue
			}
			key, since := "cases.todo.submitted", x.SubmittedAt
			if x.SubmittedAt.IsZero() {
				key, since = "cases.todo.draft", x.CreatedAt
			}
			out = append(out, ToDo{Area: "cases.todo.area." + string(k), Text: key, Args: []any{CaseTitle(l, t.Service.CodeList(), x.Content)},
				Href: CasePath(x.ID), Since: since})
		}
	}
	manages, err := t.Approvers.Approves(ctx, personID)
	if err != nil || !manages {
		return out, err
	}
	waiting, err := t.Service.Waiting(ctx, personID)
	if err != nil {
		return nil, err
	}
	for _, k := range cases.Kinds {
		for _, x := range waiting {
			if x.Kind == k {
				out = append(out, ToDo{Area: "cases.todo.area." + string(k), Text: "cases.todo.waiting",
					Args: []any{CaseTitle(l, t.Service.CodeList(), x.Content)}, Href: CasePath(x.ID), Since: x.SubmittedAt, Waiting: true})
			}
		}
	}
	return out, nil
}

// CaseDays offers registering absence or a work change from a day of
// the schedule.
type CaseDays struct{}

// DayEntries are the day's links to the forms, the day filled in.
func (CaseDays) DayEntries(_ context.Context, _, _ string, day time.Time) ([]Link, error) {
	d := day.In(payroll.Stockholm).Format(time.DateOnly)
	return []Link{{Href: NewCasePath(cases.KindAbsence) + "?dag=" + d, Text: "cases.day.absence"},
		{Href: NewCasePath(cases.KindWork) + "?dag=" + d, Text: "cases.day.work"}}, nil
}

// PathSubstitutes is the manager's substitutes.
const PathSubstitutes = PathApproval + "/ersattare"

// substituteView is a substitution as the page lists it.
type substituteView struct{ ID, Name, From, To string }

// ShowSubstitutes lists the manager's substitutes, with the form to name
// one for a period.
func (h *Cases) ShowSubstitutes(c *fiber.Ctx) error {
	return h.substitutesPage(c, map[string]string{}, nil)
}

func (h *Cases) substitutesPage(c *fiber.Ctx, form map[string]string, err error) error {
	ctx, l, me := c.UserContext(), web.L(c), web.SessionOf(c).AccountID
	if ok, merr := h.Managers.ManagesAnyone(ctx, me); merr != nil || !ok {
		if merr != nil {
			return merr
		}
		return fiber.ErrNotFound
	}
	list, lerr := h.Service.SubstitutesOf(ctx, me)
	if lerr != nil {
		return lerr
	}
	var views []substituteView
	for _, x := range list {
		views = append(views, substituteView{ID: x.ID, Name: h.name(ctx, x.Substitute) + " (" + x.Substitute + ")", From: l.Date(x.From), To: l.Date(x.To)})
	}
	data := fiber.Map{"Substitutes": views, "Form": form, "Notice": casesNotices[c.Query("klart")]}
	if p, ok := web.FieldErrors(err); ok {
		data["Errors"], data["Msgs"] = messages(l, p)
	}
	return h.FormPageIn(c, "staff/case_substitutes", "cases.substitutes.title", "staff-approval", data)
}

// AddSubstitute names a substitute for a period.
func (h *Cases) AddSubstitute(c *fiber.Ctx) error {
	f := web.Form(c, "substitute", "from", "to")
	parse := func(s string) time.Time {
		t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), payroll.Stockholm)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	_, err := h.Service.NameSubstitute(c.UserContext(), web.SessionOf(c).AccountID, f["substitute"], parse(f["from"]), parse(f["to"]))
	if _, ok := web.FieldErrors(err); ok {
		return h.substitutesPage(c, f, err)
	}
	if errors.Is(err, cases.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathSubstitutes+"?klart=ersattare", fiber.StatusSeeOther)
}

// RemoveSubstitute ends one of the manager's substitutions.
func (h *Cases) RemoveSubstitute(c *fiber.Ctx) error {
	id := c.Params("id")
	if !caseID.MatchString(id) {
		return fiber.ErrNotFound
	}
	err := h.Service.EndSubstitute(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(id))
	if errors.Is(err, cases.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathSubstitutes+"?klart=ersattare-bort", fiber.StatusSeeOther)
}

// Approvers shows an entry to those who decide someone's cases: managers
// and, while it lasts, their substitutes.
func Approvers(ctx context.Context, v *Viewer) (bool, error) {
	if v.nav.Approvers == nil {
		return Managers(ctx, v)
	}
	return v.nav.Approvers.Approves(ctx, v.Person)
}
