package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/jobs"
	"portal/recruiting"
)

// The review of applications: ratings, notes, the access log and the
// answers of applications registered by hand.
const (
	colRatings       = "recruitment_ratings"
	colNotes         = "recruitment_notes"
	colAccessLog     = "recruitment_access_log"
	colRegistrations = "recruitment_registrations"
)

// RecruitReview stores the group's ratings and notes, the access log and
// registered applications' answers.
type RecruitReview struct{ db *DB }

// RecruitReview returns the store of the review of applications.
func (d *DB) RecruitReview() *RecruitReview { return &RecruitReview{d} }

type ratingDoc struct {
	ID          string    `bson:"_id"` // candidate:person, so each reviewer has one
	Recruitment string    `bson:"recruitment"`
	Candidate   string    `bson:"candidate"`
	Person      string    `bson:"person"`
	Score       int       `bson:"score"`
	Comment     string    `bson:"comment"`
	At          time.Time `bson:"at"`
}

// PutRating inserts the person's rating of a candidate or replaces the one
// they gave. Two at once from one reviewer may both try the insert; the
// one that collides replaces instead, so one rating stays.
func (s *RecruitReview) PutRating(ctx context.Context, r recruiting.Rating) error {
	doc := ratingDoc{ID: r.CandidateID + ":" + r.PersonID, Recruitment: r.RecruitmentID, Candidate: r.CandidateID, Person: r.PersonID,
		Score: r.Score, Comment: r.Comment, At: r.At}
	var err error
	for try := 0; try < 3; try++ {
		_, err = s.db.c(colRatings).ReplaceOne(ctx, bson.M{"_id": doc.ID}, doc, options.Replace().SetUpsert(true))
		if err == nil || !isDuplicate(err) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("storage: put rating: %w", err)
	}
	return nil
}

func (d ratingDoc) rating() recruiting.Rating {
	return recruiting.Rating{CandidateID: d.Candidate, RecruitmentID: d.Recruitment, PersonID: d.Person, Score: d.Score, Comment: d.Comment, At: d.At}
}

func ratings(docs []ratingDoc) []recruiting.Rating {
	out := make([]recruiting.Rating, len(docs))
	for i, d := range docs {
		out[i] = d.rating()
	}
	return out
}

// RatingsOf returns the ratings of a candidate, oldest first.
func (s *RecruitReview) RatingsOf(ctx context.Context, candidateID string) ([]recruiting.Rating, error) {
	docs, err := findAll[ratingDoc](ctx, s.db.c(colRatings), bson.M{"candidate": candidateID}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	return ratings(docs), err
}

// RecruitmentRatings returns every rating in a recruitment.
func (s *RecruitReview) RecruitmentRatings(ctx context.Context, recruitmentID string) ([]recruiting.Rating, error) {
	docs, err := findAll[ratingDoc](ctx, s.db.c(colRatings), bson.M{"recruitment": recruitmentID}, bson.D{{Key: "_id", Value: 1}}, 0)
	return ratings(docs), err
}

type noteDoc struct {
	ID          bson.ObjectID `bson:"_id"`
	Recruitment string        `bson:"recruitment"`
	Candidate   string        `bson:"candidate"`
	Person      string        `bson:"person"`
	Text        string        `bson:"text"`
	At          time.Time     `bson:"at"`
}

// AddNote stores a note; notes are only inserted.
func (s *RecruitReview) AddNote(ctx context.Context, n recruiting.Note) error {
	doc := noteDoc{ID: bson.NewObjectID(), Recruitment: n.RecruitmentID, Candidate: n.CandidateID, Person: n.PersonID, Text: n.Text, At: n.At}
	if _, err := s.db.c(colNotes).InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("storage: add note: %w", err)
	}
	return nil
}

// NotesOf returns the notes of a candidate, oldest first.
func (s *RecruitReview) NotesOf(ctx context.Context, candidateID string) ([]recruiting.Note, error) {
	docs, err := findAll[noteDoc](ctx, s.db.c(colNotes), bson.M{"candidate": candidateID}, bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Note, len(docs))
	for i, d := range docs {
		out[i] = recruiting.Note{CandidateID: d.Candidate, RecruitmentID: d.Recruitment, PersonID: d.Person, Text: d.Text, At: d.At}
	}
	return out, nil
}

type accessDoc struct {
	ID          bson.ObjectID `bson:"_id"`
	Recruitment string        `bson:"recruitment"`
	Candidate   string        `bson:"candidate"`
	Person      string        `bson:"person"`
	Kind        string        `bson:"kind"`
	Version     int           `bson:"version,omitempty"`
	Attachment  string        `bson:"attachment,omitempty"`
	At          time.Time     `bson:"at"`
}

// AddAccess records one look at an application; the log is only inserted.
func (s *RecruitReview) AddAccess(ctx context.Context, a recruiting.Access) error {
	doc := accessDoc{ID: bson.NewObjectID(), Recruitment: a.RecruitmentID, Candidate: a.CandidateID, Person: a.PersonID, Kind: a.Kind,
		Version: a.Version, Attachment: a.Attachment, At: a.At}
	if _, err := s.db.c(colAccessLog).InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("storage: add access: %w", err)
	}
	return nil
}

func (s *RecruitReview) access(ctx context.Context, filter bson.M, order int, limit int) ([]recruiting.Access, error) {
	docs, err := findAll[accessDoc](ctx, s.db.c(colAccessLog), filter, bson.D{{Key: "at", Value: order}, {Key: "_id", Value: order}}, int64(limit))
	if err != nil {
		return nil, err
	}
	out := make([]recruiting.Access, len(docs))
	for i, d := range docs {
		out[i] = recruiting.Access{RecruitmentID: d.Recruitment, CandidateID: d.Candidate, PersonID: d.Person, Kind: d.Kind,
			Version: d.Version, Attachment: d.Attachment, At: d.At}
	}
	return out, nil
}

// AccessOfCandidate returns the log of one candidate, newest first.
func (s *RecruitReview) AccessOfCandidate(ctx context.Context, candidateID string, limit int) ([]recruiting.Access, error) {
	return s.access(ctx, bson.M{"candidate": candidateID}, -1, limit)
}

// AccessOfRecruitment returns the log of a recruitment, newest first.
func (s *RecruitReview) AccessOfRecruitment(ctx context.Context, recruitmentID string, limit int) ([]recruiting.Access, error) {
	return s.access(ctx, bson.M{"recruitment": recruitmentID}, -1, limit)
}

// AccessOfCandidates returns the log of any of the candidates, oldest
// first.
func (s *RecruitReview) AccessOfCandidates(ctx context.Context, candidateIDs []string) ([]recruiting.Access, error) {
	return s.access(ctx, bson.M{"candidate": bson.M{"$in": candidateIDs}}, 1, 0)
}

type registrationDoc struct {
	ID          string              `bson:"_id"` // the candidate
	Recruitment string              `bson:"recruitment"`
	Answers     map[string][]string `bson:"answers"`
}

// SaveRegisteredAnswers stores the answers of an application registered
// by hand.
func (s *RecruitReview) SaveRegisteredAnswers(ctx context.Context, candidateID, recruitmentID string, answers jobs.Answers) error {
	doc := registrationDoc{ID: candidateID, Recruitment: recruitmentID, Answers: answers}
	if _, err := s.db.c(colRegistrations).InsertOne(ctx, doc); err != nil {
		if isDuplicate(err) {
			return recruiting.ErrExists
		}
		return fmt.Errorf("storage: save registered answers: %w", err)
	}
	return nil
}

// RegisteredAnswersIn returns the answers of the applications registered
// by hand in a recruitment, by candidate.
func (s *RecruitReview) RegisteredAnswersIn(ctx context.Context, recruitmentID string) (map[string]jobs.Answers, error) {
	docs, err := findAll[registrationDoc](ctx, s.db.c(colRegistrations), bson.M{"recruitment": recruitmentID}, bson.D{{Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[string]jobs.Answers, len(docs))
	for _, d := range docs {
		out[d.ID] = jobs.Answers(d.Answers)
	}
	return out, nil
}

// RegisteredAnswers returns the answers of an application registered by
// hand; none when none were typed in.
func (s *RecruitReview) RegisteredAnswers(ctx context.Context, candidateID string) (jobs.Answers, error) {
	docs, err := findAll[registrationDoc](ctx, s.db.c(colRegistrations), bson.M{"_id": candidateID}, bson.D{{Key: "_id", Value: 1}}, 1)
	if err != nil || len(docs) == 0 {
		return jobs.Answers{}, err
	}
	return jobs.Answers(docs[0].Answers), nil
}
