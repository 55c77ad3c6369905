package staff

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/disclosure"
	"portal/handlers/web"
	"portal/recruiting"
	"portal/valid"
)

// PathRequests is the registrar's list of requests for official documents.
const PathRequests = "/personal/registratur"

// RequestPath is the page of one request.
func RequestPath(id string) string { return PathRequests + "/" + id }

// Disclosure is the registrar's pages: the requests for official
// documents, recording one, and one request with its masking, its copy
// and its answer.
type Disclosure struct {
	*web.Kit
	Service interface {
		May(ctx context.Context, personID string) (bool, error)
		RecruitmentsFor(ctx context.Context, personID string) ([]recruiting.Recruitment, error)
		Record(ctx context.Context, personID string, d disclosure.Draft) (disclosure.Request, error)
		Open(ctx context.Context, personID, id string) (disclosure.Opened, error)
		List(ctx context.Context, personID, state string) ([]disclosure.Opened, error)
		SetMasking(ctx context.Context, personID string, o disclosure.Opened, m disclosure.Masking) error
		Release(ctx context.Context, personID string, o disclosure.Opened, remark string) (disclosure.Outcome, error)
		Refuse(ctx context.Context, personID string, o disclosure.Opened, reason string) (disclosure.Outcome, error)
		Withdraw(ctx context.Context, personID string, o disclosure.Opened, remark string) (disclosure.Outcome, error)
	}
	Copies interface {
		Plan(ctx context.Context, o disclosure.Opened) (disclosure.Copy, error)
		Logged(ctx context.Context, personID string, c disclosure.Copy) error
		Write(ctx context.Context, w io.Writer, personID string, c disclosure.Copy) error
	}
}

// requireRegistrar answers 403 to a person who may handle no requests.
func (h *Disclosure) requireRegistrar(c *fiber.Ctx) error {
	ok, err := h.Service.May(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return disclosure.ErrForbidden
	}
	return nil
}

// ShowRequests lists the requests, filtered by state.
func (h *Disclosure) ShowRequests(c *fiber.Ctx) error {
	if err := h.requireRegistrar(c); err != nil {
		return err
	}
	state := strings.Clone(c.Query("status"))
	if !slices.Contains(disclosure.States, state) {
		state = ""
	}
	list, err := h.Service.List(c.UserContext(), web.SessionOf(c).AccountID, state)
	if err != nil {
		return err
	}
	return h.Render(c, "staff/requests", web.Page{Title: web.L(c).T("disclose.list.title"), Section: "staff-disclose",
		Data: fiber.Map{"Requests": list, "State": state, "States": disclosure.States}})
}

// requestFields are the fields of the form that records a request.
var requestFields = []string{"name", "organisation", "email", "phone", "address", "arrived", "recruitment", "ref", "scope", "which", "note"}

// ShowNewRequest is the form that records a request.
func (h *Disclosure) ShowNewRequest(c *fiber.Ctx) error {
	form := map[string]string{"arrived": h.Now().In(disclosure.Stockholm).Format("2006-01-02"), "scope": "all",
		"recruitment": strings.Clone(c.Query("rekrytering"))}
	return h.newRequestPage(c, form, nil)
}

func (h *Disclosure) newRequestPage(c *fiber.Ctx, form map[string]string, errs valid.Problems) error {
	if err := h.requireRegistrar(c); err != nil {
		return err
	}
	recs, err := h.Service.RecruitmentsFor(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	data := fiber.Map{"Form": form, "Errors": errs, "Recruitments": recs}
	if p, ok := errs.Field("which"); ok && len(p.Args) > 0 {
		data["WhichBad"] = p.Args[0]
	}
	return h.FormPageIn(c, "staff/request_new", "disclose.new.title", "staff-disclose", data)
}

// RecordRequest records a request and goes to its page.
func (h *Disclosure) RecordRequest(c *fiber.Ctx) error {
	form := web.Form(c, requestFields...)
	req, err := h.Service.Record(c.UserContext(), web.SessionOf(c).AccountID, disclosure.Draft{
		Requester: disclosure.Requester{Name: form["name"], Organisation: form["organisation"], Email: form["email"],
			Phone: form["phone"], Address: form["address"]},
		ArrivedOn: form["arrived"], Recruitment: form["recruitment"], Ref: form["ref"],
		All: form["scope"] != "chosen", Which: form["which"], Note: form["note"],
	})
	if errs, ok := web.FieldErrors(err); ok {
		return h.newRequestPage(c, form, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(RequestPath(req.ID)+"?klart=recorded", fiber.StatusSeeOther)
}

// openRequest opens the request of :id for the person logged in.
func (h *Disclosure) openRequest(c *fiber.Ctx) (disclosure.Opened, error) {
	return h.Service.Open(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(c.Params("id")))
}

// requestNotices are the notices ?klart= may ask the request page for.
var requestNotices = []string{"recorded", "masking", "released", "refused", "withdrawn"}

// ShowRequest is the page of one request. Its list of the applications'
// files is a look at them, recorded in the access log.
func (h *Disclosure) ShowRequest(c *fiber.Ctx) error {
	o, err := h.openRequest(c)
	if err != nil {
		return err
	}
	return h.requestPage(c, o, nil, nil, true)
}

func (h *Disclosure) requestPage(c *fiber.Ctx, o disclosure.Opened, form map[string]string, errs valid.Problems, log bool) error {
	ctx := c.UserContext()
	data := fiber.Map{"Q": o, "Form": form, "Errors": errs, "Fields": disclosure.Fields}
	if k := c.Query("klart"); slices.Contains(requestNotices, k) && errs == nil {
		data["Notice"] = "disclose.notice." + k
	}
	if o.Pending() {
		cp, err := h.Copies.Plan(ctx, o)
		if err != nil {
			return err
		}
		if log {
			if err := h.Copies.Logged(ctx, web.SessionOf(c).AccountID, cp); err != nil {
				return err
			}
		}
		data["Copy"] = cp
	}
	return h.FormPageIn(c, "staff/request", "disclose.page.title", "staff-disclose", data)
}

// SaveMasking stores what the copy masks and leaves out.
func (h *Disclosure) SaveMasking(c *fiber.Ctx) error {
	o, err := h.openRequest(c)
	if err != nil {
		return err
	}
	m := disclosure.Masking{ShowIDNumbers: c.FormValue("idnumbers") == "", Notes: c.FormValue("notes") != "", Ratings: c.FormValue("ratings") != ""}
	for _, f := range disclosure.Fields {
		if c.FormValue("mask_"+f) != "" {
			m.Fields = append(m.Fields, f)
		}
	}
	// Answers and files are chosen by id; ids not in the copy choose nothing.
	c.Request().PostArgs().VisitAll(func(key, val []byte) {
		k := string(key)
		switch {
		case strings.HasPrefix(k, "answer_") && len(val) > 0:
			m.Answers = append(m.Answers, strings.TrimPrefix(k, "answer_"))
		case strings.HasPrefix(k, "out_") && len(val) > 0:
			m.LeftOut = append(m.LeftOut, strings.TrimPrefix(k, "out_"))
		}
	})
	if err := h.Service.SetMasking(c.UserContext(), web.SessionOf(c).AccountID, o, m); err != nil {
		return err
	}
	return c.Redirect(RequestPath(o.ID)+"?klart=masking#copy-heading", fiber.StatusSeeOther)
}

// DownloadCopy sends the disclosure copy of a pending request as one ZIP
// package. It is written to a temporary file first, so that a file that
// cannot be read gives an error page, not half a package.
func (h *Disclosure) DownloadCopy(c *fiber.Ctx) error {
	o, err := h.openRequest(c)
	if err != nil {
		return err
	}
	if !o.Pending() {
		return disclosure.ErrDecided
	}
	ctx := c.UserContext()
	cp, err := h.Copies.Plan(ctx, o)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(h.Cfg.UploadDir, "copy-*.zip")
	if err != nil {
		return err
	}
	// Unlinked at once: the open file is read to the end and closed by
	// the server, and nothing is left behind whatever happens.
	_ = os.Remove(f.Name())
	if err := h.Copies.Write(ctx, f, web.SessionOf(c).AccountID, cp); err != nil {
		f.Close()
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+cp.FileName()+`"`)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(f, int(size))
}

// AnswerRequest records the request as released, refused or withdrawn.
func (h *Disclosure) AnswerRequest(c *fiber.Ctx) error {
	o, err := h.openRequest(c)
	if err != nil {
		return err
	}
	ctx, me := c.UserContext(), web.SessionOf(c).AccountID
	form := web.Form(c, "answer", "reason", "remark")
	var notice string
	switch form["answer"] {
	case disclosure.StateReleased:
		_, err = h.Service.Release(ctx, me, o, form["remark"])
		notice = "released"
	case disclosure.StateRefused:
		_, err = h.Service.Refuse(ctx, me, o, form["reason"])
		notice = "refused"
	case disclosure.StateWithdrawn:
		_, err = h.Service.Withdraw(ctx, me, o, form["remark"])
		notice = "withdrawn"
	default:
		err = valid.Problems{{Field: "answer", Key: "disclose.error.answer"}}
	}
	if errs, ok := web.FieldErrors(err); ok {
		return h.requestPage(c, o, form, errs, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect(RequestPath(o.ID)+"?klart="+notice, fiber.StatusSeeOther)
}
