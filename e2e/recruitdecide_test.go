package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"portal/applications"
	"portal/employees"
	"portal/recruiting"
)

// The recruiter's messages, templates, decision and posted notice in
// both languages, with axe and at 320 px, and the notice printed without
// the staff pages' header and menus.
func TestRecruitDecisionPagesInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	staffOrg(t, p)
	bg := context.Background()
	if err := p.DB.Employees().SavePerson(bg, employees.Person{ID: "rekry01", FirstName: "Rut", LastName: "Rekryterare", WorkEmail: "rut@example.se", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.DB.Employees().SaveEmployment(bg, employees.Employment{ID: "E-REK", PersonID: "rekry01", UnitID: "SOC", ManagerID: "E-CHEF", Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Access.GrantByCommand(bg, "rekry01", "recruiter", "SOC"); err != nil {
		t.Fatal(err)
	}
	r, err := p.Recruiting.Create(bg, "rekry01", recruiting.Draft{UnitID: "SOC-HEM", Title: "Undersköterska till hemtjänsten", Positions: 1})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, name := range []string{"Åsa Öberg", "Per Papper"} {
		first, last, _ := strings.Cut(name, " ")
		id := []string{"cand-1", "cand-2"}[i]
		if err := p.DB.Recruitments().ClaimNumber(bg, r.ID, i+1, id); err != nil {
			t.Fatal(err)
		}
		if err := p.DB.Recruitments().AddCandidate(bg, recruiting.Candidate{ID: id, RecruitmentID: r.ID, Number: i + 1, Source: recruiting.SourcePaper,
			Details: applications.Snapshot{FirstName: first, LastName: last}, ArrivedAt: now, RegisteredBy: "rekry01", Stage: recruiting.StageReceived, StageAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	base := "/personal/rekrytering/" + r.ID
	ctx := browser(t)
	staffLogin(t, ctx, p, "rekry01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, ctx, lang)
		step("messages", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+base+"/meddelanden?k=cand-1"), chromedp.WaitVisible("#mall", chromedp.ByQuery))
		notSideways(t, ctx, lang+" messages")
		step("message errors", chromedp.Click(`button[value="send"]`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		step("preview", chromedp.SetValue("#mall", "stage-interview", chromedp.ByQuery), chromedp.Click(`button[value="preview"]`, chromedp.ByQuery),
			chromedp.WaitVisible(".letter", chromedp.ByQuery))
		notSideways(t, ctx, lang+" preview")
		step("templates", chromedp.Navigate(p.URL+"/personal/rekrytering/mallar"), chromedp.WaitVisible("table", chromedp.ByQuery))
		notSideways(t, ctx, lang+" templates")
		step("template", chromedp.Navigate(p.URL+"/personal/rekrytering/mallar/stage-hired"), chromedp.WaitVisible("#subject_sv", chromedp.ByQuery))
		notSideways(t, ctx, lang+" template")
		step("template errors", chromedp.Evaluate(`document.querySelector("#subject_en").value = ""; document.querySelector("#body_sv").value = "Hej {nmn}"`, nil),
			chromedp.Click(`form[action$="/mallar/stage-hired"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		step("decision form", chromedp.Navigate(p.URL+base+"/beslut"), chromedp.WaitVisible("#decided_on", chromedp.ByQuery))
		notSideways(t, ctx, lang+" decision form")
		step("decision errors", chromedp.Click(`form[action$="/beslut"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
	}
	step := stepper(t, ctx, "sv")
	step("decide", chromedp.Navigate(p.URL+"/sprak/sv?next="+base+"/beslut"), chromedp.WaitVisible("#decided_on", chromedp.ByQuery),
		chromedp.Click("#hired-cand-1", chromedp.ByQuery), chromedp.Click(`form[action$="/beslut"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, ctx, lang)
		step("decision", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next="+base+"/beslut"), chromedp.WaitVisible("#decision-heading", chromedp.ByQuery))
		notSideways(t, ctx, lang+" decision")
		step("notice", chromedp.Navigate(p.URL+base+"/beslut/anslag"), chromedp.WaitVisible(".posted-notice", chromedp.ByQuery))
		notSideways(t, ctx, lang+" notice")
		if got := text(t, ctx, ".posted-notice"); !strings.Contains(got, "Åsa Öberg") || !strings.Contains(got, map[string]string{"sv": "kommunallagen 13 kap", "en": "chapter 13"}[lang]) {
			t.Fatalf("%s notice: %q", lang, got)
		}
	}
	// Printed: the notice alone.
	var hidden []string
	if err := chromedp.Run(ctx, emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`[".site-header", ".site-footer", ".no-print", ".posted-notice"].filter(s => {
			const e = document.querySelector(s); return e && getComputedStyle(e).display === "none"; })`, &hidden),
		emulation.SetEmulatedMedia().WithMedia("")); err != nil {
		t.Fatal(err)
	}
	if strings.Join(hidden, " ") != ".site-header .site-footer .no-print" {
		t.Errorf("hidden in print: %v", hidden)
	}
}
