package jobs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const goodAd = `{
  "ref": "EXR-2026-0101", "title": "Sjuksköterska", "organisation": "Region Exempel", "area": "health",
  "place": "Östersund", "extent_percent": 100, "employment": "permanent", "positions": 1,
  "text": "Om jobbet.", "last_day": "2026-12-20",
  "contacts": [{"name": "Eva Ek", "role": "Enhetschef", "phone": "063-14 00 00", "email": "eva.ek@example.se"}],
  "questions": [{"id": "leg", "type": "yesno", "text": "Har du legitimation?", "required": true}]
}`

func TestParseAds(t *testing.T) {
	ads, err := ParseAds(strings.NewReader(goodAd))
	if err != nil || len(ads) != 1 {
		t.Fatalf("one ad: %v", err)
	}
	a := ads[0]
	if a.Ref != "EXR-2026-0101" || a.Extent.Percent != 100 || a.LastDay.String() != "2026-12-20" || !a.PublishedAt.IsZero() ||
		len(a.Contacts) != 1 || a.Contacts[0].Email != "eva.ek@example.se" || len(a.Questions) != 1 || !a.Questions[0].Required {
		t.Fatalf("parsed %+v", a)
	}
	scheduled := strings.Replace(goodAd, `"last_day"`, `"published_at": "2026-12-01T08:00:00+01:00", "last_day"`, 1)
	list := "[" + scheduled + "," + strings.Replace(goodAd, "0101", "0102", 1) + "]"
	ads, err = ParseAds(strings.NewReader(list))
	if err != nil || len(ads) != 2 || !ads[0].PublishedAt.Equal(time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)) || !ads[1].PublishedAt.IsZero() {
		t.Fatalf("list: %v %+v", err, ads)
	}

	for _, tc := range []struct {
		name, json string
		want       []string // "index ref field key-or-detail" of each problem
	}{
		{"missing fields", `{"ref": "EXR-1", "title": ""}`, []string{
			"1 EXR-1 title error.required", "1 EXR-1 organisation error.required", "1 EXR-1 place error.required",
			"1 EXR-1 text error.required", "1 EXR-1 area error.ad.area", "1 EXR-1 employment error.ad.employment",
			"1 EXR-1 extent_percent error.ad.extent", "1 EXR-1 positions error.ad.positions", "1 EXR-1 last_day error.ad.last_day"}},
		{"wrong type", `[` + goodAd + `, {"ref": "EXR-2", "positions": "två"}]`, []string{"2 EXR-2 positions want int, got string"}},
		{"unknown field", `{"ref": "EXR-3", "salary": 1}`, []string{"1 EXR-3 salary unknown field"}},
		{"bad date", strings.Replace(goodAd, "2026-12-20", "20/12/2026", 1), []string{"1 EXR-2026-0101 last_day error.ad.last_day_format"}},
		{"same ref twice", "[" + goodAd + "," + goodAd + "]", []string{"2 EXR-2026-0101 ref error.ad.ref_repeated (ad 1)"}},
		{"closes before publication", strings.Replace(goodAd, `"last_day"`, `"published_at": "2027-01-01T08:00:00Z", "last_day"`, 1),
			[]string{"1 EXR-2026-0101 last_day error.ad.closes_before_publish"}},
	} {
		_, err := ParseAds(strings.NewReader(tc.json))
		var ierr *ImportError
		if !errors.As(err, &ierr) {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var got []string
		for _, p := range ierr.Problems {
			what := p.Key + p.Detail
			got = append(got, fmt.Sprintf("%d %s %s %s", p.Index, p.Ref, p.Field, what))
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	if _, err := ParseAds(strings.NewReader("[]")); err == nil {
		t.Error("an empty list imported")
	}
	if _, err := ParseAds(strings.NewReader("{not json")); err == nil {
		t.Error("broken JSON imported")
	}
}
