package disclosure

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"portal/applications"
	"portal/jobs"
	"portal/recruiting"
)

// Copies reads what a request names and builds its disclosure copy. It
// reads the applications as their recruiters see them, and records every
// look in the recruitments' access log as kind "disclosure".
type Copies struct {
	Candidates interface {
		Candidate(ctx context.Context, id string) (recruiting.Candidate, error)
		CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
	}
	Versions   recruiting.VersionStore
	Registered interface {
		RegisteredAnswers(ctx context.Context, candidateID string) (jobs.Answers, error)
	}
	Files   recruiting.FileRecords
	Blobs   recruiting.FileBlobs
	Reviews interface {
		RatingsOf(ctx context.Context, candidateID string) ([]recruiting.Rating, error)
		NotesOf(ctx context.Context, candidateID string) ([]recruiting.Note, error)
	}
	Ads interface {
		AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
	}
	Log interface {
		AddAccess(ctx context.Context, a recruiting.Access) error
	}
	Now func() time.Time
}

// Copy is what a request's disclosure copy holds, masked as chosen.
type Copy struct {
	Request Opened
	Built   time.Time
	// Questions are the ad's screening questions, for choosing which
	// answers to mask.
	Questions []jobs.Question
	Items     []Item
}

// Item is one application in a copy.
type Item struct {
	Candidate recruiting.Candidate
	// Placeholder: an applicant with protected personal data who applied
	// on paper; the portal holds nothing of the application.
	Placeholder bool
	// Protected: the applicant stated protected personal data, so their
	// contact details are masked whatever is chosen.
	Protected bool
	// Name is the applicant's name as the copy shows it.
	Name     string
	Details  []Line
	Answers  []Line
	Versions []VersionLine
	Files    []File
	Ratings  []Line // empty unless chosen
	Notes    []Line // empty unless chosen
	// Latest is the number of the version the copy shows; 0 for one
	// registered by hand.
	Latest int
	// HiddenFields are the details masked for this applicant.
	HiddenFields []string
}

// Label is how the copy names the application: "Sökande N".
func (it Item) Label() string { return fmt.Sprintf("Sökande %d", it.Candidate.Number) }

// Line is one labelled value.
type Line struct {
	Label string
	Value string
}

// VersionLine is one submitted version in the list of versions.
type VersionLine struct {
	N     int
	At    time.Time
	Files int
}

// File is one attached file of the shown version.
type File struct {
	ID     string
	Name   string // with identity numbers masked
	Size   int64
	SHA256 string
	key    string
	// Included: the file goes in the copy (the registrar did not leave it
	// out and the file is there to read).
	Included bool
	// Missing: the record or its content is gone.
	Missing bool
}

// Plan reads what the request's copy holds, without any file's content.
func (s *Copies) Plan(ctx context.Context, o Opened) (Copy, error) {
	c := Copy{Request: o, Built: s.Now()}
	ad, err := s.Ads.AdByRef(ctx, o.Ref)
	if err != nil && !errors.Is(err, jobs.ErrNotFound) {
		return c, err
	}
	c.Questions = ad.Questions
	var cands []recruiting.Candidate
	if o.WholeRecruitment() {
		if cands, err = s.Candidates.CandidatesOf(ctx, o.RecruitmentID); err != nil {
			return c, err
		}
	} else {
		for _, id := range o.CandidateIDs {
			cand, err := s.Candidates.Candidate(ctx, id)
			if errors.Is(err, recruiting.ErrNotFound) {
				continue // culled since: nothing left to give out
			}
			if err != nil {
				return c, err
			}
			cands = append(cands, cand)
		}
	}
	slices.SortFunc(cands, func(a, b recruiting.Candidate) int { return a.Number - b.Number })
	for _, cand := range cands {
		if cand.RecruitmentID != o.RecruitmentID {
			continue
		}
		it, err := s.item(ctx, o.Masking, ad.Questions, cand)
		if err != nil {
			return c, err
		}
		c.Items = append(c.Items, it)
	}
	return c, nil
}

func (s *Copies) item(ctx context.Context, m Masking, questions []jobs.Question, cand recruiting.Candidate) (Item, error) {
	it := Item{Candidate: cand}
	if cand.Protected() {
		it.Placeholder, it.Protected, it.Name = true, true, Masked
		return it, nil
	}
	var shown applications.Version
	if cand.Source == recruiting.SourcePortal {
		versions, err := s.Versions.Versions(ctx, cand.ID)
		if err != nil {
			return it, err
		}
		for _, v := range versions {
			it.Versions = append(it.Versions, VersionLine{N: v.N, At: v.At, Files: len(v.Attachments)})
		}
		if len(versions) > 0 {
			shown = versions[len(versions)-1]
			it.Latest = shown.N
		}
	} else {
		answers, err := s.Registered.RegisteredAnswers(ctx, cand.ID)
		if err != nil {
			return it, err
		}
		shown = applications.Version{At: cand.ArrivedAt, Answers: answers}
		files, err := s.Files.AttachmentsOf(ctx, cand.ID)
		if err != nil {
			return it, err
		}
		for _, f := range files {
			if f.State == applications.AttachmentStored {
				shown.Attachments = append(shown.Attachments, f)
			}
		}
	}
	d := shown.Applicant
	if d == (applications.Snapshot{}) {
		d = cand.Details
	}
	it.Protected = d.Protected
	mk := NewMasker(m, d)
	for _, f := range Fields {
		if mk.Hides(f) {
			it.HiddenFields = append(it.HiddenFields, f)
		}
	}
	it.Name = mk.Field(FieldName, d.Name())
	it.Details = []Line{
		{"Namn", it.Name},
		{"E-post", mk.Field(FieldEmail, d.Email)},
		{"Telefon", mk.Field(FieldPhone, d.Phone)},
		{"Adress", mk.Field(FieldAddress, strings.TrimSpace(d.Street+"\n"+strings.TrimSpace(d.PostalCode+" "+d.Town)+"\n"+d.Country))},
	}
	it.Answers = answerLines(mk, questions, shown.Answers)
	for _, a := range shown.Attachments {
		f := File{ID: a.ID, Name: mk.Text(a.Name), Size: a.Size, SHA256: a.SHA256}
		rec, err := s.Files.Attachment(ctx, a.ID)
		switch {
		case errors.Is(err, applications.ErrNotFound):
			f.Missing = true
		case err != nil:
			return it, err
		case rec.State != applications.AttachmentStored:
			f.Missing = true
		default:
			f.key = rec.Key
			if f.SHA256 == "" {
				f.SHA256 = rec.SHA256
			}
		}
		f.Included = !f.Missing && !m.LeavesOut(a.ID)
		it.Files = append(it.Files, f)
	}
	if m.Ratings {
		ratings, err := s.Reviews.RatingsOf(ctx, cand.ID)
		if err != nil {
			return it, err
		}
		for _, r := range ratings {
			v := fmt.Sprintf("%d av 5", r.Score)
			if r.Comment != "" {
				v += ": " + mk.Text(r.Comment)
			}
			it.Ratings = append(it.Ratings, Line{r.PersonID + ", " + r.At.In(Stockholm).Format("2006-01-02"), v})
		}
	}
	if m.Notes {
		notes, err := s.Reviews.NotesOf(ctx, cand.ID)
		if err != nil {
			return it, err
		}
		for _, n := range notes {
			it.Notes = append(it.Notes, Line{n.PersonID + ", " + n.At.In(Stockholm).Format("2006-01-02 15:04"), mk.Text(n.Text)})
		}
	}
	return it, nil
}

// answerLines are the answers in the order of the ad's questions, then
// any the ad no longer asks, masked as chosen.
func answerLines(mk *Masker, questions []jobs.Question, answers jobs.Answers) []Line {
	var out []Line
	seen := map[string]bool{}
	value := func(q jobs.Question, vals []string) string {
		if mk.HidesAnswer(q.ID) && len(vals) > 0 {
			return Masked
		}
		shown := make([]string, len(vals))
		for i, v := range vals {
			switch {
			case q.Type == jobs.QuestionYesNo && v == "yes":
				v = "Ja"
			case q.Type == jobs.QuestionYesNo && v == "no":
				v = "Nej"
			}
			shown[i] = mk.Text(v)
		}
		if len(shown) == 0 {
			return "–"
		}
		return strings.Join(shown, ", ")
	}
	for _, q := range questions {
		seen[q.ID] = true
		out = append(out, Line{mk.Text(q.Text), value(q, answers[q.ID])})
	}
	var rest []string
	for id := range answers {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		out = append(out, Line{id, value(jobs.Question{ID: id}, answers[id])})
	}
	return out
}

// MaskedSummary says in words what the copy masks and leaves out, for
// the manifest and the log of releases.
func (c Copy) MaskedSummary() []string {
	m := c.Request.Masking
	var out []string
	if !m.ShowIDNumbers {
		out = append(out, "Personnummer och samordningsnummer i all text")
	}
	names := map[string]string{FieldName: "Namn", FieldEmail: "E-postadress", FieldPhone: "Telefonnummer", FieldAddress: "Adress"}
	for _, f := range m.Fields {
		out = append(out, names[f]+" (alla sökande)")
	}
	for _, it := range c.Items {
		if it.Protected {
			out = append(out, it.Label()+": kontaktuppgifter (skyddade personuppgifter)")
		}
	}
	for _, q := range c.Questions {
		if m.MasksAnswer(q.ID) {
			out = append(out, "Svaren på frågan \""+q.Text+"\"")
		}
	}
	if !m.Notes {
		out = append(out, "Interna anteckningar lämnas inte ut")
	}
	if !m.Ratings {
		out = append(out, "Betyg lämnas inte ut")
	}
	for _, it := range c.Items {
		for _, f := range it.Files {
			if !f.Included {
				why := "lämnas inte ut"
				if f.Missing {
					why = "finns inte längre"
				}
				out = append(out, it.Label()+": bilagan "+f.Name+" "+why)
			}
		}
	}
	return out
}

// Logged records in the access log that the person read the
// applications of the copy, as kind "disclosure".
func (s *Copies) Logged(ctx context.Context, personID string, c Copy) error {
	for _, it := range c.Items {
		if it.Placeholder {
			continue
		}
		err := s.Log.AddAccess(ctx, recruiting.Access{RecruitmentID: it.Candidate.RecruitmentID, CandidateID: it.Candidate.ID,
			PersonID: personID, Kind: AccessDisclosure, Version: it.Latest, At: s.Now()})
		if err != nil {
			return err
		}
	}
	return nil
}

// FileName is the name the copy is downloaded under.
func (c Copy) FileName() string {
	return "utlamnande-" + safeName(c.Request.Ref) + "-" + c.Built.In(Stockholm).Format("2006-01-02") + ".zip"
}

// Write writes the copy as one ZIP package: per application a PDF and
// the files not left out, and a manifest of what is in it, what was
// masked, for whom and when. Every application read is first recorded in
// the access log.
func (s *Copies) Write(ctx context.Context, w io.Writer, personID string, c Copy) error {
	if err := s.Logged(ctx, personID, c); err != nil {
		return err
	}
	z := zip.NewWriter(w)
	var contents []string
	add := func(name string, write func(io.Writer) error) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: c.Built})
		if err != nil {
			return err
		}
		h := sha256.New()
		if err := write(io.MultiWriter(f, h)); err != nil {
			return err
		}
		contents = append(contents, name+"  SHA-256 "+hex.EncodeToString(h.Sum(nil)))
		return nil
	}
	for _, it := range c.Items {
		dir := fmt.Sprintf("sokande-%03d", it.Candidate.Number)
		if err := add(dir+"/ansokan.pdf", func(w io.Writer) error { return writePDF(w, c, it) }); err != nil {
			return fmt.Errorf("disclosure: pdf: %w", err)
		}
		n := 0
		for _, f := range it.Files {
			if !f.Included {
				continue
			}
			n++
			err := add(fmt.Sprintf("%s/bilagor/%d-%s", dir, n, safeName(f.Name)), func(w io.Writer) error {
				rc, err := s.Blobs.Get(ctx, f.key)
				if err != nil {
					return err
				}
				defer rc.Close()
				_, err = io.Copy(w, rc)
				return err
			})
			if err != nil {
				return fmt.Errorf("disclosure: file %s: %w", f.ID, err)
			}
		}
	}
	mf, err := z.CreateHeader(&zip.FileHeader{Name: "innehall.txt", Method: zip.Deflate, Modified: c.Built})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(mf, c.manifest(personID, contents)); err != nil {
		return err
	}
	return z.Close()
}

// manifest is the package's table of contents in Swedish.
func (c Copy) manifest(personID string, contents []string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	o := c.Request
	line("Utlämnande av allmän handling")
	line("")
	line("Begäran: %s, inkom %s", o.ID, o.ArrivedOn.In(Stockholm).Format("2006-01-02"))
	line("Mottagare: %s", o.Requester.Name)
	if o.Requester.Organisation != "" {
		line("Organisation: %s", o.Requester.Organisation)
	}
	line("Rekrytering: %s, %s", o.Ref, o.Recruitment.Title)
	line("Sammanställd: %s av %s", c.Built.In(Stockholm).Format("2006-01-02 15:04"), personID)
	line("")
	line("Ansökningar:")
	for _, it := range c.Items {
		switch {
		case it.Placeholder:
			line("  %s: sökande med skyddade personuppgifter, ansökan på papper, finns inte i kopian", it.Label())
		default:
			line("  %s, version %d, %d bilagor i kopian", it.Label(), it.Latest, countIncluded(it.Files))
		}
	}
	line("")
	line("Maskerat och utelämnat (%s ersätter maskerade uppgifter):", Masked)
	for _, m := range c.MaskedSummary() {
		line("  %s", m)
	}
	line("")
	line("Bifogade filer kan inte maskeras automatiskt; de har granskats av registratorn.")
	line("")
	line("Innehåll:")
	for _, f := range contents {
		line("  %s", f)
	}
	return b.String()
}

func countIncluded(files []File) int {
	n := 0
	for _, f := range files {
		if f.Included {
			n++
		}
	}
	return n
}

// safeName makes a file name safe inside the package: no directories,
// no control characters, at most 80 characters.
func safeName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == ':' {
			return '_'
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "" || name == "/" {
		name = "fil"
	}
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	return name
}
