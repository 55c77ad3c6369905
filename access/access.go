// Package access is who may do what on the staff side: the role
// catalogue, completed courses, role requests that the requester's manager
// signs and an administrator grants, the grants themselves for
// organisation units, the audit log of all of it, and the one Policy that
// every staff page asks.
package access

import (
	"context"
	"errors"
	"strings"
	"time"

	"portal/employees"
)

// Errors of access.
var (
	// ErrNotFound: no such object, or none the asker may see.
	ErrNotFound = errors.New("access: not found")
	// ErrForbidden: the asker lacks the permission.
	ErrForbidden = errors.New("access: forbidden")
	// ErrStale: the request or grant is no longer in the state the
	// action needs (someone else acted first).
	ErrStale = errors.New("access: already handled")
	// ErrTaken is what a store answers when a step is claimed twice.
	ErrTaken = errors.New("access: step already taken")
)

// Everywhere is the unit of a grant for the whole organisation.
const Everywhere = "*"

// CommandLine is the actor of what `portal` commands do.
const CommandLine = "cli"

// State is where a role request stands.
type State string

// States of a role request: awaiting signature → signed → granted /
// refused; declined by the manager; withdrawn by the requester before a
// decision.
const (
	StateAwaiting  State = "awaiting"
	StateSigned    State = "signed"
	StateGranted   State = "granted"
	StateRefused   State = "refused"
	StateDeclined  State = "declined"
	StateWithdrawn State = "withdrawn"
)

// Request is a staff member's request for a role.
type Request struct {
	ID           string
	PersonID     string
	PersonName   string
	EmploymentID string // the employment whose manager signs
	Role         string
	Units        []string
	Reason       string
	State        State
	CreatedAt    time.Time
	SignedBy     string
	SignedByName string
	SignedAt     time.Time
	ClosedBy     string // who granted, refused, declined or withdrew it
	ClosedByName string
	ClosedAt     time.Time
	CloseReason  string
}

// Grant is a role held by a person for a unit and the units under it.
type Grant struct {
	ID            string
	PersonID      string
	Role          string
	Unit          string // Everywhere for the whole organisation
	RequestID     string // empty for a direct grant
	GrantedBy     string
	GrantedByName string
	GrantedAt     time.Time
	RevokedBy     string
	RevokedByName string
	RevokedAt     time.Time
	RevokeReason  string
	// Replaced: an interim grant ended because the full role was
	// granted, not revoked by anyone.
	Replaced bool
}

// Active reports whether the grant is not revoked.
func (g Grant) Active() bool { return g.RevokedAt.IsZero() }

// Completion is a course a person has completed.
type Completion struct {
	PersonID    string
	Course      string
	CompletedOn time.Time // the day, at midnight UTC
	Source      string    // "import" or "admin"
	RecordedBy  string
	RecordedAt  time.Time
}

// Actions of the audit log.
const (
	ActionRequest      = "request"
	ActionSign         = "sign"
	ActionDecline      = "decline"
	ActionWithdraw     = "withdraw"
	ActionGrant        = "grant"
	ActionGrantBlocked = "grant_blocked"
	ActionRefuse       = "refuse"
	ActionRevoke       = "revoke"
	ActionInterimEnded = "interim_ended"
	ActionCourse       = "course"
	// ActionCourseRemoved: a course entered by mistake was removed.
	ActionCourseRemoved = "course_removed"
	// ActionViewLog: someone read the log (of Person, or of everyone);
	// every view of others' data is itself on record.
	ActionViewLog = "view_log"
)

// Event is one line of the audit log.
type Event struct {
	ID        string
	At        time.Time
	Actor     string // a person's id, or CommandLine
	ActorName string
	Action    string
	Person    string // whom it concerns
	Role      string
	Units     []string
	Request   string
	Grant     string
	Course    string
	Detail    string // a reason given, or the refusal's reasons
}

// Store keeps requests, grants, courses and the audit log.
type Store interface {
	// InsertRequest stores a new request.
	InsertRequest(ctx context.Context, r Request) error
	// RequestByID returns the request or ErrNotFound.
	RequestByID(ctx context.Context, id string) (Request, error)
	// RequestsOf returns the person's requests, newest first.
	RequestsOf(ctx context.Context, personID string) ([]Request, error)
	// RequestsIn returns the requests in the state, oldest first; with
	// employment ids, only those made from one of them.
	RequestsIn(ctx context.Context, state State, employmentIDs []string) ([]Request, error)
	// SaveRequest replaces the request.
	SaveRequest(ctx context.Context, r Request) error
	// ClaimStep records that the step with the key is taken, or answers
	// ErrTaken when it was already: the one safe race on FerretDB.
	ClaimStep(ctx context.Context, key string, at time.Time) error
	// StepTaken reports whether the step with the key was claimed.
	StepTaken(ctx context.Context, key string) (bool, error)
	// Lock takes the lock with the key under the token, or answers
	// ErrTaken while another holds it; a lock taken before stale is
	// broken (its holder is taken to have died).
	Lock(ctx context.Context, key, token string, at, stale time.Time) error
	// Unlock gives up the lock with the key if the token still holds it.
	Unlock(ctx context.Context, key, token string) error
	// InsertGrant stores a new grant.
	InsertGrant(ctx context.Context, g Grant) error
	// GrantByID returns the grant or ErrNotFound.
	GrantByID(ctx context.Context, id string) (Grant, error)
	// GrantsOf returns the person's grants, revoked ones too.
	GrantsOf(ctx context.Context, personID string) ([]Grant, error)
	// ActiveGrants returns every grant not revoked.
	ActiveGrants(ctx context.Context) ([]Grant, error)
	// SaveGrant replaces the grant.
	SaveGrant(ctx context.Context, g Grant) error
	// SaveCompletion stores the completion under its person and course.
	SaveCompletion(ctx context.Context, c Completion) error
	// CompletionsOf returns the person's completed courses.
	CompletionsOf(ctx context.Context, personID string) ([]Completion, error)
	// DeleteCompletion removes the person's completion of the course, or
	// answers ErrNotFound.
	DeleteCompletion(ctx context.Context, personID, course string) error
	// AppendEvent adds a line to the audit log.
	AppendEvent(ctx context.Context, e Event) error
	// Events returns the newest lines of the log, of one person if given;
	// the lines of views of the log only when withViews.
	Events(ctx context.Context, personID string, withViews bool, limit int) ([]Event, error)
}

// Directory is what access asks of the staff directory.
type Directory interface {
	Person(ctx context.Context, user string) (employees.Person, error)
	CurrentEmployment(ctx context.Context, p employees.Person) (employees.Employment, error)
	ManagerOf(ctx context.Context, employmentID string) (employees.Person, employees.Employment, error)
	Manages(ctx context.Context, personID, employmentID string) (bool, error)
	Reports(ctx context.Context, personID string) ([]employees.Employment, error)
	Employment(ctx context.Context, id string) (employees.Employment, error)
	Within(ctx context.Context, unit, top string) (bool, error)
	Unit(ctx context.Context, id string) (employees.Unit, error)
}

// Kinds of the e-mail about requests.
const (
	MailToSign   = "access_to_sign"  // to the manager: a request awaits the signature
	MailSigned   = "access_signed"   // to the requester: the manager signed
	MailDeclined = "access_declined" // to the requester: the manager said no
	MailGranted  = "access_granted"  // to the requester: the role is granted
	MailRefused  = "access_refused"  // to the requester: the administrator said no
)

// Notice is one e-mail about a request, for the Notifier to write and
// put in the outbox.
type Notice struct {
	Kind      string
	To        string // the recipient's work e-mail address
	PersonID  string // the recipient's user name
	Lang      string // "sv" or "en"
	Requester string // the requester's name
	Role      string // the role's name in Lang
	Units     string // the units' names
	Reason    string // the reason of a no
	Link      string // the page to act or read on
}

// Notifier sends the e-mail of a Notice.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Kinds of the reasons a grant is refused.
const (
	ReasonCourse   = "course"   // Subject: the course missing
	ReasonConflict = "conflict" // Subject: the held role it cannot be combined with
	ReasonHasFull  = "has_full" // Subject: the full role already held (the interim one is needless)
	ReasonHeld     = "held"     // the role is already held for every unit asked for
	ReasonSelf     = "self"     // nobody grants a role to themselves
	ReasonInactive = "inactive" // the person has left
)

// Reason is one reason a grant cannot be made.
type Reason struct {
	Kind    string
	Subject string // a course or role id
}

// Refusal is the error of a grant whose prerequisites do not hold; it
// lists every reason.
type Refusal struct{ Reasons []Reason }

func (r *Refusal) Error() string {
	parts := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		parts[i] = x.Kind + " " + x.Subject
	}
	return "access: grant refused: " + strings.Join(parts, ", ")
}

// day is the calendar day of t as midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
