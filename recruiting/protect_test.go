package recruiting_test

import (
	"testing"

	"portal/applications"
	"portal/recruiting"
)

// What each viewer sees of a candidate's details, and what an export
// holds: one rule, with the anonymised review on top.
func TestShownDetails(t *testing.T) {
	t.Parallel()
	full := applications.Snapshot{FirstName: "Hedda", LastName: "Hemlig", Email: "h@example.se", Phone: "0701234567"}
	protected := full
	protected.Protected = true
	masked := applications.Snapshot{FirstName: "Hedda", LastName: "Hemlig", Protected: true, Masked: true}
	recruiter := recruiting.Viewer{PersonID: "rekry01", Rights: recruiting.Rights{See: true, Review: true, Manage: true, Decide: true}}
	manager := recruiting.Viewer{PersonID: "chef01", Rights: recruiting.Rights{See: true, Review: true, Decide: true}}
	union := recruiting.Viewer{PersonID: "otto", Rights: recruiting.Rights{See: true}}
	outsider := recruiting.Viewer{PersonID: "dirbo"}
	open, anon := recruiting.Recruitment{ID: "r"}, recruiting.Recruitment{ID: "r", Anonymised: true}
	cand := func(d applications.Snapshot, revealed bool) recruiting.Candidate {
		return recruiting.Candidate{ID: "c", RecruitmentID: "r", Number: 3, Source: recruiting.SourcePortal, Details: d, Revealed: revealed}
	}
	placeholder := recruiting.Candidate{ID: "p", RecruitmentID: "r", Number: 4, Source: recruiting.SourceProtected}
	for _, tc := range []struct {
		what string
		r    recruiting.Recruitment
		v    recruiting.Viewer
		c    recruiting.Candidate
		want applications.Snapshot
	}{
		{"recruiter, plain", open, recruiter, cand(full, false), full},
		{"union, plain", open, union, cand(full, false), full},
		{"recruiter, protected", open, recruiter, cand(protected, false), protected},
		{"hiring manager, protected", open, manager, cand(protected, false), masked},
		{"union, protected", open, union, cand(protected, false), masked},
		{"outsider", open, outsider, cand(full, false), applications.Snapshot{}},
		{"anonymised, recruiter", anon, recruiter, cand(protected, false), applications.Snapshot{}},
		{"anonymised, manager", anon, manager, cand(full, false), applications.Snapshot{}},
		{"anonymised, revealed, manager", anon, manager, cand(protected, true), masked},
		{"anonymised, revealed, recruiter", anon, recruiter, cand(protected, true), protected},
		{"placeholder", open, recruiter, placeholder, applications.Snapshot{}},
	} {
		if got := tc.r.ShownDetails(tc.v, tc.c); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.what, got, tc.want)
		}
	}
	// Exports and disclosure copies mask whoever makes them.
	if got := recruiting.MaskedDetails(cand(protected, false)); got != masked {
		t.Errorf("masked: %+v", got)
	}
	if got := recruiting.MaskedDetails(cand(full, false)); got != full {
		t.Errorf("masked plain: %+v", got)
	}
}

// A version keeps the address only of those without protected data.
func TestLeastDetails(t *testing.T) {
	t.Parallel()
	d := applications.Snapshot{FirstName: "A", LastName: "B", Email: "a@example.se", Phone: "070", Street: "Gatan 1", PostalCode: "123 45", Town: "Ort", Country: "Sverige"}
	if got := d.Least(); got != d {
		t.Errorf("plain: %+v", got)
	}
	d.Protected = true
	want := applications.Snapshot{FirstName: "A", LastName: "B", Email: "a@example.se", Phone: "070", Protected: true}
	if got := d.Least(); got != want {
		t.Errorf("protected: %+v", got)
	}
}

// A paper whose earlier version was sent before the applicant stated
// protected data is masked whole: every version, as the latest.
func TestPaperMaskedWhole(t *testing.T) {
	t.Parallel()
	r := recruiting.Recruitment{ID: "r"}
	union := recruiting.Viewer{PersonID: "otto", Rights: recruiting.Rights{See: true}}
	early := applications.Snapshot{FirstName: "A", Email: "a@example.se", Street: "Gatan 1"}
	late := applications.Snapshot{FirstName: "A", Email: "a@example.se", Protected: true}
	p := recruiting.Paper{Candidate: recruiting.Candidate{ID: "c", RecruitmentID: "r", Source: recruiting.SourcePortal, Details: early},
		Versions: []applications.Version{{N: 1, Applicant: early}, {N: 2, Applicant: late}}}
	p.Shown = p.Versions[0]
	recruiting.MarkProtected(&p)
	if got := p.ShownDetails(r, union); !got.Masked || got.Email != "" || got.Street != "" {
		t.Errorf("version 1 shows %+v", got)
	}
}
