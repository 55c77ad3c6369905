package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"portal/internal/testenv"
	"portal/jobs"
	"portal/valid"
)

func TestBoardOnRealStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	one := jobs.NewBoard(db.Ads(), clock.Now, time.Minute)
	two := jobs.NewBoard(db.Ads(), clock.Now, time.Minute) // a second instance
	last, _ := jobs.ParseDay("2026-11-30")
	ad := jobs.Ad{Ref: "EXK-1", Title: "Kock", Organisation: "Serviceförvaltningen", Place: "Växjö", Text: "Text",
		Area: "meals", Employment: jobs.Permanent, Extent: jobs.Extent{Percent: 100}, Positions: 1,
		LastDay: last, PublishedAt: clock.Now().Add(-time.Hour)}
	if res, err := two.Search(ctx, jobs.Query{Page: 1}); err != nil || res.Total != 0 {
		t.Fatalf("empty board: %v %v", res.Total, err)
	}
	if err := one.Save(ctx, ad); err != nil {
		t.Fatal(err)
	}
	if res, _ := one.Search(ctx, jobs.Query{Text: "kock", Page: 1}); res.Total != 1 {
		t.Fatal("the saving instance does not see its own ad")
	}
	if res, _ := two.Search(ctx, jobs.Query{Page: 1}); res.Total != 0 {
		t.Fatal("the other instance reloaded before its refresh interval")
	}
	clock.Add(time.Minute)
	if res, _ := two.Search(ctx, jobs.Query{Page: 1}); res.Total != 1 {
		t.Fatal("the other instance did not see the new ad after its refresh interval")
	}

	// A scheduled ad stays hidden, even by reference number, until its time.
	later := ad
	later.Ref, later.PublishedAt = "EXK-2", clock.Now().Add(time.Hour)
	if err := one.Save(ctx, later); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Ad(ctx, "EXK-2"); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("scheduled ad readable: %v", err)
	}
	clock.Add(time.Hour)
	if _, err := one.Ad(ctx, "EXK-2"); err != nil {
		t.Fatalf("published ad not readable: %v", err)
	}

	// After the last day the ad leaves the list but its page remains; the
	// generation moves, so pages rendered before are not served again.
	genBefore, _ := one.Generation(ctx)
	clock.Set(last.End())
	if genAfter, _ := one.Generation(ctx); genAfter == genBefore {
		t.Fatal("generation did not move when the ad closed")
	}
	if res, _ := one.Search(ctx, jobs.Query{Page: 1}); res.Total != 0 {
		t.Fatalf("closed ads listed: %d", res.Total)
	}
	got, err := one.Ad(ctx, "EXK-1")
	if err != nil || got.Open(clock.Now()) {
		t.Fatalf("closed ad: %v open=%v", err, got.Open(clock.Now()))
	}

	bad := ad
	bad.Title = ""
	var verr valid.Problems
	if err := one.Save(ctx, bad); !errors.As(err, &verr) {
		t.Fatalf("invalid ad saved: %v", err)
	}
}

// Ads saved together are checked first: one invalid ad stores none; valid
// ones are seen at once by the saving board, stamped with its clock.
func TestBoardSavesAllOrNone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	board := jobs.NewBoard(db.Ads(), clock.Now, time.Minute)
	last, _ := jobs.ParseDay("2026-11-30")
	ad := func(ref, title string) jobs.Ad {
		return jobs.Ad{Ref: ref, Title: title, Organisation: "Serviceförvaltningen", Place: "Växjö", Text: "Text",
			Area: "meals", Employment: jobs.Permanent, Extent: jobs.Extent{Percent: 100}, Positions: 1,
			LastDay: last, PublishedAt: clock.Now().Add(-time.Hour)}
	}
	if res, err := board.Search(ctx, jobs.Query{Page: 1}); err != nil || res.Total != 0 {
		t.Fatalf("empty board: %v %v", res.Total, err)
	}
	var verr valid.Problems
	if err := board.SaveAll(ctx, []jobs.Ad{ad("EXK-1", "Kock"), ad("EXK-2", "")}); !errors.As(err, &verr) || len(verr) != 1 || verr[0].Field != "title" {
		t.Fatalf("an invalid ad among valid ones: %v", err)
	}
	if n, _ := db.Ads().CountAds(ctx); n != 0 {
		t.Fatalf("%d ads stored beside an invalid one", n)
	}
	if err := board.SaveAll(ctx, []jobs.Ad{ad("EXK-1", "Kock"), ad("EXK-2", "Bagare")}); err != nil {
		t.Fatal(err)
	}
	if res, _ := board.Search(ctx, jobs.Query{Page: 1}); res.Total != 2 {
		t.Fatalf("the saving board sees %d of 2 ads", res.Total)
	}
	if got, err := board.AdByRef(ctx, "EXK-2"); err != nil || got.Title != "Bagare" || !got.UpdatedAt.Equal(clock.Now()) {
		t.Fatalf("saved %+v %v", got, err)
	}
}
