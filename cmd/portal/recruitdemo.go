package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"portal/applicants"
	"portal/demo"
	"portal/internal/app"
	"portal/jobs"
	"portal/recruiting"
	"portal/storage"
)

// seedRecruitment opens the demo recruitment, publishes its ad and lets
// the demo applicants apply through the same services as the pages, when
// the portal has no recruitment yet and the demo recruiter is in the
// directory.
func seedRecruitment(ctx context.Context, db *storage.DB, s *app.Services, siteName string, log *slog.Logger) error {
	existing, err := db.Recruitments().Recruitments(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	d := demo.Recruitment
	if _, err := s.Directory.Person(ctx, d.Recruiter); err != nil {
		log.Info("no demo recruiter in the directory; not seeding the demo recruitment")
		return nil
	}
	draft := recruiting.Draft{UnitID: d.Unit, Title: d.Title, Positions: 1}
	for _, m := range d.Group {
		draft.Group = append(draft.Group, recruiting.Member{PersonID: m.User, Role: m.Role, Notify: recruiting.NotifyDigest})
	}
	r, err := s.Recruiting.Create(ctx, d.Recruiter, draft)
	if err != nil {
		return fmt.Errorf("demo recruitment: %w", err)
	}
	_, v, err := s.Recruiting.Open(ctx, d.Recruiter, r.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	ad := recruiting.NewAd(r, siteName, d.UnitName)
	ad.Area, ad.Employment, ad.Occupation, ad.Municipality, ad.Place = "health", jobs.Permanent, "2221", "0780", "Växjö"
	ad.Text, ad.Questions, ad.LastDay = d.Text, d.Questions, demo.RecruitmentLastDay(now)
	ad.Contacts = []jobs.Contact{{Name: "Åsa Lundgren", Role: "Enhetschef", Phone: "0470-123 45"}}
	if ad, err = s.RecruitAds.Save(ctx, v, r, ad); err != nil {
		return fmt.Errorf("demo ad: %w", err)
	}
	if ad, err = s.RecruitAds.Publish(ctx, v, r, now.Add(-3*24*time.Hour)); err != nil {
		return fmt.Errorf("demo ad: %w", err)
	}
	moves := map[string][]string{}
	for _, p := range demo.Applicants {
		id, err := db.Accounts().CreateAccount(ctx, applicants.Account{Email: p.Email, CreatedAt: now,
			ConsentVersion: applicants.ConsentVersion, ConsentAt: now,
			Profile: applicants.Profile{FirstName: p.First, LastName: p.Last, Street: "Storgatan 12", PostalCode: "352 30", Town: p.Town, Country: "Sverige", Phone: p.Phone}})
		if err == nil {
			err = db.Accounts().MarkVerified(ctx, id, now)
		}
		if err != nil {
			return fmt.Errorf("demo applicant %s: %w", p.Email, err)
		}
		a, err := s.Applying.Start(ctx, id, ad)
		if err != nil {
			return err
		}
		licensed := "no"
		if p.Licensed {
			licensed = "yes"
		}
		form := map[string][]string{"q_q1": {licensed}, "q_q2": {p.Years}, "q_q3": {p.Why}}
		a, errs, err := s.Applying.SaveAnswers(ctx, a, ad.Questions, form, "summary")
		if err != nil || len(errs) > 0 {
			return fmt.Errorf("demo answers of %s: %v %v", p.Email, err, errs)
		}
		if _, err := s.Applying.Submit(ctx, a, ad, "sv"); err != nil {
			return fmt.Errorf("demo application of %s: %w", p.Email, err)
		}
		if p.Stage != "" {
			moves[p.Stage] = append(moves[p.Stage], a.ID)
		}
	}
	for stage, ids := range moves {
		if _, err := s.Stages.Move(ctx, v, r, ids, stage, ""); err != nil {
			return fmt.Errorf("demo review: %w", err)
		}
	}
	log.Info("demo recruitment stored", "ref", r.Ref, "applications", len(demo.Applicants))
	return nil
}
