package demo

import (
	"time"

	"portal/jobs"
)

// Recruitment is the demo's recruitment: opened by the demo recruiter for
// Solgården with its manager in the group, its ad published, and people
// who have applied, so that the recruiters' pages have something to show.
var Recruitment = struct {
	Recruiter, Unit, UnitName, Title string
	Group                            []struct{ User, Role string }
	Text                             string
	Questions                        []jobs.Question
}{
	Recruiter: "sarnys01", Unit: "EXK-VOF-SOL", UnitName: "Solgårdens vård- och omsorgsboende",
	Title: "Sjuksköterska till Solgården",
	Group: []struct{ User, Role string }{{"asalun01", "hiring-manager"}, {"ingper01", "expert"}},
	Text: "Solgården är ett vård- och omsorgsboende med 48 lägenheter. Vi söker en legitimerad sjuksköterska " +
		"som vill arbeta nära de boende och deras anhöriga.\n\nDu arbetar dagtid, varannan helg, i ett team med " +
		"undersköterskor, arbetsterapeut och fysioterapeut.\n\nVälkommen med din ansökan!",
	Questions: []jobs.Question{
		{ID: "q1", Type: jobs.QuestionYesNo, Text: "Har du svensk sjuksköterskelegitimation?", Required: true, Wanted: []string{"yes"}},
		{ID: "q2", Type: jobs.QuestionSingle, Text: "Hur många års erfarenhet har du av äldreomsorg?", Options: []string{"Mindre än ett år", "1–5 år", "Mer än 5 år"}, Required: true},
		{ID: "q3", Type: jobs.QuestionLong, Text: "Varför vill du arbeta hos oss?"},
	},
}

// Applicant is one of the demo recruitment's applicants and what they
// answered.
type Applicant struct {
	First, Last, Email, Phone, Town string
	Licensed                        bool
	Years, Why                      string
	Stage                           string // where the review has them; "" for received
}

// Applicants are those who have applied to the demo recruitment.
var Applicants = []Applicant{
	{"Amira", "Haddad", "amira.haddad@example.se", "0701112233", "Växjö", true, "Mer än 5 år", "Jag har arbetat på ett boende i Alvesta i sju år och vill nu närmare hemmet.", "interview"},
	{"Johan", "Lindqvist", "johan.lindqvist@example.se", "0702223344", "Alvesta", true, "1–5 år", "Jag trivs med att följa de boende över tid.", "review"},
	{"Elsa", "Åkesson", "elsa.akesson@example.se", "0703334455", "Växjö", true, "Mindre än ett år", "Nyexaminerad och nyfiken på äldreomsorgen.", ""},
	{"Mohammed", "Rahimi", "mohammed.rahimi@example.se", "0704445566", "Ljungby", false, "1–5 år", "Jag väntar på min legitimation från Socialstyrelsen.", ""},
	{"Karin", "Öst", "karin.ost@example.se", "0705556677", "Växjö", true, "Mer än 5 år", "", "review"},
	{"Patrik", "Nyberg", "patrik.nyberg@example.se", "0706667788", "Lessebo", true, "1–5 år", "Jag vill arbeta dagtid.", ""},
}

// RecruitmentLastDay is the demo ad's last application day: three weeks
// after now.
func RecruitmentLastDay(now time.Time) jobs.Day { return jobs.DayOf(now).AddDays(21) }
