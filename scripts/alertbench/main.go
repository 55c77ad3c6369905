// Command alertbench stores 100,000 confirmed job-alert subscriptions,
// publishes one new ad and measures how long the portal takes to match it
// against them all and to put one message per match in the outbox. Beside
// it, in the same run, it measures a bare bulk insert of the same documents
// into an empty collection. make bench runs it.
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
	"runtime"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/alerts"
	"portal/jobs"
	"portal/links"
	"portal/mail"
	"portal/storage"
	"portal/views"
)

func main() {
	uri := flag.String("mongo", os.Getenv("PORTAL_MONGO_URI"), "database address")
	n := flag.Int("subscriptions", 100000, "subscriptions to store")
	flag.Parse()
	ctx := context.Background()
	name := fmt.Sprintf("alertbench_%d", time.Now().UnixNano())
	db, err := storage.Connect(ctx, *uri, name)
	check(err)
	defer db.Close(ctx)
	defer db.Drop(ctx)
	_, err = db.Migrate(ctx)
	check(err)

	now := time.Now()
	ad := jobs.Ad{
		Ref: "BENCH-0001", Title: "Sjuksköterska till akutmottagningen", Organisation: "Region Exempel", Department: "Akutkliniken",
		Area: "health", Place: "Östersund", Extent: jobs.Extent{Percent: 100}, Employment: jobs.Permanent, Positions: 2,
		Text:        "Vi söker sjuksköterskor med intresse för akutsjukvård. Tjänstgöring dag, kväll och natt.",
		PublishedAt: now.UTC().Truncate(time.Second), LastDay: jobs.DayOf(now.Add(21 * 24 * time.Hour)),
	}

	t := time.Now()
	subs := subscriptions(*n, now)
	store := db.Subscriptions()
	for i := 0; i < len(subs); i += 5000 {
		check(store.InsertSubscriptions(ctx, subs[i:min(i+5000, len(subs))], now))
	}
	fmt.Printf("%-52s %10s\n", fmt.Sprintf("storing %d subscriptions (setup)", *n), round(time.Since(t)))

	locales, err := views.LoadLocales()
	check(err)
	mails, err := views.NewMails(locales, "Exempelkommunen")
	check(err)
	service := &alerts.Service{
		Store: store, Ledger: store, Outbox: mail.NewOutbox(db.Outbox(), time.Now), Counter: db.Counters(), Ads: db.Ads(),
		Render: mails, Signer: alerts.Signer{Key: []byte("benchmark signing key of thirty-two bytes")}, Now: time.Now,
		Links: links.Table{Base: "https://jobb.example.se"}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	board := jobs.NewBoard(db.Ads(), time.Now, time.Second)
	pub := &jobs.Publishing{Board: board, Announcer: service}

	// A running portal holds the subscriptions in memory and reads only
	// what changed; the first load is what a starting instance pays.
	t = time.Now()
	check(service.Refresh(ctx))
	fmt.Printf("%-52s %10s\n", "loading them into memory (once per instance)", round(time.Since(t)))
	t = time.Now()
	check(service.Refresh(ctx))
	fmt.Printf("%-52s %10s\n", "checking for changes before a dispatch (one read)", round(time.Since(t)))

	// A running instance loaded long ago; its heap has settled. The
	// median of five runs.
	runtime.GC()
	var matching []alerts.Subscription
	var times []time.Duration
	for range 5 {
		t = time.Now()
		matching = service.Match(ad)
		times = append(times, time.Since(t))
	}
	slices.Sort(times)
	matchTime := times[len(times)/2]

	check(pub.Import(ctx, []jobs.Ad{ad}))
	t = time.Now()
	queued, err := service.RunDispatches(ctx)
	check(err)
	enqueueTime := time.Since(t)

	// The same documents, bare, in the same batches.
	client, err := mongo.Connect(options.Client().ApplyURI(*uri))
	check(err)
	defer client.Disconnect(ctx)
	raw := client.Database(name)
	cur, err := raw.Collection("outbox").Find(ctx, bson.M{"_id": bson.M{"$regex": "^alert:"}})
	check(err)
	var docs []bson.Raw
	check(cur.All(ctx, &docs))
	bare := raw.Collection("bare_insert")
	t = time.Now()
	for i := 0; i < len(docs); i += 1000 {
		batch := make([]any, 0, 1000)
		for _, d := range docs[i:min(i+1000, len(docs))] {
			batch = append(batch, d)
		}
		_, err := bare.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		check(err)
	}
	bareTime := time.Since(t)

	fmt.Printf("%-52s %10s   (target < 200ms; median of 5, slowest %s)\n", fmt.Sprintf("matching one new ad against %d", *n), round(matchTime), round(times[len(times)-1]))
	fmt.Printf("%-52s %10d\n", "subscriptions matching", len(matching))
	fmt.Printf("%-52s %10s\n", fmt.Sprintf("match and enqueue %d messages + digest entries", queued), round(enqueueTime))
	fmt.Printf("%-52s %10s\n", fmt.Sprintf("bare bulk insert of the same %d documents", len(docs)), round(bareTime))
	fmt.Printf("%-52s %10.2f   (target <= 2)\n", "enqueue / bare insert", enqueueTime.Seconds()/bareTime.Seconds())
}

// subscriptions makes n confirmed subscriptions with varied criteria, as a
// region's subscribers might have them: about a third want health jobs,
// some name places, some keywords, one in ten takes a daily digest.
func subscriptions(n int, now time.Time) []alerts.Subscription {
	rng := rand.New(rand.NewPCG(1, 2))
	places := []string{"Östersund", "Åre", "Krokom", "Strömsund", "Härjedalen", "Berg", "Bräcke", "Ragunda"}
	keywords := []string{"sjuksköterska", "undersköterska", "akut", "läkare", "kock", "lärare", "ekonom", "barnmorska", "natt"}
	out := make([]alerts.Subscription, n)
	for i := range out {
		var c jobs.Criteria
		if rng.IntN(3) == 0 {
			c.Areas = []string{"health"}
		} else {
			c.Areas = []string{jobs.Areas[rng.IntN(len(jobs.Areas))]}
		}
		if rng.IntN(2) == 0 {
			c.Places = []string{places[rng.IntN(len(places))], places[rng.IntN(len(places))]}
		}
		if rng.IntN(4) == 0 {
			c.Keywords = []string{keywords[rng.IntN(len(keywords))]}
		}
		if rng.IntN(5) == 0 {
			c.Extent = jobs.ExtentFull
		}
		freq := alerts.Immediate
		if rng.IntN(10) == 0 {
			freq = alerts.Daily
		}
		lang := "sv"
		if rng.IntN(8) == 0 {
			lang = "en"
		}
		out[i] = alerts.Subscription{
			ID: fmt.Sprintf("%032x", i+1), Email: fmt.Sprintf("prenumerant%d@example.se", i), Lang: lang, Criteria: c,
			Frequency: freq, Notify: true, Status: alerts.Active, FeedID: fmt.Sprintf("feed%d", i),
			CreatedAt: now, ConfirmedAt: now, ExpiresAt: now.Add(alerts.Lifetime),
		}
	}
	return out
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
