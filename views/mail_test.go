package views

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"portal/applicants"
	"portal/applications"
	"portal/credentials"
	"portal/jobs"
	"portal/staffauth"
)

func testMails(t *testing.T) (*Locales, *Mails) {
	t.Helper()
	l, err := LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMails(l, "Exempelkommunen")
	if err != nil {
		t.Fatal(err)
	}
	return l, m
}

// Account e-mail says word for word what its text in the locale says, with
// the links and numbers in their places.
func TestAccountMails(t *testing.T) {
	l, m := testMails(t)
	d := applicants.Mail{Link: "https://jobb.example.se/konto/verifiera?token=ab&next=%2Fjobb", Code: "12345678", Hours: 72,
		Email: "ny@example.se", Login: "https://jobb.example.se/logga-in", ForgotPassword: "https://jobb.example.se/glomt-losenord",
		Profile: "https://jobb.example.se/mina-uppgifter", Support: "https://jobb.example.se/support",
		Until: time.Date(2029, 3, 3, 11, 30, 0, 0, time.UTC)}
	args := map[string][]any{
		applicants.MailRegisterTaken:   {d.Login, d.ForgotPassword},
		applicants.MailVerify:          {d.Link, d.Hours},
		applicants.MailReset:           {d.Code, d.Hours, d.Login},
		applicants.MailPasswordChanged: {d.ForgotPassword},
		applicants.MailEmailChange:     {d.Link, d.Hours},
		applicants.MailEmailChangeOld:  {d.Email, d.Profile},
		applicants.MailEmailChanged:    {d.Email, d.Support},
		applicants.MailEmailTaken:      {d.Support},
		applicants.MailUnused:          nil, // the moment in the language's words
	}
	// The deletion's list of applications has a test of its own.
	if len(args)+1 != len(accountMails) {
		t.Fatalf("%d kinds tested, %d rendered", len(args), len(accountMails))
	}
	for _, lang := range Languages {
		for kind, a := range args {
			if kind == applicants.MailUnused {
				a = []any{l.Get(lang).DateTime(d.Until), d.Login}
			}
			d.Kind = kind
			subject, text, err := m.AccountMail(lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if want := l.Translate(lang, "mail."+kind+".body", a...); text != want || strings.Contains(text, "%!") {
				t.Errorf("%s %s:\n%q\nwant\n%q", lang, kind, text, want)
			}
			if want := l.Translate(lang, "mail."+kind+".subject"); subject != want {
				t.Errorf("%s %s: subject %q, want %q", lang, kind, subject, want)
			}
		}
	}
	if _, _, err := m.AccountMail("sv", applicants.Mail{Kind: "nothing"}); err == nil {
		t.Error("an unknown kind was written")
	}
}

// The deletion's mail names each submitted application and how long it is
// kept, as the delete page does, and says so when there is none.
func TestAccountDeletedMail(t *testing.T) {
	_, m := testMails(t)
	day := func(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, jobs.Stockholm) }
	records := []applicants.Record{
		{AdRef: "REK-2026-0001", AdTitle: "Undersköterska", SubmittedAt: day(2026, 5, 4), Keeping: applicants.Keeping{State: applicants.KeepThrough, Through: day(2029, 3, 3)}},
		{AdRef: "REK-2026-0002", AdTitle: "Lärare", SubmittedAt: day(2026, 6, 1), Keeping: applicants.Keeping{State: applicants.KeepUndecided, Years: 2}},
		{AdRef: "REK-2026-0003", AdTitle: "Kock", SubmittedAt: day(2026, 2, 1), Keeping: applicants.Keeping{State: applicants.KeepArchived}},
	}
	for lang, want := range map[string][]string{
		"sv": {"- Undersköterska (REK-2026-0001), skickad 4 maj 2026: Sparas till och med 3 mars 2029",
			"- Lärare (REK-2026-0002), skickad 1 juni 2026: Sparas tills rekryteringen är avslutad och därefter i två år",
			"- Kock (REK-2026-0003), skickad 1 februari 2026: Anställd: arkiveras", "https://jobb.example.se/support"},
		"en": {"- Undersköterska (REK-2026-0001), submitted 4 May 2026: Kept until 3 March 2029",
			"Kept until the recruitment is finished and then for two years", "Hired: archived"},
	} {
		subject, text, err := m.AccountMail(lang, applicants.Mail{Kind: applicants.MailDeleted, Records: records, Support: "https://jobb.example.se/support"})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in\n%s", lang, w, text)
			}
		}
		if subject == "" || strings.Contains(text, "%!") {
			t.Errorf("%s: %q\n%s", lang, subject, text)
		}
	}
	_, text, err := m.AccountMail("sv", applicants.Mail{Kind: applicants.MailDeleted})
	if err != nil || !strings.Contains(text, "Du hade inga inskickade ansökningar") {
		t.Fatalf("no applications: %v\n%s", err, text)
	}
}

// The receipt lists every question with its answer, yes and no in words and
// a dash for none, then each file with its size and hash, or a dash.
func TestReceiptMail(t *testing.T) {
	l, m := testMails(t)
	ad := jobs.Ad{Ref: "EXR-2026-0001", Title: "Sjuksköterska", Organisation: "Exempelregionen", LastDay: jobs.DayOf(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)),
		Questions: []jobs.Question{
			{ID: "start", Type: jobs.QuestionShort, Text: "När kan du börja?"},
			{ID: "motivering", Type: jobs.QuestionLong, Text: "Varför söker du?"},
			{ID: "legitimation", Type: jobs.QuestionYesNo, Text: "Har du legitimation?"},
			{ID: "ort", Type: jobs.QuestionMulti, Text: "Var?"},
		}}
	answers := jobs.Answers{"start": {"Genast"}, "legitimation": {"no"}, "ort": {"Växjö", "Ljungby"}}
	files := []applications.Attachment{{Name: "CV.pdf", Size: 1234, SHA256: "ab12"}, {Name: "Brev <1>.docx", Size: 5, SHA256: "cd34"}}
	for _, c := range []struct {
		lang  string
		files []applications.Attachment
	}{{"sv", files}, {"en", files}, {"sv", nil}} {
		r := applications.Receipt{Ad: ad, Version: 2, Answers: answers, Attachments: c.files, ApplicationsURL: "https://jobb.example.se/mina-ansokningar"}
		subject, text, err := m.Receipt(c.lang, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := receiptText(l, c.lang, r); text != want {
			t.Errorf("%s:\n%s\nwant\n%s", c.lang, text, want)
		}
		if want := l.Translate(c.lang, "mail.receipt.subject", ad.Title); subject != want {
			t.Errorf("subject %q, want %q", subject, want)
		}
	}
}

// receiptText is the receipt as the portal has always written it.
func receiptText(l *Locales, lang string, r applications.Receipt) string {
	t := func(key string, args ...any) string { return l.Translate(lang, key, args...) }
	var b strings.Builder
	b.WriteString(t("mail.receipt.intro", r.Ad.Title, r.Ad.Organisation, r.Ad.Ref, r.Version) + "\n\n")
	for _, q := range r.Ad.Questions {
		answer := strings.Join(r.Answers[q.ID], ", ")
		if q.Type == jobs.QuestionYesNo && answer != "" {
			answer = t("answer." + answer)
		}
		if answer == "" {
			answer = "–"
		}
		fmt.Fprintf(&b, "%s\n  %s\n", q.Text, answer)
	}
	b.WriteString("\n" + t("mail.receipt.files") + "\n")
	for _, att := range r.Attachments {
		fmt.Fprintf(&b, "- %s (%d bytes)\n  SHA-256 %s\n", att.Name, att.Size, att.SHA256)
	}
	if len(r.Attachments) == 0 {
		b.WriteString("–\n")
	}
	b.WriteString("\n" + t("mail.receipt.outro", r.ApplicationsURL, r.Ad.LastDay.String()) + "\n")
	return b.String()
}

// Staff e-mail says what its text in the locale says, with the user name,
// code and links in their places.
func TestStaffMails(t *testing.T) {
	l, m := testMails(t)
	d := staffauth.Mail{User: "EVARYL01", Code: "12345678", Hours: 24, Login: "https://jobb.example.se/personal/logga-in"}
	for _, lang := range Languages {
		portal := l.Translate(lang, "staff.name")
		for kind, a := range map[string][]any{
			staffauth.MailReset:           {portal, d.Code, d.User, d.Hours, d.Login, "Exempelkommunen"},
			staffauth.MailPasswordChanged: {portal, d.User, d.Login, "Exempelkommunen"},
			staffauth.MailAdmin:           {portal, d.Code, d.User, d.Hours, d.Login, "Exempelkommunen"},
		} {
			d.Kind = kind
			subject, text, err := m.StaffMail(lang, d)
			if err != nil {
				t.Fatal(err)
			}
			body := map[string]string{staffauth.MailReset: "reset", staffauth.MailPasswordChanged: "password_changed", staffauth.MailAdmin: "admin"}[kind]
			if want := l.Translate(lang, "stafflogin.mail."+body+".body", a...); text != want || strings.Contains(text, "%!") {
				t.Errorf("%s %s:\n%q\nwant\n%q", lang, kind, text, want)
			}
			if subject != l.Translate(lang, "stafflogin.mail."+kind+".subject") || strings.HasPrefix(subject, "stafflogin.") {
				t.Errorf("%s %s: subject %q", lang, kind, subject)
			}
		}
	}
	// The reset mail after the seed: the news first, then the password
	// and the user name each on a line of its own.
	_, sv, _ := m.StaffMail("sv", staffauth.Mail{Kind: staffauth.MailReset, User: "EVARYL01", Code: "12345678", Hours: 24})
	if !strings.HasPrefix(sv, "Hej!\n\nDu har fått ett nytt lösenord i Personalwebben.\n\nTillfälligt lösenord: 12345678\nAnvändarnamn: EVARYL01\n") {
		t.Errorf("the reset mail:\n%s", sv)
	}
	// The first administrator asked for nothing: their mail says what
	// happened and has no "if you did not ask".
	for lang, want := range map[string]string{"sv": "systemadministratör", "en": "system administrator"} {
		subject, text, _ := m.StaffMail(lang, staffauth.Mail{Kind: staffauth.MailAdmin, User: "KOMADM01", Code: "12345678", Hours: 24})
		if !strings.Contains(subject, want) || !strings.Contains(text, want) || strings.Contains(text, "bett om") || strings.Contains(text, "did not ask") ||
			!strings.Contains(text, "KOMADM01") || !strings.Contains(text, "12345678") {
			t.Errorf("%s administrator mail %q:\n%s", lang, subject, text)
		}
	}
}

// The messages of a password's length say the limits the check applies.
func TestPasswordLimitsSaid(t *testing.T) {
	l, _ := testMails(t)
	for _, lang := range Languages {
		for key, limit := range map[string]int{"password.error.long": credentials.MaxPasswordLength, "password.error.short": credentials.MinPasswordLength} {
			if text := l.Translate(lang, key); !strings.Contains(text, strconv.Itoa(limit)) {
				t.Errorf("%s %s does not say %d: %q", lang, key, limit, text)
			}
		}
	}
}
