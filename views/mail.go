package views

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"portal/access"
	"portal/alerts"
	"portal/applicants"
	"portal/applications"
	"portal/jobs"
	"portal/staffauth"
)

// Mails renders every e-mail of the portal from the templates in mail/:
// job alerts in both parts, plain text and HTML; account e-mail and
// receipts in plain text.
type Mails struct {
	Site    string
	locales *Locales
	html    map[string]*htmltemplate.Template
	text    map[string]*texttemplate.Template
	account map[string]*texttemplate.Template
	receipt *texttemplate.Template
	staff   map[string]*texttemplate.Template
	access  map[string]*texttemplate.Template
	group   *texttemplate.Template // to recruitment groups
}

// accessMails are the kinds of e-mail about role requests.
var accessMails = []string{access.MailToSign, access.MailSigned, access.MailDeclined, access.MailGranted, access.MailRefused}

// staffMails are the kinds of staff e-mail, each its own template.
var staffMails = []string{staffauth.MailReset, staffauth.MailPasswordChanged, staffauth.MailAdmin}

// accountMails are the kinds of account e-mail, each its own template.
var accountMails = []string{applicants.MailRegisterTaken, applicants.MailVerify, applicants.MailReset,
	applicants.MailPasswordChanged, applicants.MailEmailChange, applicants.MailEmailChangeOld,
	applicants.MailEmailChanged, applicants.MailEmailTaken, applicants.MailDeleted, applicants.MailUnused}

// mailTemplates maps the kind of a message to its template.
var mailTemplates = map[string]string{
	alerts.KindConfirm:  "confirm",
	alerts.KindAlert:    "alert",
	alerts.KindDigest:   "alert",
	alerts.KindReminder: "reminder",
}

// NewMails parses the mail templates; an error here stops the start.
func NewMails(locales *Locales, site string) (*Mails, error) {
	m := &Mails{Site: site, locales: locales, html: map[string]*htmltemplate.Template{}, text: map[string]*texttemplate.Template{},
		account: map[string]*texttemplate.Template{}, staff: map[string]*texttemplate.Template{},
		access: map[string]*texttemplate.Template{}}
	for kind, name := range mailTemplates {
		h, err := htmltemplate.ParseFS(files, "mail/layout.html", "mail/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("views: mail %s: %w", name, err)
		}
		t, err := texttemplate.ParseFS(files, "mail/layout.txt", "mail/"+name+".txt")
		if err != nil {
			return nil, fmt.Errorf("views: mail %s: %w", name, err)
		}
		m.html[kind], m.text[kind] = h, t
	}
	for _, kind := range accountMails {
		t, err := texttemplate.ParseFS(files, "mail/"+kind+".txt")
		if err != nil {
			return nil, fmt.Errorf("views: mail %s: %w", kind, err)
		}
		m.account[kind] = t
	}
	for _, kind := range staffMails {
		t, err := texttemplate.ParseFS(files, "mail/"+kind+".txt")
		if err != nil {
			return nil, fmt.Errorf("views: mail %s: %w", kind, err)
		}
		m.staff[kind] = t
	}
	for _, kind := range accessMails {
		t, err := texttemplate.ParseFS(files, "mail/"+kind+".txt")
		if err != nil {
			return nil, fmt.Errorf("views: mail %s: %w", kind, err)
		}
		m.access[kind] = t
	}
	t, err := texttemplate.ParseFS(files, "mail/receipt.txt")
	if err != nil {
		return nil, fmt.Errorf("views: mail receipt: %w", err)
	}
	m.receipt = t
	if m.group, err = parseGroupMail(); err != nil {
		return nil, err
	}
	return m, nil
}

// AccountMail writes one account e-mail: subject and plain text.
func (m *Mails) AccountMail(lang string, d applicants.Mail) (subject, text string, err error) {
	t, ok := m.account[d.Kind]
	if !ok {
		return "", "", fmt.Errorf("views: no account mail of kind %q", d.Kind)
	}
	l := m.locales.Get(lang)
	var b bytes.Buffer
	if err := t.Execute(&b, struct {
		L *Localizer
		M applicants.Mail
	}{l, d}); err != nil {
		return "", "", fmt.Errorf("views: mail %s: %w", d.Kind, err)
	}
	return l.T("mail." + d.Kind + ".subject"), b.String(), nil
}

// StaffMail writes one staff e-mail: subject and plain text.
func (m *Mails) StaffMail(lang string, d staffauth.Mail) (subject, text string, err error) {
	t, ok := m.staff[d.Kind]
	if !ok {
		return "", "", fmt.Errorf("views: no staff mail of kind %q", d.Kind)
	}
	l := m.locales.Get(lang)
	var b bytes.Buffer
	if err := t.Execute(&b, struct {
		L    *Localizer
		M    staffauth.Mail
		Site string
	}{l, d, m.Site}); err != nil {
		return "", "", fmt.Errorf("views: mail %s: %w", d.Kind, err)
	}
	return l.T("stafflogin.mail." + d.Kind + ".subject"), b.String(), nil
}

// AccessMail writes one e-mail about a role request: subject and plain
// text.
func (m *Mails) AccessMail(n access.Notice) (subject, text string, err error) {
	t, ok := m.access[n.Kind]
	if !ok {
		return "", "", fmt.Errorf("views: no access mail of kind %q", n.Kind)
	}
	l := m.locales.Get(n.Lang)
	var b bytes.Buffer
	if err := t.Execute(&b, struct {
		L *Localizer
		N access.Notice
	}{l, n}); err != nil {
		return "", "", fmt.Errorf("views: mail %s: %w", n.Kind, err)
	}
	return l.T("access.mail." + n.Kind + ".subject"), b.String(), nil
}

// receiptAnswer is one question of a receipt with its answer as shown.
type receiptAnswer struct{ Question, Answer string }

// Receipt writes the receipt of a submitted application: subject and plain
// text.
func (m *Mails) Receipt(lang string, r applications.Receipt) (subject, text string, err error) {
	l := m.locales.Get(lang)
	answers := make([]receiptAnswer, len(r.Ad.Questions))
	for i, q := range r.Ad.Questions {
		answer := strings.Join(r.Answers[q.ID], ", ")
		if q.Type == jobs.QuestionYesNo && answer != "" {
			answer = l.T("answer." + answer)
		}
		if answer == "" {
			answer = "–"
		}
		answers[i] = receiptAnswer{q.Text, answer}
	}
	var b bytes.Buffer
	if err := m.receipt.Execute(&b, struct {
		L       *Localizer
		R       applications.Receipt
		Answers []receiptAnswer
		LastDay string
	}{l, r, answers, r.Ad.LastDay.String()}); err != nil {
		return "", "", fmt.Errorf("views: mail receipt: %w", err)
	}
	return l.T("mail.receipt.subject", r.Ad.Title), b.String(), nil
}

type mailView struct {
	L        *Localizer
	D        alerts.MailData
	Subject  string
	Site     string
	Criteria []string
}

// Render writes one message: subject, plain text and HTML.
func (m *Mails) Render(lang string, d alerts.MailData) (subject, text, html string, err error) {
	var criteria []string
	if !d.Criteria.Empty() || d.Withheld == 0 {
		criteria = CriteriaSummary(m.locales.Get(lang), d.Criteria)
	}
	return m.render(lang, d, criteria)
}

func (m *Mails) render(lang string, d alerts.MailData, criteria []string) (subject, text, html string, err error) {
	h, ok := m.html[d.Kind]
	if !ok {
		return "", "", "", fmt.Errorf("views: no mail of kind %q", d.Kind)
	}
	l := m.locales.Get(lang)
	switch d.Kind {
	case alerts.KindAlert:
		if len(d.Ads) > 0 {
			subject = l.T("mail.alert.subject", d.Ads[0].Title)
		}
	case alerts.KindDigest:
		subject = l.T("mail.digest.subject", len(d.Ads))
	default:
		subject = l.T("mail." + d.Kind + ".subject")
	}
	v := mailView{L: l, D: d, Subject: subject, Site: m.Site, Criteria: criteria}
	var hb, tb bytes.Buffer
	if err := h.ExecuteTemplate(&hb, "layout.html", v); err != nil {
		return "", "", "", fmt.Errorf("views: mail %s: %w", d.Kind, err)
	}
	if err := m.text[d.Kind].ExecuteTemplate(&tb, "layout.txt", v); err != nil {
		return "", "", "", fmt.Errorf("views: mail %s: %w", d.Kind, err)
	}
	return subject, strings.TrimSpace(tb.String()) + "\n", hb.String(), nil
}

// Placeholders stand for the parts of each subscriber in a prepared
// message; a URL-shaped one survives the escaping of href attributes.
const (
	placeManage      = "https://placeholder.invalid/manage"
	placeUnsubscribe = "https://placeholder.invalid/unsubscribe"
	placeCriteria    = "⟦criteria⟧"
)

// preparedMail is a message rendered once with placeholders.
type preparedMail struct {
	l                   *Localizer
	subject, text, html string
}

// Prepare renders d once for many subscribers.
func (m *Mails) Prepare(lang string, d alerts.MailData) (alerts.Prepared, error) {
	d.ManageURL, d.UnsubscribeURL = placeManage, placeUnsubscribe
	d.Criteria = jobs.Criteria{}
	subject, text, html, err := m.render(lang, d, []string{placeCriteria})
	if err != nil {
		return nil, err
	}
	return &preparedMail{l: m.locales.Get(lang), subject: subject, text: text, html: html}, nil
}

// Fill puts one subscriber's links and criteria in the message.
func (p *preparedMail) Fill(manageURL, unsubscribeURL string, c jobs.Criteria) (subject, text, html string) {
	lines := CriteriaSummary(p.l, c)
	var tl, hl strings.Builder
	for i, line := range lines {
		if i > 0 {
			tl.WriteString("\n- ")
			hl.WriteString("</li><li>")
		}
		tl.WriteString(line)
		hl.WriteString(htmltemplate.HTMLEscapeString(line))
	}
	r := strings.NewReplacer(placeManage, manageURL, placeUnsubscribe, unsubscribeURL)
	text = strings.Replace(r.Replace(p.text), placeCriteria, tl.String(), 1)
	html = strings.Replace(r.Replace(p.html), placeCriteria, hl.String(), 1)
	return p.subject, text, html
}

// CriteriaSummary writes criteria as lines such as "Ort: Åre, Mora".
func CriteriaSummary(l *Localizer, c jobs.Criteria) []string {
	if c.Empty() {
		return []string{l.T("alert.summary.everything")}
	}
	var out []string
	add := func(label string, vals []string) {
		if len(vals) > 0 {
			out = append(out, l.T(label)+": "+strings.Join(vals, ", "))
		}
	}
	label := func(prefix string, codes []string) []string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = l.T(prefix + c)
		}
		return out
	}
	add("jobs.filter.area", label("area.", c.Areas))
	add("jobs.filter.place", c.Places)
	if c.Extent != "" {
		add("jobs.filter.extent", []string{l.T("extent." + c.Extent)})
	}
	add("jobs.filter.type", label("employment.", c.Types))
	add("alert.keywords", c.Keywords)
	return out
}
