package recruiting

import "portal/applications"

// Applicants with protected personal data (skyddade personuppgifter).
//
// An applicant may state, when registering or applying, that they have
// protected personal data. Their versions then keep no postal address
// (applications.Snapshot.Least), and of the rest only the name is shown to
// the whole group: the contact details are for those who manage the
// recruitment, who must reach them. Exports and disclosure copies mask the
// contact details whoever makes them (MaskedDetails). Such an applicant is
// a candidate like any other; a placeholder for one who applied on paper
// instead (Source SourceProtected, Candidate.Protected) holds no details
// at all.

// StatedProtected reports whether the applicant stated that they have
// protected personal data, in the details the candidate carries.
func (c Candidate) StatedProtected() bool { return c.Details.Protected }

// MaskedDetails returns the candidate's details with the contact details
// (e-mail, phone, postal address) taken out when the applicant stated
// protected personal data: what an export or a disclosure copy holds,
// whoever makes it. Other candidates' details are returned as they are.
func MaskedDetails(c Candidate) applications.Snapshot {
	if c.Details.Protected {
		return c.Details.WithoutContact()
	}
	return c.Details
}

// ShownDetails returns what the viewer may see of the candidate's
// details (c.Details: set it to a version's to show that version). It is
// the one rule every staff page follows:
//   - nothing for one who may not see the recruitment, for a placeholder,
//     and while the anonymised review hides who the candidate is;
//   - for an applicant who stated protected personal data, the name only
//     (Masked set), unless the viewer manages the recruitment;
//   - else everything.
func (r Recruitment) ShownDetails(v Viewer, c Candidate) applications.Snapshot {
	switch {
	case !v.See || c.Protected() || r.HidesIdentity(c):
		return applications.Snapshot{}
	case c.Details.Protected && !v.Manage:
		return MaskedDetails(c)
	}
	return c.Details
}

// ShownDetails returns the details of the version shown, as the viewer may
// see them (Recruitment.ShownDetails).
func (p Paper) ShownDetails(r Recruitment, v Viewer) applications.Snapshot {
	c := p.Candidate
	c.Details = p.Details()
	return r.ShownDetails(v, c)
}

// markProtected makes every version of the paper, and its candidate,
// state protected personal data when any of them does: an earlier
// version sent before the applicant stated it is masked like the rest.
func (p *Paper) markProtected() {
	protected := p.Candidate.Details.Protected || p.Shown.Applicant.Protected
	for _, v := range p.Versions {
		protected = protected || v.Applicant.Protected
	}
	if !protected {
		return
	}
	p.Candidate.Details.Protected = true
	if p.Shown.Applicant != (applications.Snapshot{}) {
		p.Shown.Applicant.Protected = true
	}
	for i := range p.Versions {
		p.Versions[i].Applicant.Protected = true
	}
}
