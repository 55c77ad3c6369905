package cases

import (
	"context"
	"sort"
	"time"

	"portal/payroll"
)

// ApprovedLines are the pay lines of the employment's cases approved up
// to upTo and paid with the period (payroll.Approved): additions and
// deductions, travel claims (mileage, per diem less meals provided,
// outlays) and work changes (hours at the code list's rate). Absence is
// payroll's to deduct and adds no line here.
func (s *Service) ApprovedLines(ctx context.Context, employmentID string, period payroll.Period, upTo time.Time) ([]payroll.Line, error) {
	steps, err := s.approved(ctx, employmentID, period)
	if err != nil {
		return nil, err
	}
	var out []payroll.Line
	for _, st := range steps {
		if st.At.After(upTo) || st.Content == nil {
			continue
		}
		out = append(out, s.Lines(*st.Content)...)
	}
	return out, nil
}

// Lines are what one case's content pays, by the code list, in Swedish
// as payroll's lines are.
func (s *Service) Lines(c Content) []payroll.Line {
	codes := s.CodeList()
	var out []payroll.Line
	times := func(q payroll.Quantity, rate payroll.Amount) payroll.Amount {
		return payroll.Amount((int64(q)*int64(rate) + 50) / 100)
	}
	switch {
	case c.Addition != nil:
		code, ok := codes.Addition(c.Addition.Code)
		if !ok {
			return nil
		}
		l := payroll.Line{Code: code.Code, Text: code.Name.SV}
		if code.ByAmount() {
			l.Amount = c.Addition.Amount
		} else {
			l.Quantity, l.Unit, l.Rate = c.Addition.Quantity, code.Unit, code.Rate
			l.Amount = times(l.Quantity, l.Rate)
		}
		if code.Deduction {
			l.Amount = -l.Amount
		}
		out = append(out, l)
	case c.Work != nil:
		code, ok := codes.Work[c.Work.Type]
		if !ok || code.Rate == 0 { // a swap pays nothing
			return nil
		}
		out = append(out, payroll.Line{Code: code.Code, Text: code.Name.SV, Quantity: c.Work.Hours, Unit: "tim", Rate: code.Rate,
			Amount: times(c.Work.Hours, code.Rate)})
	case c.Travel != nil:
		t, tr := c.Travel, codes.Travel
		if t.Km > 0 {
			out = append(out, payroll.Line{Code: tr.Mileage.Code, Text: tr.Mileage.Name.SV, Quantity: t.Km, Unit: "km", Rate: tr.Mileage.Rate,
				Amount: times(t.Km, tr.Mileage.Rate)})
		}
		if t.Days > 0 {
			a := payroll.Amount(t.Days)*tr.PerDiem.Rate - payroll.Amount(t.Breakfasts)*tr.Breakfast -
				payroll.Amount(t.Lunches)*tr.Lunch - payroll.Amount(t.Dinners)*tr.Dinner
			out = append(out, payroll.Line{Code: tr.PerDiem.Code, Text: tr.PerDiem.Name.SV, Quantity: payroll.Quantity(t.Days * 100), Unit: "dag",
				Rate: tr.PerDiem.Rate, Amount: max(a, 0)})
		}
		var sum payroll.Amount
		for _, o := range t.Outlays {
			sum += o.Amount
		}
		if sum > 0 {
			out = append(out, payroll.Line{Code: tr.Outlays.Code, Text: tr.Outlays.Name.SV, Quantity: payroll.Quantity(len(t.Outlays) * 100), Unit: "st", Amount: sum})
		}
	}
	return out
}

// approved are the approvals of the employment paid with the period,
// oldest first: kept in memory under the employment's stamp, so the
// overview reads one stamp by key rather than searching the steps; read
// anew at least once a minute whatever the stamp.
func (s *Service) approved(ctx context.Context, employmentID string, period payroll.Period) ([]Step, error) {
	stamp, err := s.Store.PayStamp(ctx, employmentID)
	if err != nil {
		return nil, err
	}
	key, now := payKey{employmentID, period}, time.Now()
	s.payMu.Lock()
	got, ok := s.pay[key]
	s.payMu.Unlock()
	if ok && got.stamp == stamp && now.Sub(got.at) < time.Minute {
		return got.steps, nil
	}
	steps, err := s.Store.Approved(ctx, employmentID, period)
	if err != nil {
		return nil, err
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].At.Before(steps[j].At) })
	s.payMu.Lock()
	if s.pay == nil || len(s.pay) > 20000 {
		s.pay = map[payKey]paid{}
	}
	s.pay[key] = paid{stamp: stamp, steps: steps, at: now}
	s.payMu.Unlock()
	return steps, nil
}
