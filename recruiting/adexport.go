package recruiting

import (
	"time"

	"portal/classify"
	"portal/jobs"
)

// AdExportSchema names the shape of AdExport; it changes when the shape
// does.
const AdExportSchema = "portal.ad/1"

// AdExport is an ad as exported for other systems (the README documents
// the shape): both languages, the occupation and municipality codes with
// their names, and the times in RFC 3339.
type AdExport struct {
	Schema        string           `json:"schema"`
	Ref           string           `json:"ref"`
	URL           string           `json:"url"`
	Title         Texts            `json:"title"`
	Organisation  string           `json:"organisation"`
	Department    Texts            `json:"department"`
	Description   Texts            `json:"description"`
	Occupation    *ExportCode      `json:"occupation"`
	Municipality  *ExportCode      `json:"municipality"`
	Area          string           `json:"area"`
	Employment    string           `json:"employment_type"`
	ExtentPercent int              `json:"extent_percent"`
	Positions     int              `json:"positions"`
	PublishedAt   *time.Time       `json:"published_at"`
	LastDay       string           `json:"last_application_day"`
	ClosesAt      time.Time        `json:"closes_at"`
	Contacts      []ExportContact  `json:"contacts"`
	UnionContacts []ExportContact  `json:"union_contacts"`
	Questions     []ExportQuestion `json:"questions"`
	ExportedAt    time.Time        `json:"exported_at"`
}

// Texts is a text in Swedish and, when there is one, in English.
type Texts struct {
	SV string `json:"sv"`
	EN string `json:"en,omitempty"`
}

// ExportCode is a code of a classification with its name.
type ExportCode struct {
	Scheme string `json:"scheme"` // "ssyk-2012" or "kommun"
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"name_en,omitempty"`
	County string `json:"county,omitempty"` // two digits, for a municipality
}

// ExportContact is a contact person of the ad.
type ExportContact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// ExportQuestion is a screening question of the ad.
type ExportQuestion struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"`
	Text     string   `json:"text"`
	Help     string   `json:"help,omitempty"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	Wanted   []string `json:"required_answer,omitempty"`
}

// Export is the ad as AdExport; url is its public address.
func Export(ad jobs.Ad, url string, now time.Time) AdExport {
	e := AdExport{
		Schema: AdExportSchema, Ref: ad.Ref, URL: url,
		Title:        Texts{SV: ad.Title, EN: ad.English.Title},
		Organisation: ad.Organisation, Department: Texts{SV: ad.Department, EN: ad.English.Department},
		Description: Texts{SV: ad.Text, EN: ad.English.Text},
		Area:        ad.Area, Employment: ad.Employment, ExtentPercent: ad.Extent.Percent, Positions: ad.Positions,
		LastDay: ad.LastDay.String(), ClosesAt: ad.ClosesAt().UTC(), ExportedAt: now.UTC().Truncate(time.Second),
		Contacts: exportContacts(ad.Contacts), UnionContacts: exportContacts(ad.UnionContacts), Questions: []ExportQuestion{},
	}
	if c, ok := classify.Occupation(ad.Occupation); ok {
		e.Occupation = &ExportCode{Scheme: "ssyk-2012", Code: c.Code, Name: c.Name, NameEn: c.NameEn}
	}
	if m, ok := classify.MunicipalityByCode(ad.Municipality); ok {
		e.Municipality = &ExportCode{Scheme: "kommun", Code: m.Code, Name: m.Name, County: m.County}
	}
	if !ad.PublishedAt.IsZero() {
		t := ad.PublishedAt.UTC()
		e.PublishedAt = &t
	}
	for _, q := range ad.Questions {
		e.Questions = append(e.Questions, ExportQuestion{ID: q.ID, Type: q.Type, Text: q.Text, Help: q.Help, Required: q.Required,
			Options: q.Options, Wanted: q.Wanted})
	}
	return e
}

func exportContacts(cs []jobs.Contact) []ExportContact {
	out := make([]ExportContact, len(cs))
	for i, c := range cs {
		out[i] = ExportContact(c)
	}
	return out
}
