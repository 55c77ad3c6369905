package staff

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/retention"
	"portal/valid"
)

// PathRetention is the records administrator's page: the culling, the
// holds and the recruitments waiting for a decision.
const PathRetention = "/personal/gallring"

// runsShown bounds the past runs the page lists.
const runsShown = 20

// RetentionRuns reads the culling runs with their records.
type RetentionRuns interface {
	Runs(ctx context.Context, limit int) ([]retention.Run, error)
}

// holdReader reads one hold and the recruitments and candidates holds
// name.
type holdReader interface {
	Hold(ctx context.Context, id string) (retention.Hold, error)
}

// recordsOf reads what holds and plans name.
type recordsOf interface {
	Recruitment(ctx context.Context, id string) (recruiting.Recruitment, error)
	Candidate(ctx context.Context, id string) (recruiting.Candidate, error)
}

// Retention is the records administrator's page of the culling: the next
// run, the past runs and their records, what a run would cull now or at a
// chosen day, the holds in force (lifted here with a reason) and the
// recruitments that wait for their decision.
type Retention struct {
	*web.Kit
	Policy interface {
		Require(ctx context.Context, personID string, perm access.Permission, unit string) error
	}
	Culler interface {
		Plan(ctx context.Context, at time.Time) (retention.Overview, []retention.Record, error)
	}
	Runs  RetentionRuns
	Holds interface {
		Lift(ctx context.Context, personID, unit, id, reason string) error
	}
	HoldStore holdReader
	Records   recordsOf
	People    interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	// Next is when the nightly run comes after now.
	Next func(now time.Time) (time.Time, error)
}

// RequireRetention lets through the records administrators of the whole
// organisation.
func (h *Retention) RequireRetention(c *fiber.Ctx) error {
	if err := h.Policy.Require(c.UserContext(), web.SessionOf(c).AccountID, retention.PermManage, access.Everywhere); err != nil {
		return err
	}
	return c.Next()
}

// PlanRow is one recruitment in what a run would cull.
type PlanRow struct {
	retention.Record
	Held int
}

// HoldRow is a hold as the pages list it.
type HoldRow struct {
	retention.Hold
	Ref         string
	Title       string
	Candidate   int // the application's "Sökande N"; 0: the whole recruitment
	PlacedBy    string
	Liftable    bool   // placed by hand, so lifted by hand
	Typed       string // the reason typed to lift it, when refused
	Problem     string // why the lifting was refused
	Recruitment string // id, for the link
}

// ShowRetention is the records administrator's page.
func (h *Retention) ShowRetention(c *fiber.Ctx) error {
	return h.page(c, "", "")
}

func (h *Retention) page(c *fiber.Ctx, liftID, liftReason string, liftErrs ...valid.Problem) error {
	ctx := c.UserContext()
	now := h.Now()
	next, err := h.Next(now)
	if err != nil {
		return err
	}
	runs, err := h.Runs.Runs(ctx, runsShown)
	if err != nil {
		return err
	}
	o, recs, err := h.Culler.Plan(ctx, now)
	if err != nil {
		return err
	}
	form := map[string]string{"datum": strings.TrimSpace(c.Query("datum"))}
	var errs valid.Problems
	at := now
	if form["datum"] != "" {
		d, err := jobs.ParseDay(form["datum"])
		switch {
		case err != nil:
			errs.Add("datum", "retention.plan.error.format")
		case d.Start().Before(jobs.DayOf(now).Start()):
			errs.Add("datum", "retention.plan.error.past")
		default:
			at = d.Start()
		}
	}
	plan := planRows(o, recs)
	if len(errs) == 0 && !at.Equal(now) {
		oAt, recsAt, err := h.Culler.Plan(ctx, at)
		if err != nil {
			return err
		}
		plan = planRows(oAt, recsAt)
	}
	who := &staffNames{ctx: ctx, people: h.People, seen: map[string]string{}}
	holds := make([]HoldRow, 0, len(o.Holds))
	for _, hd := range o.Holds {
		row, err := holdRow(ctx, h.Records, who, hd)
		if err != nil {
			return err
		}
		if hd.ID == liftID {
			row.Typed = liftReason
			if len(liftErrs) > 0 {
				row.Problem = liftErrs[0].Key
			}
		}
		holds = append(holds, row)
	}
	var all valid.Problems
	all = append(all, errs...)
	for _, hr := range holds {
		if hr.Problem != "" {
			all = append(all, valid.Problem{Field: "lift-" + hr.ID, Key: hr.Problem})
		}
	}
	var total retention.Counts
	for _, p := range plan {
		total.Add(p.Counts)
	}
	return h.FormPageIn(c, "staff/retention", "retention.title", "staff-admin", fiber.Map{
		"Next": next, "Runs": runs, "Plan": plan, "Total": total, "At": at, "Chosen": !at.Equal(now),
		"Holds": holds, "Undecided": o.Undecided, "Form": form, "Errors": all, "Notice": retentionNotice(c),
	})
}

func planRows(o retention.Overview, recs []retention.Record) []PlanRow {
	held := map[string]int{}
	for _, d := range o.Due {
		held[d.Recruitment.ID] = d.Held
	}
	out := make([]PlanRow, len(recs))
	for i, r := range recs {
		out[i] = PlanRow{Record: r, Held: held[r.RecruitmentID]}
	}
	return out
}

// holdRow names a hold's recruitment, application and who placed it.
func holdRow(ctx context.Context, records recordsOf, who *staffNames, hd retention.Hold) (HoldRow, error) {
	row := HoldRow{Hold: hd, Recruitment: hd.RecruitmentID, PlacedBy: who.of(hd.PlacedBy), Liftable: hd.Source == ""}
	if r, err := records.Recruitment(ctx, hd.RecruitmentID); err == nil {
		row.Ref, row.Title = r.Ref, r.Title
	} else if !errors.Is(err, recruiting.ErrNotFound) {
		return row, err
	}
	if hd.CandidateID != "" {
		if cand, err := records.Candidate(ctx, hd.CandidateID); err == nil {
			row.Candidate = cand.Number
		} else if !errors.Is(err, recruiting.ErrNotFound) {
			return row, err
		}
	}
	return row, nil
}

// retentionNotices are the confirmations the page shows after a redirect.
var retentionNotices = map[string]string{"lifted": "retention.notice.lifted", "lifted_before": "retention.notice.lifted_before"}

func retentionNotice(c *fiber.Ctx) string { return retentionNotices[c.Query("klart")] }

// LiftHold lifts a hold with the reason given.
func (h *Retention) LiftHold(c *fiber.Ctx) error {
	ctx, me := c.UserContext(), web.SessionOf(c).AccountID
	id, reason := strings.Clone(c.Params("hid")), strings.Clone(c.FormValue("reason"))
	hd, err := h.HoldStore.Hold(ctx, id)
	if err != nil {
		return err
	}
	r, err := h.Records.Recruitment(ctx, hd.RecruitmentID)
	if err != nil {
		return err
	}
	err = h.Holds.Lift(ctx, me, r.UnitID, id, reason)
	if errs, ok := web.FieldErrors(err); ok {
		return h.page(c, id, reason, errs...)
	}
	if errors.Is(err, retention.ErrLifted) {
		return c.Redirect(PathRetention+"?klart=lifted_before#holds-heading", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathRetention+"?klart=lifted#holds-heading", fiber.StatusSeeOther)
}

// HoldForms shows a recruitment's or an application's holds and where
// its records stand, and places holds, for the registrar and the records
// administrator of its unit.
type HoldForms struct {
	Holds interface {
		MayPlace(ctx context.Context, personID, unit string) (bool, error)
		Place(ctx context.Context, personID string, r recruiting.Recruitment, h retention.Hold) (retention.Hold, error)
		Of(ctx context.Context, recruitmentID string) ([]retention.Hold, error)
	}
	Schedule interface {
		Of(ctx context.Context, candidateID string) (retention.Status, error)
		OfRecruitment(ctx context.Context, recruitmentID string) (retention.Status, error)
	}
	Records recordsOf
	People  interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
}

// HoldView is the hold section of a recruitment's or an application's
// page.
type HoldView struct {
	May    bool // may place holds here
	Action string
	Status retention.Status
	Holds  []HoldRow // in force; for those who may place
	Kinds  []string
	// Whole: the page is the recruitment's, so its holds are all listed.
	Whole bool
}

// farFuture stands for a day that could not be read.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// holdFields are the form's fields, named apart from the page's others.
var holdFields = []string{"hold_kind", "hold_reason", "hold_since"}

// view is the hold section of the page of r, or of its candidate cand.
func (f *HoldForms) view(ctx context.Context, personID string, r recruiting.Recruitment, cand *recruiting.Candidate) (*HoldView, error) {
	if f == nil {
		return nil, nil
	}
	v := &HoldView{Kinds: retention.HoldKinds, Action: RecruitmentPath(r.ID) + "/sparr", Whole: cand == nil}
	var err error
	if cand == nil {
		v.Status, err = f.Schedule.OfRecruitment(ctx, r.ID)
	} else {
		v.Action = CandidatePath(r.ID, cand.ID) + "/sparr"
		v.Status, err = f.Schedule.Of(ctx, cand.ID)
	}
	if err != nil {
		return nil, err
	}
	if v.May, err = f.Holds.MayPlace(ctx, personID, r.UnitID); err != nil || !v.May {
		return v, err
	}
	holds, err := f.Holds.Of(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	who := &staffNames{ctx: ctx, people: f.People, seen: map[string]string{}}
	for _, hd := range holds {
		if !hd.Active() || (cand != nil && !hd.Covers(r.ID, cand.ID)) {
			continue
		}
		row, err := holdRow(ctx, f.Records, who, hd)
		if err != nil {
			return nil, err
		}
		v.Holds = append(v.Holds, row)
	}
	return v, nil
}

// place places the hold the form describes; its problems come back under
// the form's field names.
func (f *HoldForms) place(c *fiber.Ctx, r recruiting.Recruitment, candidateID string) (map[string]string, error) {
	form := web.Form(c, holdFields...)
	if f == nil {
		return form, fiber.ErrNotFound
	}
	hd := retention.Hold{RecruitmentID: r.ID, CandidateID: candidateID, Kind: form["hold_kind"], Reason: form["hold_reason"]}
	badDay := false
	if s := form["hold_since"]; s != "" {
		if d, err := jobs.ParseDay(s); err != nil {
			// A day the service refuses, so that it names the other
			// problems too and stores nothing; its message is replaced.
			badDay, hd.Since = true, farFuture
		} else {
			hd.Since = d.Start()
		}
	}
	_, err := f.Holds.Place(c.UserContext(), web.SessionOf(c).AccountID, r, hd)
	if errs, ok := web.FieldErrors(err); ok {
		out := make(valid.Problems, 0, len(errs))
		for _, e := range errs {
			if e.Field == "since" && badDay {
				e.Key, e.Args = "hold.error.since_format", nil
			}
			out = append(out, valid.Problem{Field: "hold_" + e.Field, Key: e.Key, Args: e.Args})
		}
		return form, out
	}
	if err == nil && badDay {
		return form, errors.New("staff: a hold was placed on a day in the far future")
	}
	return form, err
}

// PlaceHold places a hold on the whole recruitment.
func (h *Recruitments) PlaceHold(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Service)
	if err != nil {
		return err
	}
	form, err := h.HoldForms.place(c, r, "")
	if errs, ok := web.FieldErrors(err); ok {
		return h.recruitmentPage(c, r, v, nil, errs, "", form)
	}
	if err != nil {
		return err
	}
	return c.Redirect(RecruitmentPath(r.ID)+"?klart=held#holds-heading", fiber.StatusSeeOther)
}

// PlaceHold places a hold on one application.
func (h *Application) PlaceHold(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	form, err := h.HoldForms.place(c, r, cand.ID)
	if errs, ok := web.FieldErrors(err); ok {
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	}
	if err != nil {
		return err
	}
	return back(c, r, cand, "held")
}

// AppealForms lists a decision's appeals and records them.
type AppealForms struct {
	Holds interface {
		MayPlace(ctx context.Context, personID, unit string) (bool, error)
	}
	Appeals interface {
		Record(ctx context.Context, personID string, r recruiting.Recruitment, dec *recruiting.Decision, cands []recruiting.Candidate, d retention.AppealDraft) (retention.Appeal, error)
		Of(ctx context.Context, recruitmentID string) ([]retention.Appeal, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
}

// AppealView is the appeals section of the decision page.
type AppealView struct {
	May     bool
	Appeals []AppealRow
	Other   string // the value that names someone else as the appellant
}

// AppealRow is a recorded appeal with its appellant named.
type AppealRow struct {
	retention.Appeal
	Appellant  string
	RecordedBy string
}

// appealFields are the appeal form's fields.
var appealFields = []string{"appellant", "appeal_name", "arrived_on", "court", "case_number"}

func (f *AppealForms) view(c *fiber.Ctx, r recruiting.Recruitment, cands []DecisionCandidate) (*AppealView, error) {
	if f == nil {
		return nil, nil
	}
	ctx := c.UserContext()
	v := &AppealView{Other: retention.AppellantOther}
	var err error
	if v.May, err = f.Holds.MayPlace(ctx, web.SessionOf(c).AccountID, r.UnitID); err != nil {
		return nil, err
	}
	appeals, err := f.Appeals.Of(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	who := &staffNames{ctx: ctx, people: f.People, seen: map[string]string{}}
	for _, a := range appeals {
		row := AppealRow{Appeal: a, Appellant: a.Name, RecordedBy: who.of(a.RecordedBy)}
		for _, cand := range cands {
			if cand.ID == a.CandidateID {
				row.Appellant = cand.Name
			}
		}
		v.Appeals = append(v.Appeals, row)
	}
	return v, nil
}

// RecordAppeal records an appeal of the decision, which holds the
// appellant's application (or the whole recruitment) from culling.
func (h *Decisions) RecordAppeal(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	if h.Appeals == nil {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	form := web.Form(c, appealFields...)
	var dec *recruiting.Decision
	if d, err := h.Service.Decision(ctx, r); err == nil {
		dec = &d
	} else if !errors.Is(err, recruiting.ErrNotFound) {
		return err
	}
	cands, err := h.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return err
	}
	_, err = h.Appeals.Appeals.Record(ctx, v.PersonID, r, dec, cands, retention.AppealDraft{Appellant: form["appellant"], Name: form["appeal_name"],
		ArrivedOn: form["arrived_on"], Court: form["court"], CaseNumber: form["case_number"]})
	if errors.Is(err, retention.ErrAppealExists) {
		err = valid.Problems{{Field: "appellant", Key: "appeal.error.exists"}}
	}
	if errs, ok := web.FieldErrors(err); ok {
		return h.decisionPage(c, r, v, form, nil, errs, nil)
	}
	if err != nil {
		return err
	}
	return c.Redirect(DecidePath(r.ID)+"?klart=appealed#appeals-heading", fiber.StatusSeeOther)
}
