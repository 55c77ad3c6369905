package storage

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"portal/jobs"
	"portal/recruiting"
)

// Collections of the recruiters' messages and decisions.
const (
	colRecruitTemplates = "recruitment_templates"
	colRecruitMessages  = "recruitment_messages"
	colDecisions        = "recruitment_decisions"
	colStatements       = "recruitment_statements"
)

// RecruitDecisions stores message templates, the messages sent to
// candidates, employment decisions, the stage changes they make and the
// requests for statements.
type RecruitDecisions struct{ db *DB }

// RecruitDecisions returns the store of messages and decisions.
func (d *DB) RecruitDecisions() *RecruitDecisions { return &RecruitDecisions{d} }

type templateTextDoc struct {
	Subject string `bson:"subject"`
	Body    string `bson:"body"`
}

type templateDoc struct {
	ID        string                     `bson:"_id"`
	Texts     map[string]templateTextDoc `bson:"texts"`
	UpdatedBy string                     `bson:"updated_by"`
	UpdatedAt time.Time                  `bson:"updated_at"`
}

// SavedTemplates returns every changed template.
func (s *RecruitDecisions) SavedTemplates(ctx context.Context) ([]recruiting.Template, error) {
	docs, err := findAll[templateDoc](ctx, s.db.c(colRecruitTemplates), bson.M{}, byID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Template, len(docs))
	for i, d := range docs {
		out[i] = recruiting.Template{ID: d.ID, Texts: map[string]recruiting.Text{}, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt}
		for lang, x := range d.Texts {
			out[i].Texts[lang] = recruiting.Text{Subject: x.Subject, Body: x.Body}
		}
	}
	return out, nil
}

// SaveTemplate stores a changed template in place of the earlier one.
func (s *RecruitDecisions) SaveTemplate(ctx context.Context, t recruiting.Template) error {
	doc := templateDoc{ID: t.ID, Texts: map[string]templateTextDoc{}, UpdatedBy: t.UpdatedBy, UpdatedAt: t.UpdatedAt}
	for lang, x := range t.Texts {
		doc.Texts[lang] = templateTextDoc{Subject: x.Subject, Body: x.Body}
	}
	if err := replace(ctx, s.db.c(colRecruitTemplates), t.ID, doc); err != nil {
		return fmt.Errorf("storage: save template: %w", err)
	}
	return nil
}

type logEntryDoc struct {
	Key         string    `bson:"_id"`
	Recruitment string    `bson:"recruitment"`
	Candidate   string    `bson:"candidate"`
	Kind        string    `bson:"kind"`
	Template    string    `bson:"template"`
	Lang        string    `bson:"lang"`
	Subject     string    `bson:"subject"`
	Body        string    `bson:"body"`
	By          string    `bson:"by"`
	At          time.Time `bson:"at"`
}

func (d logEntryDoc) entry() recruiting.LogEntry {
	return recruiting.LogEntry{Key: d.Key, RecruitmentID: d.Recruitment, CandidateID: d.Candidate, Kind: d.Kind, TemplateID: d.Template,
		Lang: d.Lang, Subject: d.Subject, Body: d.Body, By: d.By, At: d.At}
}

// AddEntry stores a log entry under its key; a key stored is
// recruiting.ErrExists.
func (s *RecruitDecisions) AddEntry(ctx context.Context, e recruiting.LogEntry) error {
	doc := logEntryDoc{Key: e.Key, Recruitment: e.RecruitmentID, Candidate: e.CandidateID, Kind: e.Kind, Template: e.TemplateID,
		Lang: e.Lang, Subject: e.Subject, Body: e.Body, By: e.By, At: e.At}
	return insertOnce(ctx, s.db.c(colRecruitMessages), doc, "log message")
}

// Entry returns the entry with the key, or recruiting.ErrNotFound.
func (s *RecruitDecisions) Entry(ctx context.Context, key string) (recruiting.LogEntry, error) {
	d, err := findOne[logEntryDoc](ctx, s.db.c(colRecruitMessages), key, recruiting.ErrNotFound)
	return d.entry(), err
}

// EntriesOf returns the entries of the candidates, oldest first.
func (s *RecruitDecisions) EntriesOf(ctx context.Context, candidateIDs []string) ([]recruiting.LogEntry, error) {
	if len(candidateIDs) == 0 {
		return nil, nil
	}
	docs, err := findAll[logEntryDoc](ctx, s.db.c(colRecruitMessages), bson.M{"candidate": bson.M{"$in": candidateIDs}},
		bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.LogEntry, len(docs))
	for i, d := range docs {
		out[i] = d.entry()
	}
	return out, nil
}

type decisionDoc struct {
	Recruitment string    `bson:"_id"`
	Outcome     string    `bson:"outcome"`
	Hired       []string  `bson:"hired"`
	Reason      string    `bson:"reason,omitempty"`
	DecidedOn   string    `bson:"decided_on"`
	DecidedBy   string    `bson:"decided_by"`
	PostedOn    string    `bson:"posted_on"`
	AppealDays  int       `bson:"appeal_days"`
	AppealUntil string    `bson:"appeal_until"`
	FinalOn     string    `bson:"final_on"`
	At          time.Time `bson:"at"`
}

// AddDecision stores the decision under the recruitment's id; a second
// one is recruiting.ErrExists.
func (s *RecruitDecisions) AddDecision(ctx context.Context, d recruiting.Decision) error {
	doc := decisionDoc{Recruitment: d.RecruitmentID, Outcome: d.Outcome, Hired: d.Hired, Reason: d.Reason, DecidedOn: d.DecidedOn.String(),
		DecidedBy: d.DecidedBy, PostedOn: d.PostedOn.String(), AppealDays: d.AppealDays, AppealUntil: d.AppealUntil.String(),
		FinalOn: d.FinalOn.String(), At: d.At}
	return insertOnce(ctx, s.db.c(colDecisions), doc, "add decision")
}

// Decision returns the recruitment's decision, or recruiting.ErrNotFound.
func (s *RecruitDecisions) Decision(ctx context.Context, recruitmentID string) (recruiting.Decision, error) {
	d, err := findOne[decisionDoc](ctx, s.db.c(colDecisions), recruitmentID, recruiting.ErrNotFound)
	if err != nil {
		return recruiting.Decision{}, err
	}
	day := func(s string) jobs.Day {
		v, _ := jobs.ParseDay(s)
		return v
	}
	return recruiting.Decision{RecruitmentID: d.Recruitment, Outcome: d.Outcome, Hired: d.Hired, Reason: d.Reason, DecidedOn: day(d.DecidedOn),
		DecidedBy: d.DecidedBy, PostedOn: day(d.PostedOn), AppealDays: d.AppealDays, AppealUntil: day(d.AppealUntil),
		FinalOn: day(d.FinalOn), At: d.At}, nil
}

// AddKeyedStageEvent records a stage change among the others, under an
// id made from the key, so that it is recorded once; a key recorded is
// recruiting.ErrExists.
func (s *RecruitDecisions) AddKeyedStageEvent(ctx context.Context, key string, e recruiting.StageEvent) error {
	sum := sha256.Sum256([]byte("stage-event:" + key))
	var id bson.ObjectID
	copy(id[:], sum[:])
	return insertOnce(ctx, s.db.c(colStageEvents), stageEventDoc{ID: id, Candidate: e.CandidateID, Recruitment: e.RecruitmentID,
		From: e.From, To: e.To, Reason: e.Reason, By: e.By, At: e.At}, "add stage event")
}

type statementDoc struct {
	ID          string     `bson:"_id"`
	Recruitment string     `bson:"recruitment"`
	Candidate   string     `bson:"candidate"`
	Applicant   string     `bson:"applicant"`
	N           int        `bson:"n"`
	At          time.Time  `bson:"at"`
	AnsweredAt  *time.Time `bson:"answered_at,omitempty"`
}

func (d statementDoc) request() recruiting.StatementRequest {
	q := recruiting.StatementRequest{ID: d.ID, RecruitmentID: d.Recruitment, CandidateID: d.Candidate, Applicant: d.Applicant, N: d.N, At: d.At}
	if d.AnsweredAt != nil {
		q.AnsweredAt = *d.AnsweredAt
	}
	return q
}

// AddStatementRequest stores a request under its id; an id stored is
// recruiting.ErrExists.
func (s *RecruitDecisions) AddStatementRequest(ctx context.Context, q recruiting.StatementRequest) error {
	return insertOnce(ctx, s.db.c(colStatements), statementDoc{ID: q.ID, Recruitment: q.RecruitmentID, Candidate: q.CandidateID,
		Applicant: q.Applicant, N: q.N, At: q.At}, "add statement request")
}

// StatementRequest returns one request, or recruiting.ErrNotFound.
func (s *RecruitDecisions) StatementRequest(ctx context.Context, id string) (recruiting.StatementRequest, error) {
	d, err := findOne[statementDoc](ctx, s.db.c(colStatements), id, recruiting.ErrNotFound)
	return d.request(), err
}

func (s *RecruitDecisions) statements(ctx context.Context, filter bson.M) ([]recruiting.StatementRequest, error) {
	docs, err := findAll[statementDoc](ctx, s.db.c(colStatements), filter, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.StatementRequest, len(docs))
	for i, d := range docs {
		out[i] = d.request()
	}
	return out, nil
}

// StatementRequests returns the requests of the recruitments, oldest
// first.
func (s *RecruitDecisions) StatementRequests(ctx context.Context, recruitmentIDs []string) ([]recruiting.StatementRequest, error) {
	return s.statements(ctx, bson.M{"recruitment": bson.M{"$in": recruitmentIDs}})
}

// StatementRequestsOf returns the requests of the candidates, oldest
// first.
func (s *RecruitDecisions) StatementRequestsOf(ctx context.Context, candidateIDs []string) ([]recruiting.StatementRequest, error) {
	if len(candidateIDs) == 0 {
		return nil, nil
	}
	return s.statements(ctx, bson.M{"candidate": bson.M{"$in": candidateIDs}})
}

// MarkAnswered records that a request has its answer.
func (s *RecruitDecisions) MarkAnswered(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.c(colStatements).UpdateOne(ctx, bson.M{"_id": id, "answered_at": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"answered_at": at}})
	if err != nil {
		return fmt.Errorf("storage: mark statement answered: %w", err)
	}
	return nil
}

// ArrivedBetween returns the candidates that arrived from from until to,
// in order of arrival.
func (s *RecruitDecisions) ArrivedBetween(ctx context.Context, from, to time.Time) ([]recruiting.Candidate, error) {
	docs, err := findAll[candidateDoc](ctx, s.db.c(colCandidates), bson.M{"arrived_at": bson.M{"$gte": from, "$lt": to}},
		bson.D{{Key: "arrived_at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Candidate, len(docs))
	for i, d := range docs {
		out[i] = d.candidate()
	}
	return out, nil
}

// insertOnce inserts doc; a document with its _id stored is
// recruiting.ErrExists.
func insertOnce(ctx context.Context, col *mongo.Collection, doc any, what string) error {
	_, err := col.InsertOne(ctx, doc)
	if isDuplicate(err) {
		return recruiting.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: %s: %w", what, err)
	}
	return nil
}
