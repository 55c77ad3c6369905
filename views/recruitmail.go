package views

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	texttemplate "text/template"

	"portal/recruiting"
)

// RecruitTemplates reads the message templates to applicants as shipped,
// one file per language (mail/recruit_templates.<lang>.txt), in the order
// of the Swedish file. Every template needs every language.
func RecruitTemplates() ([]recruiting.Template, error) {
	var out []recruiting.Template
	index := map[string]int{}
	for _, lang := range recruiting.Languages {
		name := "mail/recruit_templates." + lang + ".txt"
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("views: %w", err)
		}
		texts, order, err := parseTemplates(b)
		if err != nil {
			return nil, fmt.Errorf("views: %s: %w", name, err)
		}
		for _, id := range order {
			i, ok := index[id]
			if !ok {
				if lang != recruiting.Languages[0] {
					return nil, fmt.Errorf("views: %s: template %q is not in Swedish", name, id)
				}
				index[id], i = len(out), len(out)
				out = append(out, recruiting.Template{ID: id, Texts: map[string]recruiting.Text{}})
			}
			out[i].Texts[lang] = texts[id]
		}
	}
	for _, t := range out {
		for _, lang := range recruiting.Languages {
			if t.Texts[lang].Subject == "" || t.Texts[lang].Body == "" {
				return nil, fmt.Errorf("views: message template %q has no %s text", t.ID, lang)
			}
		}
	}
	return out, nil
}

// parseTemplates reads "## id", a subject line and the text up to the
// next "## "; lines starting with "# " before the first are comments.
func parseTemplates(b []byte) (map[string]recruiting.Text, []string, error) {
	texts := map[string]recruiting.Text{}
	var order []string
	var id, subject string
	var body []string
	flush := func() error {
		if id == "" {
			return nil
		}
		if _, dup := texts[id]; dup {
			return fmt.Errorf("template %q twice", id)
		}
		texts[id] = recruiting.Text{Subject: subject, Body: strings.TrimSpace(strings.Join(body, "\n"))}
		order = append(order, id)
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			if err := flush(); err != nil {
				return nil, nil, err
			}
			id, subject, body = strings.TrimSpace(line[3:]), "", nil
		case id == "":
			// comments before the first template
		case subject == "":
			subject = strings.TrimSpace(line)
		default:
			body = append(body, line)
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return texts, order, sc.Err()
}

// GroupMail writes the e-mail to a recruitment group member about new
// applications: one, or a day's digest.
func (m *Mails) GroupMail(lang string, g recruiting.GroupMail) (subject, text string, err error) {
	l := m.locales.Get(lang)
	var b bytes.Buffer
	if err := m.group.Execute(&b, struct {
		L    *Localizer
		M    recruiting.GroupMail
		Site string
	}{l, g, m.Site}); err != nil {
		return "", "", fmt.Errorf("views: mail recruit_group: %w", err)
	}
	if g.Day.IsZero() && len(g.Arrivals) > 0 {
		subject = l.T("decide.mail.new.subject", g.Arrivals[0].Title)
	} else {
		subject = l.T("decide.mail.digest.subject", len(g.Arrivals))
	}
	return subject, b.String(), nil
}

func parseGroupMail() (*texttemplate.Template, error) {
	t, err := texttemplate.ParseFS(files, "mail/recruit_group.txt")
	if err != nil {
		return nil, fmt.Errorf("views: mail recruit_group: %w", err)
	}
	return t, nil
}
