package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"portal/demo"
	"portal/employees"
	"portal/sessions"
)

// staffOrg stores a small organisation: chefanna manages SOC, evaryl01
// works in SOC-HEM under her, admin01 is the system administrator.
func staffOrg(t *testing.T, p *portal) {
	t.Helper()
	ctx := context.Background()
	st := p.DB.Employees()
	for _, u := range []employees.Unit{{ID: "ORG", Name: "Kommunen", Active: true}, {ID: "SOC", Name: "Socialförvaltningen", ParentID: "ORG", Active: true},
		{ID: "SOC-HEM", Name: "Hemtjänsten", ParentID: "SOC", Active: true}} {
		if err := st.SaveUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []struct{ id, first, last, emp, unit, manager string }{
		{"dirbo", "Dir", "Bo", "E-DIR", "ORG", ""},
		{"chefanna", "Anna", "Chef", "E-CHEF", "SOC", "E-DIR"},
		{"evaryl01", "Eva", "Rydberg", "E-EVA", "SOC-HEM", "E-CHEF"},
		{"admin01", "Ada", "Admin", "E-ADM", "ORG", "E-DIR"},
	} {
		if err := st.SavePerson(ctx, employees.Person{ID: x.id, FirstName: x.first, LastName: x.last, Active: true}); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveEmployment(ctx, employees.Employment{ID: x.emp, PersonID: x.id, UnitID: x.unit, ManagerID: x.manager, Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Access.AddAdmin(ctx, "admin01"); err != nil {
		t.Fatal(err)
	}
}

// staffLogin gives the browser a staff login of the person.
func staffLogin(t *testing.T, ctx context.Context, p *portal, personID string) {
	t.Helper()
	token, _, err := p.StaffSessions.Open(context.Background(), personID, sessions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, network.SetCookie("__Host-staff", token).WithURL(p.URL+"/").WithSecure(true).WithHTTPOnly(true)); err != nil {
		t.Fatal(err)
	}
}

// Every page of roles in both languages with axe and at 320 px: a
// request with its error summary, the manager's signature, the
// administrator's refused grant, the courses and the audit log.
func TestRolePagesInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	staffOrg(t, p)
	bg := context.Background()
	eva := browser(t)
	staffLogin(t, eva, p, "evaryl01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, eva, lang)
		step("my roles", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/behorigheter"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		notSideways(t, eva, lang+" my roles")
		step("bad request", chromedp.Click(`form[action="/personal/behorigheter"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		notSideways(t, eva, lang+" bad request")
	}
	step := stepper(t, eva, "sv")
	step("request", chromedp.Navigate(p.URL+"/sprak/sv?next=/personal/behorigheter"), chromedp.WaitVisible("#role", chromedp.ByQuery),
		chromedp.SetValue("#role", "manager", chromedp.ByQuery), chromedp.Click(`input[value="SOC-HEM"]`, chromedp.ByQuery),
		chromedp.SendKeys("#reason", "Ny enhetschef", chromedp.ByQuery),
		chromedp.Click(`form[action="/personal/behorigheter"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))

	anna := browser(t)
	staffLogin(t, anna, p, "chefanna")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, anna, lang)
		step("to sign", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/behorigheter/att-signera"), chromedp.WaitVisible(".access-list", chromedp.ByQuery))
		notSideways(t, anna, lang+" to sign")
	}
	stepper(t, anna, "sv")("sign", chromedp.Click(`form[action$="/signera"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))

	admin := browser(t)
	staffLogin(t, admin, p, "admin01")
	for _, lang := range []string{"sv", "en"} {
		step := stepper(t, admin, lang)
		step("admin roles", chromedp.Navigate(p.URL+"/sprak/"+lang+"?next=/personal/admin/behorigheter"), chromedp.WaitVisible(`form[action$="/bevilja"]`, chromedp.ByQuery))
		notSideways(t, admin, lang+" admin roles")
		step("refused grant", chromedp.Click(`form[action$="/bevilja"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		want := map[string]string{"sv": "Kursen Personalöversikt saknas", "en": "The course Staff overview is missing"}[lang]
		if got := text(t, admin, ".error-summary"); !strings.Contains(got, want) {
			t.Fatalf("%s: refusal %q", lang, got)
		}
		step("courses", chromedp.Navigate(p.URL+"/personal/admin/kurser?person=evaryl01"), chromedp.WaitVisible("#course", chromedp.ByQuery))
		notSideways(t, admin, lang+" courses")
		step("course error", chromedp.Click(`form[action="/personal/admin/kurser"] button`, chromedp.ByQuery), chromedp.WaitVisible(".error-summary", chromedp.ByQuery))
		step("audit", chromedp.Navigate(p.URL+"/personal/admin/logg?person=evaryl01"), chromedp.WaitVisible(".access-list", chromedp.ByQuery))
		notSideways(t, admin, lang+" audit")
	}
	for _, c := range []string{"introduktion", "chef-webb", "personaloversikt"} {
		if _, err := p.Access.RecordCourse(bg, "admin01", "evaryl01", c, "2026-01-01"); err != nil {
			t.Fatal(err)
		}
	}
	stepper(t, admin, "sv")("grant", chromedp.Navigate(p.URL+"/sprak/sv?next=/personal/admin/behorigheter"), chromedp.WaitVisible(`form[action$="/bevilja"]`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/bevilja"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice.success", chromedp.ByQuery))
	if got := text(t, admin, "main"); !strings.Contains(got, "Rollen är tilldelad") || !strings.Contains(got, "Eva Rydberg (evaryl01): Chef") {
		t.Fatalf("after the grant: %q", got)
	}
}

// recruiterOrg is staffOrg with rekry01, a recruiter for SOC and below.
// demoOrganisation stores the demo organisation and its grants, as
// `portal seed` does for `make run`.
func demoOrganisation(t *testing.T, p *portal) {
	t.Helper()
	ctx := context.Background()
	batch, err := demo.Organisation()
	if err != nil {
		t.Fatal(err)
	}
	dir := &employees.Directory{Store: p.DB.Employees(), Now: p.Now}
	if _, err := dir.Import(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, g := range demo.Grants {
		if _, err := p.Access.GrantByCommand(ctx, g.User, g.Role, g.Unit); err != nil {
			t.Fatal(err)
		}
	}
}

func recruiterOrg(t *testing.T, p *portal) {
	t.Helper()
	staffOrg(t, p)
	ctx := context.Background()
	if err := p.DB.Employees().SavePerson(ctx, employees.Person{ID: "rekry01", FirstName: "Rut", LastName: "Rekryterare", Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := p.DB.Employees().SaveEmployment(ctx, employees.Employment{ID: "E-REK", PersonID: "rekry01", UnitID: "SOC", ManagerID: "E-CHEF", Active: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Access.GrantByCommand(ctx, "rekry01", "recruiter", "SOC"); err != nil {
		t.Fatal(err)
	}
}
