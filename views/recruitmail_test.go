package views

import (
	"regexp"
	"slices"
	"testing"

	"portal/recruiting"
)

// Every shipped message template has both languages, uses only known
// placeholders, and the decision's templates are among them.
func TestRecruitTemplates(t *testing.T) {
	tpls, err := RecruitTemplates()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	ph := regexp.MustCompile(`\{[^{}\s]{1,30}\}`)
	for _, tpl := range tpls {
		ids[tpl.ID] = true
		for _, lang := range recruiting.Languages {
			x := tpl.Texts[lang]
			for _, p := range ph.FindAllString(x.Subject+x.Body, -1) {
				if !slices.Contains(recruiting.Placeholders, p) {
					t.Errorf("%s (%s): unknown placeholder %s", tpl.ID, lang, p)
				}
			}
		}
	}
	for _, id := range []string{recruiting.TemplateHired, recruiting.TemplateNotSelected, recruiting.TemplateCancelled, recruiting.TemplateStatement,
		"stage-" + recruiting.StageInterview} {
		if !ids[id] {
			t.Errorf("no template %s", id)
		}
	}
	l, err := LoadLocales()
	if err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		for _, lang := range recruiting.Languages {
			if k := "decide.tpl." + id; l.Get(lang).T(k) == k {
				t.Errorf("no name of template %s in %s", id, lang)
			}
		}
	}
}

// Each reason of the default stage set has its template.
func TestReasonTemplatesShipped(t *testing.T) {
	tpls, err := RecruitTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range recruiting.DefaultStages() {
		for _, r := range st.Reasons {
			if !slices.ContainsFunc(tpls, func(x recruiting.Template) bool { return x.ID == r.Template }) {
				t.Errorf("reason %s: no template %s", r.ID, r.Template)
			}
		}
		if !slices.ContainsFunc(tpls, func(x recruiting.Template) bool { return x.ID == "stage-"+st.ID }) {
			t.Errorf("stage %s: no template", st.ID)
		}
	}
}
