package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"portal/employees"
	"portal/internal/testapp"
)

var staffCodeInMail = regexp.MustCompile(`(?:lösenord|password): (\d{8})\n`)

// A member of staff forgets the password, logs in with the temporary one
// from the mail, chooses a new one, finds Settings and the header with
// the employment switcher, and logs out: in both languages, every page
// with axe and at 320 px without scrolling sideways.
func TestStaffLoginInTheBrowser(t *testing.T) {
	p := servePortal(t, testapp.Options{})
	ctx := context.Background()
	store := p.DB.Employees()
	for _, u := range []employees.Unit{{ID: "EXK-SOC", Name: "Socialförvaltningen", Active: true}, {ID: "EXK-HEM", Name: "Hemtjänst Norr", ParentID: "EXK-SOC", Active: true}} {
		if err := store.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	people := map[string]employees.Person{
		"sv": {ID: "evaryl01", FirstName: "Eva", LastName: "Rylander", WorkEmail: "eva.rylander@example.se", Active: true},
		"en": {ID: "olajon01", FirstName: "Ola", LastName: "Jonsson", WorkEmail: "ola.jonsson@example.se", Active: true},
	}
	for i, lang := range []string{"sv", "en"} {
		person := people[lang]
		if err := store.SavePerson(ctx, person); err != nil {
			t.Fatal(err)
		}
		for j, unit := range []string{"EXK-HEM", "EXK-SOC"} {
			e := employees.Employment{ID: person.ID[:3] + string(rune('1'+i)) + string(rune('1'+j)), PersonID: person.ID, UnitID: unit, Title: "Handläggare", Active: true}
			if err := store.SaveEmployment(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := browser(t)
	for _, lang := range []string{"sv", "en"} {
		person := people[lang]
		step := stepper(t, b, lang)
		step("staff login page", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/logga-in"), chromedp.WaitVisible("#user", chromedp.ByID))
		notSideways(t, b, lang+" staff login page")
		step("staff forgot page", chromedp.Click(`a[href="/personal/glomt-losenord"]`, chromedp.ByQuery), chromedp.WaitVisible("#user", chromedp.ByID))
		notSideways(t, b, lang+" staff forgot page")
		step("staff reset sent", chromedp.SendKeys("#user", strings.ToUpper(person.ID), chromedp.ByID),
			chromedp.Click(`form[action="/personal/glomt-losenord"] button`, chromedp.ByQuery), chromedp.WaitVisible(`[role="status"]`, chromedp.ByQuery))
		m := staffCodeInMail.FindStringSubmatch(p.latestMail(t, person.WorkEmail).Text)
		if m == nil {
			t.Fatalf("%s: no temporary password in the mail", lang)
		}
		step("staff wrong login", chromedp.Navigate(p.URL+"/personal/logga-in"), chromedp.WaitVisible("#user", chromedp.ByID),
			chromedp.SendKeys("#user", person.ID, chromedp.ByID), chromedp.SendKeys("#password", "fel", chromedp.ByID),
			chromedp.Click(`form[action="/personal/logga-in"] button`, chromedp.ByQuery), chromedp.WaitVisible("#error-summary", chromedp.ByID))
		step("staff new password page", chromedp.SetValue("#user", person.ID, chromedp.ByID), chromedp.SendKeys("#password", m[1], chromedp.ByID),
			chromedp.Click(`form[action="/personal/logga-in"] button`, chromedp.ByQuery), chromedp.WaitVisible("#old_password", chromedp.ByID))
		notSideways(t, b, lang+" staff new password page")
		step("staff new password errors", chromedp.SendKeys("#old_password", m[1], chromedp.ByID), chromedp.SendKeys("#new_password", "vinter sol och varm choklad", chromedp.ByID),
			chromedp.SendKeys("#confirm", "något annat", chromedp.ByID), chromedp.Click(`form[action^="/personal/byt-losenord"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#error-summary", chromedp.ByID))
		step("staff settings", chromedp.SendKeys("#old_password", m[1], chromedp.ByID), chromedp.SendKeys("#new_password", "vinter sol och varm choklad", chromedp.ByID),
			chromedp.SendKeys("#confirm", "vinter sol och varm choklad", chromedp.ByID), chromedp.Click(`form[action^="/personal/byt-losenord"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`form[action="/personal/installningar/losenord"]`, chromedp.ByQuery))
		notSideways(t, b, lang+" staff settings")
		step("staff home with header", chromedp.Navigate(p.URL+"/personal"), chromedp.WaitVisible(".staff-who-name", chromedp.ByQuery))
		notSideways(t, b, lang+" staff home with header")
		// Focusing the name shows the employee number and the unit.
		var shown string
		if err := chromedp.Run(b, chromedp.Focus(".staff-who-name", chromedp.ByQuery), chromedp.Sleep(50*time.Millisecond),
			chromedp.Evaluate(`getComputedStyle(document.querySelector("#staff-who-info")).display`, &shown)); err != nil {
			t.Fatal(err)
		}
		if shown != "block" || !strings.Contains(text(t, b, "#staff-who-info"), "Hemtjänst Norr") {
			t.Errorf("%s: the name's details on focus: %q", lang, shown)
		}
		step("staff switcher open", chromedp.Click(".staff-switch summary", chromedp.ByQuery), chromedp.WaitVisible("#hdr-employment", chromedp.ByID))
		step("staff switched", chromedp.SetValue("#hdr-employment", person.ID[:3]+map[string]string{"sv": "1", "en": "2"}[lang]+"2", chromedp.ByID),
			// The page left is marked, so that the wait is for the next one.
			chromedp.Evaluate(`document.body.dataset.left = "1"`, nil),
			chromedp.Click(".staff-switch-form button", chromedp.ByQuery), chromedp.WaitNotPresent("body[data-left]", chromedp.ByQuery),
			chromedp.WaitVisible(".staff-who-name", chromedp.ByQuery))
		var got string
		if err := chromedp.Run(b, chromedp.Evaluate(`document.querySelector("#staff-who-info").textContent`, &got)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "Socialförvaltningen") {
			t.Errorf("%s: after the switch: %q", lang, got)
		}
		step("staff logged out", chromedp.Click(`form[action="/personal/logga-ut"] button`, chromedp.ByQuery), chromedp.WaitVisible("#user", chromedp.ByID))
		want := map[string]string{"sv": "Du är utloggad", "en": "You are logged out"}[lang]
		if got := text(t, b, "main"); !strings.Contains(got, want) {
			t.Errorf("%s: after logout: %q", lang, got)
		}
	}
}
