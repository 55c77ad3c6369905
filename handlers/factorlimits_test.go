package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"portal/factors"
	"portal/mail"
	"portal/sessions"
)

// withPhone gives the person a confirmed mobile number.
func withPhone(t *testing.T, a *testApp, personID, number string) {
	t.Helper()
	err := a.db.Factors().SaveFactorSettings(context.Background(), factors.Settings{PersonID: personID,
		Phones: []factors.Phone{{Number: number, Confirmed: true, AddedAt: testNow}}})
	if err != nil {
		t.Fatal(err)
	}
}

// sentTo counts the messages of the channel to to.
func sentTo(t *testing.T, a *testApp, channel, to string) int {
	t.Helper()
	recs, err := a.db.Outbox().RecentOn(context.Background(), channel, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.To == to {
			n++
		}
	}
	return n
}

const resendButton = "Skicka en ny kod</button>"

// A refused new code is a notice that says how long to wait, not an
// error at the code field; no new code is offered meanwhile; another way
// has limits of its own; and the page never says a code was sent by a
// way none was sent by.
func TestSecondStepRefusedSendSaysHowLongToWait(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	withPhone(t, a, "evaryl01", "0701234567")
	v := atFactor(t, a, "evaryl01")

	// Before any code: no word of one sent.
	page := v.get(stepPath + "?metod=email")
	if page.StatusCode != 200 || strings.Contains(page.body, "Skriv koden som skickades") || !strings.Contains(page.body, "Ingen kod är skickad ännu") ||
		strings.Contains(page.body, resendButton) || !strings.Contains(page.body, "Skicka kod</button>") {
		t.Fatalf("a way with no code sent: %d\n%s", page.StatusCode, page.body)
	}

	sendCode(t, v, "sms:0")
	for i := 1; i <= 3; i++ {
		if res := v.post(stepPath, stepPath+"/skicka", url.Values{"method": {"sms:0"}, "again": {"1"}}); res.StatusCode != 303 {
			t.Fatalf("new code %d: %d\n%s", i, res.StatusCode, res.body)
		}
	}
	res := v.post(stepPath, stepPath+"/skicka", url.Values{"method": {"sms:0"}, "again": {"1"}})
	if res.StatusCode != 429 || !strings.Contains(res.body, `<div class="notice" role="alert"><p>Du har bett om för många koder, så ingen ny kod skickades. Vänta 10 minuter och försök igen.</p></div>`) ||
		strings.Contains(res.body, `id="code-error"`) || strings.Contains(res.body, "error-summary") || strings.Contains(res.body, resendButton) {
		t.Fatalf("refused new code: %d\n%s", res.StatusCode, res.body)
	}
	// The code sent before still works, so its field stays.
	if !strings.Contains(res.body, "Skriv koden som skickades: SMS") || !strings.Contains(res.body, `id="code"`) {
		t.Fatalf("the refused page lost the code sent before:\n%s", res.body)
	}
	if n := sentTo(t, a, mail.ChannelSMS, "+46701234567"); n != 4 {
		t.Fatalf("text messages sent: %d, want 4", n)
	}

	// Another way: its own limit, and the page says what was sent.
	res = v.post(stepPath, stepPath+"/skicka", url.Values{"method": {"email"}})
	if res.StatusCode != 303 {
		t.Fatalf("e-mail after text messages were refused: %d\n%s", res.StatusCode, res.body)
	}
	if page := v.get(res.Header.Get("Location")); !strings.Contains(page.body, "En kod är skickad: E-post till e…@exempel.se") {
		t.Fatalf("after the e-mail:\n%s", page.body)
	}

	// Past the person's hour, a first code refused: no word of a code sent,
	// no field for one, and the wait is the hour's.
	for i := 0; i < 7; i++ {
		w := atFactor(t, a, "evaryl01")
		if res := w.post(stepPath, stepPath+"/skicka", url.Values{"method": {"email"}}); res.StatusCode != 303 {
			t.Fatalf("send %d of the hour: %d", i, res.StatusCode)
		}
	}
	w := atFactor(t, a, "evaryl01")
	w.lang = "en"
	res = w.post(stepPath, stepPath+"/skicka", url.Values{"method": {"email"}})
	if res.StatusCode != 429 || !strings.Contains(res.body, "no new code was sent. Wait 60 minutes and try again.") ||
		strings.Contains(res.body, "Type the code that was sent") || strings.Contains(res.body, "A code has been sent") ||
		strings.Contains(res.body, `id="code"`) || strings.Contains(res.body, "Send a new code</button>") || strings.Contains(res.body, "Send a code</button>") {
		t.Fatalf("refused first code: %d\n%s", res.StatusCode, res.body)
	}
}

// Setting up two numbers from inside, with a new code to each, is well
// within the limits, which are per number; a number's own limit says how
// long to wait, and leaves the other number alone.
func TestFactorSettingsTwoNumbersWithNewCodes(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	for _, n := range []string{"0701234567", "0731234567"} {
		if res := v.post(settings, settings+"/mobil", url.Values{"number": {n}}); res.StatusCode != 303 {
			t.Fatalf("add %s: %d\n%s", n, res.StatusCode, res.body)
		}
	}
	for _, n := range []string{"0701234567", "0731234567", "0701234567", "0701234567"} {
		if res := v.post(settings, settings+"/mobil/skicka", url.Values{"number": {n}}); res.StatusCode != 303 {
			t.Fatalf("new code to %s: %d\n%s", n, res.StatusCode, res.body)
		}
	}
	res := v.post(settings, settings+"/mobil/skicka", url.Values{"number": {"0701234567"}})
	if res.StatusCode != 429 || !strings.Contains(res.body, `<div class="notice" role="alert"><p>Du har bett om för många koder, så ingen ny kod skickades. Vänta 10 minuter`) {
		t.Fatalf("a fifth code to one number: %d\n%s", res.StatusCode, res.body)
	}
	if res := v.post(settings, settings+"/mobil/skicka", url.Values{"number": {"0731234567"}}); res.StatusCode != 303 {
		t.Fatalf("the other number after the first's limit: %d\n%s", res.StatusCode, res.body)
	}
	// A new session does not start the number's count again.
	w := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	if res := w.post(settings, settings+"/mobil/skicka", url.Values{"number": {"0701234567"}}); res.StatusCode != 429 {
		t.Fatalf("the number's limit in a new session: %d", res.StatusCode)
	}
}

// One phone is registered once, however it is written: 0046701234567 is
// stored and shown as 0701234567, and 0701234567 then is refused at the
// field.
func TestFactorSettingsSameNumberTwice(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	const settings = "/personal/installningar/inloggning"
	if res := v.post(settings, settings+"/mobil", url.Values{"number": {"0046701234567"}}); res.StatusCode != 303 {
		t.Fatalf("add 0046…: %d\n%s", res.StatusCode, res.body)
	}
	st, err := a.Factors.Settings(context.Background(), "evaryl01")
	if err != nil || len(st.Phones) != 1 || st.Phones[0].Number != "0701234567" {
		t.Fatalf("stored: %+v %v", st.Phones, err)
	}
	if page := v.get(settings); !strings.Contains(page.body, `<span class="label">0701234567</span>`) {
		t.Fatalf("shown:\n%s", page.body)
	}
	for _, n := range []string{"0701234567", "0046701234567"} {
		res := v.post(settings, settings+"/mobil", url.Values{"number": {n}})
		if res.StatusCode != 422 || !strings.Contains(res.body, "Numret är redan registrerat.") || !strings.Contains(res.body, `href="#number"`) ||
			!strings.Contains(res.body, `aria-invalid="true"`) {
			t.Fatalf("the same number as %s: %d\n%s", n, res.StatusCode, res.body)
		}
	}
	if st, _ := a.Factors.Settings(context.Background(), "evaryl01"); len(st.Phones) != 1 {
		t.Fatalf("stored after the duplicates: %+v", st.Phones)
	}
	if n := sentTo(t, a, mail.ChannelSMS, "+46701234567"); n != 1 {
		t.Fatalf("text messages to the number: %d, want 1", n)
	}
	// Confirmed by its code, whichever way the form writes the number.
	code := lastCode(t, a, mail.ChannelSMS, "+46701234567")
	if res := v.post(settings, settings+"/mobil/bekrafta", url.Values{"number": {"0046701234567"}, "code": {code}}); res.StatusCode != 303 {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.body)
	}
}

// badCodes cannot be codes sent: too short, too long, signs outside the
// alphabet.
var badCodes = []string{"12", strings.Repeat("a", 200), "WRONG123", "ACDE347"}

// A code sent by text message or e-mail that cannot be one gets a
// message about its form and costs no try, at the second step and when
// confirming a number.
func TestSentCodesBadlyFormedCostNoTry(t *testing.T) {
	t.Parallel()
	a := factorApp(t, nil)
	staffPerson(t, a, "evaryl01", "eva.rydberg@exempel.se")
	v := atFactor(t, a, "evaryl01")
	sendCode(t, v, "email")
	for range MaxTriesAndMore {
		for _, bad := range badCodes {
			res := typeCode(v, "email", bad)
			if res.StatusCode != 422 || !strings.Contains(res.body, "Koden har 8 tecken") || !strings.Contains(res.body, `href="#code"`) {
				t.Fatalf("%q at the second step: %d\n%s", bad, res.StatusCode, res.body)
			}
		}
	}
	if res := typeCode(v, "email", "aaaa-aaaa"); res.StatusCode != 422 || !strings.Contains(res.body, "Du har 4 försök kvar.") {
		t.Fatalf("a wrong code after the badly formed: %d\n%s", res.StatusCode, res.body)
	}
	code := lastCode(t, a, mail.ChannelEmail, "eva.rydberg@exempel.se")
	if res := typeCode(v, "email", strings.ToLower(code[:4])+"-"+code[4:]); res.StatusCode != 303 {
		t.Fatalf("the right code: %d\n%s", res.StatusCode, res.body)
	}

	inside := sessionVisitor(t, a, "evaryl01", sessions.Options{})
	inside.lang = "en"
	const settings = "/personal/installningar/inloggning"
	if res := inside.post(settings, settings+"/mobil", url.Values{"number": {"0701234567"}}); res.StatusCode != 303 {
		t.Fatalf("add: %d\n%s", res.StatusCode, res.body)
	}
	for range MaxTriesAndMore {
		for _, bad := range badCodes {
			res := inside.post(settings, settings+"/mobil/bekrafta", url.Values{"number": {"0701234567"}, "code": {bad}})
			if res.StatusCode != 422 || !strings.Contains(res.body, "The code has 8 characters") || !strings.Contains(res.body, `href="#code-0"`) {
				t.Fatalf("%q confirming a number: %d\n%s", bad, res.StatusCode, res.body)
			}
		}
	}
	res := inside.post(settings, settings+"/mobil/bekrafta", url.Values{"number": {"0701234567"}, "code": {"AAAAAAAA"}})
	if res.StatusCode != 422 || !strings.Contains(res.body, "You have 4 tries left.") {
		t.Fatalf("a wrong code confirming after the badly formed: %d\n%s", res.StatusCode, res.body)
	}
	if res := inside.post(settings, settings+"/mobil/bekrafta", url.Values{"number": {"0701234567"}, "code": {lastCode(t, a, mail.ChannelSMS, "+46701234567")}}); res.StatusCode != 303 {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.body)
	}
}
