package classify

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

var fourDigits = regexp.MustCompile(`^[0-9]{4}$`)

func TestOccupationsAreTheUnitGroupsOfSSYK2012(t *testing.T) {
	t.Parallel()
	all := Occupations()
	// SSYK 2012 has 429 unit groups (four-digit level), military ones included.
	if len(all) != 429 {
		t.Errorf("%d occupation groups, want 429", len(all))
	}
	seen := map[string]bool{}
	for i, c := range all {
		if !fourDigits.MatchString(c.Code) {
			t.Errorf("code %q is not four digits", c.Code)
		}
		if seen[c.Code] {
			t.Errorf("code %s twice", c.Code)
		}
		seen[c.Code] = true
		if i > 0 && all[i-1].Code >= c.Code {
			t.Errorf("%s after %s: not sorted by code", c.Code, all[i-1].Code)
		}
		if strings.TrimSpace(c.Name) == "" || c.Name != strings.TrimSpace(c.Name) {
			t.Errorf("code %s has name %q", c.Code, c.Name)
		}
		// The first digit is the major group: 0 (armed forces) to 9.
		if c.Code[0] == '0' && !slices.Contains([]string{"0110", "0210", "0310"}, c.Code) {
			t.Errorf("unexpected armed forces code %s", c.Code)
		}
	}
}

func TestOccupationFindsKnownGroups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, name string }{
		{"0110", "Officerare"},
		{"1111", "Politiker"},
		{"1211", "Ekonomi- och finanschefer, nivå 1"},
		{"1412", "Rektorer, nivå 2"},
		{"1532", "Enhetschefer inom äldreomsorg, nivå 2"},
		{"2211", "Specialistläkare"},
		{"2221", "Grundutbildade sjuksköterskor"},
		{"2223", "Anestesisjuksköterskor"},
		{"2341", "Grundskollärare"},
		{"2343", "Förskollärare"},
		{"2512", "Mjukvaru- och systemutvecklare m.fl."},
		{"2661", "Socialsekreterare"},
		{"3360", "Poliser"},
		{"4117", "Medicinska sekreterare, vårdadministratörer m.fl."},
		{"4430", "Förtroendevalda"},
		{"5311", "Barnskötare"},
		{"5321", "Undersköterskor, hemtjänst, hemsjukvård och äldreboende"},
		{"5322", "Undersköterskor, habilitering"},
		{"5323", "Undersköterskor, vård- och specialavdelning"},
		{"5343", "Personliga assistenter"},
		{"5411", "Brandmän"},
		{"9629", "Övriga servicearbetare"},
	} {
		c, ok := Occupation(tc.code)
		if !ok || c.Name != tc.name || c.Code != tc.code {
			t.Errorf("Occupation(%q) = %+v, %v; want %q", tc.code, c, ok, tc.name)
		}
	}
	for _, code := range []string{"", "5320", "1210", "0000", "53211", "abcd", " 5321"} {
		if c, ok := Occupation(code); ok {
			t.Errorf("Occupation(%q) = %+v, want none", code, c)
		}
	}
}

func TestMunicipalitiesAreSwedens290(t *testing.T) {
	t.Parallel()
	all := Municipalities()
	if len(all) != 290 {
		t.Errorf("%d municipalities, want 290", len(all))
	}
	seen := map[string]bool{}
	perCounty := map[string]int{}
	countyName := map[string]string{}
	for i, m := range all {
		if !fourDigits.MatchString(m.Code) {
			t.Errorf("code %q is not four digits", m.Code)
		}
		if seen[m.Code] {
			t.Errorf("code %s twice", m.Code)
		}
		seen[m.Code] = true
		if i > 0 && all[i-1].Code >= m.Code {
			t.Errorf("%s after %s: not sorted by code", m.Code, all[i-1].Code)
		}
		if m.Name == "" || !strings.HasSuffix(m.CountyName, " län") {
			t.Errorf("municipality %+v lacks a name or county name", m)
		}
		// A municipality's code begins with its county's.
		if m.County != m.Code[:2] {
			t.Errorf("municipality %s %s in county %s", m.Code, m.Name, m.County)
		}
		if n, ok := countyName[m.County]; ok && n != m.CountyName {
			t.Errorf("county %s named both %q and %q", m.County, n, m.CountyName)
		}
		countyName[m.County] = m.CountyName
		perCounty[m.County]++
	}
	if len(perCounty) != 21 {
		t.Errorf("%d counties, want 21", len(perCounty))
	}
	for county, want := range map[string]int{"01": 26, "09": 1, "12": 33, "14": 49, "25": 14} {
		if perCounty[county] != want {
			t.Errorf("county %s has %d municipalities, want %d", county, perCounty[county], want)
		}
	}
}

func TestMunicipalityByCodeFindsKnownOnes(t *testing.T) {
	t.Parallel()
	for _, want := range []Municipality{
		{"0114", "Upplands Väsby", "01", "Stockholms län"},
		{"0180", "Stockholm", "01", "Stockholms län"},
		{"0331", "Heby", "03", "Uppsala län"},
		{"0980", "Gotland", "09", "Gotlands län"},
		{"1280", "Malmö", "12", "Skåne län"},
		{"1480", "Göteborg", "14", "Västra Götalands län"},
		{"2023", "Malung-Sälen", "20", "Dalarnas län"},
		{"2584", "Kiruna", "25", "Norrbottens län"},
	} {
		if got, ok := MunicipalityByCode(want.Code); !ok || got != want {
			t.Errorf("MunicipalityByCode(%q) = %+v, %v; want %+v", want.Code, got, ok, want)
		}
	}
	// 1917 was Heby's code while it belonged to Västmanland, before 2007.
	for _, code := range []string{"", "0000", "1917", "9999", "018", "01800"} {
		if m, ok := MunicipalityByCode(code); ok {
			t.Errorf("MunicipalityByCode(%q) = %+v, want none", code, m)
		}
	}
}

func TestLabelFallsBackToSwedish(t *testing.T) {
	t.Parallel()
	c := Code{Code: "2512", Name: "Mjukvaru- och systemutvecklare m.fl."}
	for _, lang := range []string{"sv", "en", ""} {
		if got := c.Label(lang); got != c.Name {
			t.Errorf("Label(%q) = %q without an English name, want the Swedish", lang, got)
		}
	}
	c.NameEn = "Software and systems developers"
	for lang, want := range map[string]string{"sv": c.Name, "en": c.NameEn, "en-GB": c.NameEn, "": c.Name} {
		if got := c.Label(lang); got != want {
			t.Errorf("Label(%q) = %q, want %q", lang, got, want)
		}
	}
}

// The lists are shared: a caller changing its copy changes nothing else.
func TestListsAreCopies(t *testing.T) {
	t.Parallel()
	occ := Occupations()
	occ[0].Name = "changed"
	if c, _ := Occupation(occ[0].Code); c.Name == "changed" {
		t.Error("changing the returned occupations changed the package's")
	}
	if Occupations()[0].Name == "changed" {
		t.Error("changing the returned occupations changed the next caller's")
	}
	mun := Municipalities()
	mun[0].Name = "changed"
	if Municipalities()[0].Name == "changed" {
		t.Error("changing the returned municipalities changed the next caller's")
	}
}

// Callers at once all see the same parsed lists.
func TestConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, ok := Occupation("2221"); !ok {
				t.Error("2221 not found")
			}
			if _, ok := MunicipalityByCode("0180"); !ok {
				t.Error("0180 not found")
			}
		})
	}
	wg.Wait()
}

// Each file names its source at the top, as the issue asks.
func TestFilesNameTheirSource(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ssyk2012.json", "municipalities.json"} {
		b, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Source string `json:"source"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(doc.Source, "https://www.scb.se/") {
			t.Errorf("%s: source %q names no SCB address", name, doc.Source)
		}
	}
}
