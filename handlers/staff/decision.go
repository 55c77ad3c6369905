package staff

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

// Decisions is the employment decision of a recruitment, its posted
// notice, and the answers to requests for the statement of merits.
type Decisions struct {
	*web.Kit
	Opener  Opener
	Service interface {
		Decision(ctx context.Context, r recruiting.Recruitment) (recruiting.Decision, error)
		Decide(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, d recruiting.DecisionDraft) (recruiting.Decision, error)
		Withdrawn(ctx context.Context, c recruiting.Candidate) (bool, error)
		OpenRequests(ctx context.Context, r recruiting.Recruitment) ([]recruiting.StatementRequest, error)
		Answer(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, requestID, text string) error
	}
	Candidates interface {
		CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
		Unit(ctx context.Context, id string) (employees.Unit, error)
	}
	// Appeals records the appeals of the decision, each with its hold;
	// nil: not shown.
	Appeals *AppealForms
}

// DecisionCandidate is a candidate on the decision page.
type DecisionCandidate struct {
	recruiting.Candidate
	Name      string
	Withdrawn bool
	Hired     bool
	Checked   bool
}

// RequestRow is a waiting statement request with its applicant's name.
type RequestRow struct {
	recruiting.StatementRequest
	Name    string
	Answer  string
	Problem string
}

// decisionData is what the decision page and the notice show.
func (h *Decisions) decisionData(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer) (fiber.Map, *recruiting.Decision, []DecisionCandidate, error) {
	ctx := c.UserContext()
	var dec *recruiting.Decision
	if d, err := h.Service.Decision(ctx, r); err == nil {
		dec = &d
	} else if !errors.Is(err, recruiting.ErrNotFound) {
		return nil, nil, nil, err
	}
	cands, err := h.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	rows := make([]DecisionCandidate, len(cands))
	for i, cand := range cands {
		w, err := h.Service.Withdrawn(ctx, cand)
		if err != nil {
			return nil, nil, nil, err
		}
		rows[i] = DecisionCandidate{Candidate: cand, Name: shownName(c, r, cand), Withdrawn: w, Hired: dec != nil && dec.IsHired(cand.ID)}
		if rows[i].Hired {
			// The decision names whom it hires, anonymised review or not.
			rows[i].Name = hiredName(c, cand)
		}
	}
	data := fiber.Map{"R": r, "V": v, "D": dec, "Candidates": rows}
	if dec != nil {
		if p, err := h.People.Person(ctx, dec.DecidedBy); err == nil {
			data["DecidedByName"] = p.Name()
		} else {
			data["DecidedByName"] = dec.DecidedBy
		}
		if u, err := h.People.Unit(ctx, r.UnitID); err == nil {
			data["UnitName"] = u.Name
		}
	}
	return data, dec, rows, nil
}

// hiredName is how the decision and the notice name a hired candidate.
func hiredName(c *fiber.Ctx, cand recruiting.Candidate) string {
	if cand.Protected() || cand.Details.Name() == "" {
		return web.L(c).T("decide.protected", cand.Number)
	}
	return cand.Details.Name()
}

// ShowDecision is the decision page: the form while there is none, else
// the decision, its dates and the waiting statement requests.
func (h *Decisions) ShowDecision(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	return h.decisionPage(c, r, v, map[string]string{"decided_on": jobs.DayOf(h.Now()).String(), "outcome": recruiting.OutcomeHired}, nil, nil, nil)
}

func (h *Decisions) decisionPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, form map[string]string, hired []string, errs valid.Problems, answers map[string]RequestRow) error {
	data, dec, rows, err := h.decisionData(c, r, v)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].Checked = slices.Contains(hired, rows[i].ID)
	}
	if dec != nil && v.Manage {
		reqs, err := h.requestRows(c, r, answers)
		if err != nil {
			return err
		}
		data["Requests"] = reqs
	}
	if dec != nil {
		if data["Appeals"], err = h.Appeals.view(c, r, rows); err != nil {
			return err
		}
	}
	data["Form"], data["Errors"] = form, errs
	data["Notice"] = decisionNotice(c)
	return h.FormPageIn(c, "staff/decision", "decide.decision.title", "staff-recruit", data)
}

func (h *Decisions) requestRows(c *fiber.Ctx, r recruiting.Recruitment, answers map[string]RequestRow) ([]RequestRow, error) {
	reqs, err := h.Service.OpenRequests(c.UserContext(), r)
	if err != nil {
		return nil, err
	}
	cands, err := h.Candidates.CandidatesOf(c.UserContext(), r.ID)
	if err != nil {
		return nil, err
	}
	out := make([]RequestRow, len(reqs))
	for i, q := range reqs {
		out[i] = RequestRow{StatementRequest: q}
		if a, ok := answers[q.ID]; ok {
			out[i].Answer, out[i].Problem = a.Answer, a.Problem
		}
		for _, cand := range cands {
			if cand.ID == q.CandidateID {
				out[i].Name = shownName(c, r, cand)
			}
		}
	}
	return out, nil
}

// decisionNotices are the confirmations the decision page shows after a
// redirect.
var decisionNotices = []string{"decided", "before", "answered", "answered_before"}

func decisionNotice(c *fiber.Ctx) string {
	if c.Query("klart") == "appealed" {
		return "appeal.notice.recorded"
	}
	if k := c.Query("klart"); slices.Contains(decisionNotices, k) {
		return "decide.notice." + k
	}
	return ""
}

// DecidePath is the decision page of a recruitment.
func DecidePath(id string) string { return RecruitmentPath(id) + "/beslut" }

// SaveDecision records the decision.
func (h *Decisions) SaveDecision(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	form := web.Form(c, "outcome", "reason", "decided_on")
	var hired []string
	for _, id := range c.Request().PostArgs().PeekMulti("hired") {
		hired = append(hired, string(id))
	}
	_, err = h.Service.Decide(c.UserContext(), v, r, recruiting.DecisionDraft{Outcome: form["outcome"], Hired: hired, Reason: form["reason"], DecidedOn: form["decided_on"]})
	if errs, ok := web.FieldErrors(err); ok {
		return h.decisionPage(c, r, v, form, hired, errs, nil)
	}
	if errors.Is(err, recruiting.ErrDecided) {
		return c.Redirect(DecidePath(r.ID)+"?klart=before", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	return c.Redirect(DecidePath(r.ID)+"?klart=decided", fiber.StatusSeeOther)
}

// ShowNotice is the posted notice of the decision (anslag), made to be
// printed too.
func (h *Decisions) ShowNotice(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	data, dec, _, err := h.decisionData(c, r, v)
	if err != nil {
		return err
	}
	if dec == nil {
		return recruiting.ErrNotFound
	}
	data["Employer"] = h.Cfg.SiteName
	return h.FormPageIn(c, "staff/decision_notice", "decide.notice_page.title", "staff-recruit", data)
}

// AnswerStatement sends the written statement to the applicant who asked.
func (h *Decisions) AnswerStatement(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	id, text := strings.Clone(c.Params("sid")), strings.Clone(c.FormValue("answer"))
	err = h.Service.Answer(c.UserContext(), v, r, id, text)
	if errs, ok := web.FieldErrors(err); ok {
		return h.decisionPage(c, r, v, map[string]string{}, nil, errs, map[string]RequestRow{id: {Answer: text, Problem: errs[0].Key}})
	}
	if errors.Is(err, recruiting.ErrExists) {
		return c.Redirect(DecidePath(r.ID)+"?klart=answered_before", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	return c.Redirect(DecidePath(r.ID)+"?klart=answered", fiber.StatusSeeOther)
}

// Statements finds the statement requests that wait for their answer.
type Statements interface {
	OpenRequests(ctx context.Context, r recruiting.Recruitment) ([]recruiting.StatementRequest, error)
	OpenRequestsIn(ctx context.Context, rs []recruiting.Listed) (map[string][]recruiting.StatementRequest, error)
}

// TodoRow is a recruitment with statement requests waiting.
type TodoRow struct {
	ID, Title, Ref string
	Waiting        int
}

// todoOf is the to-do of the recruitments list: the recruitments the
// person manages with requests waiting.
func (h *Recruitments) todoOf(ctx context.Context, list []recruiting.Listed) ([]TodoRow, error) {
	if h.Statements == nil {
		return nil, nil
	}
	open, err := h.Statements.OpenRequestsIn(ctx, list)
	if err != nil {
		return nil, err
	}
	var out []TodoRow
	for _, r := range list {
		if n := len(open[r.ID]); n > 0 {
			out = append(out, TodoRow{ID: r.ID, Title: r.Title, Ref: r.Ref, Waiting: n})
		}
	}
	return out, nil
}

// todoIn is the to-do of one recruitment: its waiting requests, for
// those who answer them.
func (h *Recruitments) todoIn(ctx context.Context, r recruiting.Recruitment, v recruiting.Viewer) (int, error) {
	if h.Statements == nil || !v.Manage {
		return 0, nil
	}
	open, err := h.Statements.OpenRequests(ctx, r)
	return len(open), err
}
