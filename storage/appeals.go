package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/jobs"
	"portal/retention"
)

const colAppeals = "retention_appeals"

type appealDoc struct {
	ID          string    `bson:"_id"`
	Recruitment string    `bson:"recruitment"`
	Candidate   string    `bson:"candidate,omitempty"`
	Name        string    `bson:"name,omitempty"`
	ArrivedOn   string    `bson:"arrived_on"`
	Court       string    `bson:"court,omitempty"`
	CaseNumber  string    `bson:"case_number,omitempty"`
	Hold        string    `bson:"hold"`
	RecordedBy  string    `bson:"recorded_by"`
	RecordedAt  time.Time `bson:"recorded_at"`
}

// AddAppeal stores a new appeal of a decision.
func (s *Retention) AddAppeal(ctx context.Context, a retention.Appeal) error {
	_, err := s.db.c(colAppeals).InsertOne(ctx, appealDoc{ID: a.ID, Recruitment: a.RecruitmentID, Candidate: a.CandidateID, Name: a.Name,
		ArrivedOn: a.ArrivedOn.String(), Court: a.Court, CaseNumber: a.CaseNumber, Hold: a.HoldID, RecordedBy: a.RecordedBy, RecordedAt: a.RecordedAt})
	if isDuplicate(err) {
		return retention.ErrExists
	}
	if err != nil {
		return fmt.Errorf("storage: add appeal: %w", err)
	}
	return nil
}

// Appeals returns the recruitment's appeals, oldest first.
func (s *Retention) Appeals(ctx context.Context, recruitmentID string) ([]retention.Appeal, error) {
	docs, err := findAll[appealDoc](ctx, s.db.c(colAppeals), bson.M{"recruitment": recruitmentID},
		bson.D{{Key: "recorded_at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: appeals: %w", err)
	}
	out := make([]retention.Appeal, len(docs))
	for i, d := range docs {
		arrived, _ := jobs.ParseDay(d.ArrivedOn)
		out[i] = retention.Appeal{ID: d.ID, RecruitmentID: d.Recruitment, CandidateID: d.Candidate, Name: d.Name, ArrivedOn: arrived,
			Court: d.Court, CaseNumber: d.CaseNumber, HoldID: d.Hold, RecordedBy: d.RecordedBy, RecordedAt: d.RecordedAt}
	}
	return out, nil
}
