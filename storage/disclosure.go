package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/disclosure"
)

// Collections of requests for official documents.
const (
	colDisclosureRequests = "disclosure_requests"
	// colDisclosureOutcomes holds one answer per request under its id:
	// released ones are the log of what was released to whom, never culled.
	colDisclosureOutcomes = "disclosure_outcomes"
)

// Disclosure stores requests for official documents and their answers.
type Disclosure struct{ db *DB }

// Disclosure returns the store of requests for official documents.
func (d *DB) Disclosure() *Disclosure { return &Disclosure{d} }

type disclosureRequesterDoc struct {
	Name         string `bson:"name"`
	Organisation string `bson:"organisation,omitempty"`
	Email        string `bson:"email,omitempty"`
	Phone        string `bson:"phone,omitempty"`
	Address      string `bson:"address,omitempty"`
}

type disclosureMaskingDoc struct {
	ShowIDNumbers bool     `bson:"show_id_numbers,omitempty"`
	Fields        []string `bson:"fields,omitempty"`
	Answers       []string `bson:"answers,omitempty"`
	Notes         bool     `bson:"notes,omitempty"`
	Ratings       bool     `bson:"ratings,omitempty"`
	LeftOut       []string `bson:"left_out,omitempty"`
}

type disclosureRequestDoc struct {
	ID          string                 `bson:"_id"`
	Requester   disclosureRequesterDoc `bson:"requester"`
	ArrivedOn   time.Time              `bson:"arrived_on"`
	Recruitment string                 `bson:"recruitment"`
	Ref         string                 `bson:"ref"`
	Candidates  []string               `bson:"candidates,omitempty"`
	Note        string                 `bson:"note,omitempty"`
	Masking     disclosureMaskingDoc   `bson:"masking"`
	RecordedBy  string                 `bson:"recorded_by"`
	RecordedAt  time.Time              `bson:"recorded_at"`
}

type disclosureReleasedFileDoc struct {
	Candidate int    `bson:"candidate"`
	Name      string `bson:"name"`
	SHA256    string `bson:"sha256"`
}

type disclosureReleaseDoc struct {
	Recipient   string                      `bson:"recipient"`
	Recruitment string                      `bson:"recruitment"`
	Ref         string                      `bson:"ref"`
	Candidates  []int                       `bson:"candidates"`
	Masked      []string                    `bson:"masked"`
	Files       []disclosureReleasedFileDoc `bson:"files"`
}

type disclosureOutcomeDoc struct {
	ID      string                `bson:"_id"` // the request's
	State   string                `bson:"state"`
	Reason  string                `bson:"reason,omitempty"`
	By      string                `bson:"by"`
	At      time.Time             `bson:"at"`
	Release *disclosureReleaseDoc `bson:"release,omitempty"`
}

func toDisclosureMasking(m disclosure.Masking) disclosureMaskingDoc {
	return disclosureMaskingDoc{ShowIDNumbers: m.ShowIDNumbers, Fields: m.Fields, Answers: m.Answers, Notes: m.Notes, Ratings: m.Ratings, LeftOut: m.LeftOut}
}

func (d disclosureRequestDoc) request(o *disclosureOutcomeDoc) disclosure.Request {
	r := disclosure.Request{
		ID: d.ID, ArrivedOn: d.ArrivedOn, RecruitmentID: d.Recruitment, Ref: d.Ref, CandidateIDs: d.Candidates, Note: d.Note,
		RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt,
		Requester: disclosure.Requester{Name: d.Requester.Name, Organisation: d.Requester.Organisation, Email: d.Requester.Email,
			Phone: d.Requester.Phone, Address: d.Requester.Address},
		Masking: disclosure.Masking{ShowIDNumbers: d.Masking.ShowIDNumbers, Fields: d.Masking.Fields, Answers: d.Masking.Answers,
			Notes: d.Masking.Notes, Ratings: d.Masking.Ratings, LeftOut: d.Masking.LeftOut},
	}
	if o != nil {
		r.Outcome = disclosure.Outcome{RequestID: o.ID, State: o.State, Reason: o.Reason, By: o.By, At: o.At}
		if rel := o.Release; rel != nil {
			r.Outcome.Release = &disclosure.Release{Recipient: rel.Recipient, RecruitmentID: rel.Recruitment, Ref: rel.Ref,
				Candidates: rel.Candidates, Masked: rel.Masked}
			for _, f := range rel.Files {
				r.Outcome.Release.Files = append(r.Outcome.Release.Files, disclosure.ReleasedFile{Candidate: f.Candidate, Name: f.Name, SHA256: f.SHA256})
			}
		}
	}
	return r
}

// AddRequest stores a new request.
func (s *Disclosure) AddRequest(ctx context.Context, r disclosure.Request) error {
	q := r.Requester
	doc := disclosureRequestDoc{ID: r.ID, ArrivedOn: r.ArrivedOn, Recruitment: r.RecruitmentID, Ref: r.Ref, Candidates: r.CandidateIDs,
		Note: r.Note, Masking: toDisclosureMasking(r.Masking), RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt,
		Requester: disclosureRequesterDoc{Name: q.Name, Organisation: q.Organisation, Email: q.Email, Phone: q.Phone, Address: q.Address}}
	_, err := s.db.c(colDisclosureRequests).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return disclosure.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: add request: %w", err)
	}
	return nil
}

// Request returns one request with its answer.
func (s *Disclosure) Request(ctx context.Context, id string) (disclosure.Request, error) {
	doc, err := findOne[disclosureRequestDoc](ctx, s.db.c(colDisclosureRequests), id, disclosure.ErrNotFound)
	if err != nil {
		return disclosure.Request{}, err
	}
	outs, err := findAll[disclosureOutcomeDoc](ctx, s.db.c(colDisclosureOutcomes), bson.M{"_id": id}, nil, 1)
	if err != nil {
		return disclosure.Request{}, err
	}
	if len(outs) == 1 {
		return doc.request(&outs[0]), nil
	}
	return doc.request(nil), nil
}

// Requests returns every request with its answer, newest first.
func (s *Disclosure) Requests(ctx context.Context) ([]disclosure.Request, error) {
	docs, err := findAll[disclosureRequestDoc](ctx, s.db.c(colDisclosureRequests), bson.M{}, bson.D{{Key: "recorded_at", Value: -1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	outs, err := findAll[disclosureOutcomeDoc](ctx, s.db.c(colDisclosureOutcomes), bson.M{}, nil, 0)
	if err != nil {
		return nil, err
	}
	byReq := make(map[string]*disclosureOutcomeDoc, len(outs))
	for i := range outs {
		byReq[outs[i].ID] = &outs[i]
	}
	out := make([]disclosure.Request, len(docs))
	for i, d := range docs {
		out[i] = d.request(byReq[d.ID])
	}
	return out, nil
}

// SaveMasking replaces a request's masking.
func (s *Disclosure) SaveMasking(ctx context.Context, id string, m disclosure.Masking) error {
	res, err := s.db.c(colDisclosureRequests).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"masking": toDisclosureMasking(m)}})
	if err != nil {
		return fmt.Errorf("storage: save masking: %w", err)
	}
	if res.MatchedCount == 0 {
		return disclosure.ErrNotFound
	}
	return nil
}

// AddOutcome stores the answer to a request, once.
func (s *Disclosure) AddOutcome(ctx context.Context, o disclosure.Outcome) error {
	doc := disclosureOutcomeDoc{ID: o.RequestID, State: o.State, Reason: o.Reason, By: o.By, At: o.At}
	if rel := o.Release; rel != nil {
		doc.Release = &disclosureReleaseDoc{Recipient: rel.Recipient, Recruitment: rel.RecruitmentID, Ref: rel.Ref,
			Candidates: rel.Candidates, Masked: rel.Masked, Files: []disclosureReleasedFileDoc{}}
		for _, f := range rel.Files {
			doc.Release.Files = append(doc.Release.Files, disclosureReleasedFileDoc{Candidate: f.Candidate, Name: f.Name, SHA256: f.SHA256})
		}
	}
	_, err := s.db.c(colDisclosureOutcomes).InsertOne(ctx, doc)
	if isDuplicate(err) {
		return disclosure.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: add outcome: %w", err)
	}
	return nil
}
