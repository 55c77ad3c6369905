package applicant

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
	"portal/applications"
	"portal/handlers/web"
	"portal/valid"
)

// Profile is My details: the profile, password, address, deletion, the
// download of everything stored and the security log.
type Profile struct {
	*web.Kit
	Entry
	Accounts interface {
		Account(ctx context.Context, id string) (applicants.Account, error)
		Events(ctx context.Context, id string) ([]applicants.Event, error)
		UpdateProfile(ctx context.Context, id string, p applicants.Profile, ip string) (applicants.Profile, error)
		ChangePassword(ctx context.Context, id, current, password, ip, lang string) error
		RequestEmailChange(ctx context.Context, id, newEmail, password, lang string) error
		ConfirmEmailChange(ctx context.Context, token, lang string) (applicants.Account, error)
		Records(ctx context.Context, id string) ([]applicants.Record, error)
		Delete(ctx context.Context, id, password, ip, lang string) ([]applicants.Record, error)
		CancelDeletion(ctx context.Context, id, ip string) error
		ExportData(ctx context.Context, id string) (applicants.Export, error)
	}
	// Applying opens the files the download of everything stored sends.
	Applying interface {
		OpenFile(ctx context.Context, owner, id string) (applications.Attachment, io.ReadCloser, error)
	}
	Alerts interface {
		Interest(ctx context.Context, account string) (alerts.Subscription, error)
		LinksOf(s alerts.Subscription) alerts.Links
	}
}

var profileFields = []string{"first_name", "last_name", "street", "postal_code", "town", "country", "phone"}

func profileForm(p applicants.Profile) map[string]string {
	f := map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "street": p.Street,
		"postal_code": p.PostalCode, "town": p.Town, "country": p.Country, "phone": p.Phone}
	if p.Protected {
		f["protected"] = applicants.ProtectedValue
	}
	return f
}

// profileState is what goes back to My details after a rejected form:
// what was typed in the details form and the errors of each section.
type profileState struct {
	form                     map[string]string
	details, password, email valid.Problems
}

// ShowProfile shows My details, with a notice of what was just done.
func (h *Profile) ShowProfile(c *fiber.Ctx) error {
	return h.profilePage(c, profileState{})
}

func (h *Profile) profilePage(c *fiber.Ctx, st profileState) error {
	id := web.SessionOf(c).AccountID
	acc, err := h.Accounts.Account(c.UserContext(), id)
	if err != nil {
		return err
	}
	events, err := h.Accounts.Events(c.UserContext(), id)
	if err != nil {
		return err
	}
	if st.form == nil {
		st.form = profileForm(acc.Profile)
	}
	if len(st.details)+len(st.password)+len(st.email) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	notice := ""
	for q, key := range map[string]string{"sparat": "profile.saved", "losenord": "profile.password_changed",
		"skickat": "profile.resent", "epost": "profile.email_link_sent", "behall": "profile.deletion_cancelled",
		"intresse": "interest.saved", "intresse_slut": "interest.stopped"} {
		if c.Query(q) == "1" {
			notice = key
		}
	}
	var interest *alerts.Subscription
	var interestLinks alerts.Links
	if sub, err := h.Alerts.Interest(c.UserContext(), id); err == nil {
		interest, interestLinks = &sub, h.Alerts.LinksOf(sub)
	} else if !errors.Is(err, alerts.ErrNotFound) {
		return err
	}
	return h.FormPage(c, "account/profile", "profile.title", fiber.Map{
		"Interest": interest, "InterestLinks": interestLinks, "Account": acc, "Events": events, "Form": st.form, "Errors": st.details, "PasswordErrors": st.password,
		"EmailErrors": st.email, "Empty": map[string]string{}, "Notice": notice,
	})
}

// SaveProfile saves the name, address and phone number of My details.
func (h *Profile) SaveProfile(c *fiber.Ctx) error {
	f := web.Form(c, append(profileFields, "protected")...)
	protected, err := applicants.ParseProtected("protected", f["protected"])
	if err == nil {
		p := applicants.Profile{FirstName: f["first_name"], LastName: f["last_name"], Street: f["street"],
			PostalCode: f["postal_code"], Town: f["town"], Country: f["country"], Phone: f["phone"], Protected: protected}
		_, err = h.Accounts.UpdateProfile(c.UserContext(), web.SessionOf(c).AccountID, p, h.ClientIP(c))
	}
	if errs, ok := web.FieldErrors(err); ok {
		return h.profilePage(c, profileState{form: f, details: errs})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?sparat=1", fiber.StatusSeeOther)
}

// ChangePassword changes the password once the current one is given, ending every other session.
func (h *Profile) ChangePassword(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "current", "password")
	err := h.Accounts.ChangePassword(c.UserContext(), s.AccountID, f["current"], f["password"], h.ClientIP(c), web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.profilePage(c, profileState{password: errs})
	}
	if err != nil {
		return err
	}
	return h.afterPasswordChange(c, s)
}

// ChangeEmail mails a confirmation link to the new address once the password is given; the address changes only when it is followed.
func (h *Profile) ChangeEmail(c *fiber.Ctx) error {
	f := web.Form(c, "new_email", "email_password")
	err := h.Accounts.RequestEmailChange(c.UserContext(), web.SessionOf(c).AccountID, f["new_email"], f["email_password"], web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.profilePage(c, profileState{email: errs})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?epost=1", fiber.StatusSeeOther)
}

// ShowConfirmEmailChange is where the link to the new address leads: a
// button completes the change, so a mail scanner opening links does not.
func (h *Profile) ShowConfirmEmailChange(c *fiber.Ctx) error {
	c.Set(fiber.HeaderReferrerPolicy, "same-origin") // the address carries the token
	return h.FormPage(c, "pages/action", "email_change.title", fiber.Map{
		"Heading": "email_change.title", "Text": "email_change.confirm_text",
		"Action": "/konto/byt-epost?token=" + url.QueryEscape(c.Query("token")), "Button": "email_change.confirm_button",
	})
}

// ConfirmEmailChange completes the change of address of the link's token.
func (h *Profile) ConfirmEmailChange(c *fiber.Ctx) error {
	_, err := h.Accounts.ConfirmEmailChange(c.UserContext(), c.Query("token"), web.L(c).Lang)
	if err != nil && !errors.Is(err, applicants.ErrBadToken) {
		return err
	}
	if err != nil {
		return h.Message(c, fiber.StatusBadRequest, "", "email_change.title", "verify.bad", false, "/mina-uppgifter", "verify.to_profile")
	}
	return h.Message(c, fiber.StatusOK, "", "email_change.title", "email_change.done", true, "/mina-uppgifter", "verify.to_profile")
}

// ShowDelete asks whether to delete the account, and tells first what
// becomes of each submitted application.
func (h *Profile) ShowDelete(c *fiber.Ctx) error {
	return h.deletePage(c, nil)
}

func (h *Profile) deletePage(c *fiber.Ctx, errs valid.Problems) error {
	records, err := h.Accounts.Records(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	return h.FormPage(c, "account/delete", "accounts.delete.title", fiber.Map{"Records": records, "Errors": errs, "Empty": map[string]string{}})
}

// DeleteAccount deletes the account at once, with the applications past
// their day, and says which of the others are kept, and until when.
func (h *Profile) DeleteAccount(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	f := web.Form(c, "delete_password")
	records, err := h.Accounts.Delete(c.UserContext(), s.AccountID, f["delete_password"], h.ClientIP(c), web.L(c).Lang)
	if errs, ok := web.FieldErrors(err); ok {
		return h.deletePage(c, errs)
	}
	if err != nil {
		return err
	}
	h.Realm.Leave(c)
	c.Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.Render(c, "account/deleted", web.Page{Title: web.L(c).T("delete.title"), Data: fiber.Map{"Records": records}})
}

// CancelDeletion keeps an account whose deletion was cut short.
func (h *Profile) CancelDeletion(c *fiber.Ctx) error {
	if err := h.Accounts.CancelDeletion(c.UserContext(), web.SessionOf(c).AccountID, h.ClientIP(c)); err != nil {
		return err
	}
	return c.Redirect("/mina-uppgifter?behall=1", fiber.StatusSeeOther)
}

// DownloadData sends everything stored about the applicant as one zip
// archive: a JSON file with the account and the applications, and every
// attached file. Every file is checked before the first byte goes out, so
// when the file storage does not answer the applicant gets a page saying
// so, not an archive without the files. It is written straight to the
// response, so large archives are never held in memory; a file that
// cannot be had after all is named in the archive, in a list of its own.
func (h *Profile) DownloadData(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), web.SessionOf(c).AccountID
	data, err := h.Accounts.ExportData(ctx, id)
	if errors.Is(err, applicants.ErrFilesUnavailable) {
		h.Log.Error("download my data: files cannot be reached", "request_id", web.RequestIDOf(c), "err", err)
		c.Set(fiber.HeaderRetryAfter, "120")
		return h.Message(c, fiber.StatusServiceUnavailable, "", "export.unavailable_title", "export.unavailable_text", false, "/mina-uppgifter", "verify.to_profile")
	}
	if err != nil {
		return err
	}
	l, log, rid := web.L(c), h.Log, strings.Clone(web.RequestIDOf(c))
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
func (h *Profile) zipFile(ctx context.Context, zw *zip.Writer, owner string, att applications.Attachment) error {
	ctx, cancel := context.WithTimeout(ctx, fileTime) // a bucket that hangs costs one file, not the archive
	defer cancel()
	_, rc, err := h.Applying.OpenFile(ctx, owner, att.ID)
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
