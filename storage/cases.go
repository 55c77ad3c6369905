package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"portal/cases"
	"portal/payroll"
)

// Cases stores the employees' cases (staff_cases, one document a case
// with its latest content) and their logs (staff_case_steps, one
// document a step, whose _id is the step's key: "<case>:end" is taken
// once, whoever comes first).
type Cases struct{ db *DB }

// Cases returns the cases store.
func (d *DB) Cases() *Cases { return &Cases{d} }

const (
	colCases     = "staff_cases"
	colCaseSteps = "staff_case_steps"
)

type caseDoc struct {
	ID          string        `bson:"_id"`
	Employment  string        `bson:"employment"`
	Person      string        `bson:"person"`
	Unit        string        `bson:"unit"`
	Kind        string        `bson:"kind"`
	Content     cases.Content `bson:"content"`
	Rev         int           `bson:"rev"`
	CreatedAt   time.Time     `bson:"created_at"`
	UpdatedAt   time.Time     `bson:"updated_at"`
	SubmittedAt time.Time     `bson:"submitted_at"`
	Closed      bool          `bson:"closed"`
}

func toCaseDoc(c cases.Case) caseDoc {
	return caseDoc{ID: c.ID, Employment: c.EmploymentID, Person: c.PersonID, Unit: c.UnitID, Kind: string(c.Kind), Content: c.Content,
		Rev: c.Rev, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, SubmittedAt: c.SubmittedAt, Closed: c.Closed}
}

func (d caseDoc) toCase() cases.Case {
	return cases.Case{ID: d.ID, EmploymentID: d.Employment, PersonID: d.Person, UnitID: d.Unit, Kind: cases.Kind(d.Kind), Content: d.Content,
		Rev: d.Rev, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, SubmittedAt: d.SubmittedAt, Closed: d.Closed}
}

type caseStepDoc struct {
	Key        string         `bson:"_id"`
	Case       string         `bson:"case"`
	Employment string         `bson:"employment"`
	Kind       string         `bson:"kind"`
	By         string         `bson:"by"`
	Substitute bool           `bson:"substitute,omitempty"`
	Of         string         `bson:"of,omitempty"`
	At         time.Time      `bson:"at"`
	Reason     string         `bson:"reason,omitempty"`
	Rev        int            `bson:"rev"`
	Period     string         `bson:"period,omitempty"`
	Content    *cases.Content `bson:"content,omitempty"`
}

func (d caseStepDoc) step() cases.Step {
	return cases.Step{Key: d.Key, CaseID: d.Case, EmploymentID: d.Employment, Kind: cases.StepKind(d.Kind), By: d.By, Substitute: d.Substitute,
		Of: d.Of, At: d.At, Reason: d.Reason, Rev: d.Rev, Period: payroll.Period(d.Period), Content: d.Content}
}

// Insert stores a new case.
func (s *Cases) Insert(ctx context.Context, c cases.Case) error {
	if _, err := s.db.c(colCases).InsertOne(ctx, toCaseDoc(c)); err != nil {
		return fmt.Errorf("storage: store a case: %w", err)
	}
	return s.touch(ctx, c.EmploymentID)
}

// touch moves the employment's stamp of its cases (cases:<employment> in
// meta) after every write of one of them or of a step.
func (s *Cases) touch(ctx context.Context, employmentID string) error {
	return replace(context.WithoutCancel(ctx), s.db.c(colMeta), "cases:"+employmentID, bson.M{"stamp": bson.NewObjectID().Hex()})
}

// CasesStamp reads the employment's stamp of its cases; "" before the
// first.
func (s *Cases) CasesStamp(ctx context.Context, employmentID string) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "cases:" + employmentID}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: read the cases' stamp: %w", err)
	}
	return doc.Stamp, nil
}

// Case returns a case by its id, or cases.ErrNotFound.
func (s *Cases) Case(ctx context.Context, id string) (cases.Case, error) {
	var d caseDoc
	err := s.db.c(colCases).FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return cases.Case{}, cases.ErrNotFound
	}
	if err != nil {
		return cases.Case{}, fmt.Errorf("storage: read a case: %w", err)
	}
	return d.toCase(), nil
}

// Save writes the case whole.
func (s *Cases) Save(ctx context.Context, c cases.Case) error {
	if _, err := s.db.c(colCases).ReplaceOne(context.WithoutCancel(ctx), bson.M{"_id": c.ID}, toCaseDoc(c)); err != nil {
		return fmt.Errorf("storage: save a case: %w", err)
	}
	return s.touch(ctx, c.EmploymentID)
}

// Delete removes a draft and its log.
func (s *Cases) Delete(ctx context.Context, id string) error {
	c, err := s.Case(ctx, id)
	if errors.Is(err, cases.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	defer func() { _ = s.touch(ctx, c.EmploymentID) }()
	if _, err := s.db.c(colCaseSteps).DeleteMany(ctx, bson.M{"case": id}); err != nil {
		return fmt.Errorf("storage: remove a draft's log: %w", err)
	}
	if _, err := s.db.c(colCases).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return fmt.Errorf("storage: remove a draft: %w", err)
	}
	return nil
}

// OfEmployments returns the cases of the employments, newest first.
func (s *Cases) OfEmployments(ctx context.Context, employmentIDs []string, open bool) ([]cases.Case, error) {
	if len(employmentIDs) == 0 {
		return nil, nil
	}
	filter := bson.M{"employment": bson.M{"$in": employmentIDs}}
	if open {
		filter["closed"] = false
	}
	docs, err := findAll[caseDoc](ctx, s.db.c(colCases), filter, bson.D{{Key: "created_at", Value: -1}}, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: list cases: %w", err)
	}
	return mapDocs(docs, caseDoc.toCase), nil
}

// AddStep inserts a step; cases.ErrTaken when its key is taken.
func (s *Cases) AddStep(ctx context.Context, st cases.Step) error {
	_, err := s.db.c(colCaseSteps).InsertOne(context.WithoutCancel(ctx), caseStepDoc{Key: st.Key, Case: st.CaseID, Employment: st.EmploymentID,
		Kind: string(st.Kind), By: st.By, Substitute: st.Substitute, Of: st.Of, At: st.At, Reason: st.Reason, Rev: st.Rev,
		Period: string(st.Period), Content: st.Content})
	if isDuplicate(err) {
		return cases.ErrTaken
	}
	if err != nil {
		return fmt.Errorf("storage: log a case's step: %w", err)
	}
	return s.touch(ctx, st.EmploymentID)
}

// Steps returns a case's log, oldest first.
func (s *Cases) Steps(ctx context.Context, caseID string) ([]cases.Step, error) {
	docs, err := findAll[caseStepDoc](ctx, s.db.c(colCaseSteps), bson.M{"case": caseID}, bson.D{{Key: "at", Value: 1}, {Key: "rev", Value: 1}}, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: read a case's log: %w", err)
	}
	return mapDocs(docs, caseStepDoc.step), nil
}

// StepsByKey returns the steps of the keys that exist.
func (s *Cases) StepsByKey(ctx context.Context, keys []string) ([]cases.Step, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	docs, err := findAll[caseStepDoc](ctx, s.db.c(colCaseSteps), bson.M{"_id": bson.M{"$in": keys}}, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: read cases' steps: %w", err)
	}
	return mapDocs(docs, caseStepDoc.step), nil
}

// Approved returns the approvals of the employment (every one's with "")
// paid with the period.
func (s *Cases) Approved(ctx context.Context, employmentID string, period payroll.Period) ([]cases.Step, error) {
	filter := bson.M{"kind": string(cases.StepApproved), "period": string(period)}
	if employmentID != "" {
		filter["employment"] = employmentID
	}
	docs, err := findAll[caseStepDoc](ctx, s.db.c(colCaseSteps), filter, bson.D{{Key: "_id", Value: 1}}, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: read approved cases: %w", err)
	}
	return mapDocs(docs, caseStepDoc.step), nil
}

// caseIndexes list an employment's cases and a case's log, and find the
// approvals of a period.
func caseIndexes(ctx context.Context, d *DB) error {
	if err := d.indexes(ctx, colCases, mongo.IndexModel{Keys: bson.D{{Key: "employment", Value: 1}, {Key: "closed", Value: 1}}, Options: options.Index().SetName("employment_closed")}); err != nil {
		return err
	}
	if err := d.indexes(ctx, colCaseSubstitutes,
		mongo.IndexModel{Keys: bson.D{{Key: "substitute", Value: 1}}, Options: options.Index().SetName("substitute")},
		mongo.IndexModel{Keys: bson.D{{Key: "manager", Value: 1}}, Options: options.Index().SetName("manager")}); err != nil {
		return err
	}
	return d.indexes(ctx, colCaseSteps,
		mongo.IndexModel{Keys: bson.D{{Key: "case", Value: 1}}, Options: options.Index().SetName("case")},
		mongo.IndexModel{Keys: bson.D{{Key: "employment", Value: 1}, {Key: "period", Value: 1}}, Options: options.Index().SetName("employment_period")},
		mongo.IndexModel{Keys: bson.D{{Key: "period", Value: 1}, {Key: "kind", Value: 1}}, Options: options.Index().SetName("period_kind")},
		mongo.IndexModel{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("kind_at")})
}

// PayStamp reads the employment's stamp of its approvals in meta
// (casepay:<employment>); "" before the first.
func (s *Cases) PayStamp(ctx context.Context, employmentID string) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "casepay:" + employmentID}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: read the approvals' stamp: %w", err)
	}
	return doc.Stamp, nil
}

// TouchPay moves the employment's stamp of its approvals.
func (s *Cases) TouchPay(ctx context.Context, employmentID string) error {
	return replace(context.WithoutCancel(ctx), s.db.c(colMeta), "casepay:"+employmentID, bson.M{"stamp": bson.NewObjectID().Hex()})
}

const colCaseSubstitutes = "staff_case_substitutes"

type substituteDoc struct {
	ID         string    `bson:"_id"`
	Manager    string    `bson:"manager"`
	Substitute string    `bson:"substitute"`
	From       time.Time `bson:"from"`
	To         time.Time `bson:"to"`
	CreatedAt  time.Time `bson:"created_at"`
}

func (d substituteDoc) substitute() cases.Substitute {
	return cases.Substitute{ID: d.ID, Manager: d.Manager, Substitute: d.Substitute, From: d.From, To: d.To, CreatedAt: d.CreatedAt}
}

// AddSubstitute stores a manager's substitution.
func (s *Cases) AddSubstitute(ctx context.Context, x cases.Substitute) error {
	if _, err := s.db.c(colCaseSubstitutes).InsertOne(ctx, substituteDoc{ID: x.ID, Manager: x.Manager, Substitute: x.Substitute,
		From: x.From, To: x.To, CreatedAt: x.CreatedAt}); err != nil {
		return fmt.Errorf("storage: store a substitute: %w", err)
	}
	return nil
}

// SubstitutesOf lists the manager's substitutions.
func (s *Cases) SubstitutesOf(ctx context.Context, manager string) ([]cases.Substitute, error) {
	docs, err := findAll[substituteDoc](ctx, s.db.c(colCaseSubstitutes), bson.M{"manager": manager}, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: list substitutes: %w", err)
	}
	return mapDocs(docs, substituteDoc.substitute), nil
}

// AllSubstitutes lists every substitution.
func (s *Cases) AllSubstitutes(ctx context.Context) ([]cases.Substitute, error) {
	docs, err := findAll[substituteDoc](ctx, s.db.c(colCaseSubstitutes), bson.M{}, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: list substitutions: %w", err)
	}
	return mapDocs(docs, substituteDoc.substitute), nil
}

// SubstitutesStamp reads the substitutions' stamp in meta
// (stamp:case-substitutes); "" before the first.
func (s *Cases) SubstitutesStamp(ctx context.Context) (string, error) {
	var doc struct {
		Stamp string `bson:"stamp"`
	}
	err := s.db.c(colMeta).FindOne(ctx, bson.M{"_id": "stamp:case-substitutes"}).Decode(&doc)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return "", fmt.Errorf("storage: read the substitutes' stamp: %w", err)
	}
	return doc.Stamp, nil
}

// TouchSubstitutes moves the substitutions' stamp.
func (s *Cases) TouchSubstitutes(ctx context.Context) error {
	return replace(context.WithoutCancel(ctx), s.db.c(colMeta), "stamp:case-substitutes", bson.M{"stamp": bson.NewObjectID().Hex()})
}

// RemoveSubstitute removes one of the manager's substitutions, or
// cases.ErrNotFound.
func (s *Cases) RemoveSubstitute(ctx context.Context, manager, id string) error {
	res, err := s.db.c(colCaseSubstitutes).DeleteOne(ctx, bson.M{"_id": id, "manager": manager})
	if err != nil {
		return fmt.Errorf("storage: remove a substitute: %w", err)
	}
	if res.DeletedCount == 0 {
		return cases.ErrNotFound
	}
	return nil
}

// SubmittedBetween returns the submissions in [from, to).
func (s *Cases) SubmittedBetween(ctx context.Context, from, to time.Time) ([]cases.Step, error) {
	docs, err := findAll[caseStepDoc](ctx, s.db.c(colCaseSteps), bson.M{"kind": string(cases.StepSubmitted), "at": bson.M{"$gte": from, "$lt": to}},
		bson.D{{Key: "at", Value: 1}}, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: read submitted cases: %w", err)
	}
	return mapDocs(docs, caseStepDoc.step), nil
}
