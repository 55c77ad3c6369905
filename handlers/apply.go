package handlers

import (
	"context"
	"errors"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/applications"
	"portal/jobs"
	"portal/views"
)

// applyCtx is what every step of the application form works on.
type applyCtx struct {
	app applications.Application
	ad  jobs.Ad
}

// loadApplication finds the :id application of the logged-in applicant and
// its ad. Another applicant's id is "not found", like an unknown one.
func (h *handler) loadApplication(c *fiber.Ctx) (applyCtx, error) {
	app, err := h.deps.Applying.Get(c.UserContext(), sessionOf(c).AccountID, c.Params("id"))
	if errors.Is(err, applications.ErrNotFound) {
		return applyCtx{}, fiber.ErrNotFound
	}
	if err != nil {
		return applyCtx{}, err
	}
	ad, err := h.deps.Board.Ad(c.UserContext(), app.AdRef)
	if err != nil {
		return applyCtx{}, err
	}
	return applyCtx{app, ad}, nil
}

func (h *handler) applyPage(c *fiber.Ctx, name, heading, step string, x applyCtx, data fiber.Map) error {
	data["App"], data["Ad"], data["Heading"], data["Step"] = x.app, x.ad, heading, step
	return h.formPage(c, name, "apply.title", data)
}

// closedPage answers any change after the last application day, saying
// whom to contact.
func (h *handler) closedPage(c *fiber.Ctx, ad jobs.Ad) error {
	c.Status(fiber.StatusConflict)
	return h.formPage(c, "apply/closed", "apply.closed_heading", fiber.Map{"Ad": ad})
}

// showStartApplication is where "Sök tjänsten" leads: an application
// already begun opens at the step where the applicant was; otherwise a
// button begins one, so that no link from anywhere creates a draft.
func (h *handler) showStartApplication(c *fiber.Ctx) error {
	ad, err := h.deps.Board.Ad(c.UserContext(), strings.ToUpper(c.Params("ref")))
	if err != nil {
		return err
	}
	apps, err := h.deps.Applying.List(c.UserContext(), sessionOf(c).AccountID)
	if err != nil {
		return err
	}
	for _, app := range apps {
		if app.AdRef == ad.Ref {
			return c.Redirect("/ansokan/"+app.ID+"/"+views.StepPath(app.Step), fiber.StatusSeeOther)
		}
	}
	if !ad.Open(h.deps.Board.Now()) {
		return h.closedPage(c, ad)
	}
	return h.formPage(c, "apply/start", "apply.start_heading", fiber.Map{"Ad": ad})
}

// startApplication begins the applicant's application to the ad, or opens
// the one begun, at the step where they were.
func (h *handler) startApplication(c *fiber.Ctx) error {
	ad, err := h.deps.Board.Ad(c.UserContext(), strings.ToUpper(c.Params("ref")))
	if err != nil {
		return err
	}
	app, err := h.deps.Applying.Start(c.UserContext(), sessionOf(c).AccountID, ad)
	if errors.Is(err, applications.ErrClosed) {
		return h.closedPage(c, ad)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/ansokan/"+app.ID+"/"+views.StepPath(app.Step), fiber.StatusSeeOther)
}

func (h *handler) showQuestions(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.deps.Board.Now()) {
		return h.closedPage(c, x.ad)
	}
	if stash := h.takeStash(c); stash != nil {
		// Typed after the login ended: keep it now, as if it had been saved then.
		app, _, err := h.deps.Applying.SaveAnswers(c.UserContext(), x.app, x.ad.Questions, stash, x.app.Step)
		if err != nil {
			return err
		}
		x.app = app
		return h.applyPage(c, "apply/questions", "apply.questions", "questions", x, fiber.Map{"Form": stash, "Notice": "apply.restored"})
	}
	return h.applyPage(c, "apply/questions", "apply.questions", "questions", x, fiber.Map{"Form": x.app.Answers.Form(x.ad.Questions)})
}

func (h *handler) saveQuestions(c *fiber.Ctx) error {
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
	app, errs, err := h.deps.Applying.SaveAnswers(c.UserContext(), x.app, x.ad.Questions, form, next)
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

func (h *handler) showAttachments(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.deps.Board.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.attachmentsPage(c, x, nil)
}

func (h *handler) attachmentsPage(c *fiber.Ctx, x applyCtx, refused []*applications.FileError) error {
	files, err := h.deps.Applying.AttachmentsOf(c.UserContext(), x.app)
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

// uploadAttachments stores the files of one batch that pass the rules and
// names each refused file with the rule it broke.
func (h *handler) uploadAttachments(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	form, err := h.readUploads(c)
	if err != nil {
		return err
	}
	defer form.Close()
	uploads := form.Files
	// The files are in; storing them has the time of any request.
	ctx, cancel := context.WithTimeout(c.UserContext(), h.cfg.RequestTimeout)
	defer cancel()
	app, refused, err := h.deps.Applying.AddFiles(ctx, x.app, uploads)
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

func (h *handler) removeAttachment(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	_, err = h.deps.Applying.RemoveFile(c.UserContext(), x.app, c.Params("att"))
	switch {
	case errors.Is(err, applications.ErrClosed):
		return h.closedPage(c, x.ad)
	case errors.Is(err, applications.ErrNotFound):
		return fiber.ErrNotFound
	case err != nil:
		return err
	}
	return c.Redirect("/ansokan/"+x.app.ID+"/bilagor", fiber.StatusSeeOther)
}

// downloadAttachment sends one of the applicant's own files as a download
// under the name they gave it (RFC 6266), with the stored type.
func (h *handler) downloadAttachment(c *fiber.Ctx) error {
	ctx, detach, done := h.streamContext(c)
	att, rc, err := h.deps.Applying.OpenFile(ctx, sessionOf(c).AccountID, c.Params("att"))
	detach()
	if err != nil {
		done()
	}
	if errors.Is(err, applications.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, att.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": att.Name}))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.SendStream(closeWith(rc, done), int(att.Size))
}

func (h *handler) showSummary(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.deps.Board.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.summaryPage(c, x, "")
}

func (h *handler) summaryPage(c *fiber.Ctx, x applyCtx, problem string) error {
	files, err := h.deps.Applying.AttachmentsOf(c.UserContext(), x.app)
	if err != nil {
		return err
	}
	acc, err := h.deps.Accounts.Account(c.UserContext(), x.app.Applicant)
	if err != nil {
		return err
	}
	if problem != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.applyPage(c, "apply/summary", "apply.summary", "summary", x, fiber.Map{
		"Files": files, "Verified": acc.Verified(), "Problem": problem,
	})
}

func (h *handler) submitApplication(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	app, err := h.deps.Applying.Submit(c.UserContext(), x.app, x.ad, localizer(c).Lang)
	switch {
	case errors.Is(err, applications.ErrClosed):
		return h.closedPage(c, x.ad)
	case errors.Is(err, applications.ErrUnverified):
		return h.summaryPage(c, x, "apply.verify_first")
	case errors.Is(err, applications.ErrIncomplete):
		return h.summaryPage(c, x, "apply.incomplete")
	case err != nil:
		return err
	}
	return c.Redirect("/ansokan/"+app.ID+"/kvitto", fiber.StatusSeeOther)
}

func (h *handler) showReceipt(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if x.app.Version == 0 {
		return c.Redirect("/ansokan/"+x.app.ID+"/sammanfattning", fiber.StatusSeeOther)
	}
	return h.formPage(c, "apply/receipt", "apply.thanks", fiber.Map{"App": x.app})
}

func (h *handler) showApplications(c *fiber.Ctx) error {
	apps, err := h.deps.Applying.List(c.UserContext(), sessionOf(c).AccountID)
	if err != nil {
		return err
	}
	notice := ""
	if c.Query("aterkallad") == "1" {
		notice = "apply.withdrawn_notice"
	}
	return h.formPage(c, "apply/list", "apply.list_heading", fiber.Map{"Apps": apps, "Now": h.deps.Board.Now(), "Notice": notice})
}

func (h *handler) showWithdraw(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	if !x.app.Open(h.deps.Board.Now()) {
		return h.closedPage(c, x.ad)
	}
	return h.formPage(c, "apply/withdraw", "apply.withdraw_heading", fiber.Map{"App": x.app})
}

func (h *handler) withdrawApplication(c *fiber.Ctx) error {
	x, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	_, err = h.deps.Applying.Withdraw(c.UserContext(), x.app)
	if errors.Is(err, applications.ErrClosed) {
		if x.app.Open(h.deps.Board.Now()) { // open, but not submitted
			return fiber.ErrNotFound
		}
		return h.closedPage(c, x.ad)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-ansokningar?aterkallad=1", fiber.StatusSeeOther)
}
