package retention_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"portal/access"
	"portal/applications"
	"portal/internal/fixtures"
	"portal/internal/testapp"
	"portal/jobs"
	"portal/recruiting"
	"portal/retention"
	"portal/valid"
)

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, jobs.Stockholm)

// world is a portal with recruitments whose applications have real files,
// each written twice in a versioned bucket.
type world struct {
	t   *testing.T
	a   *testapp.Portal
	ctx context.Context
	n   int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a := testapp.New(t, testapp.Options{Now: start, Ads: 1})
	if err := a.Blobs.EnableVersioning(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &world{t: t, a: a, ctx: context.Background()}
}

// recruitment opens a recruitment with an ad and n applications, each
// with files; it returns the recruitment and the candidates' ids.
func (w *world) recruitment(n, files int) (recruiting.Recruitment, []string) {
	t := w.t
	t.Helper()
	w.n++
	ref := fmt.Sprintf("REK-2026-%04d", w.n)
	r := recruiting.Recruitment{Ref: ref, UnitID: "u1", Title: "Undersköterska " + ref, Positions: 1, CreatedAt: start, UpdatedAt: start}
	id, err := w.a.DB.Recruitments().CreateRecruitment(w.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	r.ID = id
	ad := w.a.Ads[0]
	ad.Ref, ad.Title, ad.LastDay = ref, r.Title, jobs.DayOf(start).AddDays(10)
	if err := w.a.DB.Ads().SaveAd(w.ctx, ad); err != nil {
		t.Fatal(err)
	}
	var apps []fixtures.Applied
	for i := range n {
		apps = append(apps, fixtures.Applied{Details: applications.Snapshot{FirstName: fmt.Sprintf("Åsa%d", i), LastName: "Öberg", Email: fmt.Sprintf("a%d-%s@example.se", i, ref)},
			Answers: jobs.Answers{}, Files: files, At: start.Add(time.Duration(i) * time.Minute)})
	}
	ids, err := fixtures.Apply(w.ctx, w.a.DB, w.a.Candidates, ref, ad.ClosesAt(), apps, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, cid := range ids {
		w.files(cid, files)
		w.review(r.ID, cid)
	}
	return r, ids
}

// files gives the application's version files their records and objects,
// each object written twice (two versions).
func (w *world) files(app string, n int) {
	t := w.t
	t.Helper()
	for f := range n {
		fid := fmt.Sprintf("%s-f%d", app, f)
		a := applications.Attachment{ID: fid, Owner: "fixture", AdRef: "x", Name: "cv.pdf", ContentType: "application/pdf", Size: 4,
			Key: "attachments/" + fid, State: applications.AttachmentStored, CreatedAt: start, Application: app, Slot: f + 1}
		if err := w.a.DB.Attachments().InsertAttachment(w.ctx, a); err != nil {
			t.Fatal(err)
		}
		for v := range 2 {
			body := []byte(fmt.Sprintf("v%d", v))
			if err := w.a.Blobs.Put(w.ctx, a.Key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// review adds a rating, a note, a message and a look at the application.
func (w *world) review(rid, cid string) {
	t := w.t
	t.Helper()
	db := w.a.DB
	if err := db.RecruitReview().PutRating(w.ctx, recruiting.Rating{CandidateID: cid, RecruitmentID: rid, PersonID: "rekry01", Score: 3, At: start}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecruitReview().AddNote(w.ctx, recruiting.Note{CandidateID: cid, RecruitmentID: rid, PersonID: "rekry01", Text: "Bra", At: start}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecruitReview().AddAccess(w.ctx, recruiting.Access{RecruitmentID: rid, CandidateID: cid, PersonID: "rekry01", Kind: "application", At: start}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecruitDecisions().AddEntry(w.ctx, recruiting.LogEntry{Key: "m-" + cid, RecruitmentID: rid, CandidateID: cid, Kind: "message", Subject: "Hej", Body: "Hej Åsa", By: "rekry01", At: start}); err != nil {
		t.Fatal(err)
	}
}

// decide stores the decision posted on the day.
func (w *world) decide(r recruiting.Recruitment, outcome string, hired []string, posted jobs.Day) recruiting.Decision {
	w.t.Helper()
	d := recruiting.Decision{RecruitmentID: r.ID, Outcome: outcome, Hired: hired, DecidedOn: posted, DecidedBy: "rekry01", PostedOn: posted,
		AppealDays: 21, AppealUntil: posted.AddDays(21), FinalOn: posted.AddDays(22), At: posted.Start()}
	if outcome == recruiting.OutcomeCancelled {
		d.Reason = "Tjänsten dras in"
	}
	if err := w.a.DB.RecruitDecisions().AddDecision(w.ctx, d); err != nil {
		w.t.Fatal(err)
	}
	return d
}

// has reports what is left of an application: its records and object
// versions.
func (w *world) has(cid string, files int) (records, objects int) {
	t := w.t
	t.Helper()
	if _, err := w.a.DB.Applications().ApplicationByID(w.ctx, cid); err == nil {
		records++
	} else if !errors.Is(err, applications.ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := w.a.DB.Recruitments().Candidate(w.ctx, cid); err == nil {
		records++
	}
	if v, err := w.a.DB.Applications().Versions(w.ctx, cid); err != nil {
		t.Fatal(err)
	} else {
		records += len(v)
	}
	if rs, err := w.a.DB.RecruitReview().RatingsOf(w.ctx, cid); err != nil {
		t.Fatal(err)
	} else {
		records += len(rs)
	}
	if ns, err := w.a.DB.RecruitReview().NotesOf(w.ctx, cid); err != nil {
		t.Fatal(err)
	} else {
		records += len(ns)
	}
	if ls, err := w.a.DB.RecruitReview().AccessOfCandidate(w.ctx, cid, 0); err != nil {
		t.Fatal(err)
	} else {
		records += len(ls)
	}
	if es, err := w.a.DB.RecruitDecisions().EntriesOf(w.ctx, []string{cid}); err != nil {
		t.Fatal(err)
	} else {
		records += len(es)
	}
	for f := range files {
		fid := fmt.Sprintf("%s-f%d", cid, f)
		if _, err := w.a.DB.Attachments().Attachment(w.ctx, fid); err == nil {
			records++
		}
		n, err := w.a.Blobs.Versions(w.ctx, "attachments/"+fid)
		if err != nil {
			t.Fatal(err)
		}
		objects += n
	}
	return records, objects
}

const files = 2

// whole: 1 application, 1 candidate, 1 version, 1 rating, 1 note, 1 log
// entry, 1 message, and per file a record and two object versions.
const wholeRecords, wholeObjects = 7 + files, 2 * files

func (w *world) wantWhole(what string, ids ...string) {
	w.t.Helper()
	for _, id := range ids {
		if rec, obj := w.has(id, files); rec != wholeRecords || obj != wholeObjects {
			w.t.Errorf("%s %s: %d records and %d object versions, want %d and %d", what, id, rec, obj, wholeRecords, wholeObjects)
		}
	}
}

func (w *world) wantGone(what string, ids ...string) {
	w.t.Helper()
	for _, id := range ids {
		if rec, obj := w.has(id, files); rec != 0 || obj != 0 {
			w.t.Errorf("%s %s: %d records and %d object versions left", what, id, rec, obj)
		}
	}
}

func TestCullingRemovesExactlyWhatIsDue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	posted := jobs.DayOf(start).AddDays(20)
	hiredR, hiredIDs := w.recruitment(3, files)
	d := w.decide(hiredR, recruiting.OutcomeHired, hiredIDs[:1], posted)
	cancelR, cancelIDs := w.recruitment(2, files)
	w.decide(cancelR, recruiting.OutcomeCancelled, nil, posted)
	_, openIDs := w.recruitment(2, files) // no decision
	heldR, heldIDs := w.recruitment(2, files)
	w.decide(heldR, recruiting.OutcomeHired, heldIDs[:1], posted)
	appealR, appealIDs := w.recruitment(3, files)
	w.decide(appealR, recruiting.OutcomeHired, appealIDs[:1], posted)
	// A draft to the first ad, never sent: it goes with the rest.
	draft, err := w.a.DB.Applications().CreateApplication(w.ctx, applications.Application{Applicant: "someone", AdRef: hiredR.Ref, Status: applications.StatusDraft,
		Step: applications.StepSummary, CreatedAt: start, UpdatedAt: start})
	if err != nil {
		t.Fatal(err)
	}
	holds := &retention.Holds{Store: w.a.DB.Retention(), Policy: w.a.Policy, Now: w.a.Now}
	if _, err := holds.PlaceFor(w.ctx, "request:q1", "reg01", retention.Hold{RecruitmentID: heldR.ID, Reason: "Begäran om allmän handling"}); err != nil {
		t.Fatal(err)
	}
	if _, err := holds.PlaceFor(w.ctx, "appeal:a1", "reg01", retention.Hold{RecruitmentID: appealR.ID, CandidateID: appealIDs[1], Kind: retention.HoldAppeal}); err != nil {
		t.Fatal(err)
	}

	from := w.a.Schedule.Rules.CullFrom(d.FinalOn)
	// A second before: nothing is due.
	_, recs, err := w.a.Culler.Plan(w.ctx, from.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 0 {
		t.Fatalf("a second early the plan culls %+v", recs)
	}
	o, recs, err := w.a.Culler.Plan(w.ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	plan := map[string]retention.Record{}
	for _, r := range recs {
		plan[r.Ref] = r
	}
	want := map[string]retention.Counts{
		hiredR.Ref:  {Applications: 2, Drafts: 1, Versions: 2, Files: 4, Ratings: 2, Notes: 2, Messages: 2, LogEntries: 2, Archived: 1},
		cancelR.Ref: {Applications: 2, Versions: 2, Files: 4, Ratings: 2, Notes: 2, Messages: 2, LogEntries: 2},
		// The appeal holds one of two; the hired stays.
		appealR.Ref: {Applications: 1, Versions: 1, Files: 2, Ratings: 1, Notes: 1, Messages: 1, LogEntries: 1, Archived: 1},
		// The hold keeps the recruitment's records; its hired is archived.
		heldR.Ref: {Archived: 1},
	}
	if len(plan) != len(want) {
		t.Errorf("plan: %+v", recs)
	}
	for ref, c := range want {
		if plan[ref].Counts != c {
			t.Errorf("plan for %s: %+v, want %+v", ref, plan[ref].Counts, c)
		}
	}
	if len(o.Holds) != 2 {
		t.Errorf("holds in the plan: %+v", o.Holds)
	}

	w.a.Clock.Set(from)
	run, err := w.a.Culler.Run(w.ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !run.Completed || len(run.Records) != 4 || run.Counts.Applications != 5 || run.Counts.Drafts != 1 || run.Counts.Objects != 5*wholeObjects {
		t.Fatalf("run: %+v", run)
	}
	w.wantGone("not hired", hiredIDs[1:]...)
	w.wantGone("cancelled", cancelIDs...)
	w.wantGone("appeal's other", appealIDs[2])
	w.wantWhole("hired", hiredIDs[0], heldIDs[0], appealIDs[0])
	w.wantWhole("undecided", openIDs...)
	w.wantWhole("held recruitment", heldIDs[1])
	w.wantWhole("appellant", appealIDs[1])
	if _, err := w.a.DB.Applications().ApplicationByID(w.ctx, draft); !errors.Is(err, applications.ErrNotFound) {
		t.Errorf("the draft is left: %v", err)
	}
	if c, err := w.a.DB.Recruitments().Candidate(w.ctx, hiredIDs[0]); err != nil || c.ArchivedAt.IsZero() {
		t.Errorf("the hired candidate is not marked archived: %+v %v", c, err)
	}
	// Ads and decisions are kept.
	if _, err := w.a.DB.Ads().AdByRef(w.ctx, cancelR.Ref); err != nil {
		t.Errorf("the ad went: %v", err)
	}
	if _, err := w.a.DB.RecruitDecisions().Decision(w.ctx, cancelR.ID); err != nil {
		t.Errorf("the decision went: %v", err)
	}
	// The records: no personal data, the rule, the counts.
	runs, err := w.a.DB.Retention().Runs(w.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || len(runs[0].Records) != 4 || !runs[0].Completed {
		t.Fatalf("stored runs: %+v", runs)
	}
	for _, r := range runs[0].Records {
		if r.Done.IsZero() || r.Rule == "" || r.FinalOn != d.FinalOn.String() {
			t.Errorf("record %+v", r)
		}
		if strings.Contains(fmt.Sprint(r), "Åsa") || strings.Contains(fmt.Sprint(r), "@") {
			t.Errorf("personal data in the record: %+v", r)
		}
		if r.Ref == cancelR.Ref && (r.Category != retention.CategoryCancelled || r.Counts.Objects != 2*wholeObjects) {
			t.Errorf("cancelled record: %+v", r)
		}
	}

	// A second run removes nothing.
	again, err := w.a.Culler.Run(w.ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Records) != 0 || again.Counts != (retention.Counts{}) {
		t.Errorf("second run: %+v", again)
	}

	// Lifting the appeal lets its application go at the next run.
	hs, _ := w.a.DB.Retention().Holds(w.ctx, appealR.ID)
	if err := holds.LiftFor(w.ctx, "appeal:a1", "reg01", "Överklagandet avslogs", appealR.ID); err != nil || len(hs) != 1 {
		t.Fatal(err, hs)
	}
	third, err := w.a.Culler.Run(w.ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if third.Counts.Applications != 1 {
		t.Errorf("after the appeal: %+v", third)
	}
	w.wantGone("appellant after the appeal", appealIDs[1])
	w.wantWhole("held recruitment", heldIDs[1])
}

// failing removes objects but fails to remove the records, as a run
// killed between the two.
type failing struct {
	retention.Records
	fail bool
}

func (f *failing) Remove(ctx context.Context, ids []string) error {
	if f.fail {
		return errors.New("killed")
	}
	return f.Records.Remove(ctx, ids)
}

func TestCullingCutShortIsCompletedByTheNextRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, ids := w.recruitment(3, files)
	d := w.decide(r, recruiting.OutcomeHired, ids[:1], jobs.DayOf(start).AddDays(20))
	from := w.a.Schedule.Rules.CullFrom(d.FinalOn)
	w.a.Clock.Set(from)
	broken := *w.a.Culler
	broken.Records = &failing{Records: w.a.DB.Retention(), fail: true}
	if _, err := broken.Run(w.ctx, "test"); err == nil {
		t.Fatal("the broken run did not fail")
	}
	for _, id := range ids[1:] {
		if rec, obj := w.has(id, files); obj != 0 || rec == 0 {
			t.Fatalf("after the cut: %d records, %d objects", rec, obj)
		}
	}
	// Within the lease the cut run's marks are left alone (it may still
	// be going); after it, the next run completes them.
	if run, err := w.a.Culler.Run(w.ctx, "test"); err != nil || run.Resumed != 0 {
		t.Fatalf("a run within the lease: %+v %v", run, err)
	}
	w.a.Clock.Add(w.a.Culler.Lease + time.Second)
	run, err := w.a.Culler.Run(w.ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if run.Resumed != 2 {
		t.Errorf("resumed %d, want 2", run.Resumed)
	}
	w.wantGone("after the next run", ids[1:]...)
	w.wantWhole("hired", ids[0])
	runs, err := w.a.DB.Retention().Runs(w.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var total retention.Counts
	for _, x := range runs {
		for _, rec := range x.Records {
			total.Add(rec.Counts)
			if rec.Done.IsZero() {
				t.Errorf("record not done: %+v", rec)
			}
		}
	}
	if total.Applications != 2 || total.Files != 4 {
		t.Errorf("records count %+v", total)
	}
}

func TestTwoRunnersCullOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, ids := w.recruitment(12, 1)
	d := w.decide(r, recruiting.OutcomeHired, ids[:1], jobs.DayOf(start).AddDays(20))
	w.a.Clock.Set(w.a.Schedule.Rules.CullFrom(d.FinalOn))
	var wg sync.WaitGroup
	runs := make([]retention.Run, 2)
	errs := make([]error, 2)
	for i := range runs {
		c := *w.a.Culler
		c.Batch = 3
		wg.Add(1)
		go func() {
			defer wg.Done()
			runs[i], errs[i] = c.Run(w.ctx, fmt.Sprint("runner", i))
		}()
	}
	wg.Wait()
	var total retention.Counts
	for i, run := range runs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		total.Add(run.Counts)
	}
	if total.Applications != 11 || total.Files != 11 || total.Ratings != 11 {
		t.Errorf("together the runners culled %+v, want each of 11 once", total)
	}
	for _, id := range ids[1:] {
		if rec, obj := w.has(id, 1); rec != 0 || obj != 0 {
			t.Errorf("%s: %d records, %d objects left", id, rec, obj)
		}
	}
}

// The same appeal sent at once from two tabs is one appeal with one hold;
// two people lifting a hold at once lift it once; text with control
// characters and days before the matter could arise are refused.
func TestAppealsAndLiftsHappenOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, ids := w.recruitment(3, 0)
	d := w.decide(r, recruiting.OutcomeHired, ids[:1], jobs.DayOf(start).AddDays(20))
	w.a.Clock.Set(d.PostedOn.Start().Add(48 * time.Hour))
	cands, err := w.a.DB.Recruitments().CandidatesOf(w.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Who may is the handlers' tests' matter; here everyone may.
	holds := &retention.Holds{Store: w.a.DB.Retention(), Policy: allowAll{}, Now: w.a.Now}
	appealsSvc := &retention.Appeals{Store: w.a.DB.Retention(), Holds: holds, Now: w.a.Now}
	draft := retention.AppealDraft{Appellant: ids[1], ArrivedOn: d.PostedOn.AddDays(1).String(), Court: "Förvaltningsrätten", CaseNumber: "123-26"}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = appealsSvc.Record(w.ctx, "reg01", r, &d, cands, draft)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, retention.ErrAppealExists):
			t.Fatal(err)
		}
	}
	appeals, _ := appealsSvc.Of(w.ctx, r.ID)
	placed, _ := w.a.DB.Retention().Holds(w.ctx, r.ID)
	if ok != 1 || len(appeals) != 1 || len(placed) != 1 {
		t.Fatalf("%d recorded, %d appeals, %d holds; want one each", ok, len(appeals), len(placed))
	}

	bad := []struct {
		name  string
		draft retention.AppealDraft
		field string
	}{
		{"control characters", retention.AppealDraft{Appellant: retention.AppellantOther, Name: "\x00\x07", ArrivedOn: draft.ArrivedOn}, "appeal_name"},
		{"before the decision was posted", retention.AppealDraft{Appellant: ids[2], ArrivedOn: d.PostedOn.AddDays(-1).String()}, "arrived_on"},
		{"the hired", retention.AppealDraft{Appellant: ids[0], ArrivedOn: draft.ArrivedOn}, "appellant"},
	}
	for _, b := range bad {
		_, err := appealsSvc.Record(w.ctx, "reg01", r, &d, cands, b.draft)
		var p valid.Problems
		if !errors.As(err, &p) {
			t.Fatalf("%s: %v", b.name, err)
		}
		if _, found := p.Field(b.field); !found {
			t.Errorf("%s: problems %+v, want one for %s", b.name, p, b.field)
		}
	}
	if _, err := holds.Place(w.ctx, "reg01", r, retention.Hold{Kind: retention.HoldClaim, Reason: "Anmälan", Since: start.AddDate(-5, 0, 0)}); err == nil {
		t.Error("a claim five years before the recruitment was placed")
	}
	if _, err := holds.Place(w.ctx, "reg01", r, retention.Hold{Kind: retention.HoldOther, Reason: "a\x1b[31m"}); err == nil {
		t.Error("a reason with control characters was placed")
	}

	lifted := make([]error, 6)
	for i := range lifted {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lifted[i] = w.a.DB.Retention().LiftHold(w.ctx, placed[0].ID, fmt.Sprint("arkiv", i), fmt.Sprint("skäl ", i), w.a.Now())
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range lifted {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("lifted by %d and %d", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, retention.ErrLifted):
			t.Fatal(err)
		}
	}
	h, err := w.a.DB.Retention().Hold(w.ctx, placed[0].ID)
	if err != nil || won < 0 || h.LiftedBy != fmt.Sprint("arkiv", won) || h.LiftReason != fmt.Sprint("skäl ", won) {
		t.Errorf("the hold as lifted: %+v (winner %d) %v", h, won, err)
	}
}

type allowAll struct{}

func (allowAll) Can(context.Context, string, access.Permission, string) (bool, error) {
	return true, nil
}

// holdWhileMarking places a hold on one application just after the run
// marked it, as a registrar might while a long run goes.
type holdWhileMarking struct {
	retention.Records
	place func()
}

func (h *holdWhileMarking) AddMarks(ctx context.Context, marks []retention.Mark) ([]string, error) {
	ids, err := h.Records.AddMarks(ctx, marks)
	if h.place != nil {
		h.place()
		h.place = nil
	}
	return ids, err
}

func TestHoldPlacedDuringARunKeepsItsApplication(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, ids := w.recruitment(3, files)
	d := w.decide(r, recruiting.OutcomeHired, ids[:1], jobs.DayOf(start).AddDays(20))
	w.a.Clock.Set(w.a.Schedule.Rules.CullFrom(d.FinalOn))
	holds := &retention.Holds{Store: w.a.DB.Retention(), Policy: allowAll{}, Now: w.a.Now}
	c := *w.a.Culler
	c.Records = &holdWhileMarking{Records: w.a.DB.Retention(), place: func() {
		if _, err := holds.PlaceFor(w.ctx, "request:late", "reg01", retention.Hold{RecruitmentID: r.ID, CandidateID: ids[1]}); err != nil {
			t.Error(err)
		}
	}}
	run, err := c.Run(w.ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if run.Counts.Applications != 1 {
		t.Errorf("the run culled %d, want 1 (one was held while it marked)", run.Counts.Applications)
	}
	w.wantWhole("held while marking", ids[1])
	w.wantGone("not held", ids[2])
	if marks, err := w.a.DB.Retention().OpenMarks(w.ctx, w.a.Now().Add(time.Hour), 0); err != nil || len(marks) != 0 {
		t.Errorf("marks left: %+v %v", marks, err)
	}
}

// A hold sent twenty times at once, as a double click or two tabs send
// it, is placed once.
func TestHoldPlacedOnceWhenSentAtOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r, ids := w.recruitment(2, 0)
	holds := &retention.Holds{Store: w.a.DB.Retention(), Policy: allowAll{}, Now: w.a.Now}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = holds.Place(w.ctx, "reg01", r, retention.Hold{CandidateID: ids[0], Kind: retention.HoldClaim, Reason: "DO-anmälan", Since: start})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if hs, err := w.a.DB.Retention().Holds(w.ctx, r.ID); err != nil || len(hs) != 1 {
		t.Errorf("%d holds placed, want 1 (%v)", len(hs), err)
	}
}
