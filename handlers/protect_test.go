package handlers_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"portal/applicants"
	"portal/jobs"
	"portal/recruiting"
)

// applyProtected applies to the ad as a new applicant whose profile has a
// full address, stating protected personal data on the summary page as
// the application is sent. It returns the applicant and the candidate id.
func applyProtected(t *testing.T, a *testApp, ad jobs.Ad, email, first, last string) (*visitor, string) {
	t.Helper()
	v := verifiedApplicant(t, a, email)
	if res := v.post("/mina-uppgifter", "/mina-uppgifter", url.Values{"first_name": {first}, "last_name": {last}, "street": {"Hemliga vägen 7"},
		"postal_code": {"35231"}, "town": {"Gömda"}, "country": {"Sverige"}, "phone": {"070-999 88 77"}}); res.StatusCode != 303 {
		t.Fatalf("profile: %d %s", res.StatusCode, res.body)
	}
	loc := v.startApplication(ad).Header.Get("Location")
	m := appPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("start: %s", loc)
	}
	base := "/ansokan/" + m[1]
	if res := v.post(loc, loc, answersFor(ad)); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	summary := v.get(base + "/sammanfattning")
	want(t, "summary", summary, 200, "Dina uppgifter", "Hemliga vägen 7", "070-999 88 77", email, "Skyddade personuppgifter",
		`name="protected" value="1"`, "söka på papper", `aria-describedby="protected-hint"`)
	want(t, "bad statement", v.post(base+"/sammanfattning", base+"/skicka", url.Values{"protected": {"yes"}}), 422,
		`<p class="field-error" id="protected-error">`, `href="#protected"`)
	if vs, _ := a.db.Applications().Versions(context.Background(), m[1]); len(vs) != 0 {
		t.Fatalf("a refused statement sent the application: %d versions", len(vs))
	}
	if res := v.post(base+"/sammanfattning", base+"/skicka", url.Values{"protected": {"1"}}); res.StatusCode != 303 {
		t.Fatalf("submit: %d %s", res.StatusCode, res.body)
	}
	return v, m[1]
}

// An applicant who states protected personal data as they apply is
// stored without their address; only the recruiter sees their e-mail and
// phone. The hiring manager and the union representative see "Skyddade
// personuppgifter" in their place on the application page, and the list
// marks them; the recruiter's exports mask them too. Later versions keep
// the statement, and the applicant still sees their own details.
func TestProtectedApplicantSeenOnlyByTheRecruiter(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ctx := context.Background()
	recruiterOrg(t, a)
	rec := staffVisitor(t, a, "rekry01")
	rid := openRecruitment(t, a, rec, "Sjuksköterska", false, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_1_user": {"otto"}, "member_1_role": {"union"}})
	ad := adFor(t, a, rid)
	applicant, cid := applyProtected(t, a, ad, "hemlig@example.se", "Hedda", "Hemlig")
	_, plain := applyTo(t, a, ad, "oppen@example.se", "Olle", "Öppen", nil)

	// Stored: the statement and the least data, no address.
	versions, err := a.db.Applications().Versions(ctx, cid)
	if err != nil || len(versions) != 1 {
		t.Fatalf("versions: %v %d", err, len(versions))
	}
	if s := versions[0].Applicant; !s.Protected || s.Street != "" || s.PostalCode != "" || s.Town != "" || s.Email != "hemlig@example.se" || s.Phone == "" {
		t.Errorf("version keeps %+v", s)
	}
	cand, err := a.db.Recruitments().Candidate(ctx, cid)
	if err != nil || !cand.Details.Protected || cand.Details.Street != "" {
		t.Errorf("candidate: %v %+v", err, cand.Details)
	}
	acc, _ := a.db.Accounts().AccountByEmail(ctx, "hemlig@example.se")
	if !acc.Profile.Protected || acc.Profile.Street == "" {
		t.Errorf("the profile: %+v", acc.Profile)
	}

	page := "/personal/rekrytering/" + rid + "/kandidater/" + cid
	contact := []string{"hemlig@example.se", "070-999", "Hemliga vägen", "35231", "Gömda"}
	// The recruiter reaches them: e-mail and phone, never the address.
	res := rec.get(page)
	want(t, "recruiter's page", res, 200, "Hedda Hemlig", "hemlig@example.se", "070-999 88 77", "Kontaktuppgifterna visas bara för rekryterare",
		"Sparas inte (skyddade personuppgifter)")
	for _, secret := range contact[2:] {
		if strings.Contains(res.body, secret) {
			t.Errorf("the recruiter's page shows the address %q", secret)
		}
	}
	// The others see the name and "Skyddade personuppgifter", nowhere the
	// contact details: the page, an earlier version's address, the list.
	for _, who := range []string{"evaryl01", "otto"} {
		v := staffVisitor(t, a, who)
		pages := map[string]response{
			"page":      v.get(page),
			"version 1": v.get(page + "?version=1"),
			"list":      v.get("/personal/rekrytering/" + rid + "/kandidater"),
		}
		want(t, who+" page", pages["page"], 200, "Hedda Hemlig", "Skyddade personuppgifter", "Bara rekryterare ser kontaktuppgifterna")
		want(t, who+" list", pages["list"], 200, "Hedda Hemlig", `<span class="tag">Skyddade personuppgifter</span>`, "Olle Öppen")
		for what, res := range pages {
			for _, secret := range contact {
				if strings.Contains(res.body, secret) {
					t.Errorf("%s's %s shows %q", who, what, secret)
				}
			}
		}
		// Exports and messages are the recruiter's.
		for _, path := range []string{"/kandidater/export?format=csv", "/kandidater/export?format=xlsx", "/meddelanden"} {
			if res := v.get("/personal/rekrytering/" + rid + path); res.StatusCode != 403 {
				t.Errorf("%s on %s: %d", who, path, res.StatusCode)
			}
		}
	}
	// The plain applicant's details stay for all.
	want(t, "plain applicant", staffVisitor(t, a, "otto").get("/personal/rekrytering/"+rid+"/kandidater/"+plain), 200, "oppen@example.se", "Storgatan 1")

	// Exports mask them, also the recruiter's own.
	csv := rec.get("/personal/rekrytering/" + rid + "/kandidater/export?format=csv")
	want(t, "csv", csv, 200, "Hedda Hemlig,Skyddade personuppgifter,Skyddade personuppgifter", "oppen@example.se")
	x := rec.get("/personal/rekrytering/" + rid + "/kandidater/export?format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	all := ""
	for _, row := range rows {
		all += strings.Join(row, "|") + "\n"
	}
	if !strings.Contains(all, "Hedda Hemlig|Skyddade personuppgifter|Skyddade personuppgifter") || !strings.Contains(all, "oppen@example.se") {
		t.Errorf("xlsx:\n%s", all)
	}
	for _, secret := range contact {
		if strings.Contains(csv.body, secret) || strings.Contains(all, secret) {
			t.Errorf("an export shows %q", secret)
		}
	}
	// A message's preview names them and holds no contact details.
	msgs := "/personal/rekrytering/" + rid + "/meddelanden"
	res = rec.post(msgs, msgs, url.Values{"mall": {recruiting.TemplateHired}, "k": {cid}, "action": {"preview"}})
	want(t, "preview", res, 200, "Hedda")
	for _, secret := range contact[1:] {
		if strings.Contains(res.body, secret) {
			t.Errorf("the preview shows %q", secret)
		}
	}

	// The applicant unticks the box and sends an update: the application
	// keeps the statement, and they still see their own details.
	base := "/ansokan/" + cid
	want(t, "own summary", applicant.get(base+"/sammanfattning"), 200, "hemlig@example.se", "070-999 88 77",
		"Skickas inte med, eftersom du har skyddade personuppgifter.")
	if res := applicant.post(base+"/sammanfattning", base+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("update: %d %s", res.StatusCode, res.body)
	}
	versions, _ = a.db.Applications().Versions(ctx, cid)
	if len(versions) != 2 || !versions[1].Applicant.Protected || versions[1].Applicant.Street != "" {
		t.Errorf("version 2 keeps %+v", versions[len(versions)-1].Applicant)
	}
	res = staffVisitor(t, a, "evaryl01").get(page)
	want(t, "after the update", res, 200, "Skyddade personuppgifter")
	for _, secret := range contact {
		if strings.Contains(res.body, secret) {
			t.Errorf("after the update the hiring manager sees %q", secret)
		}
	}
}

// Registering and My details record the statement; an address is then
// not required. A value the box never sends is refused next to the box,
// in the reader's language, and nothing is stored.
func TestProtectedStatementOnSignUpAndMyDetails(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	ctx := context.Background()

	v := a.visitor(t)
	want(t, "form", v.get("/konto/ny"), 200, "Skyddade personuppgifter", "söka på papper", `id="protected"`)
	res := v.post("/konto/ny", "/konto/ny", url.Values{"email": {"fel@example.se"}, "password": {goodPassword}, "consent": {"1"}, "protected": {"ja"}})
	want(t, "bad value", res, 422, `<p class="field-error" id="protected-error">Kryssa i rutan om du har skyddade personuppgifter`, `href="#protected"`)
	if _, err := a.db.Accounts().AccountByEmail(ctx, "fel@example.se"); err == nil {
		t.Error("a refused form created an account")
	}
	en := a.visitor(t)
	en.lang = "en"
	want(t, "bad value in English", en.post("/konto/ny", "/konto/ny", url.Values{"email": {"fel@example.se"}, "password": {goodPassword}, "consent": {"1"}, "protected": {"x"}}),
		422, "Tick the box if you have protected personal data")

	res = v.post("/konto/ny", "/konto/ny", url.Values{"email": {"skydd@example.se"}, "password": {goodPassword}, "consent": {"1"}, "protected": {"1"}})
	want(t, "registered", res, 200, "Titta i din e-post")
	acc, err := a.db.Accounts().AccountByEmail(ctx, "skydd@example.se")
	if err != nil || !acc.Profile.Protected {
		t.Fatalf("account: %v %+v", err, acc.Profile)
	}

	// My details: without an address, which is not required now.
	if res := v.post("/logga-in", "/logga-in", url.Values{"email": {"skydd@example.se"}, "password": {goodPassword}}); res.StatusCode != 303 {
		t.Fatalf("login: %d", res.StatusCode)
	}
	want(t, "my details", v.get("/mina-uppgifter"), 200, "Adressen behövs inte", `name="protected" value="1" checked`)
	details := url.Values{"first_name": {"Sara"}, "last_name": {"Skydd"}, "phone": {"0701234567"}, "protected": {"1"}}
	if res := v.post("/mina-uppgifter", "/mina-uppgifter", details); res.StatusCode != 303 {
		t.Fatalf("save without address: %d %s", res.StatusCode, res.body)
	}
	// Unticked, the address is required again and nothing changes.
	details.Del("protected")
	want(t, "address needed", v.post("/mina-uppgifter", "/mina-uppgifter", details), 422, "Skriv din gatuadress.")
	details.Set("protected", "on")
	details.Set("street", "Ny gata 1")
	want(t, "bad value", v.post("/mina-uppgifter", "/mina-uppgifter", details), 422, `id="protected-error"`)
	acc, _ = a.db.Accounts().AccountByEmail(ctx, "skydd@example.se")
	if want := (applicants.Profile{FirstName: "Sara", LastName: "Skydd", Country: "Sverige", Phone: "0701234567", Protected: true}); acc.Profile != want {
		t.Errorf("profile %+v, want %+v", acc.Profile, want)
	}
}
