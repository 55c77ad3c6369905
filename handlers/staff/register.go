package staff

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"portal/applications"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
	"portal/views"
)

// Register is how a recruiter registers applications that came on paper
// or by e-mail, their files, and placeholders for applicants with
// protected personal data.
type Register struct {
	*web.Kit
	Recruitments Opener
	Registry     interface {
		Register(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, questions []jobs.Question, reg recruiting.Registration) (recruiting.Candidate, error)
		RegisterProtected(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, arrivedOn string) (recruiting.Candidate, error)
		AddFiles(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, c recruiting.Candidate, uploads []applications.Upload) ([]*applications.FileError, error)
	}
	Papers interface {
		Candidate(ctx context.Context, r recruiting.Recruitment, id string) (recruiting.Candidate, error)
		Read(ctx context.Context, v recruiting.Viewer, c recruiting.Candidate, n int, log bool) (recruiting.Paper, error)
	}
	Ads interface {
		AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
	}
}

// RegisterPath is the form that registers an application.
func RegisterPath(recruitmentID string) string { return RecruitmentPath(recruitmentID) + "/registrera" }

// registerFields are the fields of the registration form besides the
// questions.
var registerFields = []string{"source", "first_name", "last_name", "email", "phone", "street", "postal_code", "town", "country", "arrived", "lang", "protected_arrived"}

// openManaged opens the recruitment of the path for one who manages it.
func (h *Register) openManaged(c *fiber.Ctx) (recruiting.Recruitment, recruiting.Viewer, error) {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err == nil && !v.Manage {
		err = recruiting.ErrForbidden
	}
	return r, v, err
}

func (h *Register) questions(ctx context.Context, r recruiting.Recruitment) ([]jobs.Question, error) {
	ad, err := h.Ads.AdByRef(ctx, r.Ref)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, nil
	}
	return ad.Questions, err
}

// ShowRegister is the registration form.
func (h *Register) ShowRegister(c *fiber.Ctx) error {
	r, v, err := h.openManaged(c)
	if err != nil {
		return err
	}
	today := jobs.DayOf(h.Now()).String()
	return h.registerPage(c, r, v, map[string]string{"source": recruiting.SourcePaper, "arrived": today, "protected_arrived": today, "lang": "sv"}, nil, nil)
}

func (h *Register) registerPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, form map[string]string, answers map[string][]string, errs valid.Problems) error {
	questions, err := h.questions(c.UserContext(), r)
	if err != nil {
		return err
	}
	if answers == nil {
		answers = map[string][]string{}
	}
	return h.FormPageIn(c, "staff/register", "recruitapp.register.title", "staff-recruit", fiber.Map{
		"R": r, "V": v, "Form": form, "Answers": answers, "Errors": errs, "Questions": questions,
		"Sources": []string{recruiting.SourcePaper, recruiting.SourceEmail},
	})
}

// RegisterApplication registers an application from the form and goes on
// to adding its files.
func (h *Register) RegisterApplication(c *fiber.Ctx) error {
	r, v, err := h.openManaged(c)
	if err != nil {
		return err
	}
	form := web.Form(c, registerFields...)
	questions, err := h.questions(c.UserContext(), r)
	if err != nil {
		return err
	}
	answers := map[string][]string{}
	for _, q := range questions {
		for _, val := range c.Context().PostArgs().PeekMulti(q.Field()) {
			answers[q.Field()] = append(answers[q.Field()], string(val))
		}
	}
	cand, err := h.Registry.Register(c.UserContext(), v, r, questions, recruiting.Registration{
		Source: form["source"], Arrived: form["arrived"], Answers: answers, Lang: form["lang"],
		Details: applications.Snapshot{FirstName: form["first_name"], LastName: form["last_name"], Email: form["email"], Phone: form["phone"],
			Street: form["street"], PostalCode: form["postal_code"], Town: form["town"], Country: form["country"]},
	})
	if errs, ok := web.FieldErrors(err); ok {
		return h.registerPage(c, r, v, form, answers, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(CandidatePath(r.ID, cand.ID)+"/bilagor?klart=registered", fiber.StatusSeeOther)
}

// RegisterProtected registers a placeholder for an applicant with
// protected personal data: no details, no files.
func (h *Register) RegisterProtected(c *fiber.Ctx) error {
	r, v, err := h.openManaged(c)
	if err != nil {
		return err
	}
	form := web.Form(c, registerFields...)
	cand, err := h.Registry.RegisterProtected(c.UserContext(), v, r, form["protected_arrived"])
	if errs, ok := web.FieldErrors(err); ok {
		if form["source"] == "" {
			form["source"] = recruiting.SourcePaper
		}
		return h.registerPage(c, r, v, form, nil, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(CandidatePath(r.ID, cand.ID)+"?klart=registered", fiber.StatusSeeOther)
}

// openRegistered opens a candidate registered by hand, for adding files.
func (h *Register) openRegistered(c *fiber.Ctx) (recruiting.Recruitment, recruiting.Viewer, recruiting.Candidate, error) {
	r, v, err := h.openManaged(c)
	if err != nil {
		return r, v, recruiting.Candidate{}, err
	}
	cand, err := h.Papers.Candidate(c.UserContext(), r, c.Params("cid"))
	if err == nil && cand.Source != recruiting.SourcePaper && cand.Source != recruiting.SourceEmail {
		err = recruiting.ErrNotFound
	}
	return r, v, cand, err
}

// ShowFiles is the page that adds files to an application registered by
// hand.
func (h *Register) ShowFiles(c *fiber.Ctx) error {
	r, v, cand, err := h.openRegistered(c)
	if err != nil {
		return err
	}
	return h.filesPage(c, r, v, cand, nil)
}

func (h *Register) filesPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, cand recruiting.Candidate, refused []*applications.FileError) error {
	// Listing the file names is no reading of the application: not logged.
	paper, err := h.Papers.Read(c.UserContext(), v, cand, 0, false)
	if err != nil {
		return err
	}
	if len(refused) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	notice := ""
	if c.Query("klart") == "registered" {
		notice = "recruitapp.notice.registered"
	}
	return h.FormPageIn(c, "staff/register_files", "recruitapp.files.title", "staff-recruit", fiber.Map{
		"R": r, "V": v, "C": cand, "Name": CandidateName(web.L(c), r, cand, cand.Details), "Files": paper.Shown.Attachments,
		"FileErrors": refused, "Notice": notice, "Self": CandidatePath(r.ID, cand.ID), "AssetVersion": views.AssetVersion,
	})
}

// UploadFiles keeps the files of one batch that pass the rules on the
// registered application and names each refused file with its rule.
func (h *Register) UploadFiles(c *fiber.Ctx) error {
	r, v, cand, err := h.openRegistered(c)
	if err != nil {
		return err
	}
	form, err := h.ReadUploads(c)
	if err != nil {
		return err
	}
	defer form.Close()
	ctx, cancel := context.WithTimeout(c.UserContext(), h.Cfg.RequestTimeout)
	defer cancel()
	refused, err := h.Registry.AddFiles(ctx, v, r, cand, form.Files)
	if err != nil {
		return err
	}
	if len(form.Files) == 0 {
		refused = []*applications.FileError{{Key: "apply.no_file_chosen"}}
	}
	if len(refused) > 0 {
		return h.filesPage(c, r, v, cand, refused)
	}
	return c.Redirect(CandidatePath(r.ID, cand.ID)+"/bilagor", fiber.StatusSeeOther)
}
