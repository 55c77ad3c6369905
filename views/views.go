// Package views holds the embedded templates, static assets and
// translations of the portal, and the helpers templates call.
package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/template/html/v2"

	"portal/alerts"
	"portal/applications"
	"portal/charts"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

//go:embed templates static locales mail
var files embed.FS

// Static is the file system of /static.
func Static() fs.FS {
	sub, _ := fs.Sub(files, "static")
	return sub
}

// AssetVersion changes whenever a static file changes, so that links to
// assets can be cached for long.
var AssetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(files, "static", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := files.ReadFile(path)
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

// NewEngine parses every template; an error here stops the start.
func NewEngine(now func() time.Time) (*html.Engine, error) {
	sub, err := fs.Sub(files, "templates")
	if err != nil {
		return nil, err
	}
	e := html.NewFileSystem(http.FS(sub), ".html")
	for name, fn := range funcs(now) {
		e.AddFunc(name, fn)
	}
	if err := e.Load(); err != nil {
		return nil, fmt.Errorf("views: %w", err)
	}
	return e, nil
}

// FacetView is what the facet template shows.
type FacetView struct {
	L       *Localizer
	Name    string
	Legend  string
	Prefix  string
	Options []jobs.Option
}

// Pair carries the localizer beside one value into a sub-template.
type Pair struct {
	L *Localizer
	B any
}

// FieldView is what the form field template shows.
type FieldView struct {
	L                               *Localizer
	Name, Label, Type, Autocomplete string
	Value, Error, Hint              string
	Required                        bool
	Max                             int // the field's maxlength; 0: the default
}

// SummaryView is what the error summary template shows.
type SummaryView struct {
	L      *Localizer
	Errors valid.Problems
}

// fieldError returns the translation key of what is wrong with a field, or "".
func fieldError(errs valid.Problems, name string) string {
	p, _ := errs.Field(name)
	return p.Key
}

func funcs(now func() time.Time) map[string]any {
	return map[string]any{
		"facet": func(l *Localizer, name, legend, prefix string, opts []jobs.Option) FacetView {
			return FacetView{l, name, legend, prefix, opts}
		},
		"pair": func(l *Localizer, b any) Pair { return Pair{l, b} },
		"field": func(l *Localizer, form map[string]string, errs valid.Problems, name, label, typ, autocomplete string, required bool, hint ...string) FieldView {
			f := FieldView{L: l, Name: name, Label: label, Type: typ, Autocomplete: autocomplete,
				Value: form[name], Error: fieldError(errs, name), Required: required}
			if typ == "password" {
				f.Value = "" // never sent back
			}
			if len(hint) > 0 {
				f.Hint = hint[0]
			}
			return f
		},
		// maxlen gives a field the maxlength of the rule that checks it.
		"maxlen":     func(n int, f FieldView) FieldView { f.Max = n; return f },
		"summary":    func(l *Localizer, errs valid.Problems) SummaryView { return SummaryView{l, errs} },
		"fieldError": fieldError,
		"closesToday": func(a jobs.Ad) bool {
			return jobs.DayOf(now()) == a.LastDay
		},
		"lines": func(s string) []string { return strings.Split(s, "\n") },
		"add":   func(a, b int) int { return a + b },
		// rating writes an average rating as the page's language does.
		"rating": func(l *Localizer, v float64) string { return recruiting.FormatRating(v, l.Lang) },
		// dict makes a map of key and value pairs, for handing several
		// values to a template: (dict "L" .L "Ad" .Ad).
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: %d arguments, want pairs", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is no string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"sub": func(a, b int) int { return a - b },
		"tel": func(s string) string {
			return strings.Map(func(r rune) rune {
				if r == '+' || (r >= '0' && r <= '9') {
					return r
				}
				return -1
			}, s)
		},
		"steps": func() []string { return []string{"questions", "attachments", "summary"} },
		"yesno": func() []string { return []string{"yes", "no"} },
		"has": func(vals []string, v string) bool {
			for _, x := range vals {
				if x == v {
					return true
				}
			}
			return false
		},
		"first": func(vals []string) string {
			if len(vals) == 0 {
				return ""
			}
			return vals[0]
		},
		"size": FileSize,
		"answer": func(l *Localizer, q jobs.Question, vals []string) string {
			if len(vals) == 0 {
				return "–"
			}
			if q.Type == jobs.QuestionYesNo {
				return l.T("answer." + vals[0])
			}
			return strings.Join(vals, ", ")
		},
		"lastDay":  func(closes time.Time) time.Time { return closes.Add(-time.Hour) },
		"stepPath": StepPath,
		"status": func(a applications.Application, now time.Time) string {
			if a.Status == applications.StatusWithdrawn {
				return a.Status
			}
			if !a.Open(now) {
				return "closed"
			}
			return a.Status
		},
		"areas":           func() []string { return jobs.Areas },
		"employmentTypes": func() []string { return jobs.EmploymentTypes },
		"frequencies":     func() []string { return alerts.Frequencies },
		"criteriaSummary": CriteriaSummary,
		"pageURL":         PageURL,
		"pages":           Pages,
		"feedURL":         FeedURL,
		"barchart":        charts.Bars,
		"linechart":       charts.Line,
		"alertURL": func(q jobs.Query) string {
			v := q.Values()
			v.Del("sort")
			v.Del("org")
			return withQuery("/bevakning", v)
		},
	}
}

// StepPath is the address segment of a step of the application form.
func StepPath(step string) string {
	switch step {
	case "attachments":
		return "bilagor"
	case "summary":
		return "sammanfattning"
	}
	return "fragor"
}

// FileSize writes a size in bytes for people: "840 kB", "4,8 MB".
func FileSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		return strconv.FormatInt((n+512)/1024, 10) + " kB"
	default:
		s := strconv.FormatFloat(float64(n)/(1024*1024), 'f', 1, 64)
		return strings.Replace(s, ".", ",", 1) + " MB"
	}
}

// PageURL links to page n of a search.
func PageURL(r jobs.Result, n int) string {
	v := r.Query.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return withQuery("/jobb", v)
}

// FeedURL links to the feed of a search in language lang and format rss,
// atom or json.
func FeedURL(q jobs.Query, lang, format string) string {
	v := q.Values()
	v.Del("sort")
	v.Set("lang", lang)
	return withQuery("/jobb/feed."+format, v)
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Pages lists the page numbers to link: the first, the last and those near
// the current one, with 0 where a gap is.
func Pages(r jobs.Result) []int {
	var out []int
	for p := 1; p <= r.Pages; p++ {
		if p == 1 || p == r.Pages || (p >= r.Page-2 && p <= r.Page+2) {
			out = append(out, p)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}
