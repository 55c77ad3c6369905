// Package cases is the employee's cases and the manager's approval of
// them (seed 001 "Personligt", seed 002's manager roles): absence, work
// changes, travel claims, and additions and deductions, each a case of
// one employment that goes draft → submitted → (recommended) → approved
// or rejected → transferred to payroll, with every step logged with who
// and when.
//
// Concurrency: a case's steps are records whose keys are unique per
// case ("<case>:submitted", "<case>:rev:<n>", "<case>:end",
// "<case>:transferred"), so two managers deciding at once, or a decision
// racing a withdrawal, end with the one step whose insert came first.
package cases

import (
	"errors"
	"strconv"
	"time"

	"portal/payroll"
)

// Errors of cases.
var (
	ErrNotFound = errors.New("cases: not found")       // no such case, or not one the person may see
	ErrHandled  = errors.New("cases: already handled") // approved, rejected or withdrawn already
	ErrStale    = errors.New("cases: changed meanwhile")
	ErrTaken    = errors.New("cases: step taken") // the store's answer when a step's key exists
)

// Kind is what a case is about.
type Kind string

// The kinds of case.
const (
	KindAbsence  Kind = "absence"
	KindWork     Kind = "work"
	KindTravel   Kind = "travel"
	KindAddition Kind = "addition"
)

// Kinds are the kinds in the order pages list them.
var Kinds = []Kind{KindAbsence, KindWork, KindTravel, KindAddition}

// Known reports whether k is a kind of case.
func (k Kind) Known() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// State is where a case is in its flow.
type State string

// The states of a case.
const (
	StateDraft       State = "draft"
	StateSubmitted   State = "submitted"
	StateRecommended State = "recommended"
	StateApproved    State = "approved"
	StateRejected    State = "rejected"
	StateWithdrawn   State = "withdrawn"
	StateTransferred State = "transferred"
)

// StepKind names a step of a case's log.
type StepKind string

// The steps of a case.
const (
	StepCreated     StepKind = "created"
	StepSubmitted   StepKind = "submitted"
	StepChanged     StepKind = "changed"
	StepRecommended StepKind = "recommended"
	StepApproved    StepKind = "approved"
	StepRejected    StepKind = "rejected"
	StepWithdrawn   StepKind = "withdrawn"
	StepTransferred StepKind = "transferred"
)

// Ends reports whether the step ends the case's handling: approved,
// rejected or withdrawn, which all take the key "<case>:end".
func (k StepKind) Ends() bool {
	return k == StepApproved || k == StepRejected || k == StepWithdrawn
}

// Step is one entry of a case's log.
type Step struct {
	Key          string // unique per case and step, see StepKey
	CaseID       string
	EmploymentID string
	Kind         StepKind
	By           string // the person's id; "" the portal or payroll's export
	// Substitute: By acted as substitute for the manager Of.
	Substitute bool
	Of         string
	At         time.Time
	Reason     string // of a rejection
	Rev        int    // the revision decided on
	Period     payroll.Period
	// Content is, on an approval or rejection, the case as decided.
	Content *Content
}

// StepKey is the unique key of a step: one end, one submission, one
// recommendation, one transfer per case, and one change per revision.
func StepKey(caseID string, kind StepKind, rev int) string {
	switch {
	case kind.Ends():
		return caseID + ":end"
	case kind == StepChanged:
		return caseID + ":rev:" + strconv.Itoa(rev)
	}
	return caseID + ":" + string(kind)
}

// Content is what the employee wrote: one of its parts, by the case's kind.
type Content struct {
	Absence  *Absence
	Work     *WorkChange
	Travel   *Travel
	Addition *Addition
}

// Case is one case of one employment.
type Case struct {
	ID           string
	EmploymentID string
	PersonID     string
	UnitID       string // the employment's unit when the case was made
	Kind         Kind
	Content
	Rev         int // counts the changes; 1 when made
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time // zero: a draft
	// Closed is kept on the case for listing once it is handled; the
	// truth is the end step.
	Closed bool
	// Filled in from the log when the case is read.
	Recommended *Step
	End         *Step
	Transferred *Step
}

// State is where the case is.
func (c Case) State() State {
	switch {
	case c.Transferred != nil:
		return StateTransferred
	case c.End != nil:
		switch c.End.Kind {
		case StepApproved:
			return StateApproved
		case StepRejected:
			return StateRejected
		}
		return StateWithdrawn
	case c.SubmittedAt.IsZero():
		return StateDraft
	case c.Recommended != nil:
		return StateRecommended
	}
	return StateSubmitted
}

// Open reports whether the employee may still change or withdraw it.
func (c Case) Open() bool { return c.End == nil && c.Transferred == nil }

// Decided is the content as decided: the end step's copy once approved
// or rejected, else the case's own.
func (c Case) Decided() Content {
	if c.End != nil && c.End.Content != nil {
		return *c.End.Content
	}
	return c.Content
}

// Absence causes.
const (
	CauseSick      = "sick"
	CauseSickChild = "sick-child"
	CauseVacation  = "vacation"
	CauseLeave     = "leave"
	CauseParental  = "parental"
)

// Causes are the absence causes in the order forms list them.
var Causes = []string{CauseSick, CauseSickChild, CauseVacation, CauseLeave, CauseParental}

// Extents of an absence.
const (
	ExtentWhole   = "whole"
	ExtentHours   = "hours"
	ExtentPercent = "percent"
)

// Absence is a period away from work: whole days, or part of each day
// as hours or a percentage.
type Absence struct {
	Cause   string
	From    time.Time // a day, midnight Swedish time
	To      time.Time // a day, included
	Extent  string
	Hours   payroll.Quantity // with ExtentHours, per day
	Percent payroll.Quantity // with ExtentPercent
	Comment string
}

// Work change types.
const (
	WorkExtra    = "extra"
	WorkOvertime = "overtime"
	WorkOnCall   = "oncall"
	WorkStandby  = "standby"
	WorkSwap     = "swap"
)

// WorkTypes are the work change types in the order forms list them.
var WorkTypes = []string{WorkExtra, WorkOvertime, WorkOnCall, WorkStandby, WorkSwap}

// WorkChange is time worked beside the schedule, or a swap of a shift.
type WorkChange struct {
	Type       string
	Day        time.Time
	Start, End string           // "18:00", "21:30"; End before Start runs past midnight
	Hours      payroll.Quantity // computed from Start and End
	Colleague  string           // with a swap: the colleague's user name
	Comment    string
}

// Travel is a travel claim.
type Travel struct {
	From, To    time.Time
	Destination string
	Purpose     string
	Km          payroll.Quantity // with own car
	Days        int              // whole days with per diem
	Breakfasts  int              // meals provided, deducted from the per diem
	Lunches     int
	Dinners     int
	Outlays     []Outlay
}

// Outlay is one expense of a travel claim, with its receipt.
type Outlay struct {
	N       int // numbers the outlays of a claim
	Text    string
	Amount  payroll.Amount
	Receipt Receipt
}

// Receipt is the stored file of an outlay's receipt.
type Receipt struct {
	Name        string
	Size        int64
	ContentType string
	Key         string // the object's key in the bucket
}

// Addition is an addition or a deduction from the employer's code list.
type Addition struct {
	Code     string
	Quantity payroll.Quantity // with a code that has a rate
	Amount   payroll.Amount   // with a code without one
	Comment  string
}
