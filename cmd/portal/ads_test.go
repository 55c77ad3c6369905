package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"portal/alerts"
	"portal/jobs"
)

// The import and publish commands against a real database: a bad file
// names the ad and the field and imports nothing; a good one stores a
// draft, which `ads publish` makes public and tells its subscribers of.
func TestAdsImportAndPublish(t *testing.T) {
	t.Parallel()
	db, cfg, log := commandEnv(t)
	ctx := context.Background()
	write := fileWriter(t)
	day := jobs.DayOf(time.Now().Add(20 * 24 * time.Hour)).String()
	good := `{"ref": "IMP-0001", "title": "Kock", "organisation": "Exempelkommunen", "area": "meals", "place": "Åre",
		"extent_percent": 80, "employment": "permanent", "positions": 1, "text": "Laga mat.", "last_day": "` + day + `"}`
	bad := `[` + good + `, {"ref": "IMP-0002", "title": "", "organisation": "Exempelkommunen", "area": "moon", "place": "Åre",
		"extent_percent": 80, "employment": "permanent", "positions": 1, "text": "x", "last_day": "` + day + `"}]`

	err := adsCommand(ctx, cfg, log, []string{"import", write("bad.json", bad)})
	for _, want := range []string{"nothing was imported", "ad 2 (IMP-0002), field title: This field is required.",
		"ad 2 (IMP-0002), field area: Unknown occupational area."} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("bad file: want %q in %v", want, err)
		}
	}
	if n, _ := db.Ads().CountAds(ctx); n != 0 {
		t.Fatalf("a bad file stored %d ads", n)
	}

	sub := alerts.Subscription{ID: "00000000000000000000000000000001", Email: "kock@example.se", Lang: "sv", Frequency: alerts.Immediate,
		Notify: true, Status: alerts.Active, Criteria: jobs.Criteria{Areas: []string{"meals"}}, CreatedAt: time.Now(),
		ConfirmedAt: time.Now(), ExpiresAt: time.Now().Add(alerts.Lifetime)}
	if err := db.Subscriptions().InsertSubscription(ctx, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := adsCommand(ctx, cfg, log, []string{"import", write("good.json", good)}); err != nil {
		t.Fatal(err)
	}
	ad, err := db.Ads().AdByRef(ctx, "IMP-0001")
	if err != nil || !ad.PublishedAt.IsZero() {
		t.Fatalf("draft: %+v %v", ad, err)
	}
	if recs, _ := db.Outbox().Recent(ctx, 10); len(recs) != 0 {
		t.Fatal("a draft told subscribers")
	}
	if err := adsCommand(ctx, cfg, log, []string{"publish", "IMP-0001"}); err != nil {
		t.Fatal(err)
	}
	recs, _ := db.Outbox().Recent(ctx, 10)
	if len(recs) != 1 || recs[0].To != "kock@example.se" || recs[0].Subject != "Nytt jobb: Kock" {
		t.Fatalf("after publishing: %+v", recs)
	}
	err = adsCommand(ctx, cfg, log, []string{"publish", "IMP-0001"})
	if err == nil || !strings.Contains(err.Error(), "already published") {
		t.Fatalf("publishing twice: %v", err)
	}
	if err := adsCommand(ctx, cfg, log, []string{"publish", "NOPE-1"}); err == nil || !strings.Contains(err.Error(), "no ad") {
		t.Fatalf("unknown ad: %v", err)
	}
}
