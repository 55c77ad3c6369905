package cases

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"portal/payroll"
)

// ErrOpen says a period cannot be exported yet: approvals may still be
// paid with it until its cut-off day has passed.
var ErrOpen = errors.New("cases: the period is still open")

// ExportLine is one pay line of an approved case in payroll's file.
type ExportLine struct {
	Case       string           `json:"case"`
	Employment string           `json:"employment"`
	Kind       Kind             `json:"kind"`
	ApprovedAt time.Time        `json:"approved_at"`
	ApprovedBy string           `json:"approved_by"`
	Code       string           `json:"code"`
	Text       string           `json:"text"`
	Quantity   payroll.Quantity `json:"quantity"` // hundredths
	Unit       string           `json:"unit"`
	Rate       payroll.Amount   `json:"rate"`   // öre per unit
	Amount     payroll.Amount   `json:"amount"` // öre; negative for a deduction
}

// Export is the approved cases of one pay period as payroll gets them.
type Export struct {
	Period payroll.Period `json:"period"`
	Cutoff string         `json:"cutoff"` // the period's cut-off day, YYYY-MM-DD
	Cases  int            `json:"cases"`
	Lines  []ExportLine   `json:"lines"`
}

// Export gathers the cases approved with the period and marks each
// transferred (once: a second export finds the same cases, marks nothing
// anew and writes the same file). A period is exported only after its
// cut-off day; before, ErrOpen.
func (s *Service) Export(ctx context.Context, period payroll.Period) (Export, error) {
	if _, ok := payroll.ParsePeriod(string(period)); !ok {
		return Export{}, fmt.Errorf("cases: no period %q", period)
	}
	cut := s.CutoffOf(period)
	if !s.now().After(cut.AddDate(0, 0, 1)) {
		return Export{}, fmt.Errorf("%w until the end of %s", ErrOpen, cut.Format(time.DateOnly))
	}
	steps, err := s.Store.Approved(ctx, "", period)
	if err != nil {
		return Export{}, err
	}
	out := Export{Period: period, Cutoff: cut.Format(time.DateOnly), Lines: []ExportLine{}}
	for _, st := range steps {
		if st.Content == nil {
			continue
		}
		c, err := s.Store.Case(ctx, st.CaseID)
		if err != nil {
			return Export{}, err
		}
		out.Cases++
		for _, l := range s.Lines(*st.Content) {
			out.Lines = append(out.Lines, ExportLine{Case: st.CaseID, Employment: st.EmploymentID, Kind: c.Kind, ApprovedAt: st.At.UTC(),
				ApprovedBy: st.By, Code: l.Code, Text: l.Text, Quantity: l.Quantity, Unit: l.Unit, Rate: l.Rate, Amount: l.Amount})
		}
		err = s.Store.AddStep(ctx, Step{Key: StepKey(st.CaseID, StepTransferred, 0), CaseID: st.CaseID, EmploymentID: st.EmploymentID,
			Kind: StepTransferred, At: s.now(), Rev: st.Rev, Period: period})
		if err != nil && !errors.Is(err, ErrTaken) {
			return Export{}, err
		}
	}
	return out, nil
}

// ExportColumns are the CSV file's columns, in order.
var ExportColumns = []string{"period", "case", "employment", "kind", "approved_at", "approved_by", "code", "text", "quantity", "unit", "rate", "amount"}

// WriteCSV writes the export as CSV: UTF-8, comma-separated, a header
// row of ExportColumns, quantities in hundredths and money in öre as
// whole numbers, times in UTC (RFC 3339).
func (e Export) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	for _, l := range e.Lines {
		if err := cw.Write([]string{string(e.Period), l.Case, l.Employment, string(l.Kind), l.ApprovedAt.Format(time.RFC3339), l.ApprovedBy,
			l.Code, l.Text, strconv.FormatInt(int64(l.Quantity), 10), l.Unit, strconv.FormatInt(int64(l.Rate), 10),
			strconv.FormatInt(int64(l.Amount), 10)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the export as one JSON document, indented.
func (e Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}
