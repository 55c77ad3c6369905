package cases

import (
	"context"
	"errors"
	"sort"
	"time"

	"portal/employees"
	"portal/payroll"
)

// Digester is a Notifier that also sends a manager one daily message of
// the cases submitted for them, at most once per manager and day.
type Digester interface {
	// Digest reports whether it sent the message (not sent before).
	Digest(ctx context.Context, manager employees.Person, day time.Time, submitted []Case) (bool, error)
}

// SendDigests sends each manager one message of the cases submitted for
// them during the day before (Swedish time), when the service sends
// digests rather than a message per case; it returns how many managers
// it told now (each is told once a day).
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	d, ok := s.Notify.(Digester)
	if !s.Digest || !ok {
		return 0, nil
	}
	to := payroll.Day(s.now())
	from := to.AddDate(0, 0, -1)
	steps, err := s.Store.SubmittedBetween(ctx, from, to)
	if err != nil {
		return 0, err
	}
	byManager := map[string][]Case{}
	people := map[string]employees.Person{}
	for _, st := range steps {
		c, err := s.Store.Case(ctx, st.CaseID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		m, _, err := s.Directory.ManagerOf(ctx, c.EmploymentID)
		if errors.Is(err, employees.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		people[m.ID] = m
		byManager[m.ID] = append(byManager[m.ID], c)
	}
	ids := make([]string, 0, len(byManager))
	for id := range byManager {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	sent := 0
	for _, id := range ids {
		ok, err := d.Digest(ctx, people[id], from, byManager[id])
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}
