package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/payroll"
)

// Payroll stores what payroll exported, every document under a key made
// of the employment and what it holds, so that each read is one lookup by
// _id: payslips "<employment>:<period>", balances
// "<employment>:<kind>:<year>", totals "<employment>:<year>", the
// schedule "<employment>:<month>", the salary and tax details
// "<employment>:salary" and "<employment>:tax", and the summary with the
// list of what is stored under "<employment>".
type Payroll struct{ db *DB }

// Payroll returns the payroll store.
func (d *DB) Payroll() *Payroll { return &Payroll{d} }

// Collections of payroll.
const (
	colPayslips  = "payroll_payslips"
	colBalances  = "payroll_balances"
	colTotals    = "payroll_totals"
	colSchedule  = "payroll_schedule"
	colDetails   = "payroll_details"
	colSummaries = "payroll_summaries"
)

type lineDoc struct {
	Code     string `bson:"code,omitempty"`
	Text     string `bson:"text"`
	Quantity int64  `bson:"qty,omitempty"`
	Unit     string `bson:"unit,omitempty"`
	Rate     int64  `bson:"rate,omitempty"`
	Amount   int64  `bson:"amount"`
}

type payslipDoc struct {
	ID         string    `bson:"_id"`
	Employment string    `bson:"employment"`
	Period     string    `bson:"period"`
	PaidOn     time.Time `bson:"paid_on"`
	Lines      []lineDoc `bson:"lines"`
	Gross      int64     `bson:"gross"`
	Tax        int64     `bson:"tax"`
	Net        int64     `bson:"net"`
	ImportedAt time.Time `bson:"imported_at"`
}

type entryDoc struct {
	Day    time.Time `bson:"day"`
	Change int64     `bson:"change"`
	Value  int64     `bson:"value"`
	Text   string    `bson:"text,omitempty"`
}

type balanceDoc struct {
	ID         string     `bson:"_id"`
	Employment string     `bson:"employment"`
	Kind       string     `bson:"kind"`
	Year       int        `bson:"year"`
	Unit       string     `bson:"unit"`
	Value      int64      `bson:"value"`
	AsOf       time.Time  `bson:"as_of"`
	History    []entryDoc `bson:"history,omitempty"`
}

type totalsDoc struct {
	ID         string    `bson:"_id"`
	Employment string    `bson:"employment"`
	Year       int       `bson:"year"`
	Salary     int64     `bson:"salary"`
	Tax        int64     `bson:"tax"`
	Allowances int64     `bson:"allowances"`
	Benefits   int64     `bson:"benefits"`
	AsOf       time.Time `bson:"as_of"`
}

type shiftDoc struct {
	Day   time.Time `bson:"day"`
	Start string    `bson:"start"`
	End   string    `bson:"end"`
	Break int       `bson:"break,omitempty"`
	Text  string    `bson:"text,omitempty"`
}

type scheduleDoc struct {
	ID         string     `bson:"_id"`
	Employment string     `bson:"employment"`
	Month      string     `bson:"month"`
	Shifts     []shiftDoc `bson:"shifts"`
}

type salaryDoc struct {
	Monthly int64     `bson:"monthly"`
	From    time.Time `bson:"from"`
}

type stepDoc struct {
	From int64 `bson:"f"`
	To   int64 `bson:"t"`
	Tax  int64 `bson:"x"`
}

type taxDoc struct {
	Year       int       `bson:"year"`
	Table      int       `bson:"table,omitempty"`
	Column     int       `bson:"column,omitempty"`
	Steps      []stepDoc `bson:"steps,omitempty"`
	Percent    int64     `bson:"percent,omitempty"`
	Adjustment string    `bson:"adjustment,omitempty"`
	UpdatedAt  time.Time `bson:"updated_at"`
}

type detailDoc struct {
	ID         string     `bson:"_id"`
	Employment string     `bson:"employment"`
	Salary     *salaryDoc `bson:"salary,omitempty"`
	Tax        *taxDoc    `bson:"tax,omitempty"`
}

type keyDoc struct {
	Kind string `bson:"kind"`
	Year int    `bson:"year"`
}

type summaryDoc struct {
	ID         string       `bson:"_id"`
	Latest     *payslipDoc  `bson:"latest,omitempty"`
	Balances   []balanceDoc `bson:"balances,omitempty"`
	YearToDate *totalsDoc   `bson:"ytd,omitempty"`
	Salary     *salaryDoc   `bson:"salary,omitempty"`
	Tax        *taxDoc      `bson:"tax,omitempty"`
	Schedule   []shiftDoc   `bson:"schedule,omitempty"`
	UpdatedAt  time.Time    `bson:"updated_at"`
	// What is stored of the employment.
	Periods []string `bson:"periods,omitempty"`
	Keys    []keyDoc `bson:"keys,omitempty"`
	Totals  []int    `bson:"totals,omitempty"`
	Months  []string `bson:"months,omitempty"`
}

// packedDoc is a document kept as one binary value, its body BSON of its
// own: FerretDB v1 turns every value of a document into SQL JSON and back,
// which made a summary with its tax table (120 steps) and schedule cost
// 15 ms a read; packed, it is one value and the overview reads it in
// about 1 ms.
type packedDoc struct {
	ID        string    `bson:"_id"`
	Body      []byte    `bson:"body"`
	UpdatedAt time.Time `bson:"updated_at,omitempty"`
}

// findPacked decodes the body of the packed document with the id.
func findPacked[T any](ctx context.Context, col *mongo.Collection, id string, notFound error) (T, error) {
	var v T
	p, err := findOne[packedDoc](ctx, col, id, notFound)
	if err != nil {
		return v, err
	}
	if err := bson.Unmarshal(p.Body, &v); err != nil {
		return v, fmt.Errorf("storage: read %s %s: %w", col.Name(), id, err)
	}
	return v, nil
}

// replacePacked stores v packed under id.
func replacePacked(ctx context.Context, col *mongo.Collection, id string, v any, at time.Time) error {
	body, err := bson.Marshal(v)
	if err != nil {
		return fmt.Errorf("storage: save in %s: %w", col.Name(), err)
	}
	return replace(ctx, col, id, packedDoc{ID: id, Body: body, UpdatedAt: at})
}

func local(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(payroll.Stockholm)
}

func toLines(ls []payroll.Line) []lineDoc {
	out := make([]lineDoc, len(ls))
	for i, l := range ls {
		out[i] = lineDoc{Code: l.Code, Text: l.Text, Quantity: int64(l.Quantity), Unit: l.Unit, Rate: int64(l.Rate), Amount: int64(l.Amount)}
	}
	return out
}

func toPayslipDoc(p payroll.Payslip) payslipDoc {
	return payslipDoc{ID: payslipID(p.EmploymentID, p.Period), Employment: p.EmploymentID, Period: string(p.Period), PaidOn: p.PaidOn,
		Lines: toLines(p.Lines), Gross: int64(p.Gross), Tax: int64(p.Tax), Net: int64(p.Net), ImportedAt: p.ImportedAt}
}

func (d payslipDoc) payslip() payroll.Payslip {
	p := payroll.Payslip{EmploymentID: d.Employment, Period: payroll.Period(d.Period), PaidOn: local(d.PaidOn),
		Gross: payroll.Amount(d.Gross), Tax: payroll.Amount(d.Tax), Net: payroll.Amount(d.Net), ImportedAt: d.ImportedAt}
	p.Lines = make([]payroll.Line, len(d.Lines))
	for i, l := range d.Lines {
		p.Lines[i] = payroll.Line{Code: l.Code, Text: l.Text, Quantity: payroll.Quantity(l.Quantity), Unit: l.Unit,
			Rate: payroll.Amount(l.Rate), Amount: payroll.Amount(l.Amount)}
	}
	return p
}

func toBalanceDoc(b payroll.Balance) balanceDoc {
	d := balanceDoc{ID: balanceID(b.EmploymentID, b.Kind, b.Year), Employment: b.EmploymentID, Kind: string(b.Kind), Year: b.Year,
		Unit: b.Unit, Value: int64(b.Value), AsOf: b.AsOf}
	for _, e := range b.History {
		d.History = append(d.History, entryDoc{Day: e.Day, Change: int64(e.Change), Value: int64(e.Value), Text: e.Text})
	}
	return d
}

func (d balanceDoc) balance() payroll.Balance {
	b := payroll.Balance{EmploymentID: d.Employment, Kind: payroll.BalanceKind(d.Kind), Year: d.Year, Unit: d.Unit,
		Value: payroll.Quantity(d.Value), AsOf: local(d.AsOf)}
	for _, e := range d.History {
		b.History = append(b.History, payroll.BalanceEntry{Day: local(e.Day), Change: payroll.Quantity(e.Change), Value: payroll.Quantity(e.Value), Text: e.Text})
	}
	return b
}

func toTotalsDoc(y payroll.YearToDate) totalsDoc {
	return totalsDoc{ID: totalsID(y.EmploymentID, y.Year), Employment: y.EmploymentID, Year: y.Year, Salary: int64(y.Salary), Tax: int64(y.Tax),
		Allowances: int64(y.Allowances), Benefits: int64(y.Benefits), AsOf: y.AsOf}
}

func (d totalsDoc) totals() payroll.YearToDate {
	return payroll.YearToDate{EmploymentID: d.Employment, Year: d.Year, Salary: payroll.Amount(d.Salary), Tax: payroll.Amount(d.Tax),
		Allowances: payroll.Amount(d.Allowances), Benefits: payroll.Amount(d.Benefits), AsOf: local(d.AsOf)}
}

func toShiftDocs(ss []payroll.Shift) []shiftDoc {
	out := make([]shiftDoc, len(ss))
	for i, s := range ss {
		out[i] = shiftDoc{Day: s.Day, Start: s.Start, End: s.End, Break: s.BreakMinutes, Text: s.Text}
	}
	return out
}

func shifts(employment string, ds []shiftDoc) []payroll.Shift {
	if len(ds) == 0 {
		return nil
	}
	out := make([]payroll.Shift, len(ds))
	for i, d := range ds {
		out[i] = payroll.Shift{EmploymentID: employment, Day: local(d.Day), Start: d.Start, End: d.End, BreakMinutes: d.Break, Text: d.Text}
	}
	return out
}

func toSalaryDoc(s *payroll.Salary) *salaryDoc {
	if s == nil {
		return nil
	}
	return &salaryDoc{Monthly: int64(s.Monthly), From: s.From}
}

func (d *salaryDoc) salary(employment string) *payroll.Salary {
	if d == nil {
		return nil
	}
	return &payroll.Salary{EmploymentID: employment, Monthly: payroll.Amount(d.Monthly), From: local(d.From)}
}

func toTaxDoc(t *payroll.Tax) *taxDoc {
	if t == nil {
		return nil
	}
	d := &taxDoc{Year: t.Year, Table: t.Table, Column: t.Column, Percent: int64(t.Percent), Adjustment: t.Adjustment, UpdatedAt: t.UpdatedAt}
	for _, s := range t.Steps {
		d.Steps = append(d.Steps, stepDoc{From: int64(s.From), To: int64(s.To), Tax: int64(s.Tax)})
	}
	return d
}

func (d *taxDoc) tax(employment string) *payroll.Tax {
	if d == nil {
		return nil
	}
	t := &payroll.Tax{EmploymentID: employment, Year: d.Year, Table: d.Table, Column: d.Column, Percent: payroll.Quantity(d.Percent),
		Adjustment: d.Adjustment, UpdatedAt: local(d.UpdatedAt)}
	for _, s := range d.Steps {
		t.Steps = append(t.Steps, payroll.TaxStep{From: payroll.Amount(s.From), To: payroll.Amount(s.To), Tax: payroll.Amount(s.Tax)})
	}
	return t
}

func payslipID(employment string, p payroll.Period) string { return employment + ":" + string(p) }

func balanceID(employment string, k payroll.BalanceKind, year int) string {
	return employment + ":" + string(k) + ":" + strconv.Itoa(year)
}

func totalsID(employment string, year int) string { return employment + ":" + strconv.Itoa(year) }

// Summary returns the employment's summary or payroll.ErrNotFound.
func (s *Payroll) Summary(ctx context.Context, employmentID string) (payroll.Summary, error) {
	d, err := findPacked[summaryDoc](ctx, s.db.c(colSummaries), employmentID, payroll.ErrNotFound)
	if err != nil {
		return payroll.Summary{}, err
	}
	sum := payroll.Summary{EmploymentID: employmentID, Salary: d.Salary.salary(employmentID), Tax: d.Tax.tax(employmentID),
		Schedule: shifts(employmentID, d.Schedule), UpdatedAt: d.UpdatedAt}
	if d.Latest != nil {
		p := d.Latest.payslip()
		sum.Latest = &p
	}
	for _, b := range d.Balances {
		sum.Balances = append(sum.Balances, b.balance())
	}
	if d.YearToDate != nil {
		y := d.YearToDate.totals()
		sum.YearToDate = &y
	}
	return sum, nil
}

// Contents returns what is stored of the employment, empty before its
// first import.
func (s *Payroll) Contents(ctx context.Context, employmentID string) (payroll.Contents, error) {
	d, err := findPacked[summaryDoc](ctx, s.db.c(colSummaries), employmentID, payroll.ErrNotFound)
	if payroll.IsNotFound(err) {
		return payroll.Contents{}, nil
	}
	if err != nil {
		return payroll.Contents{}, err
	}
	return d.contents(), nil
}

func (d summaryDoc) contents() payroll.Contents {
	c := payroll.Contents{Totals: d.Totals}
	for _, p := range d.Periods {
		c.Periods = append(c.Periods, payroll.Period(p))
	}
	for _, k := range d.Keys {
		c.Balances = append(c.Balances, payroll.BalanceKey{Kind: payroll.BalanceKind(k.Kind), Year: k.Year})
	}
	for _, m := range d.Months {
		c.Months = append(c.Months, payroll.Period(m))
	}
	return c
}

// SaveSummary stores the summary with the contents it was made from.
func (s *Payroll) SaveSummary(ctx context.Context, sum payroll.Summary, c payroll.Contents) error {
	d := summaryDoc{ID: sum.EmploymentID, Salary: toSalaryDoc(sum.Salary), Tax: toTaxDoc(sum.Tax), Schedule: toShiftDocs(sum.Schedule),
		UpdatedAt: sum.UpdatedAt, Totals: c.Totals}
	if sum.Latest != nil {
		p := toPayslipDoc(*sum.Latest)
		d.Latest = &p
	}
	for _, b := range sum.Balances {
		b.History = nil
		d.Balances = append(d.Balances, toBalanceDoc(b))
	}
	if sum.YearToDate != nil {
		y := toTotalsDoc(*sum.YearToDate)
		d.YearToDate = &y
	}
	for _, p := range c.Periods {
		d.Periods = append(d.Periods, string(p))
	}
	for _, k := range c.Balances {
		d.Keys = append(d.Keys, keyDoc{Kind: string(k.Kind), Year: k.Year})
	}
	for _, m := range c.Months {
		d.Months = append(d.Months, string(m))
	}
	return replacePacked(ctx, s.db.c(colSummaries), d.ID, d, sum.UpdatedAt)
}

// Payslip returns one payslip or payroll.ErrNotFound.
func (s *Payroll) Payslip(ctx context.Context, employmentID string, period payroll.Period) (payroll.Payslip, error) {
	d, err := findOne[payslipDoc](ctx, s.db.c(colPayslips), payslipID(employmentID, period), payroll.ErrNotFound)
	if err != nil {
		return payroll.Payslip{}, err
	}
	return d.payslip(), nil
}

// SavePayslip stores the payslip in place of the period's.
func (s *Payroll) SavePayslip(ctx context.Context, p payroll.Payslip) error {
	d := toPayslipDoc(p)
	return replace(ctx, s.db.c(colPayslips), d.ID, d)
}

// Payslips returns the employment's payslips of a year, latest first:
// the summary names the periods stored, each then read by its key.
func (s *Payroll) Payslips(ctx context.Context, employmentID string, year int) ([]payroll.Payslip, error) {
	c, err := s.Contents(ctx, employmentID)
	if err != nil {
		return nil, err
	}
	var out []payroll.Payslip
	for _, p := range slices.Backward(c.Periods) {
		if p.Year() != year {
			continue
		}
		slip, err := s.Payslip(ctx, employmentID, p)
		if payroll.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, slip)
	}
	return out, nil
}

// Years returns the years the employment has payslips of, latest first.
func (s *Payroll) Years(ctx context.Context, employmentID string) ([]int, error) {
	c, err := s.Contents(ctx, employmentID)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, p := range slices.Backward(c.Periods) {
		if y := p.Year(); len(out) == 0 || out[len(out)-1] != y {
			out = append(out, y)
		}
	}
	return out, nil
}

// Balance returns one balance with its history or payroll.ErrNotFound.
func (s *Payroll) Balance(ctx context.Context, employmentID string, kind payroll.BalanceKind, year int) (payroll.Balance, error) {
	d, err := findOne[balanceDoc](ctx, s.db.c(colBalances), balanceID(employmentID, kind, year), payroll.ErrNotFound)
	if err != nil {
		return payroll.Balance{}, err
	}
	return d.balance(), nil
}

// SaveBalance stores the balance in place of the same kind and year.
func (s *Payroll) SaveBalance(ctx context.Context, b payroll.Balance) error {
	d := toBalanceDoc(b)
	return replace(ctx, s.db.c(colBalances), d.ID, d)
}

// YearToDate returns one year's totals or payroll.ErrNotFound.
func (s *Payroll) YearToDate(ctx context.Context, employmentID string, year int) (payroll.YearToDate, error) {
	d, err := findOne[totalsDoc](ctx, s.db.c(colTotals), totalsID(employmentID, year), payroll.ErrNotFound)
	if err != nil {
		return payroll.YearToDate{}, err
	}
	return d.totals(), nil
}

// SaveYearToDate stores the totals in place of the same year's.
func (s *Payroll) SaveYearToDate(ctx context.Context, y payroll.YearToDate) error {
	d := toTotalsDoc(y)
	return replace(ctx, s.db.c(colTotals), d.ID, d)
}

// Shifts returns the stored shifts of one month, by day; none when the
// month has no schedule.
func (s *Payroll) Shifts(ctx context.Context, employmentID string, month payroll.Period) ([]payroll.Shift, error) {
	d, err := findOne[scheduleDoc](ctx, s.db.c(colSchedule), payslipID(employmentID, month), payroll.ErrNotFound)
	if payroll.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return shifts(employmentID, d.Shifts), nil
}

// SaveShifts makes the month's stored shifts these.
func (s *Payroll) SaveShifts(ctx context.Context, employmentID string, month payroll.Period, ss []payroll.Shift) error {
	d := scheduleDoc{ID: payslipID(employmentID, month), Employment: employmentID, Month: string(month), Shifts: toShiftDocs(ss)}
	return replace(ctx, s.db.c(colSchedule), d.ID, d)
}

// Salary returns the monthly salary or payroll.ErrNotFound.
func (s *Payroll) Salary(ctx context.Context, employmentID string) (payroll.Salary, error) {
	d, err := findPacked[detailDoc](ctx, s.db.c(colDetails), employmentID+":salary", payroll.ErrNotFound)
	if err != nil {
		return payroll.Salary{}, err
	}
	if d.Salary == nil {
		return payroll.Salary{}, fmt.Errorf("storage: salary of %s: %w", employmentID, payroll.ErrNotFound)
	}
	return *d.Salary.salary(employmentID), nil
}

// SaveSalary stores the monthly salary.
func (s *Payroll) SaveSalary(ctx context.Context, sal payroll.Salary) error {
	id := sal.EmploymentID + ":salary"
	return replacePacked(ctx, s.db.c(colDetails), id, detailDoc{ID: id, Employment: sal.EmploymentID, Salary: toSalaryDoc(&sal)}, time.Time{})
}

// Tax returns the tax details or payroll.ErrNotFound.
func (s *Payroll) Tax(ctx context.Context, employmentID string) (payroll.Tax, error) {
	d, err := findPacked[detailDoc](ctx, s.db.c(colDetails), employmentID+":tax", payroll.ErrNotFound)
	if err != nil {
		return payroll.Tax{}, err
	}
	if d.Tax == nil {
		return payroll.Tax{}, fmt.Errorf("storage: tax of %s: %w", employmentID, payroll.ErrNotFound)
	}
	return *d.Tax.tax(employmentID), nil
}

// SaveTax stores the tax details.
func (s *Payroll) SaveTax(ctx context.Context, t payroll.Tax) error {
	id := t.EmploymentID + ":tax"
	return replacePacked(ctx, s.db.c(colDetails), id, detailDoc{ID: id, Employment: t.EmploymentID, Tax: toTaxDoc(&t)}, time.Time{})
}

// Empty reports whether no payroll data has been imported yet.
func (s *Payroll) Empty(ctx context.Context) (bool, error) {
	n, err := s.db.c(colSummaries).CountDocuments(ctx, bson.M{}, options.Count().SetLimit(1))
	if err != nil {
		return false, fmt.Errorf("storage: count %s: %w", colSummaries, err)
	}
	return n == 0, nil
}

var _ payroll.Records = (*Payroll)(nil)
