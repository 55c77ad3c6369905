package recruiting

import (
	"testing"

	"portal/applications"
)

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct{ text, unknown string }{
		{"Hej {namn}, om {titel} ({referens}) hos {arbetsgivare}: {lank}", ""},
		{"Svar: {svar}", ""},
		{"Hej {nmn}", "{nmn}"},
		{"Hej {Namn}", "{Namn}"},
		{"Kod { namn } och {} är text", ""},
	} {
		if got := unknownPlaceholder(tc.text); got != tc.unknown {
			t.Errorf("%q: unknown %q, want %q", tc.text, got, tc.unknown)
		}
	}
}

func TestWriteInTheCandidatesLanguage(t *testing.T) {
	m := &Messages{Employer: "Exempelkommunen", ApplicationsURL: "https://x.se/mina-ansokningar"}
	tpl := Template{ID: "t", Texts: map[string]Text{
		"sv": {Subject: "Om {titel}", Body: "Hej {namn}! {referens} {arbetsgivare} {lank}"},
		"en": {Subject: "About {titel}", Body: "Dear {namn}"},
	}}
	r := Recruitment{Title: "Kock", Ref: "REK-2026-0001"}
	c := Candidate{Details: applications.Snapshot{FirstName: "Åsa", LastName: "Öberg"}}
	for _, tc := range []struct{ lang, subject, body string }{
		{"sv", "Om Kock", "Hej Åsa Öberg! REK-2026-0001 Exempelkommunen https://x.se/mina-ansokningar"},
		{"en", "About Kock", "Dear Åsa Öberg"},
		{"", "Om Kock", "Hej Åsa Öberg! REK-2026-0001 Exempelkommunen https://x.se/mina-ansokningar"},
		{"fi", "Om Kock", "Hej Åsa Öberg! REK-2026-0001 Exempelkommunen https://x.se/mina-ansokningar"},
	} {
		c.Lang = tc.lang
		if l := m.Write(tpl, r, c, ""); l.Subject != tc.subject || l.Body != tc.body {
			t.Errorf("%q: %+v", tc.lang, l)
		}
	}
}

func TestShownName(t *testing.T) {
	n := func(i int) string { return "Sökande " + string(rune('0'+i)) }
	named := Candidate{Number: 3, Source: SourcePortal, Stage: StageReview, Details: applications.Snapshot{FirstName: "Åsa", LastName: "Öberg"}}
	for _, tc := range []struct {
		what string
		r    Recruitment
		c    Candidate
		want string
	}{
		{"open review", Recruitment{}, named, "Åsa Öberg (Sökande 3)"},
		{"anonymised before interview", Recruitment{Anonymised: true}, named, "Sökande 3"},
		{"anonymised at interview", Recruitment{Anonymised: true}, func() Candidate { c := named; c.Stage, c.Revealed = StageInterview, true; return c }(), "Åsa Öberg (Sökande 3)"},
		{"protected", Recruitment{}, Candidate{Number: 3, Source: SourceProtected}, "Sökande 3"},
	} {
		if got := tc.c.ShownName(tc.r, n); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.what, got, tc.want)
		}
	}
}
