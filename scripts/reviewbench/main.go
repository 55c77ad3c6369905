// Command reviewbench prepares the candidate-list benchmark of make bench:
// in the database of a seeded portal (the demo organisation, where
// sarnys01 recruits for every unit) it opens a recruitment with an ad of
// three questions, submits 2,000 applications to it with their
// candidates, rates each by three group members, and opens a
// staff session for sarnys01. It prints the recruitment's id and the
// session's token, separated by a space, for wrk to send as the staff
// cookie; the portal under test is another process, so its list is built
// from the database under the change stamp as any instance's would be.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"portal/applications"
	"portal/internal/app"
	"portal/internal/fixtures"
	"portal/jobs"
	"portal/recruiting"
	"portal/sessions"
	"portal/storage"
)

func main() {
	uri := flag.String("mongo", os.Getenv("PORTAL_MONGO_URI"), "database address")
	name := flag.String("db", os.Getenv("PORTAL_MONGO_DB"), "database name")
	n := flag.Int("applications", 2000, "applications to submit")
	recruiter := flag.String("recruiter", "sarnys01", "the recruiter who opens it and logs in")
	profile := flag.Bool("profile", false, "time the parts of one list request in this process")
	flag.Parse()
	ctx := context.Background()
	db, err := storage.Connect(ctx, *uri, *name)
	check(err)
	defer db.Close(ctx)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := app.NewServices(app.Config{SiteName: "Bench", BaseURL: "http://127.0.0.1", SigningKey: make([]byte, 32)},
		app.Infra{DB: db, Now: time.Now, Log: logger})
	check(err)

	units, err := s.Directory.Store.AllUnits(ctx)
	check(err)
	unit := ""
	for _, u := range units {
		if ok, err := s.Policy.Can(ctx, *recruiter, recruiting.PermManage, u.ID); err == nil && ok && u.Active {
			unit = u.ID
			break
		}
	}
	if unit == "" {
		log.Fatalf("reviewbench: %s recruits for no unit; run portal seed first", *recruiter)
	}
	r, err := s.Recruiting.Create(ctx, *recruiter, recruiting.Draft{UnitID: unit, Title: "Undersköterska, hemtjänsten (bench)", Positions: 3})
	check(err)

	now := time.Now()
	ad := jobs.Ad{
		Ref: r.Ref, Title: r.Title, Organisation: "Exempels kommun", Department: "Hemtjänsten", Area: "health", Place: "Östersund",
		Extent: jobs.Extent{Percent: 100}, Employment: jobs.Permanent, Positions: 3,
		Text:        "Vi söker undersköterskor till hemtjänsten, dag, kväll och natt.",
		PublishedAt: now.Add(-72 * time.Hour).UTC().Truncate(time.Second), LastDay: jobs.DayOf(now.Add(14 * 24 * time.Hour)),
		Questions: []jobs.Question{
			{ID: "licence", Type: jobs.QuestionYesNo, Text: "Har du körkort?", Required: true, Wanted: []string{"yes"}},
			{ID: "shift", Type: jobs.QuestionSingle, Text: "Vilket pass vill du arbeta?", Options: []string{"Dag", "Kväll", "Natt"}},
			{ID: "why", Type: jobs.QuestionLong, Text: "Varför söker du tjänsten?"},
		},
	}
	check(db.Ads().SaveAd(ctx, ad))

	rnd := rand.New(rand.NewPCG(12, 2026))
	firsts := []string{"Åsa", "Björn", "Cecilia", "David", "Eva", "Fredrik", "Göran", "Hanna", "Ida", "Jonas", "Karin", "Lars", "Märta", "Nils", "Örjan"}
	lasts := []string{"Öberg", "Andersson", "Ärlig", "Lund", "Svensson", "Nilsson", "Karlsson", "Åkesson", "Berg", "Holm"}
	shifts := []string{"Dag", "Kväll", "Natt"}
	apps := make([]fixtures.Applied, *n)
	for i := range apps {
		first, last := firsts[rnd.IntN(len(firsts))], lasts[rnd.IntN(len(lasts))]
		licence := "yes"
		if rnd.IntN(4) == 0 {
			licence = "no"
		}
		apps[i] = fixtures.Applied{
			Details: applications.Snapshot{FirstName: first, LastName: last, Email: fmt.Sprintf("sokande%d@example.se", i), Phone: "0701234567"},
			Answers: jobs.Answers{"licence": {licence}, "shift": {shifts[rnd.IntN(3)]},
				"why": {"Jag har arbetat inom vården i många år och trivs med att möta människor i deras hem."}},
			Files: rnd.IntN(3), At: now.Add(-time.Duration(*n-i) * time.Minute), Withdrawn: rnd.IntN(50) == 0,
		}
	}
	t := time.Now()
	// The applications as Submit stores them; their candidates as the
	// intake stores them, numbered in order of arrival (the intake itself
	// counts the numbers given for each, which is slow to repeat 2,000
	// times on FerretDB and is not what is measured here).
	ids, err := fixtures.Apply(ctx, db, nil, ad.Ref, ad.ClosesAt(), apps, 4)
	check(err)
	store := db.Recruitments()
	for i, id := range ids {
		check(store.ClaimNumber(ctx, r.ID, i+1, id))
		check(store.AddCandidate(ctx, recruiting.Candidate{ID: id, RecruitmentID: r.ID, Number: i + 1, Source: recruiting.SourcePortal,
			Applicant: "fixture-" + ad.Ref + "-" + strconv.Itoa(i), Details: apps[i].Details, Lang: "sv", ArrivedAt: apps[i].At,
			Stage: recruiting.StageReceived, StageAt: apps[i].At}))
	}
	check(store.Changed(ctx, r.ID))
	var ratings []fixtures.Rating
	for _, id := range ids {
		for _, p := range []string{*recruiter, "rater-a", "rater-b"} {
			ratings = append(ratings, fixtures.Rating{RecruitmentID: r.ID, CandidateID: id, PersonID: p, Score: 1 + rnd.IntN(5), At: now})
		}
	}
	check(fixtures.Rate(ctx, db, *uri, ratings))
	fmt.Fprintf(os.Stderr, "reviewbench: %d applications and %d ratings stored in %s\n", len(ids), len(ratings), time.Since(t).Round(time.Millisecond))

	// One cold build of the list, as an instance does after a change.
	v := recruiting.Viewer{PersonID: *recruiter, Rights: recruiting.Rights{See: true}}
	t = time.Now()
	page, err := s.Review.List(ctx, v, r, recruiting.Query{Sort: recruiting.SortRating})
	check(err)
	fmt.Fprintf(os.Stderr, "reviewbench: the list of %d candidates built from the database in %s\n", page.All, time.Since(t).Round(time.Millisecond))

	if *profile {
		timeIt := func(name string, f func() error) {
			check(f())
			t := time.Now()
			for i := 0; i < 20; i++ {
				check(f())
			}
			fmt.Fprintf(os.Stderr, "  %-28s %v\n", name, time.Since(t)/20)
		}
		timeIt("open", func() error { _, _, err := s.Recruiting.Open(ctx, *recruiter, r.ID); return err })
		timeIt("list (kept)", func() error { _, err := s.Review.List(ctx, v, r, recruiting.Query{}); return err })
		timeIt("stamp", func() error { _, err := db.Recruitments().ReviewStamp(ctx, r.ID); return err })
		timeIt("ad", func() error { _, err := s.Board.AdByRef(ctx, r.Ref); return err })
		timeIt("stage set", func() error { _, err := s.Stages.Set(ctx); return err })
		timeIt("candidates", func() error { _, err := db.Recruitments().CandidatesOf(ctx, r.ID); return err })
		timeIt("submissions", func() error { _, err := db.Recruitments().Submissions(ctx, r.Ref); return err })
		timeIt("ratings", func() error { _, err := s.Reviews.Averages(ctx, r.ID); return err })
		timeIt("person", func() error { _, err := s.Directory.Person(ctx, *recruiter); return err })
		timeIt("employments", func() error { _, err := s.Directory.Employments(ctx, *recruiter); return err })
		p, _ := s.Directory.Person(ctx, *recruiter)
		timeIt("current employment", func() error { _, err := s.Directory.CurrentEmployment(ctx, p); return err })
		timeIt("unit", func() error { _, err := s.Directory.Unit(ctx, unit); return err })
		timeIt("policy", func() error { _, err := s.Policy.Can(ctx, *recruiter, recruiting.PermManage, unit); return err })
		tok, _, err := s.StaffSessions.Open(ctx, *recruiter, sessions.Options{})
		check(err)
		timeIt("session", func() error { _, err := s.StaffSessions.Load(ctx, tok); return err })
	}

	token, _, err := s.StaffSessions.Open(ctx, *recruiter, sessions.Options{})
	check(err)
	fmt.Println(r.ID, token)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
