// Package classify holds the code lists an ad carries, shipped with the
// portal: the four-digit occupation groups of SSYK 2012 and Sweden's
// municipalities with their four-digit codes, both from Statistics Sweden's
// published classifications (SOURCES.md names the sources and the checks).
package classify

import (
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed ssyk2012.json municipalities.json
var files embed.FS

// Code is one entry of a classification: its code, its Swedish name and,
// where a verified one exists, its English name.
type Code struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
}

// Label is the name in lang ("sv" or "en"), Swedish where there is no
// English name.
func (c Code) Label(lang string) string {
	if strings.HasPrefix(lang, "en") && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}

// Municipality is one of Sweden's municipalities: its four-digit code, its
// name, and the two-digit code and name of its county.
type Municipality struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	County     string `json:"county"`
	CountyName string `json:"countyName"`
}

// lists are the parsed files, each sorted by code and indexed.
type lists struct {
	occupations    []Code
	occupation     map[string]Code
	municipalities []Municipality
	municipality   map[string]Municipality
}

var (
	once   sync.Once
	parsed lists
)

// load parses the embedded files once. They are part of the build and the
// tests check them, so a broken file is a bug and stops the program.
func load() *lists {
	once.Do(func() {
		var occ struct {
			Occupations []Code `json:"occupations"`
		}
		var mun struct {
			Municipalities []Municipality `json:"municipalities"`
		}
		if err := decode("ssyk2012.json", &occ); err != nil {
			panic(err)
		}
		if err := decode("municipalities.json", &mun); err != nil {
			panic(err)
		}
		parsed.occupations, parsed.occupation = index(occ.Occupations, func(c Code) string { return c.Code })
		parsed.municipalities, parsed.municipality = index(mun.Municipalities, func(m Municipality) string { return m.Code })
	})
	return &parsed
}

// decode reads one embedded file into v.
func decode(name string, v any) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("classify: %s: %w", name, err)
	}
	return nil
}

// index sorts entries by code and maps each code to its entry.
func index[T any](entries []T, code func(T) string) ([]T, map[string]T) {
	slices.SortFunc(entries, func(a, b T) int { return cmp.Compare(code(a), code(b)) })
	byCode := make(map[string]T, len(entries))
	for _, e := range entries {
		byCode[code(e)] = e
	}
	return entries, byCode
}

// Occupations lists the SSYK 2012 unit groups, sorted by code.
func Occupations() []Code {
	return slices.Clone(load().occupations)
}

// Occupation finds the SSYK 2012 unit group with the four-digit code.
func Occupation(code string) (Code, bool) {
	c, ok := load().occupation[code]
	return c, ok
}

// Municipalities lists Sweden's municipalities, sorted by code.
func Municipalities() []Municipality {
	return slices.Clone(load().municipalities)
}

// MunicipalityByCode finds the municipality with the four-digit code (the
// name Municipality is the type's).
func MunicipalityByCode(code string) (Municipality, bool) {
	m, ok := load().municipality[code]
	return m, ok
}
