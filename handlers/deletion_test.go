package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"portal/applicants"
	"portal/applications"
	"portal/jobs"
)

// openAds returns n open demo ads with questions whose last day is not today.
func openAds(t *testing.T, a *testApp, n int) []jobs.Ad {
	t.Helper()
	var out []jobs.Ad
	for _, ad := range a.ads {
		if ad.Open(testNow) && ad.LastDay != jobs.DayOf(testNow) && len(ad.Questions) >= 4 && len(out) < n {
			out = append(out, ad)
		}
	}
	if len(out) < n {
		t.Fatalf("only %d open demo ads with questions", len(out))
	}
	return out
}

// draftTo starts an application to ad, answers the questions with motive
// as the free text and uploads one file; it returns the application's
// path.
func draftTo(t *testing.T, v *visitor, ad jobs.Ad, motive, file string, content []byte) string {
	t.Helper()
	m := appPath.FindStringSubmatch(v.startApplication(ad).Header.Get("Location"))
	if m == nil {
		t.Fatal("no application")
	}
	base, loc := "/ansokan/"+m[1], "/ansokan/"+m[1]+"/fragor"
	answers := answersFor(ad)
	for _, q := range ad.Questions {
		if q.Type == jobs.QuestionLong {
			answers.Set(q.Field(), motive)
		}
	}
	if res := v.post(loc, loc, answers); res.StatusCode != 303 {
		t.Fatalf("answers: %d", res.StatusCode)
	}
	if res := v.upload(base+"/bilagor", base+"/bilagor", map[string][]byte{file: content}); res.StatusCode != 303 {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	return base
}

// fileNamed returns the applicant's attachment with the name.
func fileNamed(t *testing.T, a *testApp, owner, name string) applications.Attachment {
	t.Helper()
	files, err := a.db.Attachments().OwnedBy(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no file %s", name)
	return applications.Attachment{}
}

// kept reports whether the record and the object of f are both there; one
// without the other fails the test.
func kept(t *testing.T, a *testApp, f applications.Attachment) bool {
	t.Helper()
	ctx := context.Background()
	_, err := a.db.Attachments().Attachment(ctx, f.ID)
	record := err == nil
	rc, err := a.Blobs.Get(ctx, f.Key)
	if err == nil {
		rc.Close()
	}
	if record != (err == nil) {
		t.Fatalf("%s: record %v, object %v", f.Name, record, err == nil)
	}
	return record
}

// Deleting an account at once takes its drafts with their answers, files
// and objects.
func TestDeletingAnAccountTakesItsDrafts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newTestApp(t, false)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	v := verifiedApplicant(t, a, "utkast@example.se")
	acc, err := a.db.Accounts().AccountByEmail(ctx, "utkast@example.se")
	if err != nil {
		t.Fatal(err)
	}
	ads := openAds(t, a, 2)
	draftTo(t, v, ads[0], "Mitt personnummer är 19800101-1234", "CV.pdf", pdf)
	draftTo(t, v, ads[1], "Ett annat utkast", "Brev.pdf", pdf)
	cv, letter := fileNamed(t, a, acc.ID, "CV.pdf"), fileNamed(t, a, acc.ID, "Brev.pdf")

	res := v.post("/mina-uppgifter/radera", "/mina-uppgifter/radera", url.Values{"delete_password": {goodPassword}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Ditt konto och allt vi hade sparat om dig är raderat.") {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if apps, err := a.db.Applications().ApplicationsOf(ctx, acc.ID); err != nil || len(apps) != 0 {
		t.Fatalf("drafts kept: %d %v", len(apps), err)
	}
	if kept(t, a, cv) || kept(t, a, letter) {
		t.Fatal("files of the drafts kept")
	}
}

// An account with a submitted application goes at once, with its drafts
// and with what the working copies of its submitted applications hold
// beyond the latest version; the submitted versions and their files stay,
// as official records.
func TestDeletionKeepsOnlyTheRecords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newTestApp(t, false)
	pdf, _ := os.ReadFile("../applications/testdata/brev.pdf")
	v := verifiedApplicant(t, a, "skickat@example.se")
	acc, err := a.db.Accounts().AccountByEmail(ctx, "skickat@example.se")
	if err != nil {
		t.Fatal(err)
	}
	ads := openAds(t, a, 2)
	sent := draftTo(t, v, ads[0], "Det jag skickade", "Betyg.pdf", pdf)
	if res := v.post(sent+"/sammanfattning", sent+"/skicka", url.Values{}); res.StatusCode != 303 {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	// Changed after submitting, never sent again.
	draftTo(t, v, ads[0], "Mitt personnummer är 19800101-1234", "CV.pdf", pdf)
	draftTo(t, v, ads[1], "Ett utkast", "Brev.pdf", pdf)
	grades, cv, letter := fileNamed(t, a, acc.ID, "Betyg.pdf"), fileNamed(t, a, acc.ID, "CV.pdf"), fileNamed(t, a, acc.ID, "Brev.pdf")

	res := v.post("/mina-uppgifter/radera", "/mina-uppgifter/radera", url.Values{"delete_password": {goodPassword}})
	if res.StatusCode != 200 || !strings.Contains(res.body, "Sparas tills rekryteringen är avslutad och därefter i två år") {
		t.Fatalf("delete: %d\n%s", res.StatusCode, res.body)
	}
	if _, err := a.db.Accounts().AccountByID(ctx, acc.ID); !errors.Is(err, applicants.ErrNotFound) {
		t.Fatalf("account kept: %v", err)
	}
	apps, err := a.db.Applications().ApplicationsOf(ctx, acc.ID)
	if err != nil || len(apps) != 1 || apps[0].AdRef != ads[0].Ref {
		t.Fatalf("applications left: %+v %v", apps, err)
	}
	versions, err := a.db.Applications().Versions(ctx, apps[0].ID)
	if err != nil || len(versions) != 1 || len(versions[0].Attachments) != 1 || versions[0].Attachments[0].ID != grades.ID {
		t.Fatalf("versions: %+v %v", versions, err)
	}
	wc := apps[0]
	onCopy, err := a.db.Attachments().AttachmentsOf(ctx, wc.ID)
	if err != nil || fmt.Sprint(wc.Answers) != fmt.Sprint(versions[0].Answers) || len(onCopy) != 1 || onCopy[0].ID != grades.ID {
		t.Fatalf("working copy %v %v, version %v (%v)", wc.Answers, onCopy, versions[0].Answers, err)
	}
	if !kept(t, a, grades) {
		t.Fatal("the submitted file went")
	}
	if kept(t, a, cv) || kept(t, a, letter) {
		t.Fatal("files never submitted kept")
	}
}
