// Package links names the pages that domains link to in e-mail, so that no
// domain spells a path of the web side; the composition gives them a Table.
package links

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Page names a page that a domain links to (in mail).
type Page string

// The pages domains link to, with the arguments each takes.
const (
	Login              Page = "login"
	ForgotPassword     Page = "forgot-password"
	VerifyEmail        Page = "verify-email"         // token, and the path to go on to (may be empty)
	ConfirmEmailChange Page = "confirm-email-change" // token
	Profile            Page = "profile"
	Support            Page = "support"
	Applications       Page = "applications"
	JobAd              Page = "job-ad"            // reference number
	AlertConfirm       Page = "alert-confirm"     // token
	AlertManage        Page = "alert-manage"      // subscription id, signature
	AlertUnsubscribe   Page = "alert-unsubscribe" // subscription id, signature
	AlertRenew         Page = "alert-renew"       // subscription id, signature
	AlertFeedRSS       Page = "alert-feed-rss"    // feed id
	AlertFeedAtom      Page = "alert-feed-atom"   // feed id
)

// Links turns a page and its arguments into an address.
type Links interface {
	// URL returns the absolute address of p.
	URL(p Page, args ...string) string
	// Path returns the address of p relative to the site.
	Path(p Page, args ...string) string
}

// paths is where each page is: {n} stands for argument n. A query
// parameter whose argument is empty is left out.
var paths = map[Page]string{
	Login:              "/logga-in",
	ForgotPassword:     "/glomt-losenord",
	VerifyEmail:        "/konto/verifiera?token={0}&next={1}",
	ConfirmEmailChange: "/konto/byt-epost?token={0}",
	Profile:            "/mina-uppgifter",
	Support:            "/support",
	Applications:       "/mina-ansokningar",
	JobAd:              "/jobb/{0}",
	AlertConfirm:       "/bevakning/bekrafta/{0}",
	AlertManage:        "/bevakning/{0}/andra/{1}",
	AlertUnsubscribe:   "/bevakning/{0}/avsluta/{1}",
	AlertRenew:         "/bevakning/{0}/fornya/{1}",
	AlertFeedRSS:       "/bevakning/flode/{0}.rss",
	AlertFeedAtom:      "/bevakning/flode/{0}.atom",
}

// Table is the portal's pages under one site address.
type Table struct {
	Base string // absolute, without a trailing slash
}

// URL returns the absolute address of p.
func (t Table) URL(p Page, args ...string) string { return t.Base + t.Path(p, args...) }

// Path returns the address of p relative to the site. An unknown page is
// a mistake in the code, not in anyone's input, so it panics.
func (Table) Path(p Page, args ...string) string {
	pattern, ok := paths[p]
	if !ok {
		panic(fmt.Sprintf("links: no page %q", p))
	}
	path, query, _ := strings.Cut(pattern, "?")
	out := fill(path, args, url.PathEscape)
	var params []string
	for _, param := range strings.Split(query, "&") {
		if param == "" {
			continue
		}
		name, value, _ := strings.Cut(param, "=")
		if n, ok := placeholder(value); ok && (n >= len(args) || args[n] == "") {
			continue
		}
		params = append(params, name+"="+fill(value, args, url.QueryEscape))
	}
	if len(params) > 0 {
		out += "?" + strings.Join(params, "&")
	}
	return out
}

// fill puts the arguments, escaped, in place of their placeholders, in one
// pass, so that an argument is never read as a placeholder itself.
func fill(s string, args []string, escape func(string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}') + max(i, 0)
		if i < 0 || j < i {
			break
		}
		b.WriteString(s[:i])
		if n, ok := placeholder(s[i : j+1]); ok && n < len(args) {
			b.WriteString(escape(args[n]))
		} else {
			b.WriteString(s[i : j+1])
		}
		s = s[j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// placeholder reports whether s is exactly one placeholder, and its number.
func placeholder(s string) (int, bool) {
	inner, ok := strings.CutPrefix(s, "{")
	if !ok {
		return 0, false
	}
	inner, ok = strings.CutSuffix(inner, "}")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(inner)
	return n, err == nil
}
