package handlers_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"portal/jobs"
	"portal/recruiting"
)

// goodAd is an editor form that saves: three questions, English, codes.
func goodAd() url.Values {
	return url.Values{
		"title": {"Undersköterska till hemtjänsten"}, "department": {"Hemtjänsten Norr"}, "area": {"care"},
		"occupation": {"5321"}, "municipality": {"2380"}, "extent": {"75"}, "employment": {"permanent"}, "positions": {"2"},
		"text": {"Vi söker dig.\n\nVälkommen!"}, "last_day": {"2026-12-15"},
		"title_en": {"Assistant nurse, home care"}, "text_en": {"We are looking for you."},
		"contact_0_name": {"Rut Rekryterare"}, "contact_0_role": {"Enhetschef"}, "contact_0_email": {"rut@example.se"},
		"union_0_name": {"Kim Facklig"}, "union_0_role": {"Kommunal"},
		"q_0_id": {"q1"}, "q_0_type": {"yesno"}, "q_0_text": {"Har du undersköterskeexamen?"}, "q_0_required": {"on"}, "q_0_wanted": {"yes"},
		"q_0_help": {"Gymnasiets vård- och omsorgsprogram räknas."},
		"q_1_id":   {"q2"}, "q_1_type": {"single"}, "q_1_text": {"Körkort?"}, "q_1_options": {"B\nC\nInget"}, "q_1_wanted": {"B", "C"},
		"q_2_id": {"q3"}, "q_2_type": {"long"}, "q_2_text": {"Berätta om dig själv"},
		"action": {"save"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	return out
}

// The ad editor: bad input is named next to its field and stores nothing;
// a good ad is stored with its codes and questions; the preview, the
// publication at a set time with its job-alert dispatch, the record of
// changes, closing, extending, the export and English on the public page.
func TestRecruitAdEditor(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	id := openRecruitment(t, a, rec, "Undersköterska", true, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"now"}})
	r, err := a.db.Recruitments().Recruitment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	base := "/personal/rekrytering/" + id + "/annons"
	edit := base + "/redigera"

	want(t, "recruitment page links the ad", rec.get("/personal/rekrytering/"+id), 200, `href="`+base+`"`)
	want(t, "ad page before an ad", rec.get(base), 200, "Ingen annons ännu", `href="`+edit+`"`)
	want(t, "new editor", rec.get(edit), 200, `value="Undersköterska"`, `value="Hemtjänsten"`, "Lägg till fråga",
		`<option value="5321"`, `<optgroup label="Jämtlands län">`)

	for _, tc := range []struct {
		name string
		form url.Values
		want []string
	}{
		{"no title, no codes", with(goodAd(), "title", "", "occupation", "", "municipality", ""),
			[]string{"Fältet är obligatoriskt.", "Välj yrke (SSYK).", "Välj kommun där arbetet finns.", `href="#occupation"`}},
		{"codes not on the lists", with(goodAd(), "occupation", "9999", "municipality", "0000"),
			[]string{"Välj ett yrke i listan.", "Välj en kommun i listan."}},
		{"English title without text", with(goodAd(), "text_en", ""), []string{"Skriv annonstexten på engelska"}},
		{"choice with one option", with(goodAd(), "q_1_options", "B", "q_1_wanted", ""), []string{`id="question_1"`, "question_1-error"}},
		{"wanted answer not an option", with(goodAd(), "q_1_wanted", "CE"), []string{"Kravet på svar måste vara ett av frågans svarsalternativ."}},
		{"bad date", with(goodAd(), "last_day", "15/12"), []string{"Sista ansökningsdag ska skrivas ÅÅÅÅ-MM-DD."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want(t, tc.name, rec.post(edit, edit, tc.form), 422, tc.want...)
			if _, err := a.Board.AdByRef(ctx, r.Ref); err != jobs.ErrNotFound {
				t.Fatalf("bad input stored an ad: %v", err)
			}
		})
	}

	// The question buttons change the form, not the store.
	res := rec.post(edit, edit, with(goodAd(), "action", "add_question", "new_type", "number"))
	want(t, "add a question", res, 200, "Fråga 4", "inte sparade", `value="q4"`)
	res = rec.post(edit, edit, with(goodAd(), "action", "down_0"))
	if i, j := strings.Index(res.body, "Körkort?"), strings.Index(res.body, "Har du undersköterskeexamen?"); i < 0 || j < i {
		t.Errorf("moving down did not move question 1 below 2")
	}
	res = rec.post(edit, edit, with(goodAd(), "action", "remove_2"))
	if strings.Contains(res.body, "Berätta om dig själv") {
		t.Error("the removed question is still there")
	}
	if _, err := a.Board.AdByRef(ctx, r.Ref); err != jobs.ErrNotFound {
		t.Fatalf("a question button stored the ad: %v", err)
	}

	// A good ad is stored as a draft; nothing is logged for a draft.
	res = rec.post(edit, edit, goodAd())
	if res.StatusCode != 303 || res.Header.Get("Location") != edit+"?klart=saved" {
		t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	ad, err := a.Board.AdByRef(ctx, r.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if ad.Place != "Östersund" || ad.Occupation != "5321" || ad.Municipality != "2380" || !ad.PublishedAt.IsZero() ||
		ad.English.Title != "Assistant nurse, home care" || len(ad.Questions) != 3 || ad.Questions[1].Wanted[1] != "C" ||
		ad.Questions[0].Help == "" || ad.Organisation == "" || len(ad.UnionContacts) != 1 {
		t.Fatalf("stored: %+v", ad)
	}
	if !ad.Questions[0].Fails([]string{"no"}) || ad.Questions[0].Fails([]string{"yes"}) || ad.Questions[1].Fails([]string{"C"}) || !ad.Questions[1].Fails([]string{"Inget"}) {
		t.Error("required answers judge wrong")
	}
	want(t, "saved editor", rec.get(edit+"?klart=saved"), 200, "Annonsen är sparad.", `value="B" checked`, `<option value="yes" selected>`)
	want(t, "draft is not public", a.get(t, "/jobb/"+r.Ref), 404)
	want(t, "preview", rec.get(base+"/forhandsgranska"), 200, "Förhandsgranskning.", "Undersköterska till hemtjänsten", "Kim Facklig", "inte publicerad")
	want(t, "preview in English", rec.get(base+"/forhandsgranska?sprak=en"), 200, "Assistant nurse, home care", "We are looking for you.", `lang="en"`)

	// Publication at a set time: in the past refused; later scheduled, the
	// alerts' dispatch due then, the ad hidden until it comes.
	res = rec.post(base, base+"/publicera", url.Values{"when": {"later"}, "publish_date": {"2026-11-20"}, "publish_time": {"08:00"}})
	want(t, "publish in the past", res, 422, "Tiden för publicering måste vara senare än nu.")
	res = rec.post(base, base+"/publicera", url.Values{"when": {"later"}, "publish_date": {"2026-11-25"}, "publish_time": {"8"}})
	want(t, "publish at no time", res, 422, "Ange datum")
	res = rec.post(base, base+"/publicera", url.Values{"when": {"later"}, "publish_date": {"2026-11-25"}, "publish_time": {"08:00"}})
	if res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "?klart=scheduled") {
		t.Fatalf("schedule: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.body)
	}
	at := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	if ad, _ = a.Board.AdByRef(ctx, r.Ref); !ad.PublishedAt.Equal(at) {
		t.Fatalf("published at %v, want %v", ad.PublishedAt, at)
	}
	due := func(now time.Time) bool { return dispatchDue(t, a, r.Ref, now) }
	if due(testNow) || !due(at) {
		t.Error("the alert dispatch is not scheduled for the publication time")
	}
	want(t, "scheduled ad hidden", a.get(t, "/jobb/"+r.Ref), 404)

	// A change to a scheduled ad is recorded, field by field.
	res = rec.post(edit, edit, with(goodAd(), "title", "Undersköterska, hemtjänst"))
	if res.StatusCode != 303 {
		t.Fatalf("edit: %d\n%s", res.StatusCode, res.body)
	}
	page := rec.get(base)
	want(t, "change log", page, 200, "Publicering planerad", "Ändrad", "Rut Rekryterare (rekry01)", "<del>Undersköterska till hemtjänsten</del>",
		"<ins>Undersköterska, hemtjänst</ins>", "2026-11-25 08:00")
	changes, err := a.db.AdEditing().AdChanges(ctx, r.Ref)
	if err != nil || len(changes) != 2 || changes[1].By != "rekry01" || changes[1].Fields[0].Field != "title" || changes[0].Action != recruiting.ChangeScheduled {
		t.Fatalf("changes: %v %+v", err, changes)
	}

	// Once out, the public sees it, in English when reading in English;
	// the feeds too. Anonymisation can no longer change.
	a.clock.Set(at.Add(time.Hour))
	rec = staffVisitor(t, a, "rekry01") // the login before has ended meanwhile
	want(t, "public ad", a.get(t, "/jobb/"+r.Ref), 200, "Undersköterska, hemtjänst", "Östersund")
	want(t, "public ad in English", a.get(t, "/jobb/"+r.Ref, "Accept-Language", "en"), 200, "Assistant nurse, home care", "We are looking for you.")
	want(t, "English list", a.get(t, "/jobb", "Accept-Language", "en"), 200, "Assistant nurse, home care")
	want(t, "English feed", a.get(t, "/jobb/feed.rss?lang=en"), 200, "Assistant nurse, home care")
	res = rec.post("/personal/rekrytering/"+id, "/personal/rekrytering/"+id+"/grupp", url.Values{
		"member_0_user": {"rekry01"}, "member_0_role": {"recruiter"}, "member_0_notify": {"now"}})
	want(t, "anonymisation after publishing", res, 422, "Anonymiseringen kan inte ändras")

	// Close early, and extend again.
	res = rec.post(base, base+"/stang", url.Values{"mode": {"today"}})
	if res.StatusCode != 303 {
		t.Fatalf("close today: %d\n%s", res.StatusCode, res.body)
	}
	if ad, _ = a.Board.AdByRef(ctx, r.Ref); ad.LastDay != jobs.DayOf(a.clock.Now()) {
		t.Errorf("last day %s after closing today", ad.LastDay)
	}
	want(t, "close today twice", rec.post(base, base+"/stang", url.Values{"mode": {"today"}}), 422, "redan i dag")
	if res := rec.post(base, base+"/stang", url.Values{"mode": {"now"}}); res.StatusCode != 303 {
		t.Fatalf("close now: %d\n%s", res.StatusCode, res.body)
	}
	want(t, "closed public ad", a.get(t, "/jobb/"+r.Ref), 200, "Ansökningstiden har gått ut.")
	want(t, "close a closed ad", rec.post(base, base+"/stang", url.Values{"mode": {"now"}}), 422, "tar inte emot ansökningar")
	want(t, "extend to the past", rec.post(base, base+"/forlang", url.Values{"last_day_new": {"2026-11-01"}}), 422, "får inte ha passerat")
	if res := rec.post(base, base+"/forlang", url.Values{"last_day_new": {"2026-12-20"}}); res.StatusCode != 303 {
		t.Fatalf("extend: %d\n%s", res.StatusCode, res.body)
	}
	if ad, _ = a.Board.AdByRef(ctx, r.Ref); !ad.Open(a.clock.Now()) || ad.LastDay.String() != "2026-12-20" {
		t.Errorf("after extending: open %v, last day %s", ad.Open(a.clock.Now()), ad.LastDay)
	}
	want(t, "extend earlier", rec.post(base, base+"/forlang", url.Values{"last_day_new": {"2026-12-19"}}), 422, "senare än den nuvarande")
	want(t, "log of closing", rec.get(base), 200, "Stängd", "Förlängd")

	// The export: a JSON file with the codes.
	res = rec.get(base + ".json")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	var exp recruiting.AdExport
	if err := json.Unmarshal([]byte(res.body), &exp); err != nil {
		t.Fatal(err)
	}
	if exp.Schema != recruiting.AdExportSchema || exp.Occupation.Code != "5321" || exp.Municipality.Code != "2380" || exp.Municipality.County != "23" ||
		exp.Title.EN != "Assistant nurse, home care" || len(exp.Questions) != 3 || exp.Questions[0].Wanted[0] != "yes" || exp.LastDay != "2026-12-20" {
		t.Fatalf("export: %+v", exp)
	}

	// A template of the unit, and a second recruitment starting from it or
	// from this ad.
	want(t, "template without a name", rec.post(base, base+"/mall", url.Values{"template_name": {" "}}), 422, "Ge mallen ett namn.")
	if res := rec.post(base, base+"/mall", url.Values{"template_name": {"Undersköterska hemtjänst"}}); res.StatusCode != 303 {
		t.Fatalf("template: %d\n%s", res.StatusCode, res.body)
	}
	id2 := openRecruitment(t, a, rec, "Undersköterska natt", false, nil)
	base2 := "/personal/rekrytering/" + id2 + "/annons"
	page = rec.get(base2)
	want(t, "second ad page", page, 200, "Undersköterska hemtjänst", r.Ref)
	tid := between(between(page.body, `<select id="template" name="template"`, `</select>`), `<option value="`, `"`)
	want(t, "from the template", rec.post(base2, base2+"/kopiera", url.Values{"template": {tid}}), 200,
		"inte sparad", `value="Undersköterska, hemtjänst"`, "Har du undersköterskeexamen?", `name="last_day" value=""`)
	want(t, "copy of the earlier ad", rec.post(base2, base2+"/kopiera", url.Values{"from": {id}}), 200, `value="Assistant nurse, home care"`)
	want(t, "copy of nothing", rec.post(base2, base2+"/kopiera", url.Values{"from": {"000000000000000000000000"}}), 422, "Välj en annons som du får kopiera.")
	if _, err := a.Board.AdByRef(ctx, "REK-2026-0002"); err != jobs.ErrNotFound {
		t.Errorf("copying stored an ad: %v", err)
	}
}

// dispatchDue reports whether the job alerts of ad ref are due at now.
func dispatchDue(t *testing.T, a *testApp, ref string, now time.Time) bool {
	t.Helper()
	ds, err := a.db.Subscriptions().DueDispatches(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Ref == ref {
			return true
		}
	}
	return false
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// Publishing now tells the job alerts at once; only those who manage the
// recruitment change its ad: a read-only member reads it and is refused
// every change, someone outside the group cannot tell it exists.
func TestRecruitAdAccess(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, false)
	recruiterOrg(t, a)
	ctx := context.Background()
	rec := staffVisitor(t, a, "rekry01")
	id := openRecruitment(t, a, rec, "Undersköterska", false, url.Values{
		"member_0_user": {"evaryl01"}, "member_0_role": {"hiring-manager"}, "member_0_notify": {"now"},
		"member_1_user": {"otto"}, "member_1_role": {"union"}, "member_1_notify": {"none"}})
	base := "/personal/rekrytering/" + id + "/annons"
	if res := rec.post(base+"/redigera", base+"/redigera", goodAd()); res.StatusCode != 303 {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.body)
	}
	if res := rec.post(base, base+"/publicera", url.Values{"when": {"now"}}); res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "klart=published") {
		t.Fatalf("publish: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	r, _ := a.db.Recruitments().Recruitment(ctx, id)
	ad, _ := a.Board.AdByRef(ctx, r.Ref)
	if !ad.Published(testNow) {
		t.Fatal("not published")
	}
	if !dispatchDue(t, a, r.Ref, testNow) {
		t.Error("publishing now scheduled no alert dispatch")
	}
	want(t, "publish twice", rec.post(base, base+"/publicera", url.Values{"when": {"now"}}), 422, "Annonsen är redan publicerad.")
	if got := rec.get(base); strings.Contains(got.body, base+"/publicera") {
		t.Error("a published ad offers publishing")
	}

	posts := map[string]url.Values{
		"/redigera": goodAd(), "/publicera": {"when": {"now"}}, "/stang": {"mode": {"now"}}, "/forlang": {"last_day_new": {"2027-01-01"}},
		"/mall": {"template_name": {"x"}}, "/kopiera": {"from": {id}},
	}
	for _, tc := range []struct {
		who           string
		read, changes int
	}{
		{"evaryl01", 200, 403}, // hiring manager: reads, changes nothing
		{"otto", 200, 403},     // union representative: reads
		{"dirbo", 404, 404},    // outside the group and the grant
		{"chefanna", 404, 404},
	} {
		t.Run(tc.who, func(t *testing.T) {
			v := staffVisitor(t, a, tc.who)
			for _, path := range []string{"", "/forhandsgranska", ".json"} {
				if res := v.get(base + path); res.StatusCode != tc.read {
					t.Errorf("GET %s: %d, want %d", path, res.StatusCode, tc.read)
				}
			}
			if res := v.get(base + "/redigera"); res.StatusCode != tc.changes {
				t.Errorf("GET editor: %d, want %d", res.StatusCode, tc.changes)
			}
			if tc.read == 200 {
				if res := v.get(base); strings.Contains(res.body, base+"/redigera") || !strings.Contains(res.body, "inte ändra") {
					t.Error("a reader is offered the editor")
				}
			}
			for path, form := range posts {
				if res := v.post("/personal", base+path, form); res.StatusCode != tc.changes {
					t.Errorf("POST %s: %d, want %d", path, res.StatusCode, tc.changes)
				}
			}
		})
	}
	if after, _ := a.Board.AdByRef(ctx, r.Ref); !after.ClosedAt.IsZero() || after.LastDay != ad.LastDay {
		t.Error("a refused change changed the ad")
	}
	if changes, _ := a.db.AdEditing().AdChanges(ctx, r.Ref); len(changes) != 1 {
		t.Errorf("%d changes recorded, want the publication only", len(changes))
	}
	// Anyone's session on the applicant side reaches none of it.
	applicant := a.visitor(t)
	register(t, applicant, "sokande@example.se")
	if res := applicant.get(base); !toStaffLogin(res) {
		t.Errorf("applicant on the ad page: %d", res.StatusCode)
	}
}
