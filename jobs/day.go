package jobs

import (
	"fmt"
	"time"
	_ "time/tzdata" // the Stockholm zone must exist on every machine
)

// Stockholm is the zone every date of the portal is read in.
var Stockholm = mustZone("Europe/Stockholm")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Day is a calendar date in Swedish time, such as a last application day.
type Day struct {
	t time.Time // midnight at the start of the day, Stockholm
}

// ParseDay reads a date written as 2006-01-02.
func ParseDay(s string) (Day, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, Stockholm)
	if err != nil {
		return Day{}, fmt.Errorf("jobs: date %q is not YYYY-MM-DD", s)
	}
	return Day{t}, nil
}

// DayOf returns the Swedish calendar day that contains t.
func DayOf(t time.Time) Day {
	y, m, d := t.In(Stockholm).Date()
	return Day{time.Date(y, m, d, 0, 0, 0, 0, Stockholm)}
}

// IsZero reports whether the day is unset.
func (d Day) IsZero() bool { return d.t.IsZero() }

// String formats the day as 2006-01-02.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Start is midnight at the start of the day.
func (d Day) Start() time.Time { return d.t }

// End is midnight at the end of the day (the start of the next one).
func (d Day) End() time.Time { return d.t.AddDate(0, 0, 1) }

// AddDays returns the day n days later.
func (d Day) AddDays(n int) Day { return Day{d.t.AddDate(0, 0, n)} }
