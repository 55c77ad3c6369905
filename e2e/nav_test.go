package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The staff layout in the browser, in both languages with axe and at
// 320 px: the menu with its submenus and the menu search (as one types,
// and as a form), "Meny" on a phone, a message to a colleague found by the
// search and "Lägg till markerade", the unread count and the drop-down in
// the colleague's header, the star and Settings → Favourites.
func TestStaffNavigationInTheBrowser(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	staffOrg(t, p)
	eva := newStaffBrowser(t, p)
	staffLogin(t, eva.ctx, p, "evaryl01")
	anna := newStaffBrowser(t, p)
	staffLogin(t, anna.ctx, p, "chefanna")
	for _, lang := range []string{"sv", "en"} {
		tr := func(sv, en string) string {
			if lang == "en" {
				return en
			}
			return sv
		}
		eva.open("/sprak/"+lang+"?next=/personal/installningar", lang+" settings with the menu")
		// Submenus open by their buttons.
		var expanded string
		if err := chromedp.Run(eva.ctx, chromedp.WaitVisible(`button.menu-group-title[aria-controls="menu-sub-pay"]`, chromedp.ByQuery),
			// Clicked by script: where the pointer was left, the tooltip of the name may cover it.
			chromedp.Evaluate(`document.querySelector('button.menu-group-title[aria-controls="menu-sub-pay"]').click()`, nil),
			chromedp.AttributeValue(`button.menu-group-title[aria-controls="menu-sub-pay"]`, "aria-expanded", &expanded, nil, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if expanded != "true" { // closed but where the page shown is
			t.Fatalf("%s: the pay submenu did not open: %q", lang, expanded)
		}
		checkAxe(t, eva.ctx, lang+" submenu open")
		// Filtering as one types, with the count said.
		var count string
		if err := chromedp.Run(eva.ctx, chromedp.SendKeys("#menu-q", tr("semester", "vacation"), chromedp.ByQuery),
			chromedp.Poll(`document.getElementById("menu-count").textContent !== ""`, nil),
			chromedp.Text("#menu-count", &count, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		// Vacation is a balance and an absence to register.
		if want := tr("2 sidor matchar", "2 pages match"); count != want {
			t.Fatalf("%s: count %q, want %q", lang, count, want)
		}
		var visible []string
		if err := chromedp.Run(eva.ctx, chromedp.Evaluate(`[...document.querySelectorAll("#staff-menu .menu-tree a")].filter(a => a.offsetParent).map(a => a.textContent)`, &visible)); err != nil {
			t.Fatal(err)
		}
		if len(visible) != 2 || visible[0] != tr("Saldon", "Balances") || visible[1] != tr("Frånvaro", "Absence") {
			t.Fatalf("%s: shown while filtering: %v", lang, visible)
		}
		checkAxe(t, eva.ctx, lang+" menu filtered")
		// Without JavaScript: the menu page answers the search.
		eva.open("/personal/meny?q="+tr("j%C3%A4mkning", "adjustment"), lang+" menu search page")
		eva.sees(lang+" search hits", tr("Skatteuppgifter", "Tax details"))
		// On a phone the menu is behind "Meny".
		if err := chromedp.Run(eva.ctx, chromedp.EmulateViewport(320, 640), chromedp.Reload(), chromedp.WaitReady("body"),
			chromedp.Click(`button.menu-toggle`, chromedp.ByQuery), chromedp.WaitVisible("#menu-q", chromedp.ByQuery)); err != nil {
			t.Fatalf("%s: menu button: %v", lang, err)
		}
		checkAxe(t, eva.ctx, lang+" phone menu open")
		notSideways(t, eva.ctx, lang+" phone menu open")

		// A message to Anna.
		eva.open("/personal/meddelanden", lang+" messages")
		eva.open("/personal/meddelanden/nytt?q=chef", lang+" new message, search")
		if err := chromedp.Run(eva.ctx, chromedp.Click("#pick-chefanna", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		eva.submit(lang+" added", `button[name="add"]`)
		var offered bool
		if err := chromedp.Run(eva.ctx, chromedp.Evaluate(`!!document.getElementById("pick-chefanna")`, &offered)); err != nil || offered {
			t.Fatalf("%s: a chosen colleague is still offered (%v)", lang, err)
		}
		eva.sees(lang+" chosen", "Anna Chef (chefanna)")
		notSideways(t, eva.ctx, lang+" recipients chosen")
		eva.submit(lang+" no subject", `form[method="post"][action="/personal/meddelanden/nytt"] button`, "#text", "Hej")
		eva.sees(lang+" error", tr("Skriv ett ämne.", "Enter a subject."))
		notSideways(t, eva.ctx, lang+" message error")
		eva.submit(lang+" sent", `form[method="post"][action="/personal/meddelanden/nytt"] button`, "#subject", "Möte "+lang, "#text", "Hej Anna")
		eva.sees(lang+" sent notice", tr("Meddelandet är skickat.", "The message has been sent."))
		notSideways(t, eva.ctx, lang+" message list")

		anna.open("/sprak/"+lang+"?next=/personal/behorigheter", lang+" anna's roles")
		anna.sees(lang+" unread", tr("Meddelanden", "Messages"))
		if err := chromedp.Run(anna.ctx, chromedp.Click(".nav-inbox summary", chromedp.ByQuery), chromedp.WaitVisible(".nav-inbox-list a", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got := text(t, anna.ctx, ".nav-inbox summary"); !strings.Contains(got, tr("1 olästa", "1 unread")) {
			t.Fatalf("%s: header %q", lang, got)
		}
		checkAxe(t, anna.ctx, lang+" inbox drop-down")
		anna.submit(lang+" opened", ".nav-inbox-list a")
		anna.sees(lang+" message", "Hej Anna", "Eva Rydberg")
		notSideways(t, anna.ctx, lang+" message")

		// The star and the favourites.
		eva.open("/personal/behorigheter", lang+" roles with the star")
		eva.submit(lang+" starred", `button.fav-star[aria-pressed="false"]`)
		eva.sees(lang+" favourite in the menu", tr("Favoriter", "Favourites"))
		eva.open("/personal/installningar/favoriter", lang+" favourites")
		eva.submit(lang+" empty title", `form.favourite-rename button`, `form.favourite-rename input[name="title"]`, " ")
		eva.sees(lang+" title error", tr("Skriv en titel.", "Enter a title."))
		notSideways(t, eva.ctx, lang+" favourite error")
		eva.submit(lang+" renamed", `form.favourite-rename button`, `form.favourite-rename input[name="title"]`, "Roller "+lang)
		eva.sees(lang+" renamed in the menu", "Roller "+lang)
		eva.submit(lang+" removed", `button.trash`)
	}
}
