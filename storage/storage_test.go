package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/applications"
	"portal/internal/testenv"
	"portal/jobs"
	"portal/mail"
	"portal/storage"
)

var ctx = context.Background()

func sampleAd(ref string, published time.Time, lastDay string) jobs.Ad {
	day, _ := jobs.ParseDay(lastDay)
	return jobs.Ad{
		Ref: ref, Title: "Sjuksköterska", Organisation: "Exempelregionen", Department: "Akutmottagningen",
		Area: "health", Place: "Växjö", Extent: jobs.Extent{Percent: 75}, Employment: jobs.Permanent,
		Positions: 2, Text: "Välkommen.\n\nVi söker dig.",
		Contacts:      []jobs.Contact{{Name: "Anna Berg", Role: "Enhetschef", Phone: "0470-123 45", Email: "anna@example.se"}},
		UnionContacts: []jobs.Contact{{Name: "Per Ek", Role: "Vårdförbundet"}},
		PublishedAt:   published, LastDay: day, UpdatedAt: published,
		Questions: []jobs.Question{{ID: "leg", Type: jobs.QuestionMulti, Text: "Tider?", Options: []string{"Dag", "Natt"}, Required: true}},
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	for range 2 {
		v, err := db.Migrate(ctx)
		if err != nil || v != storage.SchemaVersion() {
			t.Fatalf("migrate: version %d (%v), want %d", v, err, storage.SchemaVersion())
		}
	}
}

func TestAdsRoundTripAndVersion(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	s := db.Ads()
	pub := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	v0, err := s.AdsVersion(ctx)
	if err != nil || v0 != "" {
		t.Fatalf("version of empty store: %q %v", v0, err)
	}
	open := sampleAd("EXR-1", pub, "2026-11-30")
	closed := sampleAd("EXR-2", pub, "2026-11-10")
	for _, a := range []jobs.Ad{open, closed} {
		if err := s.SaveAd(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AdByRef(ctx, "EXR-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != open.Title || got.LastDay.String() != "2026-11-30" || got.Extent.Percent != 75 ||
		len(got.Contacts) != 1 || got.Contacts[0].Email != "anna@example.se" || got.UnionContacts[0].Role != "Vårdförbundet" ||
		!got.PublishedAt.Equal(pub) || len(got.Questions) != 1 || got.Questions[0].Options[1] != "Natt" || !got.Questions[0].Required {
		t.Fatalf("round trip changed the ad: %+v", got)
	}
	if _, err := s.AdByRef(ctx, "NOPE"); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("missing ad: %v", err)
	}
	now := time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	list, err := s.UnclosedAds(ctx, now)
	if err != nil || len(list) != 1 || list[0].Ref != "EXR-1" {
		t.Fatalf("unclosed: %v %v", list, err)
	}
	// Replacing keeps one ad per reference number and moves the version.
	v1, _ := s.AdsVersion(ctx)
	open.Title = "Specialistsjuksköterska"
	if err := s.SaveAd(ctx, open); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountAds(ctx); n != 2 {
		t.Fatalf("count %d, want 2", n)
	}
	if v, _ := s.AdsVersion(ctx); v == v1 || v == "" {
		t.Fatalf("version %q did not move from %q", v, v1)
	}
}

// Ads saved in bulk are stored as one by one, replaced by reference
// number: saving the same list again adds nothing and moves the version.
func TestAdsSavedInBulk(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	s := db.Ads()
	pub := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	if err := s.SaveAds(ctx, nil); err != nil {
		t.Fatalf("no ads: %v", err)
	}
	if v, _ := s.AdsVersion(ctx); v != "" {
		t.Fatalf("saving no ads moved the version to %q", v)
	}
	var ads []jobs.Ad
	for i := range 30 {
		ads = append(ads, sampleAd(fmt.Sprintf("EXR-%d", i+1), pub, "2026-11-30"))
	}
	if err := s.SaveAds(ctx, ads); err != nil {
		t.Fatal(err)
	}
	v1, _ := s.AdsVersion(ctx)
	if n, _ := s.CountAds(ctx); n != 30 || v1 == "" {
		t.Fatalf("count %d version %q, want 30 and a version", n, v1)
	}
	got, err := s.AdByRef(ctx, "EXR-7")
	if err != nil || got.Title != ads[6].Title || got.Questions[0].Options[1] != "Natt" || !got.PublishedAt.Equal(pub) {
		t.Fatalf("read back: %+v %v", got, err)
	}
	// Stored and new ads together, one of them named twice: the last wins.
	ads[6].Title = "Specialistsjuksköterska"
	twice := sampleAd("EXR-31", pub, "2026-11-30")
	twice.Title = "Barnmorska"
	ads = append(ads, sampleAd("EXR-31", pub, "2026-11-30"), twice)
	if err := s.SaveAds(ctx, ads); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountAds(ctx); n != 31 {
		t.Fatalf("saved again: count %d, want 31", n)
	}
	for ref, title := range map[string]string{"EXR-7": "Specialistsjuksköterska", "EXR-31": "Barnmorska", "EXR-8": ads[7].Title} {
		if got, _ := s.AdByRef(ctx, ref); got.Title != title {
			t.Errorf("%s: %q, want %q", ref, got.Title, title)
		}
	}
	v2, _ := s.AdsVersion(ctx)
	if v2 == v1 {
		t.Fatal("the version did not move")
	}
	if err := s.SaveAds(ctx, ads); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountAds(ctx); n != 31 {
		t.Fatalf("saved a third time: count %d, want 31", n)
	}
}

func TestOutboxClaimsEachMessageOnce(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	o := db.Outbox()
	now := time.Now()
	for i := range 20 {
		_, err := o.Enqueue(ctx, mail.Message{To: "a@example.se", Subject: "s" + string(rune('a'+i)), Text: "t"}, now)
		if err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func(owner string) {
			defer wg.Done()
			for {
				rec, err := o.Claim(ctx, owner, now, now.Add(time.Minute))
				if errors.Is(err, mail.ErrEmpty) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if prev, dup := seen[rec.ID]; dup {
					t.Errorf("message %s claimed by %s and %s", rec.ID, prev, owner)
				}
				seen[rec.ID] = owner
				mu.Unlock()
				if err := o.MarkSent(ctx, rec.ID, owner, now); err != nil {
					t.Error(err)
				}
			}
		}(string(rune('A' + w)))
	}
	wg.Wait()
	if len(seen) != 20 {
		t.Fatalf("claimed %d messages, want 20", len(seen))
	}
	recent, err := o.Recent(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recent {
		if r.Status != mail.StatusSent || r.Attempts != 1 {
			t.Fatalf("record %s: status %s attempts %d", r.ID, r.Status, r.Attempts)
		}
	}
}

func TestOutboxRetryLeaseAndFail(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	o := db.Outbox()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	id, _ := o.Enqueue(ctx, mail.Message{To: "a@example.se", Subject: "x", Text: "t"}, now)
	rec, err := o.Claim(ctx, "w1", now, now.Add(time.Minute))
	if err != nil || rec.ID != id {
		t.Fatalf("claim: %v %v", rec, err)
	}
	if _, err := o.Claim(ctx, "w2", now, now.Add(time.Minute)); !errors.Is(err, mail.ErrEmpty) {
		t.Fatalf("claimed message was claimed again: %v", err)
	}
	// The lease runs out (w1 died): w2 takes it over; w1's late answer is ignored.
	later := now.Add(2 * time.Minute)
	rec, err = o.Claim(ctx, "w2", later, later.Add(time.Minute))
	if err != nil || rec.Attempts != 2 {
		t.Fatalf("take-over: %+v %v", rec, err)
	}
	if err := o.MarkSent(ctx, id, "w1", later); err != nil {
		t.Fatal(err)
	}
	if err := o.Retry(ctx, id, "w2", later.Add(time.Hour), "421 busy"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Claim(ctx, "w2", later, later.Add(time.Minute)); !errors.Is(err, mail.ErrEmpty) {
		t.Fatal("message due later was claimed early")
	}
	at := later.Add(time.Hour)
	if _, err := o.Claim(ctx, "w2", at, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := o.Fail(ctx, id, "w2", "550 no such user"); err != nil {
		t.Fatal(err)
	}
	recent, _ := o.Recent(ctx, 1)
	if recent[0].Status != mail.StatusFailed || recent[0].LastError != "550 no such user" || recent[0].Attempts != 3 {
		t.Fatalf("after fail: %+v", recent[0])
	}
}

func TestLocks(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	l := db.Locks()
	now := time.Now()
	if ok, err := l.Acquire(ctx, "job", "a", now, now.Add(time.Minute)); !ok || err != nil {
		t.Fatalf("first acquire: %v %v", ok, err)
	}
	if ok, err := l.Acquire(ctx, "job", "b", now, now.Add(time.Minute)); ok || err != nil {
		t.Fatalf("held lease taken: %v %v", ok, err)
	}
	if ok, _ := l.Acquire(ctx, "job", "a", now, now.Add(time.Minute)); !ok {
		t.Fatal("owner could not renew")
	}
	if ok, _ := l.Acquire(ctx, "job", "b", now.Add(2*time.Minute), now.Add(3*time.Minute)); !ok {
		t.Fatal("expired lease not taken")
	}
	if err := l.Release(ctx, "job", "a"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.Acquire(ctx, "job", "a", now.Add(2*time.Minute), now.Add(3*time.Minute)); ok {
		t.Fatal("release by a non-owner freed the lease")
	}
	// Many contenders at once: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	at := now.Add(time.Hour)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := l.Acquire(ctx, "race", string(rune('a'+i)), at, at.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d contenders got the lease, want 1", winners)
	}
	_ = l.Release(ctx, "job", "b")
	if ok, _ := l.Acquire(ctx, "job", "a", now.Add(2*time.Minute), now.Add(3*time.Minute)); !ok {
		t.Fatal("released lease not free")
	}
}

func TestCountersAndExpiry(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	c := db.Counters()
	now := time.Date(2026, 11, 23, 10, 0, 30, 0, time.UTC)
	// Hits at once each get a place of their own: 1 to 10, none twice.
	var wg sync.WaitGroup
	places := make([]int64, 10)
	for i := range places {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, _, err := c.Hit(ctx, "ip:1.2.3.4", time.Minute, now)
			if err != nil {
				t.Error(err)
			}
			places[i] = n
		}()
	}
	wg.Wait()
	slices.Sort(places)
	for i, n := range places {
		if n != int64(i+1) {
			t.Fatalf("places of hits at once: %v", places)
		}
	}
	n, reset, err := c.Hit(ctx, "ip:1.2.3.4", time.Minute, now)
	if err != nil || n != 11 || !reset.Equal(now.Truncate(time.Minute).Add(time.Minute)) {
		t.Fatalf("hit: %d %v %v", n, reset, err)
	}
	if n, _, _ := c.Hit(ctx, "ip:1.2.3.4", time.Minute, now.Add(time.Minute)); n != 1 {
		t.Fatalf("next window starts at %d", n)
	}
	// A try given back frees its place for the next one, again and again.
	for range 3 {
		if err := c.Undo(ctx, "ip:1.2.3.4", time.Minute, now); err != nil {
			t.Fatal(err)
		}
		if n, _, err := c.Hit(ctx, "ip:1.2.3.4", time.Minute, now); err != nil || n != 11 {
			t.Fatalf("hit after an undo: place %d (%v), want 11", n, err)
		}
	}
	kv := db.KV("t", func() time.Time { return now })
	if err := kv.Set("k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := kv.Set("forever", []byte("w"), 0); err != nil {
		t.Fatal(err)
	}
	if v, _ := kv.Get("k"); string(v) != "v" {
		t.Fatalf("kv get %q", v)
	}
	removed, err := db.RemoveExpired(ctx, now.Add(2*time.Minute))
	if err != nil || removed != 13 {
		t.Fatalf("removed %d (%v), want 13: twelve hits and one value", removed, err)
	}
	if v, _ := kv.Get("k"); v != nil {
		t.Fatalf("expired value still there: %q", v)
	}
	if v, _ := kv.Get("forever"); string(v) != "w" {
		t.Fatal("value without expiry was removed")
	}
}

func TestKVExpiryCheckedOnRead(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	clock := testenv.NewClock(time.Now())
	kv := db.KV("csrf", clock.Now)
	_ = kv.Set("tok", []byte("x"), time.Minute)
	clock.Add(time.Minute)
	if v, err := kv.Get("tok"); v != nil || err != nil {
		t.Fatalf("expired value read back: %q %v", v, err)
	}
	_ = kv.Set("a", []byte("1"), 0)
	other := db.KV("other", clock.Now)
	_ = other.Set("a", []byte("2"), 0)
	if err := kv.Reset(); err != nil {
		t.Fatal(err)
	}
	if v, _ := other.Get("a"); string(v) != "2" {
		t.Fatal("reset crossed prefixes")
	}
}

func TestBlobs(t *testing.T) {
	t.Parallel()
	b := testenv.Blobs(t)
	if err := b.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", 1<<20)
	if err := b.Put(ctx, "a/b", strings.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	r, err := b.Get(ctx, "a/b")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(got, []byte(body)) {
		t.Fatal("object changed in transit")
	}
	if err := b.Stat(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	if err := b.Remove(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, "a/b"); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("removed object: %v", err)
	}
	if err := b.Stat(ctx, "a/b"); !errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("removed object: %v", err)
	}
	// A bucket that is not there is a storage that does not answer, not a
	// missing file.
	if err := b.Destroy(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Stat(ctx, "a/b"); err == nil || errors.Is(err, applications.ErrNotFound) {
		t.Fatalf("stat in a missing bucket: %v", err)
	}
}

// Sent and withdrawn mail created before the cut-off goes; failed and
// pending mail stays.
func TestOldMailRemoved(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	out := db.Outbox()
	for _, to := range []string{"sent@example.se", "failed@example.se", "pending@example.se"} {
		if _, err := out.Enqueue(ctx, mail.Message{To: to, Subject: "s", Text: "t"}, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, end := range []string{"sent", "failed"} {
		rec, err := out.Claim(ctx, "w", now, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if end == "sent" {
			err = out.MarkSent(ctx, rec.ID, "w", now)
		} else {
			err = out.Fail(ctx, rec.ID, "w", "550")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := out.RemoveOld(ctx, now); err != nil || n != 0 {
		t.Fatalf("removed %d (%v) created at the cut-off", n, err)
	}
	if recs, _ := out.Recent(ctx, 10); len(recs) != 3 {
		t.Fatalf("%d messages left before their time", len(recs))
	}
	if n, err := out.RemoveOld(ctx, now.Add(time.Millisecond)); err != nil || n != 1 {
		t.Fatalf("removed %d (%v), want the sent one", n, err)
	}
	recs, _ := out.Recent(ctx, 10)
	if len(recs) != 2 || recs[0].Status == mail.StatusSent || recs[1].Status == mail.StatusSent {
		t.Fatalf("left %+v", recs)
	}
}
