package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"portal/internal/testapp"
	"portal/jobs"
)

// applyInBrowser applies to the ad as a new applicant in their own
// browser: an account, the confirmed address, the questions (the first
// answered no when fail), a PDF, and "Skicka in".
func applyInBrowser(t *testing.T, p *portal, ref string, q map[string]string, email, first, last string, fail bool) {
	t.Helper()
	ctx := browser(t)
	loginAs(t, ctx, p, email, "en lång mening om att söka jobb "+first)
	step := stepper(t, ctx, "sv")
	link := verifyPath.FindString(p.latestMail(t, email).Text)
	step("confirm page", chromedp.Navigate(p.URL+link), chromedp.WaitVisible("main form button", chromedp.ByQuery))
	step("verified", chromedp.Click("main form button", chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	step("details", chromedp.Navigate(p.URL+"/mina-uppgifter"), chromedp.WaitVisible("#first_name", chromedp.ByID),
		chromedp.SetValue("#first_name", first, chromedp.ByID), chromedp.SetValue("#last_name", last, chromedp.ByID),
		chromedp.SetValue("#street", "Storgatan 1", chromedp.ByID), chromedp.SetValue("#postal_code", "352 30", chromedp.ByID),
		chromedp.SetValue("#town", "Växjö", chromedp.ByID), chromedp.SetValue("#phone", "0701234567", chromedp.ByID),
		chromedp.Click(`form[action="/mina-uppgifter"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	yes := "yes"
	if fail {
		yes = "no"
	}
	dir := t.TempDir()
	cv := filepath.Join(dir, "CV "+first+".pdf")
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	if err := os.WriteFile(cv, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	step("ad", chromedp.Navigate(p.URL+"/jobb/"+ref), chromedp.WaitVisible(".apply .button", chromedp.ByQuery))
	step("start", chromedp.Click(".apply .button", chromedp.ByQuery), chromedp.WaitVisible("form[action$='/ansok'] button", chromedp.ByQuery))
	step("questions", chromedp.Click("form[action$='/ansok'] button", chromedp.ByQuery), chromedp.WaitVisible("form[action$='/fragor'] button", chromedp.ByQuery),
		chromedp.Click(`input[name="q_`+q[jobs.QuestionYesNo]+`"][value="`+yes+`"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="q_`+q[jobs.QuestionSingle]+`"][value="Heltid"]`, chromedp.ByQuery),
		chromedp.SendKeys(`textarea[name="q_`+q[jobs.QuestionLong]+`"]`, "Jag har arbetat i hemtjänsten i fem år och trivs med människor.", chromedp.ByQuery),
		chromedp.Click("form[action$='/fragor'] button", chromedp.ByQuery), chromedp.WaitVisible("#files", chromedp.ByID))
	step("uploaded", chromedp.SetUploadFiles("#files", []string{cv}, chromedp.ByID), chromedp.Click("#upload-form button", chromedp.ByQuery),
		chromedp.WaitVisible(".files a", chromedp.ByQuery))
	step("summary", chromedp.Click(".step-nav .button", chromedp.ByQuery), chromedp.WaitVisible("form[action$='/skicka'] button", chromedp.ByQuery))
	step("receipt", chromedp.Click("form[action$='/skicka'] button", chromedp.ByQuery), chromedp.WaitVisible("div.notice.success", chromedp.ByQuery))
}

// questionIDs returns the ids the editor gave the ad's questions, by type.
func questionIDs(t *testing.T, p *portal, ref string) map[string]string {
	t.Helper()
	ad, err := p.Board.AdByRef(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, q := range ad.Questions {
		out[q.Type] = q.ID
	}
	return out
}

// The story in the browser, over HTTPS in the production
// configuration, on the demo organisation: the demo's recruiter opens a
// recruitment with an anonymised review and the unit's manager in its
// group, writes an ad with three questions and publishes it; two people
// apply; the hiring manager reviews them anonymised, rates one and moves
// it to interview, where the name appears; the recruiter hires; the
// posted notice shows the appeal period and the final date; the hired and
// the other applicant get their e-mails; the export opens as a
// spreadsheet with å, ä and ö intact.
func TestRecruitmentJourneyInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{Ads: 5, TrustedNetworks: []string{"127.0.0.0/8"}})
	ctx := context.Background()
	demoOrganisation(t, p)
	const pw = "Sommarstugan vid sjön 2026"

	// Sara, the demo's recruiter, opens the recruitment.
	sara := newStaffBrowser(t, p)
	sara.firstLogin("sarnys01", "sara.nystrom@exempelkommunen.se", pw)
	sara.open("/personal", "staff start page")
	sara.submit("recruitments", `a[href="/personal/rekrytering"]`)
	sara.submit("new recruitment", `a[href="/personal/rekrytering/ny"]`)
	if err := chromedp.Run(sara.ctx, chromedp.SetValue("#unit", "EXK-VOF-HEM", chromedp.ByID), chromedp.Click("#anonymised", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	sara.submit("recruitment opened", `form[action="/personal/rekrytering/ny"] button[type="submit"]`,
		"#title", "Undersköterska till hemtjänsten", "#positions", "1", "#member_0_user", "evaryl01")
	sara.sees("recruitment opened", "Rekryteringen är skapad.", "Anonymiserad till intervju", "Hemtjänsten Centrum")
	base := sara.path()
	notSideways(t, sara.ctx, "recruitment page")

	// The ad, with three questions added one by one.
	sara.open(base+"/annons/redigera", "ad editor")
	lastDay := jobs.DayOf(p.Now()).AddDays(14).String()
	if err := chromedp.Run(sara.ctx, chromedp.SetValue("#area", "care", chromedp.ByID), chromedp.SetValue("#employment", jobs.Permanent, chromedp.ByID),
		chromedp.SetValue("#occupation", "5321", chromedp.ByID), chromedp.SetValue("#municipality", "0780", chromedp.ByID),
		chromedp.SetValue("#extent", "100", chromedp.ByID), chromedp.SetValue("#last_day", lastDay, chromedp.ByID),
		chromedp.SetValue("#text", "Vi söker en undersköterska till hemtjänsten i Växjö.\n\nVälkommen med din ansökan!", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	for i, q := range []struct{ typ, text, options string }{
		{jobs.QuestionYesNo, "Har du undersköterskeexamen?", ""},
		{jobs.QuestionSingle, "Vilken omfattning söker du?", "Heltid\nDeltid"},
		{jobs.QuestionLong, "Berätta kort om dig själv", ""},
	} {
		n := string(rune('0' + i))
		if err := chromedp.Run(sara.ctx, chromedp.SetValue("#new_type", q.typ, chromedp.ByID)); err != nil {
			t.Fatal(err)
		}
		sara.submit("question added", `button[value="add_question"]`)
		fields := []string{"#q_" + n + "_text", q.text}
		if q.options != "" {
			fields = append(fields, "#q_"+n+"_options", q.options)
		}
		if err := chromedp.Run(sara.ctx, chromedp.SetValue(fields[0], fields[1], chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if len(fields) > 2 {
			if err := chromedp.Run(sara.ctx, chromedp.SetValue(fields[2], fields[3], chromedp.ByQuery)); err != nil {
				t.Fatal(err)
			}
		}
		if i < 2 {
			if err := chromedp.Run(sara.ctx, chromedp.Click("#q_"+n+"_required", chromedp.ByID)); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			if err := chromedp.Run(sara.ctx, chromedp.SetValue("#q_0_wanted", "yes", chromedp.ByID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	sara.submit("ad saved", `button[value="save"]`)
	notSideways(t, sara.ctx, "ad page")
	sara.open(base+"/annons/forhandsgranska?sprak=sv", "ad preview")
	sara.sees("preview", "Undersköterska till hemtjänsten", "Vi söker en undersköterska")
	sara.open(base+"/annons", "ad page")
	sara.submit("ad published", `form[action$="/annons/publicera"] button[type="submit"]`)
	ref := "REK-" + p.Now().Format("2006") + "-0001"
	ids := questionIDs(t, p, ref)
	if len(ids) != 3 {
		t.Fatalf("questions of the ad: %v", ids)
	}

	// Two people apply.
	applyInBrowser(t, p, ref, ids, "asa.oberg@example.se", "Åsa", "Öberg", false)
	applyInBrowser(t, p, ref, ids, "bo.ek@example.se", "Bo", "Ek", true)
	recID := strings.TrimPrefix(base, "/personal/rekrytering/")
	cands, err := p.DB.Recruitments().CandidatesOf(ctx, recID)
	if err != nil || len(cands) != 2 {
		t.Fatalf("candidates: %v %d", err, len(cands))
	}
	asa, bo := cands[0], cands[1]

	// Eva, the hiring manager in the group, reviews them anonymised.
	eva := newStaffBrowser(t, p)
	eva.firstLogin("evaryl01", "eva.rylander@exempelkommunen.se", pw)
	eva.open("/personal", "staff start page")
	eva.submit("recruitments", `a[href="/personal/rekrytering"]`)
	eva.sees("the group's recruitment", "Undersköterska till hemtjänsten")
	eva.submit("recruitment", `a[href="`+base+`"]`)
	eva.submit("candidate list", `nav a[href="`+base+`/kandidater"]`)
	eva.sees("candidate list", "Sökande 1", "Sökande 2")
	eva.hides("candidate list", "Åsa", "Öberg", "Bo Ek")
	notSideways(t, eva.ctx, "candidate list")
	// Once: the 320 px check loads a page again, and each load is a view.
	eva.submit("application, anonymised", `a[href^="`+base+`/kandidater/`+asa.ID+`"]`)
	eva.sees("anonymised application", "Sökande 1", "Har du undersköterskeexamen?", "Bilaga 1", "Bilagorna kan avslöja")
	eva.hides("anonymised application", "Åsa", "Öberg", "asa.oberg@example.se", "0701234567")
	if seen, err := p.DB.RecruitReview().AccessOfCandidate(ctx, asa.ID, 10); err != nil || len(seen) != 1 || seen[0].PersonID != "evaryl01" {
		t.Fatalf("the access log after one view: %v %+v", err, seen)
	}
	notSideways(t, eva.ctx, "application, anonymised")
	if err := chromedp.Run(eva.ctx, chromedp.Click(`input[name="score"][value="4"]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	eva.submit("rated", `form[action$="/betyg"] button`, "#comment", "Lång erfarenhet av hemtjänst.")
	eva.sees("rated", "Lång erfarenhet av hemtjänst.")
	eva.hides("rated", "Öberg")
	if err := chromedp.Run(eva.ctx, chromedp.SetValue("#stage", "interview", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	eva.submit("moved to interview", `form[action$="/steg"] button`)
	eva.sees("moved to interview", "Åsa Öberg", "asa.oberg@example.se")
	notSideways(t, eva.ctx, "application with the name")
	eva.open(base+"/kandidater/"+bo.ID, "the other application")
	eva.sees("still anonymised", "Sökande 2")
	eva.hides("still anonymised", "Bo Ek", "bo.ek@example.se")

	// Each browser lives three minutes at most: Sara logs in again.
	sara = newStaffBrowser(t, p)
	sara.logIn("sarnys01", pw)

	// Sara hires Åsa, once the ad takes no more applications; the notice
	// tells how and until when to appeal.
	today := jobs.DayOf(p.Now())
	decide := func(what string) {
		sara.open(base+"/beslut", "decision")
		if err := chromedp.Run(sara.ctx, chromedp.Click("#outcome-hired", chromedp.ByID), chromedp.Click("#hired-"+asa.ID, chromedp.ByID)); err != nil {
			t.Fatal(err)
		}
		sara.submit(what, `form[action$="/beslut"] button[type="submit"]`, "#decided_on", today.String())
	}
	decide("decision while the ad is open")
	sara.sees("decision while the ad is open", "Annonsen tar fortfarande emot ansökningar")
	sara.open(base+"/annons", "ad page")
	sara.submit("ad closed", `button[name="mode"][value="now"]`)
	decide("decided")
	sara.sees("decided", "Beslutet är sparat")
	// Nobody is moved by hand after the decision.
	eva.open(base+"/kandidater/"+bo.ID, "the other application, decided")
	if err := chromedp.Run(eva.ctx, chromedp.SetValue("#stage", "offer", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	eva.submit("moved after the decision", `form[action$="/steg"] button`)
	eva.sees("moved after the decision", "Rekryteringen är beslutad.")
	sara.open(base+"/beslut/anslag", "posted notice")
	appealUntil, finalOn := today.AddDays(21), today.AddDays(22)
	sara.sees("posted notice", "Undersköterska till hemtjänsten", "Åsa Öberg", "Så överklagar du", "förvaltningsrätten",
		swedishDate(appealUntil), swedishDate(finalOn))
	sara.hides("posted notice", "Bo Ek")

	// The hired and the other applicant are told, each once.
	// The export, as the spreadsheet gets it: Åsa named since the
	// interview, Bo still by number.
	sara.open(base+"/kandidater", "candidate list")
	for _, format := range []string{"csv", "xlsx"} {
		var b64 string
		if err := chromedp.Run(sara.ctx, chromedp.Evaluate(`fetch(`+jsString(base+"/kandidater/export?format="+format)+`).then(r => r.arrayBuffer()).then(b => {
			let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s) })`, &b64, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		})); err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		var cells string
		if format == "csv" {
			if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
				t.Errorf("the CSV has no byte order mark: %q", raw[:min(20, len(raw))])
			}
			cells = string(raw)
		} else {
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("the XLSX does not open: %v", err)
			}
			rows, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				cells += strings.Join(row, "\t") + "\n"
			}
		}
		for _, want := range []string{"Åsa", "Öberg", "asa.oberg@example.se", "Sökande 2", "Anställd", "Ej aktuell", "Har du undersköterskeexamen?"} {
			if !strings.Contains(cells, want) {
				t.Errorf("%s export lacks %q:\n%s", format, want, cells)
			}
		}
		if strings.Contains(cells, "bo.ek@example.se") || strings.Contains(cells, "Bo\tEk") || strings.Contains(cells, "Bo Ek") {
			t.Errorf("%s export names the anonymised applicant:\n%s", format, cells)
		}
	}

	// Every page of the recruitment once more, in English, with axe, in a
	// browser of its own.
	sara = newStaffBrowser(t, p)
	sara.logIn("sarnys01", pw)
	if err := chromedp.Run(sara.ctx, chromedp.Navigate(p.URL+"/sprak/en?next=/personal/rekrytering"), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/personal/rekrytering", "/personal/rekrytering/ny", "/personal/rekrytering/statistik", "/personal/rekrytering/mallar",
		base, base + "/annons", base + "/annons/redigera", base + "/annons/forhandsgranska?sprak=en", base + "/kandidater",
		base + "/kandidater/" + asa.ID, base + "/kandidater/" + bo.ID, base + "/meddelanden?k=" + bo.ID, base + "/beslut", base + "/beslut/anslag",
		base + "/statistik", base + "/logg", base + "/registrera"} {
		sara.open(path, "in English: "+path)
	}
	sara.sees("in English", "Register an application")

	for _, m := range []struct{ to, subject string }{
		{"asa.oberg@example.se", "Du har fått tjänsten: Undersköterska till hemtjänsten"},
		{"bo.ek@example.se", "Tjänsten är tillsatt: Undersköterska till hemtjänsten"},
	} {
		if n := mailsAbout(t, p, m.to, m.subject); n != 1 {
			t.Errorf("%d mails %q to %s", n, m.subject, m.to)
		}
	}
}

// hides fails if the page says any one of the texts.
func (b *staffBrowser) hides(what string, texts ...string) {
	b.t.Helper()
	page := text(b.t, b.ctx, "body")
	for _, s := range texts {
		if strings.Contains(page, s) {
			b.t.Fatalf("%s: %q on the page:\n%s", what, s, page)
		}
	}
}

// mailsAbout counts the mails to addr with the subject.
func mailsAbout(t *testing.T, p *portal, addr, subject string) int {
	t.Helper()
	recs, err := p.DB.Outbox().Recent(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range recs {
		if m.To == addr && m.Subject == subject {
			n++
		}
	}
	return n
}

// swedishDate is a day as the Swedish pages write it: "22 december 2026".
func swedishDate(d jobs.Day) string {
	months := []string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
	t := d.Start()
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
