package handlers

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/alerts"
	"portal/applicants"
	"portal/sessions"
	"portal/views"
)

// form reads the named fields of a posted form, trimmed (passwords as
// typed) and copied out of Fiber's reused buffers.
func form(c *fiber.Ctx, fields ...string) map[string]string {
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		v := strings.Clone(c.FormValue(f))
		if !strings.Contains(f, "password") && f != "current" && f != "confirm" {
			v = strings.TrimSpace(v)
		}
		out[f] = v
	}
	return out
}

// fieldErrors turns a domain validation error into the view's field errors.
func fieldErrors(err error) ([]views.FieldError, bool) {
	var verr *applicants.ValidationError
	if !errors.As(err, &verr) {
		return nil, false
	}
	out := make([]views.FieldError, len(verr.Fields))
	for i, f := range verr.Fields {
		out[i] = views.FieldError{Field: f.Field, Key: f.Key}
	}
	return out, true
}

// formPage renders a form page of the account section with what was typed
// and what is wrong.
func (h *handler) formPage(c *fiber.Ctx, name, titleKey string, data fiber.Map) error {
	return h.formPageIn(c, name, titleKey, "account", data)
}

// formPageIn is formPage for a page of any menu section; never cached.
func (h *handler) formPageIn(c *fiber.Ctx, name, titleKey, section string, data fiber.Map) error {
	data["CSRF"] = csrfToken(c)
	if _, ok := data["Form"]; !ok {
		data["Form"] = map[string]string{}
	}
	if errs, ok := data["Errors"].([]views.FieldError); ok && len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, name, page{Title: localizer(c).T(titleKey), Section: section, Data: data})
}

// logIn starts a new session (a new id at every login and change of
// privilege) and ends the one the request came with.
func (h *handler) logIn(c *fiber.Ctx, accountID string, public, restricted bool) error {
	if old := sessionOf(c); old != nil {
		_ = h.deps.Sessions.End(c.UserContext(), *old)
	}
	token, s, err := h.deps.Sessions.Start(c.UserContext(), accountID, public, restricted)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token)
	c.Locals(localSession, &s)
	h.newCSRFSecret(c)
	return nil
}

func (h *handler) showLogin(c *fiber.Ctx) error {
	notice := ""
	switch {
	case c.Query("expired") == "1":
		notice = "login.expired"
	case c.Query("changed") == "1":
		notice = "login.password_changed"
	}
	return h.formPage(c, "account/login", "login.title", fiber.Map{"Next": localPathOrEmpty(c.Query("next")), "Notice": notice})
}

func (h *handler) login(c *fiber.Ctx) error {
	f := form(c, "email", "password", "public", "next")
	next := localPathOrEmpty(f["next"])
	acc, temp, err := h.deps.Accounts.Login(c.UserContext(), f["email"], f["password"], h.clientIP(c))
	if errors.Is(err, applicants.ErrBadCredentials) {
		return h.formPage(c, "account/login", "login.title", fiber.Map{"Form": f, "Next": next,
			"Errors": []views.FieldError{{Field: "email", Key: "login.error"}}})
	}
	if err != nil {
		return err
	}
	if err := h.logIn(c, acc.ID, f["public"] == "1", temp); err != nil {
		return err
	}
	if temp {
		return c.Redirect("/nytt-losenord", fiber.StatusSeeOther)
	}
	if next == "" {
		next = "/mina-uppgifter"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *handler) showLogout(c *fiber.Ctx) error {
	return h.formPage(c, "account/logout", "logout.title", fiber.Map{"Done": c.Query("done") == "1" && sessionOf(c) == nil})
}

// logout ends the session on the server. After a public-computer session
// the browser is told to forget everything of this site.
func (h *handler) logout(c *fiber.Ctx) error {
	if s := sessionOf(c); s != nil {
		if err := h.deps.Sessions.End(c.UserContext(), *s); err != nil {
			return err
		}
		h.deps.Accounts.Record(c.UserContext(), s.AccountID, applicants.EventLogout, h.clientIP(c))
		if s.Public {
			c.Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
		}
	}
	h.clearSessionCookie(c)
	h.newCSRFSecret(c)
	return c.Redirect("/logga-ut?done=1", fiber.StatusSeeOther)
}

func (h *handler) showRegister(c *fiber.Ctx) error {
	return h.formPage(c, "account/register", "register.title", fiber.Map{"Next": localPathOrEmpty(c.Query("next"))})
}

func (h *handler) register(c *fiber.Ctx) error {
	f := form(c, "email", "password", "consent", "next")
	next := localPathOrEmpty(f["next"])
	err := h.deps.Accounts.Register(c.UserContext(), applicants.Registration{
		Email: f["email"], Password: f["password"], Consent: f["consent"] == "1", Lang: localizer(c).Lang, IP: h.clientIP(c), Next: next,
	})
	if errs, ok := fieldErrors(err); ok {
		return h.formPage(c, "account/register", "register.title", fiber.Map{"Form": f, "Errors": errs, "Next": next})
	}
	if err != nil {
		return err
	}
	// The same page whether the address was free or taken: its owner, if
	// any, learns of it by mail.
	return h.formPage(c, "account/registered", "register.sent_heading", fiber.Map{
		"Email": applicants.NormalizeEmail(f["email"]), "Next": url.QueryEscape(next)})
}

// showVerifyEmail is where the link that confirms an address leads: a
// button confirms it, so a mail scanner opening the link confirms nothing.
func (h *handler) showVerifyEmail(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "same-origin") // the address carries the token
	action := "/konto/verifiera?token=" + url.QueryEscape(c.Query("token"))
	if next := localPathOrEmpty(c.Query("next")); next != "" {
		action += "&next=" + url.QueryEscape(next)
	}
	return h.formPage(c, "alerts/action", "verify.title", fiber.Map{
		"Heading": "verify.title", "Text": "verify.confirm_text", "Action": action, "Button": "verify.confirm_button",
	})
}

func (h *handler) verifyEmail(c *fiber.Ctx) error {
	_, err := h.deps.Accounts.Verify(c.UserContext(), c.Query("token"))
	ok := err == nil
	if err != nil && !errors.Is(err, applicants.ErrBadToken) {
		return err
	}
	if !ok {
		return h.message(c, fiber.StatusBadRequest, "", "verify.title", "verify.bad", false, "/mina-uppgifter", "verify.to_profile")
	}
	if next := localPathOrEmpty(c.Query("next")); next != "" {
		return h.message(c, fiber.StatusOK, "", "verify.title", "verify.done", true, "/logga-in?next="+url.QueryEscape(next), "verify.to_next")
	}
	return h.message(c, fiber.StatusOK, "", "verify.title", "verify.done", true, "/mina-uppgifter", "verify.to_profile")
}

func (h *handler) resendVerification(c *fiber.Ctx) error {
	acc, err := h.deps.Accounts.Account(c.UserContext(), sessionOf(c).AccountID)
	if err != nil {
		return err
	}
	if !acc.Verified() {
		if err := h.deps.Accounts.SendVerification(c.UserContext(), acc, localizer(c).Lang); err != nil {
			return err
		}
	}
	return c.Redirect("/mina-uppgifter?skickat=1", fiber.StatusSeeOther)
}

func (h *handler) showForgot(c *fiber.Ctx) error {
	return h.formPage(c, "account/forgot", "forgot.title", fiber.Map{})
}

func (h *handler) requestReset(c *fiber.Ctx) error {
	f := form(c, "email")
	err := h.deps.Accounts.RequestReset(c.UserContext(), f["email"], h.clientIP(c), localizer(c).Lang)
	if errs, ok := fieldErrors(err); ok {
		return h.formPage(c, "account/forgot", "forgot.title", fiber.Map{"Form": f, "Errors": errs})
	}
	if err != nil {
		return err
	}
	return h.formPage(c, "account/forgot", "forgot.title", fiber.Map{"Form": f, "Sent": true})
}

func (h *handler) showNewPassword(c *fiber.Ctx) error {
	acc, err := h.deps.Accounts.Account(c.UserContext(), sessionOf(c).AccountID)
	if err != nil {
		return err
	}
	return h.formPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email})
}

// setNewPassword finishes a login with a temporary password: the new
// password ends every other session and this one becomes a full login.
func (h *handler) setNewPassword(c *fiber.Ctx) error {
	s := sessionOf(c)
	f := form(c, "password", "confirm")
	acc, err := h.deps.Accounts.Account(c.UserContext(), s.AccountID)
	if err != nil {
		return err
	}
	if f["password"] != f["confirm"] {
		return h.formPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email,
			"Errors": []views.FieldError{{Field: "confirm", Key: "password.error.mismatch"}}})
	}
	err = h.deps.Accounts.SetNewPassword(c.UserContext(), s.AccountID, f["password"], h.clientIP(c), localizer(c).Lang)
	if errs, ok := fieldErrors(err); ok {
		return h.formPage(c, "account/newpassword", "newpw.title", fiber.Map{"Email": acc.Email, "Errors": errs})
	}
	if err != nil {
		return err
	}
	return h.afterPasswordChange(c, s)
}

// afterPasswordChange ends every session of the account, this one
// included, and continues in a new full login (a new id at every change of
// privilege).
func (h *handler) afterPasswordChange(c *fiber.Ctx, s *sessions.Session) error {
	if err := h.deps.Sessions.EndOthers(c.UserContext(), *s); err != nil {
		return err
	}
	if err := h.logIn(c, s.AccountID, s.Public, false); err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?losenord=1", fiber.StatusSeeOther)
}

var profileFields = []string{"first_name", "last_name", "street", "postal_code", "town", "country", "phone"}

func profileForm(p applicants.Profile) map[string]string {
	return map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "street": p.Street,
		"postal_code": p.PostalCode, "town": p.Town, "country": p.Country, "phone": p.Phone}
}

// profileState is what goes back to My details after a rejected form:
// what was typed in the details form and the errors of each section.
type profileState struct {
	form                             map[string]string
	details, password, email, delete []views.FieldError
}

func (h *handler) showProfile(c *fiber.Ctx) error {
	return h.profilePage(c, profileState{})
}

func (h *handler) profilePage(c *fiber.Ctx, st profileState) error {
	id := sessionOf(c).AccountID
	acc, err := h.deps.Accounts.Account(c.UserContext(), id)
	if err != nil {
		return err
	}
	events, err := h.deps.Accounts.Events(c.UserContext(), id)
	if err != nil {
		return err
	}
	earliest, err := h.deps.Accounts.EarliestDeletion(c.UserContext(), id)
	if err != nil {
		return err
	}
	if st.form == nil {
		st.form = profileForm(acc.Profile)
	}
	if len(st.details)+len(st.password)+len(st.email)+len(st.delete) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	notice := ""
	for q, key := range map[string]string{"sparat": "profile.saved", "losenord": "profile.password_changed",
		"skickat": "profile.resent", "epost": "profile.email_link_sent", "radering": "profile.deletion_scheduled", "behall": "profile.deletion_cancelled",
		"intresse": "interest.saved", "intresse_slut": "interest.stopped"} {
		if c.Query(q) == "1" {
			notice = key
		}
	}
	var interest *alerts.Subscription
	var interestLinks alerts.Links
	if sub, err := h.deps.Alerts.Interest(c.UserContext(), id); err == nil {
		interest, interestLinks = &sub, h.deps.Alerts.LinksOf(sub)
	} else if !errors.Is(err, alerts.ErrNotFound) {
		return err
	}
	return h.formPage(c, "account/profile", "profile.title", fiber.Map{
		"Interest": interest, "InterestLinks": interestLinks, "Account": acc, "Events": events, "Form": st.form, "Errors": st.details, "PasswordErrors": st.password,
		"EmailErrors": st.email, "DeleteErrors": st.delete, "Empty": map[string]string{}, "Notice": notice,
		"DeleteNow": !earliest.After(h.deps.Board.Now()), "Earliest": earliest,
	})
}

func (h *handler) saveProfile(c *fiber.Ctx) error {
	f := form(c, profileFields...)
	p := applicants.Profile{FirstName: f["first_name"], LastName: f["last_name"], Street: f["street"],
		PostalCode: f["postal_code"], Town: f["town"], Country: f["country"], Phone: f["phone"]}
	_, err := h.deps.Accounts.UpdateProfile(c.UserContext(), sessionOf(c).AccountID, p, h.clientIP(c))
	if errs, ok := fieldErrors(err); ok {
		return h.profilePage(c, profileState{form: f, details: errs})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?sparat=1", fiber.StatusSeeOther)
}

func (h *handler) changePassword(c *fiber.Ctx) error {
	s := sessionOf(c)
	f := form(c, "current", "password")
	err := h.deps.Accounts.ChangePassword(c.UserContext(), s.AccountID, f["current"], f["password"], h.clientIP(c), localizer(c).Lang)
	if errs, ok := fieldErrors(err); ok {
		return h.profilePage(c, profileState{password: errs})
	}
	if err != nil {
		return err
	}
	return h.afterPasswordChange(c, s)
}

func (h *handler) changeEmail(c *fiber.Ctx) error {
	f := form(c, "new_email", "email_password")
	err := h.deps.Accounts.RequestEmailChange(c.UserContext(), sessionOf(c).AccountID, f["new_email"], f["email_password"], localizer(c).Lang)
	if errs, ok := fieldErrors(err); ok {
		return h.profilePage(c, profileState{email: errs})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?epost=1", fiber.StatusSeeOther)
}

// showConfirmEmailChange is where the link to the new address leads: a
// button completes the change, so a mail scanner opening links does not.
func (h *handler) showConfirmEmailChange(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "same-origin") // the address carries the token
	return h.formPage(c, "alerts/action", "email_change.title", fiber.Map{
		"Heading": "email_change.title", "Text": "email_change.confirm_text",
		"Action": "/konto/byt-epost?token=" + url.QueryEscape(c.Query("token")), "Button": "email_change.confirm_button",
	})
}

func (h *handler) confirmEmailChange(c *fiber.Ctx) error {
	_, err := h.deps.Accounts.ConfirmEmailChange(c.UserContext(), c.Query("token"), localizer(c).Lang)
	if err != nil && !errors.Is(err, applicants.ErrBadToken) {
		return err
	}
	if err != nil {
		return h.message(c, fiber.StatusBadRequest, "", "email_change.title", "verify.bad", false, "/mina-uppgifter", "verify.to_profile")
	}
	return h.message(c, fiber.StatusOK, "", "email_change.title", "email_change.done", true, "/mina-uppgifter", "verify.to_profile")
}

// deleteAccount deletes the account at once when the two-year rule allows
// it, and otherwise schedules the deletion for the earliest lawful date.
func (h *handler) deleteAccount(c *fiber.Ctx) error {
	s := sessionOf(c)
	f := form(c, "delete_password")
	_, deleted, err := h.deps.Accounts.Delete(c.UserContext(), s.AccountID, f["delete_password"], h.clientIP(c))
	if errs, ok := fieldErrors(err); ok {
		return h.profilePage(c, profileState{delete: errs})
	}
	if err != nil {
		return err
	}
	if !deleted {
		return c.Redirect("/mina-uppgifter?radering=1", fiber.StatusSeeOther)
	}
	h.clearSessionCookie(c)
	c.Locals(localSession, nil)
	c.Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	return h.message(c, fiber.StatusOK, "", "delete.title", "delete.done", true, "/jobb", "error.to_jobs")
}

func (h *handler) cancelDeletion(c *fiber.Ctx) error {
	if err := h.deps.Accounts.CancelDeletion(c.UserContext(), sessionOf(c).AccountID, h.clientIP(c)); err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?behall=1", fiber.StatusSeeOther)
}

// downloadData sends everything stored about the applicant as one zip
// archive: a JSON file with the account and the applications, and every
// attached file. Every file is checked before the first byte goes out, so
// when the file storage does not answer the applicant gets a page saying
// so, not an archive without the files. It is written straight to the
// response, so large archives are never held in memory; a file that
// cannot be had after all is named in the archive, in a list of its own.
func (h *handler) downloadData(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), sessionOf(c).AccountID
	data, err := h.deps.Accounts.ExportData(ctx, id)
	if errors.Is(err, applicants.ErrFilesUnavailable) {
		h.deps.Log.Error("download my data: files cannot be reached", "request_id", requestIDOf(c), "err", err)
		c.Set(fiber.HeaderRetryAfter, "120")
		return h.message(c, fiber.StatusServiceUnavailable, "", "export.unavailable_title", "export.unavailable_text", false, "/mina-uppgifter", "verify.to_profile")
	}
	if err != nil {
		return err
	}
	l, log, rid := localizer(c), h.deps.Log, strings.Clone(requestIDOf(c))
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="mina-uppgifter.zip"`)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The status has gone out: what fails now can only be logged.
		failed := func(err error) {
			log.Warn("download my data: the archive could not be written", "request_id", rid, "err", err)
		}
		zw := zip.NewWriter(w)
		jw, err := zw.Create("mina-uppgifter.json")
		if err != nil {
			failed(err)
			return
		}
		enc := json.NewEncoder(jw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(data); err != nil {
			failed(err)
			return
		}
		left := data.Missing
		for _, att := range data.Files {
			// The body is written after the request's own time has ended.
			if err := h.zipFile(context.WithoutCancel(ctx), zw, id, att); err != nil {
				if errors.Is(err, errClientGone) {
					failed(err)
					return
				}
				log.Error("download my data: a file failed while sending", "request_id", rid, "err", err)
				left = append(left, att.Name)
			}
		}
		if len(left) > 0 {
			log.Warn("download my data: files left out of the archive", "request_id", rid, "count", len(left))
			fw, err := zw.Create("bilagor-som-saknas.txt")
			if err == nil {
				_, err = io.WriteString(fw, l.T("export.missing_text")+"\n\n- "+strings.Join(left, "\n- ")+"\n")
			}
			if err != nil {
				failed(err)
				return
			}
		}
		if err := zw.Close(); err != nil {
			failed(err)
			return
		}
		if err := w.Flush(); err != nil {
			failed(err)
		}
	})
	return nil
}

// fileTime bounds reading one file into the archive.
const fileTime = 2 * time.Minute

// errClientGone is returned when the archive can no longer be written.
var errClientGone = errors.New("handlers: the client stopped reading")

// zipFile copies one attachment into the archive. An error reading the
// file is returned as it is; one writing it is errClientGone.
func (h *handler) zipFile(ctx context.Context, zw *zip.Writer, owner string, att applicants.Attachment) error {
	ctx, cancel := context.WithTimeout(ctx, fileTime) // a bucket that hangs costs one file, not the archive
	defer cancel()
	_, rc, err := h.deps.Applying.OpenFile(ctx, owner, att.ID)
	if err != nil {
		return err
	}
	defer rc.Close()
	fw, err := zw.Create("bilagor/" + att.ID[:8] + "-" + att.Name)
	if err != nil {
		return fmt.Errorf("%w: %w", errClientGone, err)
	}
	var werr error
	_, err = io.Copy(writerFunc(func(p []byte) (int, error) {
		n, err := fw.Write(p)
		werr = err
		return n, err
	}), rc)
	if werr != nil {
		return fmt.Errorf("%w: %w", errClientGone, werr)
	}
	return err
}

// writerFunc is a function that is an io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
