package applicant

import (
	"context"
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/applicants"
	"portal/applications"
	"portal/handlers/web"
	"portal/jobs"
	"portal/valid"
	"portal/views"
)

// Apply is the pages of an application: start, questions, attachments,
// summary, receipt, withdrawal and the list of one's applications.
type Apply struct {
	*web.Kit
	Board interface {
		Ad(ctx context.Context, ref string) (jobs.Ad, error)
	}
	Accounts interface {
		Account(ctx context.Context, id string) (applicants.Account, error)
		StateProtected(ctx context.Context, id string, protected bool, ip string) error
		// Records tells how long each submitted application is kept.
		Records(ctx context.Context, id string) ([]applicants.Record, error)
	}
	Applying interface {
		Start(ctx context.Context, applicant string, ad jobs.Ad) (applications.Application, error)
		Get(ctx context.Context, applicant, id string) (applications.Application, error)
		SaveAnswers(ctx context.Context, a applications.Application, questions []jobs.Question, form map[string][]string, next string) (applications.Application, valid.Problems, error)
		AddFiles(ctx context.Context, a applications.Application, uploads []applications.Upload) (applications.Application, []*applications.FileError, error)
		RemoveFile(ctx context.Context, a applications.Application, attID string) (applications.Application, error)
		AttachmentsOf(ctx context.Context, a applications.Application) ([]applications.Attachment, error)
		Submit(ctx context.Context, a applications.Application, ad jobs.Ad, lang string) (applications.Application, error)
		Withdraw(ctx context.Context, a applications.Application) (applications.Application, error)
		List(ctx context.Context, applicant string) ([]applications.Application, error)
		OpenFile(ctx context.Context, owner, id string) (applications.Attachment, io.ReadCloser, error)
	}
	// Recruitments tells what the employer has sent about the
	// applications; nil: nothing.
	Recruitments Letters
}

// applyCtx is what every step of the application form works on.
type applyCtx struct {
	app applications.Application
	ad  jobs.Ad
}

// loadApplication finds the :id application of the logged-in applicant and
// its ad. Another applicant's id is "not found", like an unknown one.
func (h *Apply) loadApplication(c *fiber.Ctx) (applyCtx, error) {
	app, err := h.Applying.Get(c.UserContext(), web.SessionOf(c).AccountID, c.Params("id"))
	if err != nil {
		return applyCtx{}, err
	}
	ad, err := h.Board.Ad(c.UserContext(), app.AdRef)
	if err != nil {
		return applyCtx{}, err
	}
	return applyCtx{app, ad}, nil
}

func (h *Apply) applyPage(c *fiber.Ctx, name, heading, step string, x applyCtx, data fiber.Map) error {
	data["App"], data["Ad"], data["Heading"], data["Step"] = x.app, x.ad, heading, step
	return h.FormPage(c, name, "apply.title", data)
}

// closedPage answers any change after the last application day, saying
// whom to contact.
func (h *Apply) closedPage(c *fiber.Ctx, ad jobs.Ad) error {
	c.Status(fiber.StatusConflict)
	return h.FormPage(c, "apply/closed", "apply.closed_heading", fiber.Map{"Ad": ad})
}

// ShowStartApplication is where "Sök tjänsten" leads: an application
// already begun opens at the step where the applicant was; otherwise a
// button begins one, so that no link from anywhere creates a draft.
func (h *Apply) ShowStartApplication(c *fiber.Ctx) error {
	ad, err := h.Board.Ad(c.UserContext(), strings.ToUpper(c.Params("ref")))
	if err != nil {
		return err
	}
	apps, err := h.Applying.List(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	for _, app := range apps {
		if app.AdRef == ad.Ref {
			return c.Redirect("/ansokan/"+app.ID+"/"+views.StepPath(app.Step), fiber.StatusSeeOther)
		}
	}
	if !ad.Open(h.Now()) {
		return h.closedPage(c, ad)
	}
	return h.FormPage(c, "apply/start", "apply.start_heading", fiber.Map{"Ad": ad})
}

// StartApplication begins the applicant's application to the ad, or opens
// the one begun, at the step where they were.
func (h *Apply) StartApplication(c *fiber.Ctx) error {
	ad, err := h.Board.Ad(c.UserContext(), strings.ToUpper(c.Params("ref")))
	if err != nil {
		return err
	}
	app, err := h.Applying.Start(c.UserContext(), web.SessionOf(c).AccountID, ad)
	if errors.Is(err, applications.ErrClosed) {
		return h.closedPage(c, ad)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/ansokan/"+app.ID+"/"+views.StepPath(app.Step), fiber.StatusSeeOther)
}

// ShowQuestions shows the application's questions, restoring answers typed after the login ended; refused after the last application day.
func (h *Apply) ShowQuestions(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.Now()) {
		return h.closedPage(c, x.ad)
	}
	if stash := takeStash(h.Kit, c); stash != nil {
		// Typed after the login ended: keep it now, as if it had been saved then.
		app, _, err := h.Applying.SaveAnswers(c.UserContext(), x.app, x.ad.Questions, stash, x.app.Step)
		if err != nil {
			return err
		}
		x.app = app
		return h.applyPage(c, "apply/questions", "apply.questions", "questions", x, fiber.Map{"Form": stash, "Notice": "apply.restored"})
	}
	return h.applyPage(c, "apply/questions", "apply.questions", "questions", x, fiber.Map{"Form": x.app.Answers.Form(x.ad.Questions)})
}

// SaveQuestions saves the answers and goes on to the attachments, or shows what is wrong or what another window saved meanwhile.
func (h *Apply) SaveQuestions(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	form := map[string][]string{}
	for _, q := range x.ad.Questions {
		for _, v := range c.Context().PostArgs().PeekMulti(q.Field()) {
			form[q.Field()] = append(form[q.Field()], string(v))
		}
	}
	if rev := c.FormValue(applications.RevisionField); rev != "" {
		form[applications.RevisionField] = []string{strings.Clone(rev)}
	}
	next := applications.StepAttachments
	app, errs, err := h.Applying.SaveAnswers(c.UserContext(), x.app, x.ad.Questions, form, next)
	switch {
	case errors.Is(err, applications.ErrClosed):
		return h.closedPage(c, x.ad)
	case errors.Is(err, applications.ErrConflict):
		// Saved in another window meanwhile, differently: show what this
		// window sent, unsaved, against the latest revision.
		x.app = app
		err := h.applyPage(c, "apply/questions", "apply.questions", "questions", x,
			fiber.Map{"Form": form, "Errors": errs, "Problem": "apply.conflict"})
		c.Status(fiber.StatusConflict)
		return err
	case err != nil:
		return err
	}
	if len(errs) > 0 {
		x.app = app
		return h.applyPage(c, "apply/questions", "apply.questions", "questions", x,
			fiber.Map{"Form": app.Answers.Form(x.ad.Questions), "Errors": errs})
	}
	return c.Redirect("/ansokan/"+app.ID+"/bilagor", fiber.StatusSeeOther)
}

// ShowAttachments shows the application's attached files and the form for more; refused after the last application day.
func (h *Apply) ShowAttachments(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.attachmentsPage(c, x, nil)
}

func (h *Apply) attachmentsPage(c *fiber.Ctx, x applyCtx, refused []*applications.FileError) error {
	files, err := h.Applying.AttachmentsOf(c.UserContext(), x.app)
	if err != nil {
		return err
	}
	if len(refused) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.applyPage(c, "apply/attachments", "apply.attachments", "attachments", x, fiber.Map{
		"Files": files, "FileErrors": refused, "AssetVersion": views.AssetVersion,
	})
}

// UploadAttachments stores the files of one batch that pass the rules and
// names each refused file with the rule it broke.
func (h *Apply) UploadAttachments(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	form, err := h.ReadUploads(c)
	if err != nil {
		return err
	}
	defer form.Close()
	uploads := form.Files
	// The files are in; storing them has the time of any request.
	ctx, cancel := context.WithTimeout(c.UserContext(), h.Cfg.RequestTimeout)
	defer cancel()
	app, refused, err := h.Applying.AddFiles(ctx, x.app, uploads)
	if errors.Is(err, applications.ErrClosed) {
		return h.closedPage(c, x.ad)
	}
	if err != nil {
		return err
	}
	x.app = app
	if len(refused) > 0 || len(uploads) == 0 {
		if len(uploads) == 0 {
			refused = []*applications.FileError{{Key: "apply.no_file_chosen"}}
		}
		return h.attachmentsPage(c, x, refused)
	}
	return c.Redirect("/ansokan/"+app.ID+"/bilagor", fiber.StatusSeeOther)
}

// RemoveAttachment takes one file off the application; refused after the last application day.
func (h *Apply) RemoveAttachment(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	_, err = h.Applying.RemoveFile(c.UserContext(), x.app, c.Params("att"))
	switch {
	case errors.Is(err, applications.ErrClosed):
		return h.closedPage(c, x.ad)
	case err != nil:
		return err
	}
	return c.Redirect("/ansokan/"+x.app.ID+"/bilagor", fiber.StatusSeeOther)
}

// DownloadAttachment sends one of the applicant's own files as a download
// under the name they gave it (RFC 6266), with the stored type.
func (h *Apply) DownloadAttachment(c *fiber.Ctx) error {
	ctx, detach, done := h.StreamContext(c)
	att, rc, err := h.Applying.OpenFile(ctx, web.SessionOf(c).AccountID, c.Params("att"))
	detach()
	if err != nil {
		done()
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, att.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.SendStream(web.CloseWith(rc, done), int(att.Size))
}

// ShowSummary shows the whole application before it is sent; refused after the last application day.
func (h *Apply) ShowSummary(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.summaryPage(c, x, "", nil)
}

// summaryPage draws the summary; protected is what the form sent for
// the statement of protected personal data (nil: as the profile has it).
func (h *Apply) summaryPage(c *fiber.Ctx, x applyCtx, problem string, protected *string, errs ...valid.Problem) error {
	files, err := h.Applying.AttachmentsOf(c.UserContext(), x.app)
	if err != nil {
		return err
	}
	acc, err := h.Accounts.Account(c.UserContext(), x.app.Applicant)
	if err != nil {
		return err
	}
	if problem != "" || len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	checked := ""
	if acc.Profile.Protected {
		checked = applicants.ProtectedValue
	}
	if protected != nil {
		checked = *protected
	}
	return h.applyPage(c, "apply/summary", "apply.summary", "summary", x, fiber.Map{
		"Files": files, "Verified": acc.Verified(), "Problem": problem, "Account": acc,
		"Protected": checked, "Errors": valid.Problems(errs),
	})
}

// SubmitApplication sends the application and leads to the receipt, unless it is incomplete, the address is unconfirmed or the ad has closed.
func (h *Apply) SubmitApplication(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	// The statement of protected personal data is the profile's, and goes
	// with this version and every later one.
	typed := strings.Clone(c.FormValue("protected"))
	protected, err := applicants.ParseProtected("protected", typed)
	if errs, ok := web.FieldErrors(err); ok {
		return h.summaryPage(c, x, "", &typed, errs...)
	}
	if err := h.Accounts.StateProtected(c.UserContext(), x.app.Applicant, protected, h.ClientIP(c)); err != nil {
		return err
	}
	app, err := h.Applying.Submit(c.UserContext(), x.app, x.ad, web.L(c).Lang)
	switch {
	case errors.Is(err, applications.ErrClosed):
		return h.closedPage(c, x.ad)
	case errors.Is(err, applications.ErrUnverified):
		return h.summaryPage(c, x, "apply.verify_first", nil)
	case errors.Is(err, applications.ErrIncomplete):
		return h.summaryPage(c, x, "apply.incomplete", nil)
	case err != nil:
		return err
	}
	return c.Redirect("/ansokan/"+app.ID+"/kvitto", fiber.StatusSeeOther)
}

// ShowReceipt shows the receipt of a sent application; one not yet sent goes back to its summary.
func (h *Apply) ShowReceipt(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if x.app.Version == 0 {
		return c.Redirect("/ansokan/"+x.app.ID+"/sammanfattning", fiber.StatusSeeOther)
	}
	return h.FormPage(c, "apply/receipt", "apply.thanks", fiber.Map{"App": x.app})
}

// ShowApplications lists the logged-in applicant's applications.
func (h *Apply) ShowApplications(c *fiber.Ctx) error {
	apps, err := h.Applying.List(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("aterkallad") == "1" {
		notice = "apply.withdrawn_notice"
	}
	letters, err := h.letters(c, apps)
	if err != nil {
		return err
	}
	if n := statementNotice(c); n != "" {
		notice = n
	}
	records, err := h.Accounts.Records(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	// Shown once the recruitment is decided; before, the rule names no day.
	kept := map[string]*applicants.Keeping{}
	for _, r := range records {
		if r.Decided() {
			kept[r.ID] = &r.Keeping
		}
	}
	return h.FormPage(c, "apply/list", "apply.list_heading", fiber.Map{"Apps": apps, "Now": h.Now(), "Notice": notice, "Letters": letters, "Kept": kept})
}

// ShowWithdraw asks whether to withdraw the application; refused after the last application day.
func (h *Apply) ShowWithdraw(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.FormPage(c, "apply/withdraw", "apply.withdraw_heading", fiber.Map{"App": x.app})
}

// WithdrawApplication withdraws a sent application while the ad is open and goes back to the list of applications.
func (h *Apply) WithdrawApplication(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	_, err = h.Applying.Withdraw(c.UserContext(), x.app)
	if errors.Is(err, applications.ErrClosed) {
		if x.app.Open(h.Now()) { // open, but not submitted
			return fiber.ErrNotFound
		}
		return h.closedPage(c, x.ad)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-ansokningar?aterkallad=1", fiber.StatusSeeOther)
}
