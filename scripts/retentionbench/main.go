// Command retentionbench measures the culling of make bench: it stores two
// like sets of cullable applications (cancelled recruitments decided three
// years ago, each application with a version, a rating, a candidate and its
// files as objects in a versioned bucket), deletes the first set's
// documents and objects straight, as the yardstick, and culls the second
// through the retention run; it prints both rates and the run's heap.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"portal/applications"
	"portal/internal/app"
	"portal/jobs"
	"portal/recruiting"
	"portal/retention"
	"portal/storage"
)

func main() {
	uri := flag.String("mongo", os.Getenv("PORTAL_MONGO_URI"), "database address")
	name := flag.String("db", "retentionbench", "database name")
	endpoint := flag.String("s3", os.Getenv("PORTAL_S3_ENDPOINT"), "S3 host:port")
	access := flag.String("s3-access", os.Getenv("PORTAL_S3_ACCESS_KEY"), "S3 access key")
	secret := flag.String("s3-secret", os.Getenv("PORTAL_S3_SECRET_KEY"), "S3 secret key")
	n := flag.Int("applications", 100000, "cullable applications in each set")
	files := flag.Int("files", 2, "files (objects) per application")
	recs := flag.Int("recruitments", 50, "recruitments each set is spread over")
	workers := flag.Int("workers", 8, "parallel uploads while seeding")
	flag.Parse()
	ctx := context.Background()
	db, err := storage.Connect(ctx, *uri, *name)
	check(err)
	defer db.Close(ctx)
	_, err = db.Migrate(ctx)
	check(err)
	blobs, err := storage.OpenBlobs(ctx, storage.BlobConfig{Endpoint: *endpoint, AccessKey: *access, SecretKey: *secret,
		Bucket: fmt.Sprintf("retentionbench-%d", time.Now().Unix())})
	check(err)
	defer func() { _ = blobs.Destroy(context.Background()) }()
	check(blobs.EnableVersioning(ctx))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := app.NewServices(app.Config{SiteName: "Bench", BaseURL: "http://127.0.0.1", SigningKey: make([]byte, 32)},
		app.Infra{DB: db, Blobs: blobs, Now: time.Now, Log: logger})
	check(err)

	fmt.Printf("\nCulling (%d cullable applications with %d objects per set, %d recruitments, %d cores):\n", *n, *n**files, *recs, runtime.NumCPU())
	start := time.Now()
	direct := seed(ctx, db, blobs, "A", *n, *files, *recs, *workers)
	seed(ctx, db, blobs, "B", *n, *files, *recs, *workers)
	fmt.Printf("  seeding both sets took %s\n", time.Since(start).Round(time.Second))

	// The yardstick: the same kinds of documents and every object version,
	// removed straight, in batches of the run's size.
	runtime.GC()
	peak := watchHeap()
	t0 := time.Now()
	var objTime, docTime time.Duration
	for chunk := range slices.Chunk(direct, retention.DefaultBatch) {
		var keys []string
		for _, id := range chunk {
			for f := range *files {
				keys = append(keys, key(id, f))
			}
		}
		t := time.Now()
		_, err := blobs.RemoveAllVersions(ctx, keys)
		check(err)
		objTime += time.Since(t)
		t = time.Now()
		check(db.RemoveSubmitted(ctx, chunk))
		docTime += time.Since(t)
	}
	fmt.Printf("  straight deletion: objects %s, documents %s\n", objTime.Round(time.Millisecond), docTime.Round(time.Millisecond))
	directTime := time.Since(t0)
	directPeak := peak()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak = watchHeap()
	t0 = time.Now()
	run, err := s.Culler.Run(ctx, "bench")
	check(err)
	cullTime := time.Since(t0)
	cullPeak := peak()
	if run.Counts.Applications != *n || run.Counts.Objects != *n**files {
		log.Fatalf("retentionbench: the run culled %d applications and %d object versions, want %d and %d", run.Counts.Applications, run.Counts.Objects, *n, *n**files)
	}
	rate := func(d time.Duration) float64 { return float64(*n) / d.Seconds() }
	fmt.Printf("  %-44s %10s %14s %12s\n", "", "time", "applications/s", "peak heap")
	fmt.Printf("  %-44s %10s %14.0f %10.1f MB\n", "straight deletion of documents and objects", directTime.Round(10*time.Millisecond), rate(directTime), mb(directPeak))
	fmt.Printf("  %-44s %10s %14.0f %10.1f MB\n", "retention run (mark, objects, records, record)", cullTime.Round(10*time.Millisecond), rate(cullTime), mb(cullPeak))
	fmt.Printf("  the run's rate is %.0f%% of straight deletion; heap before the run %.1f MB\n", 100*rate(cullTime)/rate(directTime), mb(base.HeapInuse))
}

// seed stores a set of applications spread over recruitments cancelled by
// a decision final three years ago, and their objects; it returns the
// applications' ids.
func seed(ctx context.Context, db *storage.DB, blobs *storage.Blobs, set string, n, files, recs, workers int) []string {
	posted := jobs.DayOf(time.Now().AddDate(-3, 0, 0))
	at := posted.Start().AddDate(0, -1, 0)
	var ids []string
	per := (n + recs - 1) / recs
	for r := 0; r < recs && len(ids) < n; r++ {
		ref := fmt.Sprintf("REK-%s-%04d", set, r+1)
		rid, err := db.Recruitments().CreateRecruitment(ctx, recruiting.Recruitment{Ref: ref, UnitID: "bench", Title: "Bench " + ref, Positions: 1, CreatedAt: at, UpdatedAt: at})
		check(err)
		check(db.RecruitDecisions().AddDecision(ctx, recruiting.Decision{RecruitmentID: rid, Outcome: recruiting.OutcomeCancelled, Reason: "bench",
			DecidedOn: posted, DecidedBy: "bench", PostedOn: posted, AppealDays: 21, AppealUntil: posted.AddDays(21), FinalOn: posted.AddDays(22), At: posted.Start()}))
		var batch []storage.Submitted
		flush := func() {
			check(db.InsertSubmitted(ctx, batch))
			batch = batch[:0]
		}
		for i := 0; i < per && len(ids) < n; i++ {
			id := bson.NewObjectID().Hex()
			ids = append(ids, id)
			v := applications.Version{N: 1, At: at, Applicant: applications.Snapshot{FirstName: "Bench", LastName: fmt.Sprint(i), Email: "bench@example.se"}}
			sub := storage.Submitted{
				Application: applications.Application{ID: id, Applicant: "bench-" + id, AdRef: ref, AdTitle: ref, ClosesAt: at, Status: applications.StatusSubmitted,
					Step: applications.StepSummary, Version: 1, CreatedAt: at, UpdatedAt: at, SubmittedAt: at},
				Candidate: recruiting.Candidate{ID: id, RecruitmentID: rid, Number: i + 1, Source: recruiting.SourcePortal, Applicant: "bench-" + id,
					Details: v.Applicant, Lang: "sv", ArrivedAt: at, Stage: recruiting.StageNotSelected, StageAt: at},
				Ratings: []recruiting.Rating{{CandidateID: id, RecruitmentID: rid, PersonID: "bench", Score: 3, At: at}},
			}
			for f := range files {
				a := applications.Attachment{ID: fmt.Sprintf("%s-f%d", id, f), Owner: "bench-" + id, AdRef: ref, Name: "cv.pdf", ContentType: "application/pdf",
					Size: 1024, Key: key(id, f), State: applications.AttachmentStored, CreatedAt: at, Application: id, Slot: f + 1}
				v.Attachments = append(v.Attachments, a)
				sub.Files = append(sub.Files, a)
			}
			sub.Version = v
			batch = append(batch, sub)
			if len(batch) == 1000 {
				flush()
			}
		}
		if len(batch) > 0 {
			flush()
		}
	}
	put(ctx, blobs, ids, files, workers)
	return ids
}

func key(id string, f int) string { return fmt.Sprintf("attachments/%s-f%d", id, f) }

// put writes every application's objects, workers at a time.
func put(ctx context.Context, blobs *storage.Blobs, ids []string, files, workers int) {
	body := bytes.Repeat([]byte("%PDF-1.4 bench\n"), 68) // about 1 kB
	next := make(chan string)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if err := blobs.Put(ctx, k, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
					failed.Store(err)
				}
			}
		}()
	}
	for _, id := range ids {
		for f := range files {
			next <- key(id, f)
		}
	}
	close(next)
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		check(err)
	}
}

// watchHeap samples the heap in use until the returned function is called,
// which reports the highest sample.
func watchHeap() func() uint64 {
	var high atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > high.Load() {
				high.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		return high.Load()
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

func check(err error) {
	if err != nil {
		log.Fatal("retentionbench: ", err)
	}
}
