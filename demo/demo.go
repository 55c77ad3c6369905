// Package demo makes realistic Swedish job ads for development, demos and
// benchmarks. The same n and day always give the same ads.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"portal/jobs"
)

type role struct {
	area, title, dept, org string
	duties, needs          string
}

var roles = []role{
	{"health", "Sjuksköterska", "Akutmottagningen", "Hälso- och sjukvårdsförvaltningen",
		"Du bedömer, prioriterar och behandlar patienter i ett tätt samarbete med läkare och undersköterskor.",
		"Du är legitimerad sjuksköterska. Erfarenhet av akutsjukvård är meriterande."},
	{"health", "Specialistsjuksköterska inom anestesi", "Operationsavdelningen", "Hälso- och sjukvårdsförvaltningen",
		"Du ansvarar för anestesin under operationer och för patientens säkerhet före, under och efter ingreppet.",
		"Du är legitimerad sjuksköterska med specialistutbildning inom anestesisjukvård."},
	{"health", "Undersköterska", "Medicinavdelning 3", "Hälso- och sjukvårdsförvaltningen",
		"Du arbetar nära patienterna med omvårdnad, provtagning och dokumentation.",
		"Du har undersköterskeexamen och yrkesbevis, eller motsvarande utbildning."},
	{"health", "Fysioterapeut", "Rehabiliteringsenheten", "Hälso- och sjukvårdsförvaltningen",
		"Du bedömer och behandlar patienter med nedsatt rörelseförmåga och planerar rehabilitering tillsammans med dem.",
		"Du är legitimerad fysioterapeut. Körkort för personbil är ett krav."},
	{"care", "Undersköterska i hemtjänsten", "Hemtjänsten Centrum", "Vård- och omsorgsförvaltningen",
		"Du ger stöd och omsorg i människors hem så att de kan leva ett tryggt och självständigt liv.",
		"Du har undersköterskeexamen och B-körkort. Du uttrycker dig väl på svenska i tal och skrift."},
	{"care", "Vårdbiträde till särskilt boende", "Solgårdens vård- och omsorgsboende", "Vård- och omsorgsförvaltningen",
		"Du hjälper de boende i vardagen med allt från måltider till personlig omvårdnad och aktiviteter.",
		"Du har erfarenhet av arbete inom vård och omsorg. Utbildning inom området är meriterande."},
	{"care", "Stödassistent till LSS-boende", "Gruppbostaden Linden", "Vård- och omsorgsförvaltningen",
		"Du ger stöd till vuxna med funktionsnedsättning utifrån varje persons behov och önskemål.",
		"Du har utbildning som stödassistent eller motsvarande. Erfarenhet av lågaffektivt bemötande är meriterande."},
	{"social", "Socialsekreterare inom barn och unga", "Individ- och familjeomsorgen", "Socialförvaltningen",
		"Du utreder barns och ungdomars behov av stöd och skydd och följer upp insatser.",
		"Du har socionomexamen. Erfarenhet av myndighetsutövning är meriterande."},
	{"social", "Biståndshandläggare", "Myndighetsenheten äldreomsorg", "Socialförvaltningen",
		"Du utreder ansökningar om insatser enligt socialtjänstlagen och fattar beslut.",
		"Du har socionomexamen eller annan relevant högskoleutbildning."},
	{"education", "Förskollärare", "Förskolan Regnbågen", "Barn- och utbildningsförvaltningen",
		"Du leder och utvecklar den pedagogiska verksamheten tillsammans med dina kollegor i arbetslaget.",
		"Du har förskollärarlegitimation."},
	{"education", "Lärare i matematik och NO, årskurs 7–9", "Centralskolan", "Barn- och utbildningsförvaltningen",
		"Du undervisar i matematik och NO och är mentor för en klass.",
		"Du har lärarlegitimation med behörighet i matematik och NO för årskurs 7–9."},
	{"education", "Elevassistent", "Ekbackeskolan", "Barn- och utbildningsförvaltningen",
		"Du stöttar elever i behov av särskilt stöd i klassrummet och på raster.",
		"Du har gymnasieexamen, gärna barn- och fritidsprogrammet, och erfarenhet av arbete med barn."},
	{"education", "Fritidspedagog", "Ängsskolans fritidshem", "Barn- och utbildningsförvaltningen",
		"Du planerar och leder fritidshemmets verksamhet och samverkar med skolan.",
		"Du har lärarlegitimation med inriktning mot fritidshem eller motsvarande utbildning."},
	{"admin", "Ekonom", "Ekonomiavdelningen", "Kommunledningsförvaltningen",
		"Du arbetar med budget, uppföljning och analys tillsammans med förvaltningarnas chefer.",
		"Du har högskoleexamen inom ekonomi och goda kunskaper i Excel."},
	{"admin", "Löneadministratör", "Lönecenter", "Kommunledningsförvaltningen",
		"Du ansvarar för lönehantering för ett antal enheter och svarar på frågor från medarbetare och chefer.",
		"Du har utbildning inom löneadministration och erfarenhet av kollektivavtalet AB."},
	{"admin", "Nämndsekreterare", "Kansliet", "Kommunledningsförvaltningen",
		"Du planerar nämndens sammanträden, skriver protokoll och ser till att ärenden hanteras rättssäkert.",
		"Du har högskoleutbildning med inriktning mot offentlig förvaltning eller juridik."},
	{"it", "Systemförvaltare", "Digitaliseringsenheten", "Kommunledningsförvaltningen",
		"Du ansvarar för att verksamhetssystemen fungerar och utvecklas i takt med verksamhetens behov.",
		"Du har högskoleutbildning inom IT eller motsvarande erfarenhet."},
	{"it", "IT-tekniker", "IT-support", "Kommunledningsförvaltningen",
		"Du hjälper medarbetare med datorer, telefoner och behörigheter, på plats och på distans.",
		"Du har eftergymnasial utbildning inom IT. B-körkort är ett krav."},
	{"technical", "Bygglovshandläggare", "Bygg- och miljöavdelningen", "Samhällsbyggnadsförvaltningen",
		"Du handlägger ansökningar om bygglov och ger råd till privatpersoner och företag.",
		"Du har högskoleutbildning inom samhällsbyggnad, arkitektur eller motsvarande."},
	{"technical", "Miljöinspektör", "Miljöenheten", "Samhällsbyggnadsförvaltningen",
		"Du utför tillsyn enligt miljöbalken och livsmedelslagstiftningen.",
		"Du har högskoleexamen inom miljö- och hälsoskydd eller motsvarande."},
	{"technical", "VA-ingenjör", "Vatten och avlopp", "Samhällsbyggnadsförvaltningen",
		"Du planerar och projekterar ledningsnät och leder entreprenader.",
		"Du är högskole- eller civilingenjör med inriktning mot VA eller samhällsbyggnad."},
	{"culture", "Bibliotekarie", "Stadsbiblioteket", "Kultur- och fritidsförvaltningen",
		"Du arbetar med läsfrämjande, programverksamhet och informationssökning för alla åldrar.",
		"Du har examen i biblioteks- och informationsvetenskap."},
	{"culture", "Fritidsledare", "Ungdomsgården Tegel", "Kultur- och fritidsförvaltningen",
		"Du skapar meningsfulla aktiviteter tillsammans med ungdomar på kvällar och helger.",
		"Du har utbildning till fritidsledare eller motsvarande."},
	{"meals", "Kock", "Måltidsservice", "Serviceförvaltningen",
		"Du lagar näringsriktiga måltider från grunden till förskolor, skolor och äldreboenden.",
		"Du har restaurangutbildning och erfarenhet av storkök."},
	{"meals", "Måltidsbiträde", "Skolrestaurangen Centralskolan", "Serviceförvaltningen",
		"Du förbereder och serverar måltider och håller ordning i köket.",
		"Du har erfarenhet av kök. Utbildning inom livsmedelshygien är meriterande."},
	{"facilities", "Lokalvårdare", "Lokalvården", "Serviceförvaltningen",
		"Du städar skolor, förskolor och kontor och bidrar till en trivsam miljö.",
		"Du har erfarenhet av lokalvård. Utbildning enligt SRY är meriterande."},
	{"facilities", "Fastighetstekniker", "Fastighetsavdelningen", "Serviceförvaltningen",
		"Du sköter drift och underhåll av kommunens byggnader och tekniska installationer.",
		"Du har teknisk utbildning, gärna inom fastighetsdrift, och B-körkort."},
	{"leadership", "Enhetschef inom äldreomsorgen", "Hemtjänsten Norr", "Vård- och omsorgsförvaltningen",
		"Du leder verksamhet, personal och ekonomi med fokus på kvalitet och delaktighet.",
		"Du har högskoleexamen inom vård, socialt arbete eller motsvarande och erfarenhet av ledarskap."},
	{"leadership", "Rektor", "Västerskolan", "Barn- och utbildningsförvaltningen",
		"Du leder skolans pedagogiska arbete och ansvarar för personal och ekonomi.",
		"Du har pedagogisk högskoleexamen och har gått eller påbörjat rektorsprogrammet."},
}

var places = []string{
	"Växjö", "Värnamo", "Ljungby", "Alvesta", "Älmhult", "Tingsryd", "Markaryd", "Uppvidinge",
	"Lessebo", "Gislaved", "Vaggeryd", "Jönköping", "Gnosjö", "Sävsjö", "Nässjö", "Vetlanda", "Eksjö", "Åre",
}

var firstNames = []string{"Anna", "Lars", "Maria", "Erik", "Karin", "Johan", "Sara", "Mikael", "Elin", "Ahmed", "Fatima", "Björn", "Åsa", "Örjan", "Linnéa", "Jonas"}
var lastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Lindström", "Åberg", "Öberg", "Hassan", "Bergqvist"}
var unions = []string{"Vision", "Kommunal", "Vårdförbundet", "Sveriges Lärare", "Akademikerförbundet SSR", "Ledarna"}

func person(r *rand.Rand) string {
	return firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
}

func emailOf(name string) string {
	repl := strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e", " ", ".")
	return repl.Replace(strings.ToLower(name)) + "@exempelkommun.se"
}

// questionsFor gives each ad realistic screening questions: a licence
// question where the job needs one, then the common ones.
func questionsFor(ro role, r *rand.Rand) []jobs.Question {
	var qs []jobs.Question
	switch {
	case strings.Contains(ro.title, "juksköterska"):
		qs = append(qs, jobs.Question{ID: "legitimation", Type: jobs.QuestionYesNo, Required: true,
			Text: "Har du svensk sjuksköterskelegitimation?"})
	case strings.Contains(ro.title, "Lärare") || strings.Contains(ro.title, "Förskollärare"):
		qs = append(qs, jobs.Question{ID: "legitimation", Type: jobs.QuestionYesNo, Required: true,
			Text: "Har du lärarlegitimation?"})
	case strings.Contains(ro.needs, "körkort"):
		qs = append(qs, jobs.Question{ID: "korkort", Type: jobs.QuestionYesNo, Required: true,
			Text: "Har du B-körkort?"})
	}
	qs = append(qs,
		jobs.Question{ID: "erfarenhet", Type: jobs.QuestionNumber, Required: true,
			Text: "Hur många års erfarenhet har du av liknande arbete?"},
		jobs.Question{ID: "utbildning", Type: jobs.QuestionSingle, Required: true,
			Text:    "Vilken är din högsta avslutade utbildning?",
			Options: []string{"Grundskola", "Gymnasium", "Yrkeshögskola", "Högskola eller universitet"}},
	)
	if ro.area == "health" || ro.area == "care" || ro.area == "meals" {
		qs = append(qs, jobs.Question{ID: "arbetstider", Type: jobs.QuestionMulti, Required: true,
			Text: "Vilka arbetstider kan du arbeta?", Options: []string{"Dag", "Kväll", "Natt", "Helg"}})
	}
	qs = append(qs,
		jobs.Question{ID: "tilltrade", Type: jobs.QuestionShort, Text: "När kan du börja?"},
		jobs.Question{ID: "motivering", Type: jobs.QuestionLong, Text: "Berätta kort varför du söker tjänsten."},
	)
	if r.IntN(3) == 0 {
		qs = append(qs, jobs.Question{ID: "sprak", Type: jobs.QuestionMulti,
			Text: "Vilka språk talar du utöver svenska?", Options: []string{"Engelska", "Arabiska", "Somaliska", "Finska", "Annat"}})
	}
	return qs
}

// Ads returns n ads for a board seen on the day of now: most open, some
// closing that day, some closed, a few scheduled for later.
func Ads(now time.Time, n int) []jobs.Ad {
	r := rand.New(rand.NewPCG(2026, 11))
	today := jobs.DayOf(now)
	out := make([]jobs.Ad, 0, n)
	for i := range n {
		ro := roles[r.IntN(len(roles))]
		place := places[r.IntN(len(places))]
		publishedDaysAgo := r.IntN(28) + 1
		var last jobs.Day
		switch {
		case i%15 == 3:
			last = today // closes today
		case i%12 == 5:
			publishedDaysAgo = 40 + r.IntN(30)
			last = today.AddDays(-1 - r.IntN(10)) // closed
		default:
			last = today.AddDays(2 + r.IntN(40))
		}
		published := today.AddDays(-publishedDaysAgo).Start().Add(time.Duration(7*60+r.IntN(9*60)) * time.Minute)
		if i%50 == 7 {
			published = today.AddDays(1).Start().Add(8 * time.Hour) // scheduled
			last = today.AddDays(30)
		}
		extent := 100
		if r.IntN(4) == 0 {
			extent = []int{50, 75, 80, 90}[r.IntN(4)]
		}
		employment := jobs.Permanent
		switch r.IntN(6) {
		case 0:
			employment = jobs.FixedTerm
		case 1:
			employment = jobs.Substitute
		case 2:
			if ro.area == "care" || ro.area == "meals" || ro.area == "education" {
				employment = jobs.Hourly
			}
		}
		contact := person(r)
		union := person(r)
		text := strings.Join([]string{
			fmt.Sprintf("%s i %s söker %s till %s. Hos oss får du ett meningsfullt arbete där du gör skillnad för invånarna varje dag.",
				ro.org, place, strings.ToLower(ro.title[:1])+ro.title[1:], ro.dept),
			"Arbetsuppgifter\n" + ro.duties,
			"Kvalifikationer\n" + ro.needs + " Vi lägger stor vikt vid personlig lämplighet.",
			"Övrigt\nVi tillämpar provanställning. Inför anställning kan utdrag ur belastningsregistret begäras. Urval och intervjuer kan ske löpande.",
		}, "\n\n")
		out = append(out, jobs.Ad{
			Ref:          fmt.Sprintf("EXK-%d-%04d", today.Start().Year(), i+1),
			Title:        ro.title,
			Organisation: ro.org,
			Department:   ro.dept,
			Area:         ro.area,
			Place:        place,
			Extent:       jobs.Extent{Percent: extent},
			Employment:   employment,
			Positions:    1 + r.IntN(3)*r.IntN(2),
			Text:         text,
			Contacts: []jobs.Contact{{Name: contact, Role: "Rekryterande chef", Phone: fmt.Sprintf("0470-%02d %02d %02d", r.IntN(90)+10, r.IntN(100), r.IntN(100)),
				Email: emailOf(contact)}},
			UnionContacts: []jobs.Contact{{Name: union, Role: unions[r.IntN(len(unions))], Phone: fmt.Sprintf("0470-%02d %02d %02d", r.IntN(90)+10, r.IntN(100), r.IntN(100))}},
			PublishedAt:   published.UTC(),
			LastDay:       last,
			Questions:     questionsFor(ro, r),
		})
	}
	return out
}

// OpenAds returns n ads that are all open on the day of now, for benchmarks.
func OpenAds(now time.Time, n int) []jobs.Ad {
	out := make([]jobs.Ad, 0, n)
	for _, ad := range Ads(now, 2*n+10) {
		if len(out) < n && ad.Open(now) {
			out = append(out, ad)
		}
	}
	return out
}
