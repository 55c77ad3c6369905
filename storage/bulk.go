package storage

import (
	"context"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/applications"
	"portal/recruiting"
)

// Submitted is one submitted application with what a recruitment keeps
// about it, for storing many at once (benchmarks, large demo data): the
// documents are those the stores write one by one.
type Submitted struct {
	Application applications.Application // ID: a hex object id
	Version     applications.Version
	Files       []applications.Attachment // on the application, in slots 1…
	Candidate   recruiting.Candidate
	Ratings     []recruiting.Rating
}

// InsertSubmitted stores the applications, their versions, files'
// records, candidates and ratings, each kind in one unordered insert.
func (d *DB) InsertSubmitted(ctx context.Context, subs []Submitted) error {
	var apps, versions, files, cands, ratings []any
	for _, s := range subs {
		a := s.Application
		oid, err := bson.ObjectIDFromHex(a.ID)
		if err != nil {
			return fmt.Errorf("storage: bulk application id %q: %w", a.ID, err)
		}
		answers := map[string][]string(a.Answers)
		if answers == nil {
			answers = map[string][]string{}
		}
		apps = append(apps, applicationDoc{ID: oid, Applicant: a.Applicant, AdRef: a.AdRef, AdTitle: a.AdTitle, ClosesAt: a.ClosesAt,
			Status: a.Status, Step: a.Step, Answers: answers, Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
			SubmittedAt: a.SubmittedAt, WithdrawnAt: a.WithdrawnAt})
		v := s.Version
		vd := versionDoc{ID: a.ID + ":" + strconv.Itoa(v.N), Application: a.ID, N: v.N, At: v.At, Answers: v.Answers,
			Attachments: []versionAttachmentDoc{}, Applicant: toSnapshotDoc(v.Applicant)}
		for _, f := range v.Attachments {
			vd.Attachments = append(vd.Attachments, versionAttachmentDoc{ID: f.ID, Name: f.Name, Size: f.Size, Type: f.ContentType, SHA256: f.SHA256})
		}
		versions = append(versions, vd)
		for _, f := range s.Files {
			files = append(files, toAttachmentDoc(f))
		}
		c := s.Candidate
		cands = append(cands, candidateDoc{ID: c.ID, Recruitment: c.RecruitmentID, Number: c.Number, Source: c.Source, Applicant: c.Applicant,
			Lang: c.Lang, ArrivedAt: c.ArrivedAt, RegisteredBy: c.RegisteredBy, Stage: c.Stage, StageAt: c.StageAt, Revealed: c.Revealed,
			Details: toSnapshotDoc(c.Details)})
		for _, r := range s.Ratings {
			ratings = append(ratings, ratingDoc{ID: r.CandidateID + ":" + r.PersonID, Recruitment: r.RecruitmentID, Candidate: r.CandidateID,
				Person: r.PersonID, Score: r.Score, Comment: r.Comment, At: r.At})
		}
	}
	for _, step := range []struct {
		col  string
		docs []any
	}{{colApplications, apps}, {colVersions, versions}, {colAttachments, files}, {colCandidates, cands}, {colRatings, ratings}} {
		if len(step.docs) == 0 {
			continue
		}
		if _, err := d.c(step.col).InsertMany(ctx, step.docs, options.InsertMany().SetOrdered(false)); err != nil {
			return fmt.Errorf("storage: bulk insert into %s: %w", step.col, err)
		}
	}
	return nil
}

// RemoveSubmitted deletes the applications' documents straight, kind by
// kind: what culling removes, without its marks and counts (the
// benchmark's yardstick).
func (d *DB) RemoveSubmitted(ctx context.Context, ids []string) error {
	in := bson.M{"$in": ids}
	for _, st := range []struct {
		col    string
		filter bson.M
	}{
		{colRatings, bson.M{"candidate": in}},
		{colAttachments, bson.M{"application": in}},
		{colVersions, bson.M{"application": in}},
		{colApplications, bson.M{"_id": bson.M{"$in": objectIDs(ids)}}},
		{colCandidates, bson.M{"_id": in}},
	} {
		if _, err := d.c(st.col).DeleteMany(ctx, st.filter); err != nil {
			return fmt.Errorf("storage: remove from %s: %w", st.col, err)
		}
	}
	return nil
}
