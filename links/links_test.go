package links

import "testing"

func TestTable(t *testing.T) {
	site := Table{Base: "https://jobb.example.se"}
	for _, c := range []struct {
		page Page
		args []string
		want string
	}{
		{Login, nil, "/logga-in"},
		{ForgotPassword, nil, "/glomt-losenord"},
		{VerifyEmail, []string{"ab12"}, "/konto/verifiera?token=ab12"},
		{VerifyEmail, []string{"ab12", ""}, "/konto/verifiera?token=ab12"},
		{VerifyEmail, []string{"ab12", "/jobb/EXK-1/ansok?x=1&y=2"}, "/konto/verifiera?token=ab12&next=%2Fjobb%2FEXK-1%2Fansok%3Fx%3D1%26y%3D2"},
		{VerifyEmail, []string{"a b+c"}, "/konto/verifiera?token=a+b%2Bc"},
		{ConfirmEmailChange, []string{"ff00"}, "/konto/byt-epost?token=ff00"},
		{Profile, nil, "/mina-uppgifter"},
		{Support, nil, "/support"},
		{Applications, nil, "/mina-ansokningar"},
		{JobAd, []string{"EXK-2026-0001"}, "/jobb/EXK-2026-0001"},
		{JobAd, []string{"a/b c?"}, "/jobb/a%2Fb%20c%3F"},
		{AlertConfirm, []string{"tok"}, "/bevakning/bekrafta/tok"},
		{AlertManage, []string{"65a1", "Zm9v-_x"}, "/bevakning/65a1/andra/Zm9v-_x"},
		{AlertUnsubscribe, []string{"65a1", "sig"}, "/bevakning/65a1/avsluta/sig"},
		{AlertRenew, []string{"65a1", "sig"}, "/bevakning/65a1/fornya/sig"},
		{AlertFeedRSS, []string{"feed1"}, "/bevakning/flode/feed1.rss"},
		{AlertFeedAtom, []string{"feed1"}, "/bevakning/flode/feed1.atom"},
		{AlertManage, []string{"{1}", "x"}, "/bevakning/%7B1%7D/andra/x"}, // an argument is never a placeholder
	} {
		if got := site.Path(c.page, c.args...); got != c.want {
			t.Errorf("Path(%s, %q) = %q, want %q", c.page, c.args, got, c.want)
		}
		if got := site.URL(c.page, c.args...); got != site.Base+c.want {
			t.Errorf("URL(%s, %q) = %q", c.page, c.args, got)
		}
	}
}

// Every page a domain may name has a place in the table.
func TestEveryPageHasAPath(t *testing.T) {
	for _, p := range []Page{Login, ForgotPassword, VerifyEmail, ConfirmEmailChange, Profile, Support, Applications,
		JobAd, AlertConfirm, AlertManage, AlertUnsubscribe, AlertRenew, AlertFeedRSS, AlertFeedAtom} {
		if paths[p] == "" || paths[p][0] != '/' {
			t.Errorf("page %s has no path", p)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an unknown page gave an address")
		}
	}()
	Table{}.Path("nowhere")
}
