package storage

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/recruiting"
)

// Recruitments stores recruitments and their candidates.
type Recruitments struct{ db *DB }

// Recruitments returns the recruitment store.
func (d *DB) Recruitments() *Recruitments { return &Recruitments{d} }

type memberDoc struct {
	Person string `bson:"person"`
	Role   string `bson:"role"`
	Notify string `bson:"notify"`
}

type recruitmentDoc struct {
	ID         string      `bson:"_id"`
	Ref        string      `bson:"ref"`
	Unit       string      `bson:"unit"`
	Title      string      `bson:"title"`
	Positions  int         `bson:"positions"`
	Anonymised bool        `bson:"anonymised"`
	Group      []memberDoc `bson:"group"`
	CreatedBy  string      `bson:"created_by"`
	CreatedAt  time.Time   `bson:"created_at"`
	UpdatedAt  time.Time   `bson:"updated_at"`
}

func toMemberDocs(ms []recruiting.Member) []memberDoc {
	out := make([]memberDoc, len(ms))
	for i, m := range ms {
		out[i] = memberDoc{Person: m.PersonID, Role: m.Role, Notify: m.Notify}
	}
	return out
}

func (d recruitmentDoc) recruitment() recruiting.Recruitment {
	r := recruiting.Recruitment{ID: d.ID, Ref: d.Ref, UnitID: d.Unit, Title: d.Title, Positions: d.Positions, Anonymised: d.Anonymised,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	for _, m := range d.Group {
		r.Group = append(r.Group, recruiting.Member{PersonID: m.Person, Role: m.Role, Notify: m.Notify})
	}
	return r
}

// CreateRecruitment stores a new recruitment under a new id; a reference
// number in use is recruiting.ErrExists.
func (s *Recruitments) CreateRecruitment(ctx context.Context, r recruiting.Recruitment) (string, error) {
	doc := recruitmentDoc{ID: bson.NewObjectID().Hex(), Ref: r.Ref, Unit: r.UnitID, Title: r.Title, Positions: r.Positions,
		Anonymised: r.Anonymised, Group: toMemberDocs(r.Group), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if _, err := s.db.c(colRecruitments).InsertOne(ctx, doc); err != nil {
		if isDuplicate(err) {
			return "", recruiting.ErrExists
		}
		return "", fmt.Errorf("storage: create recruitment: %w", err)
	}
	return doc.ID, nil
}

// Recruitment returns one recruitment, or recruiting.ErrNotFound.
func (s *Recruitments) Recruitment(ctx context.Context, id string) (recruiting.Recruitment, error) {
	d, err := findOne[recruitmentDoc](ctx, s.db.c(colRecruitments), id, recruiting.ErrNotFound)
	return d.recruitment(), err
}

// RecruitmentByRef returns the recruitment of an ad, or
// recruiting.ErrNotFound.
func (s *Recruitments) RecruitmentByRef(ctx context.Context, ref string) (recruiting.Recruitment, error) {
	docs, err := findAll[recruitmentDoc](ctx, s.db.c(colRecruitments), bson.M{"ref": ref}, bson.D{{Key: "_id", Value: 1}}, 1)
	if err != nil {
		return recruiting.Recruitment{}, err
	}
	if len(docs) == 0 {
		return recruiting.Recruitment{}, recruiting.ErrNotFound
	}
	return docs[0].recruitment(), nil
}

// Recruitments returns every recruitment, newest first.
func (s *Recruitments) Recruitments(ctx context.Context) ([]recruiting.Recruitment, error) {
	docs, err := findAll[recruitmentDoc](ctx, s.db.c(colRecruitments), bson.M{}, bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Recruitment, len(docs))
	for i, d := range docs {
		out[i] = d.recruitment()
	}
	return out, nil
}

// SaveGroup replaces the group and the anonymisation choice.
func (s *Recruitments) SaveGroup(ctx context.Context, id string, group []recruiting.Member, anonymised bool, at time.Time) error {
	res, err := s.db.c(colRecruitments).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$set": bson.M{"group": toMemberDocs(group), "anonymised": anonymised, "updated_at": at}})
	if err != nil {
		return fmt.Errorf("storage: save recruitment group: %w", err)
	}
	if res.MatchedCount == 0 {
		return recruiting.ErrNotFound
	}
	return nil
}

// CountRefs returns how many reference numbers start with prefix.
func (s *Recruitments) CountRefs(ctx context.Context, prefix string) (int64, error) {
	n, err := s.db.c(colRecruitments).CountDocuments(ctx, bson.M{"ref": bson.M{"$regex": "^" + regexp.QuoteMeta(prefix)}})
	if err != nil {
		return 0, fmt.Errorf("storage: count recruitments: %w", err)
	}
	return n, nil
}

type candidateDoc struct {
	ID           string       `bson:"_id"`
	Recruitment  string       `bson:"recruitment"`
	Number       int          `bson:"number"`
	Source       string       `bson:"source"`
	Applicant    string       `bson:"applicant,omitempty"`
	Details      *snapshotDoc `bson:"details,omitempty"`
	Lang         string       `bson:"lang,omitempty"`
	ArrivedAt    time.Time    `bson:"arrived_at"`
	RegisteredBy string       `bson:"registered_by,omitempty"`
	Stage        string       `bson:"stage"`
	StageAt      time.Time    `bson:"stage_at"`
	Revealed     bool         `bson:"revealed,omitempty"`
	ArchivedAt   time.Time    `bson:"archived_at,omitempty"`
}

func (d candidateDoc) candidate() recruiting.Candidate {
	c := recruiting.Candidate{ID: d.ID, RecruitmentID: d.Recruitment, Number: d.Number, Source: d.Source, Applicant: d.Applicant,
		Lang: d.Lang, ArrivedAt: d.ArrivedAt, RegisteredBy: d.RegisteredBy, Stage: d.Stage, StageAt: d.StageAt, Revealed: d.Revealed,
		ArchivedAt: d.ArchivedAt}
	if d.Details != nil {
		c.Details = fromSnapshotDoc(*d.Details)
	}
	return c
}

// AddCandidate stores a candidate; one with the same id is
// recruiting.ErrExists.
func (s *Recruitments) AddCandidate(ctx context.Context, c recruiting.Candidate) error {
	doc := candidateDoc{ID: c.ID, Recruitment: c.RecruitmentID, Number: c.Number, Source: c.Source, Applicant: c.Applicant, Lang: c.Lang,
		ArrivedAt: c.ArrivedAt, RegisteredBy: c.RegisteredBy, Stage: c.Stage, StageAt: c.StageAt, Revealed: c.Revealed, Details: toSnapshotDoc(c.Details)}
	if _, err := s.db.c(colCandidates).InsertOne(ctx, doc); err != nil {
		if isDuplicate(err) {
			return recruiting.ErrExists
		}
		return fmt.Errorf("storage: add candidate: %w", err)
	}
	return nil
}

// ClaimNumber takes a candidate number in a recruitment by inserting it
// under a unique id; a number taken is recruiting.ErrExists.
func (s *Recruitments) ClaimNumber(ctx context.Context, recruitmentID string, n int, candidateID string) error {
	_, err := s.db.c(colNumbers).InsertOne(ctx, bson.M{"_id": fmt.Sprintf("%s:%d", recruitmentID, n), "recruitment": recruitmentID, "candidate": candidateID})
	if isDuplicate(err) {
		return recruiting.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: claim candidate number: %w", err)
	}
	return nil
}

// CountNumbers returns how many numbers a recruitment has given.
func (s *Recruitments) CountNumbers(ctx context.Context, recruitmentID string) (int64, error) {
	n, err := s.db.c(colNumbers).CountDocuments(ctx, bson.M{"recruitment": recruitmentID})
	if err != nil {
		return 0, fmt.Errorf("storage: count candidate numbers: %w", err)
	}
	return n, nil
}

// Candidate returns one candidate, or recruiting.ErrNotFound.
func (s *Recruitments) Candidate(ctx context.Context, id string) (recruiting.Candidate, error) {
	d, err := findOne[candidateDoc](ctx, s.db.c(colCandidates), id, recruiting.ErrNotFound)
	return d.candidate(), err
}

// CandidatesOf returns a recruitment's candidates in order of arrival.
func (s *Recruitments) CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error) {
	docs, err := findAll[candidateDoc](ctx, s.db.c(colCandidates), bson.M{"recruitment": recruitmentID}, bson.D{{Key: "number", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Candidate, len(docs))
	for i, d := range docs {
		out[i] = d.candidate()
	}
	return out, nil
}

type stageEventDoc struct {
	ID          bson.ObjectID `bson:"_id"`
	Candidate   string        `bson:"candidate"`
	Recruitment string        `bson:"recruitment"`
	From        string        `bson:"from"`
	To          string        `bson:"to"`
	Reason      string        `bson:"reason,omitempty"`
	By          string        `bson:"by"`
	At          time.Time     `bson:"at"`
}

// AddStageEvents records moves between stages; they are only inserted.
func (s *Recruitments) AddStageEvents(ctx context.Context, events []recruiting.StageEvent) error {
	docs := make([]any, len(events))
	for i, e := range events {
		docs[i] = stageEventDoc{ID: bson.NewObjectID(), Candidate: e.CandidateID, Recruitment: e.RecruitmentID, From: e.From, To: e.To,
			Reason: e.Reason, By: e.By, At: e.At}
	}
	if _, err := s.db.c(colStageEvents).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("storage: add stage events: %w", err)
	}
	return nil
}

// SetStage sets a candidate's current stage; revealed is only ever set,
// never taken back.
func (s *Recruitments) SetStage(ctx context.Context, candidateID, stage string, at time.Time, revealed bool) error {
	set := bson.M{"stage": stage, "stage_at": at}
	if revealed {
		set["revealed"] = true
	}
	res, err := s.db.c(colCandidates).UpdateOne(ctx, bson.M{"_id": candidateID}, bson.M{"$set": set})
	if err != nil {
		return fmt.Errorf("storage: set stage: %w", err)
	}
	if res.MatchedCount == 0 {
		return recruiting.ErrNotFound
	}
	return nil
}

// StageEvents returns the moves of one candidate, oldest first.
func (s *Recruitments) StageEvents(ctx context.Context, candidateID string) ([]recruiting.StageEvent, error) {
	docs, err := findAll[stageEventDoc](ctx, s.db.c(colStageEvents), bson.M{"candidate": candidateID}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.StageEvent, len(docs))
	for i, d := range docs {
		out[i] = recruiting.StageEvent{CandidateID: d.Candidate, RecruitmentID: d.Recruitment, From: d.From, To: d.To, Reason: d.Reason, By: d.By, At: d.At}
	}
	return out, nil
}
