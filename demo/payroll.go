package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"portal/payroll"
)

// Payroll is a year of demo pay for every active employment of the demo
// organisation, as payroll would export it on the day now: twelve
// payslips up to the latest payday (monthly salary with the April
// revision, OB, overtime and now and then a sick leave for those who work
// shifts, hourly pay for the hourly employed), balances with their
// history, this year's totals, the schedule from two weeks back to six
// weeks ahead, the salary and tax table 32, column 1. The same now gives
// the same file.
func Payroll(now time.Time) (payroll.File, error) {
	batch, err := Organisation()
	if err != nil {
		return payroll.File{}, err
	}
	today := payroll.Day(now)
	var f payroll.File
	for _, p := range batch.People {
		for _, e := range p.Employments {
			if e.End != "" && e.End < today.Format(time.DateOnly) {
				continue
			}
			f.Employments = append(f.Employments, demoPay(e.ID, e.Title, e.Unit, e.Start, today))
		}
	}
	return f, nil
}

// monthlySalaries are the demo's salaries by title, in kronor.
var monthlySalaries = map[string]int64{
	"Kommundirektör": 98500, "Nämndsekreterare": 36800, "HR-chef": 62400, "HR-specialist": 44900, "Löneadministratör": 34700,
	"Digitaliseringschef": 64200, "Systemförvaltare": 43600, "IT-tekniker": 33900, "Förvaltningschef": 79300, "Enhetschef": 47800,
	"Undersköterska": 30450, "Vårdbiträde": 27600, "Sjuksköterska": 40200, "Rektor": 58900, "Lärare i matematik och NO": 38700,
	"Lärare i svenska och engelska": 37900, "Skoladministratör": 31200, "Elevassistent": 26900, "Rektor förskola": 52300,
	"Förskollärare": 36400, "Barnskötare": 28350,
}

// hourlyRates are the hourly employments' rates, in öre.
var hourlyRates = map[string]int64{"Sjuksköterska, timanställd": 26500, "Vårdbiträde, timanställd": 17400, "Barnskötare, timanställd": 17900}

type demoWork int

const (
	office demoWork = iota
	shifts          // care: evenings, weekends, nights
	school
)

func workOf(title, unit string) demoWork {
	switch {
	case strings.HasPrefix(unit, "EXK-VOF-") && !strings.HasPrefix(title, "Enhetschef"):
		return shifts
	case strings.HasPrefix(unit, "EXK-BUF-") && !strings.HasPrefix(title, "Rektor"):
		return school
	}
	return office
}

func seeded(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s>>7|1))
}

func kr(ore int64) payroll.Decimal { return payroll.Dec(payroll.FormatAmount(payroll.Amount(ore))) }

func qty(h int64) payroll.Decimal { return payroll.Dec(payroll.FormatQuantity(payroll.Quantity(h))) }

// DemoTaxTable is a table looking like the tax agency's table 32, column
// 1 (under 66, 32 % municipal tax): the tax on each 1 000 kronor of
// monthly income up to 120 000, in öre.
func DemoTaxTable() []payroll.TaxStep {
	var steps []payroll.TaxStep
	for from := int64(0); from < 120000; from += 1000 {
		mid := float64(from) + 500
		basic := min(max(3600-0.04*(mid-15000), 1400), 3600) // grundavdrag
		if mid < 1400 {
			basic = mid
		}
		tax := 0.32*(mid-basic) - min(0.11*mid, 2700) // jobbskatteavdrag
		if mid > 53600 {
			tax += 0.20 * (mid - 53600) // statlig skatt
		}
		t := max(int64(tax), 0) * 100
		lo := from * 100
		if from > 0 {
			lo++
		}
		steps = append(steps, payroll.TaxStep{From: payroll.Amount(lo), To: payroll.Amount((from + 1000) * 100), Tax: payroll.Amount(t)})
	}
	return steps
}

func tableTax(steps []payroll.TaxStep, gross int64) int64 {
	for _, s := range steps {
		if int64(s.From) <= gross && gross <= int64(s.To) {
			return int64(s.Tax)
		}
	}
	return gross * 45 / 100 / 100 * 100
}

// demoPay is one employment's export.
func demoPay(id, title, unit, start string, today time.Time) payroll.FileEmployment {
	e := payroll.FileEmployment{Employment: id}
	work := workOf(title, unit)
	hourly, isHourly := hourlyRates[title]
	monthly := monthlySalaries[title] * 100
	steps := DemoTaxTable()
	started, _ := time.ParseInLocation(time.DateOnly, start, payroll.Stockholm)

	latest := payroll.PeriodOf(today)
	if today.Before(payroll.Payday(latest, 0)) {
		latest = latest.Previous()
	}
	first := latest
	for range 11 {
		first = first.Previous()
	}
	year := today.Year()
	totals := payroll.FileTotals{Year: year, AsOf: today.Format(time.DateOnly)}
	var ytdSalary, ytdTax, ytdAllow, ytdBenefit int64
	// The salary was revised on the 1st of April: 3 % more.
	revised := time.Date(latest.Year(), time.April, 1, 0, 0, 0, 0, payroll.Stockholm)
	if latest.Start().Before(revised) {
		revised = revised.AddDate(-1, 0, 0)
	}
	revision := func(p payroll.Period) int64 {
		if p.Start().Before(revised) {
			return monthly * 100 / 103 / 10000 * 10000
		}
		return monthly
	}
	for p := first; p <= latest; p = p.Next() {
		if p.Start().AddDate(0, 1, -1).Before(started) {
			continue
		}
		r := seeded(id, string(p))
		var lines []payroll.FileLine
		var gross, allow, benefit int64
		add := func(code, text string, quantity int64, unit string, rate, amount int64) {
			l := payroll.FileLine{Code: code, Text: text, Unit: unit, Amount: kr(amount)}
			if quantity != 0 {
				l.Quantity = qty(quantity)
			}
			if rate != 0 {
				l.Rate = kr(rate)
			}
			lines = append(lines, l)
			gross += amount
			switch code[0] {
			case '5':
				allow += amount
			case '6':
				if amount > 0 {
					benefit += amount
				}
			}
		}
		byRate := func(code, text string, hundredths int64, unit string, rate int64) {
			add(code, text, hundredths, unit, rate, (hundredths*rate+50)/100)
		}
		if isHourly {
			hours := int64(r.IntN(60)+24) * 100
			byRate("1201", "Timlön", hours, "tim", hourly)
			vac := gross * 12 / 100
			add("1701", "Semesterersättning 12 %", 0, "", 0, vac)
			if work == shifts {
				byRate("3201", "OB-tillägg kväll", int64(r.IntN(12)+2)*100, "tim", 2630)
			}
		} else {
			salary := revision(p)
			add("1101", "Månadslön", 0, "", 0, salary)
			if work == shifts {
				byRate("3201", "OB-tillägg kväll", int64(r.IntN(24)+8)*100+int64(r.IntN(4))*25, "tim", 2630)
				byRate("3202", "OB-tillägg helg", int64(r.IntN(16)+4)*100, "tim", 6150)
				if r.IntN(4) == 0 {
					byRate("3206", "OB-tillägg natt", int64(r.IntN(10)+8)*100, "tim", 5420)
				}
				if r.IntN(3) == 0 {
					byRate("3301", "Övertid enkel", int64(r.IntN(8)+2)*100, "tim", salary/94)
				}
				if unit == "EXK-VOF-HEM" {
					byRate("5110", "Bilersättning, skattepliktig del", int64(r.IntN(300)+80)*100, "km", 65)
				}
			}
			if work == office && r.IntN(6) == 0 && !strings.Contains(title, "chef") && title != "Kommundirektör" {
				byRate("3302", "Övertid kvalificerad", int64(r.IntN(6)+2)*100, "tim", salary/72)
			}
			if title == "Kommundirektör" || title == "Förvaltningschef" {
				add("6101", "Bilförmån", 0, "", 0, 412500)
				add("6901", "Avdrag bilförmån", 0, "", 0, -412500)
			}
			if r.IntN(7) == 0 { // a sick leave the month before
				days := int64(r.IntN(4) + 2)
				weekly := salary * 12 / 52
				add("7101", "Karensavdrag", 0, "", 0, -(weekly * 80 / 100 * 20 / 100))
				day := salary * 12 / 365
				byRate("7102", "Sjukavdrag dag 2–14, 20 %", (days-1)*100, "dag", -(day * 20 / 100))
			}
			if p.Start().Month() == time.June && r.IntN(2) == 0 {
				add("1801", "Semestertillägg", 0, "", 0, salary*8/1000*int64(r.IntN(10)+10))
			}
		}
		tax := tableTax(steps, gross)
		paid := payroll.Payday(p, 0)
		e.Payslips = append(e.Payslips, payroll.FilePayslip{Period: string(p), PaidOn: paid.Format(time.DateOnly), Lines: lines,
			Gross: kr(gross), Tax: kr(tax), Net: kr(gross - tax)})
		if paid.Year() == year { // the year's totals are of the payslips paid in it
			ytdSalary += gross
			ytdTax += tax
			ytdAllow += allow
			ytdBenefit += benefit
		}
	}
	if len(e.Payslips) > 0 {
		totals.Salary, totals.Tax, totals.Allowances, totals.Benefits = kr(ytdSalary), kr(ytdTax), kr(ytdAllow), kr(ytdBenefit)
		e.YearToDate = []payroll.FileTotals{totals}
	}
	if !isHourly {
		e.Salary = &payroll.FileSalary{Monthly: kr(monthly), From: revised.Format(time.DateOnly)}
	}
	e.Tax = &payroll.FileTax{Year: year, Table: 32, Column: 1, Updated: time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, payroll.Stockholm).Format(time.DateOnly)}
	for _, s := range steps {
		e.Tax.Steps = append(e.Tax.Steps, payroll.FileStep{From: kr(int64(s.From)), To: kr(int64(s.To)), Tax: kr(int64(s.Tax))})
	}
	if id == "100019" { // a decision of adjustment, as payroll words it
		e.Tax.Adjustment = "Jämkning enligt beslut från Skatteverket: skatteavdraget minskas med 1 200 kr i månaden."
	}
	e.Balances = demoBalances(id, title, work, isHourly, today)
	e.Schedule = demoSchedule(id, work, isHourly, today)
	return e
}

// demoBalances are vacation days (not for the hourly employed, who get
// vacation pay, nor for teachers, whose year has school holidays), flex
// for office work and compensatory time for shift work.
func demoBalances(id, title string, work demoWork, hourly bool, today time.Time) []payroll.FileBalance {
	r := seeded(id, "balances", today.Format("2006"))
	var out []payroll.FileBalance
	asOf := today.Format(time.DateOnly)
	year := today.Year()
	teacher := strings.HasPrefix(title, "Lärare")
	if !hourly && !teacher {
		earned := int64(25)
		if r.IntN(3) == 0 {
			earned = 31
		}
		if r.IntN(4) == 0 {
			earned = 32
		}
		b := payroll.FileBalance{Kind: string(payroll.VacationPaid), Year: year, Unit: "dag", AsOf: asOf}
		v := int64(0)
		entry := func(day time.Time, change int64, text string) {
			if day.After(today) {
				return
			}
			v += change
			b.History = append(b.History, payroll.FileEntry{Day: day.Format(time.DateOnly), Change: qty(change * 100), Value: qty(v * 100), Text: text})
		}
		d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, payroll.Stockholm) }
		entry(d(time.January, 1), earned, "Intjänade semesterdagar")
		if r.IntN(2) == 0 {
			entry(d(time.February, 16+r.IntN(5)), -int64(r.IntN(3)+2), "Uttag semester, sportlov")
		}
		entry(d(time.April, 1+r.IntN(6)), -int64(r.IntN(2)+1), "Uttag semester, påsk")
		summer := int64(15 + r.IntN(6))
		entry(d(time.July, 1+r.IntN(14)), -summer, "Uttag semester, sommar")
		if r.IntN(2) == 0 {
			entry(d(time.October, 26+r.IntN(3)), -int64(r.IntN(3)+1), "Uttag semester, höstlov")
		}
		b.Value = qty(v * 100)
		out = append(out, b)

		saved := int64(r.IntN(8))
		if saved > 0 {
			s := payroll.FileBalance{Kind: string(payroll.VacationSaved), Year: year, Unit: "dag", AsOf: asOf}
			s.History = append(s.History, payroll.FileEntry{Day: d(time.January, 1).Format(time.DateOnly), Change: qty(saved * 100), Value: qty(saved * 100),
				Text: fmt.Sprintf("Sparade dagar från %d", year-1)})
			val := saved
			if used := int64(r.IntN(int(saved) + 1)); used > 0 && d(time.August, 10).Before(today) {
				val -= used
				s.History = append(s.History, payroll.FileEntry{Day: d(time.August, 3+r.IntN(7)).Format(time.DateOnly), Change: qty(-used * 100),
					Value: qty(val * 100), Text: "Uttag sparade dagar"})
			}
			s.Value = qty(val * 100)
			out = append(out, s)
		}
	}
	kind, text := payroll.Flex, "Flex"
	if work == shifts {
		kind, text = payroll.Compensatory, "Komp"
	}
	if work == school && !strings.HasPrefix(title, "Elevassistent") || hourly {
		return out
	}
	b := payroll.FileBalance{Kind: string(kind), Unit: "tim", AsOf: asOf}
	v := int64(r.IntN(600)) // hundredths
	start := today.AddDate(0, 0, -7*16)
	b.History = append(b.History, payroll.FileEntry{Day: start.Format(time.DateOnly), Change: qty(v), Value: qty(v), Text: "Ingående saldo"})
	for w := start.AddDate(0, 0, 7); !w.After(today); w = w.AddDate(0, 0, 7) {
		change := int64(r.IntN(500)-230) / 25 * 25
		if kind == payroll.Compensatory {
			change = int64(r.IntN(3)) * 200
			if r.IntN(3) == 0 && v > 400 {
				change = -400
			}
		}
		if change == 0 || v+change < -1000 {
			continue
		}
		v += change
		t := text + " vecka " + fmt.Sprint(isoWeek(w))
		if change < 0 && kind == payroll.Compensatory {
			t = "Uttag komp"
		} else if kind == payroll.Compensatory {
			t = "Övertid som komp"
		}
		b.History = append(b.History, payroll.FileEntry{Day: w.Format(time.DateOnly), Change: qty(change), Value: qty(v), Text: t})
	}
	b.Value = qty(v)
	return append(out, b)
}

func isoWeek(t time.Time) int {
	_, w := t.ISOWeek()
	return w
}

// demoSchedule is the schedule from the Monday two weeks back to six
// weeks ahead.
func demoSchedule(id string, work demoWork, hourly bool, today time.Time) *payroll.FileSchedule {
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7-14)
	end := monday.AddDate(0, 0, 8*7-1)
	s := &payroll.FileSchedule{From: monday.Format(time.DateOnly), To: end.Format(time.DateOnly)}
	r := seeded(id, "schedule", monday.Format(time.DateOnly))
	for d := monday; !d.After(end); d = d.AddDate(0, 0, 1) {
		wd := d.Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		day := d.Format(time.DateOnly)
		if hourly {
			if r.IntN(4) == 0 {
				s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "07:00", End: "15:30", BreakMinutes: 30, Text: "Dagpass"})
			}
			continue
		}
		if payroll.Holiday(d) && work != shifts {
			continue
		}
		switch work {
		case office:
			if weekend {
				continue
			}
			end := "17:00"
			if wd == time.Friday {
				end = "15:00"
			}
			s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "08:00", End: end, BreakMinutes: 60})
		case school:
			if weekend {
				continue
			}
			s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "07:45", End: "16:15", BreakMinutes: 45})
		case shifts:
			week := (int(d.Sub(monday).Hours()/24) / 7)
			if weekend && week%3 != 0 || !weekend && r.IntN(5) == 0 {
				continue
			}
			switch r.IntN(6) {
			case 0, 1, 2:
				s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "07:00", End: "16:00", BreakMinutes: 60, Text: "Dagpass"})
			case 3, 4:
				s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "13:30", End: "21:30", BreakMinutes: 30, Text: "Kvällspass"})
			default:
				s.Shifts = append(s.Shifts, payroll.FileShift{Day: day, Start: "21:15", End: "07:15", BreakMinutes: 45, Text: "Nattpass"})
			}
		}
	}
	return s
}
