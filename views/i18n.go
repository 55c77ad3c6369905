package views

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"golang.org/x/text/language"

	"portal/jobs"
	"portal/valid"
)

// Languages the portal speaks, Swedish first.
var Languages = []string{"sv", "en"}

var matcher = language.NewMatcher([]language.Tag{language.Swedish, language.English})

// Locales holds every translation.
type Locales struct {
	byLang map[string]*Localizer
}

// LoadLocales reads the embedded translation files.
func LoadLocales() (*Locales, error) {
	l := &Locales{byLang: map[string]*Localizer{}}
	for _, lang := range Languages {
		// The language's main file, and one file per area beside it
		// (locales/sv/staff.json), so that each area keeps its own texts.
		names, err := fs.Glob(files, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, fmt.Errorf("views: locale %s: %w", lang, err)
		}
		msgs := map[string]string{}
		for _, name := range append([]string{path.Join("locales", lang+".json")}, names...) {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("views: locale %s: %w", lang, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("views: locale %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := msgs[k]; dup {
					return nil, fmt.Errorf("views: locale %s: key %q is also in another file", name, k)
				}
				msgs[k] = v
			}
		}
		l.byLang[lang] = &Localizer{Lang: lang, msgs: msgs}
	}
	return l, nil
}

// Get returns the localizer of lang, or Swedish for an unknown language.
func (l *Locales) Get(lang string) *Localizer {
	if loc, ok := l.byLang[lang]; ok {
		return loc
	}
	return l.byLang["sv"]
}

// Translate returns the text of key in lang (Swedish for an unknown lang).
func (l *Locales) Translate(lang, key string, args ...any) string { return l.Get(lang).T(key, args...) }

// Keys returns the keys of one language.
func (l *Locales) Keys(lang string) []string {
	var out []string
	for k := range l.Get(lang).msgs {
		out = append(out, k)
	}
	return out
}

// Pick chooses the language: the remembered choice if there is one, else
// the best match of the browser's Accept-Language, else Swedish.
func (l *Locales) Pick(cookie, acceptLanguage string) *Localizer {
	if _, ok := l.byLang[cookie]; ok {
		return l.byLang[cookie]
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No {
				return l.byLang[Languages[i]]
			}
		}
	}
	return l.byLang["sv"]
}

// Localizer translates into one language.
type Localizer struct {
	Lang string
	msgs map[string]string
}

// T returns the text of key, formatted with args when given. A missing key
// shows as itself (a test keeps that from happening).
func (l *Localizer) T(key string, args ...any) string {
	msg, ok := l.msgs[key]
	if !ok {
		return key
	}
	if len(args) > 0 && strings.Contains(msg, "%") {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Problem returns the text of what is wrong, with its arguments.
func (l *Localizer) Problem(p valid.Problem) string { return l.T(p.Key, p.Args...) }

// Date formats the Swedish calendar day of t, e.g. "23 november 2026".
func (l *Localizer) Date(t time.Time) string {
	t = t.In(jobs.Stockholm)
	return fmt.Sprintf(l.T("format.date"), t.Day(), l.T(fmt.Sprintf("month.%d", t.Month())), t.Year())
}

// DateTime formats t in Swedish time with hours and minutes.
func (l *Localizer) DateTime(t time.Time) string {
	return l.Date(t) + " " + t.In(jobs.Stockholm).Format("15:04")
}

// Other returns the code of the other language, for the language switch.
func (l *Localizer) Other() string {
	if l.Lang == "sv" {
		return "en"
	}
	return "sv"
}
