package staff

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"portal/applications"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/recruiting"
	"portal/valid"
)

// PathTemplates is the organisation's message templates.
const PathTemplates = PathRecruitments + "/mallar"

// Messages is writing to candidates from templates, and the templates.
type Messages struct {
	*web.Kit
	Opener  Opener
	Service interface {
		All(ctx context.Context) ([]recruiting.Template, error)
		Template(ctx context.Context, id string) (recruiting.Template, error)
		MayEdit(ctx context.Context, personID string) (bool, error)
		SaveTemplate(ctx context.Context, personID string, t recruiting.Template) (recruiting.Template, error)
		Write(t recruiting.Template, r recruiting.Recruitment, c recruiting.Candidate, answer string) recruiting.Letter
		Send(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, candidateIDs []string, templateID string) (recruiting.Sent, error)
	}
	Candidates interface {
		CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
	}
}

// CandidateChoice is a candidate as a form to pick candidates shows it.
type CandidateChoice struct {
	recruiting.Candidate
	Name    string
	Checked bool
}

// shownName names a candidate on a staff page.
func shownName(c *fiber.Ctx, r recruiting.Recruitment, cand recruiting.Candidate) string {
	l := web.L(c)
	if cand.Protected() {
		return l.T("decide.protected", cand.Number)
	}
	return cand.ShownName(r, func(n int) string { return l.T("decide.applicant_n", n) })
}

// maxChosen bounds the candidates one message form names.
const maxChosen = 5000

// chosen reads the candidate ids a form or an address names ("k").
func chosen(c *fiber.Ctx) []string {
	args := c.Request().URI().QueryArgs()
	if c.Method() == fiber.MethodPost {
		args = c.Request().PostArgs()
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range args.PeekMulti("k") {
		if s := strings.TrimSpace(string(v)); s != "" && len(out) < maxChosen && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// ShowMessages is the form to write to candidates: pick a template and
// the candidates (those the candidate list sent are ticked), preview,
// send.
func (h *Messages) ShowMessages(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	return h.messagesPage(c, r, v, strings.Clone(c.Query("mall")), chosen(c), nil, false)
}

func (h *Messages) messagesPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, tid string, ids []string, errs valid.Problems, preview bool) error {
	ctx := c.UserContext()
	tpls, err := h.Service.All(ctx)
	if err != nil {
		return err
	}
	cands, err := h.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return err
	}
	choices := make([]CandidateChoice, len(cands))
	var first *recruiting.Candidate
	for i, cand := range cands {
		choices[i] = CandidateChoice{Candidate: cand, Name: shownName(c, r, cand), Checked: slices.Contains(ids, cand.ID)}
		if choices[i].Checked && first == nil {
			first = &cands[i]
		}
	}
	data := fiber.Map{"R": r, "V": v, "Templates": tpls, "Chosen": tid, "Candidates": choices, "Errors": errs,
		"Result": sentNotice(c)}
	if preview && len(errs) == 0 && first != nil {
		if t, err := h.Service.Template(ctx, tid); err == nil {
			shown := *first
			if r.HidesIdentity(shown) || shown.Protected() {
				// The letter names the applicant; the group may not see
				// who that is yet.
				shown.Details = applications.Snapshot{FirstName: shownName(c, r, shown)}
			} else {
				shown.Details = r.ShownDetails(v, shown)
			}
			data["Preview"] = h.Service.Write(t, r, shown, "")
			data["PreviewName"] = shownName(c, r, *first)
			n := 0
			for _, ch := range choices {
				if ch.Checked && !ch.Reachable() {
					n++
				}
			}
			data["Unreachable"] = n
		}
	}
	return h.FormPageIn(c, "staff/messages", "decide.messages.title", "staff-recruit", data)
}

// SentNotice is what a send did, as the page after it says.
type SentNotice struct{ Sent, Already, NoAddress string }

func sentNotice(c *fiber.Ctx) *SentNotice {
	if c.Query("skickat") == "" {
		return nil
	}
	digits := func(s string) string {
		if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 6 {
			return "0"
		}
		return s
	}
	return &SentNotice{digits(c.Query("skickat")), digits(c.Query("redan")), digits(c.Query("utan"))}
}

// SendMessages previews or sends the message.
func (h *Messages) SendMessages(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	tid, ids := strings.Clone(c.FormValue("mall")), chosen(c)
	var errs valid.Problems
	if _, err := h.Service.Template(c.UserContext(), tid); err != nil {
		errs.Add("mall", "decide.error.template")
	}
	if len(ids) == 0 {
		errs.Add("candidates", "decide.error.candidates")
	}
	if len(errs) > 0 || c.FormValue("action") != "send" {
		return h.messagesPage(c, r, v, tid, ids, errs, true)
	}
	sent, err := h.Service.Send(c.UserContext(), v, r, ids, tid)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("%s/meddelanden?skickat=%d&redan=%d&utan=%d", RecruitmentPath(r.ID), len(sent.Sent), len(sent.Already), len(sent.NoAddress)),
		fiber.StatusSeeOther)
}

// requireEditor refuses those who may not change the templates.
func (h *Messages) requireEditor(c *fiber.Ctx) error {
	ok, err := h.Service.MayEdit(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return recruiting.ErrForbidden
	}
	return nil
}

// ShowTemplates lists the organisation's message templates.
func (h *Messages) ShowTemplates(c *fiber.Ctx) error {
	if err := h.requireEditor(c); err != nil {
		return err
	}
	tpls, err := h.Service.All(c.UserContext())
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("klart") == "sparad" {
		notice = "decide.templates.saved"
	}
	return h.FormPageIn(c, "staff/messages_templates", "decide.templates.title", "staff-recruit", fiber.Map{"Templates": tpls, "Notice": notice})
}

// ShowTemplate is the form to change one template.
func (h *Messages) ShowTemplate(c *fiber.Ctx) error {
	if err := h.requireEditor(c); err != nil {
		return err
	}
	t, err := h.Service.Template(c.UserContext(), strings.Clone(c.Params("tid")))
	if err != nil {
		return err
	}
	return h.templatePage(c, t, nil)
}

func (h *Messages) templatePage(c *fiber.Ctx, t recruiting.Template, errs valid.Problems) error {
	return h.FormPageIn(c, "staff/messages_template", "decide.templates.edit_title", "staff-recruit", fiber.Map{
		"T": t, "Langs": recruiting.Languages, "Placeholders": recruiting.Placeholders, "Errors": errs})
}

// SaveTemplate changes one template for the whole organisation.
func (h *Messages) SaveTemplate(c *fiber.Ctx) error {
	if err := h.requireEditor(c); err != nil {
		return err
	}
	t := recruiting.Template{ID: strings.Clone(c.Params("tid")), Texts: map[string]recruiting.Text{}}
	for _, lang := range recruiting.Languages {
		t.Texts[lang] = recruiting.Text{Subject: strings.Clone(c.FormValue("subject_" + lang)), Body: strings.Clone(c.FormValue("body_" + lang))}
	}
	saved, err := h.Service.SaveTemplate(c.UserContext(), web.SessionOf(c).AccountID, t)
	if errs, ok := web.FieldErrors(err); ok {
		return h.templatePage(c, saved, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathTemplates+"?klart=sparad", fiber.StatusSeeOther)
}
