package staff

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/handlers/web"
	"portal/recruiting"
	"portal/valid"
)

// PathStages is the administrator's page of the stage set.
const PathStages = "/personal/admin/steg"

// blankStageRows and blankReasonRows are the empty rows the form offers
// for adding.
const (
	blankStageRows  = 2
	blankReasonRows = 2
	maxStageRows    = 40
)

// StageAdmin is the page where a system administrator renames, adds,
// orders and removes the stages of the review, and edits the reasons of
// "not selected".
type StageAdmin struct {
	*web.Kit
	Policy interface {
		Require(ctx context.Context, personID string, perm access.Permission, unit string) error
	}
	Stages interface {
		Set(ctx context.Context) ([]recruiting.Stage, error)
	}
	Store recruiting.StageSetStore
}

// RequireStages lets through those who may change the stage set.
func (h *StageAdmin) RequireStages(c *fiber.Ctx) error {
	if err := h.Policy.Require(c.UserContext(), web.SessionOf(c).AccountID, access.PermRecruitStages, access.Everywhere); err != nil {
		return err
	}
	return c.Next()
}

// StageFormRow is one row of the stage form.
type StageFormRow struct {
	Field  string // prefix of its fields: "stage_3_"
	ID     string
	SV, EN string
	Order  string
	Fixed  bool
	Remove bool
}

// ReasonRow is one row of the reasons.
type ReasonRow struct {
	Field    string
	ID       string
	SV, EN   string
	Template string
	Remove   bool
}

// ShowStages is the form of the stage set.
func (h *StageAdmin) ShowStages(c *fiber.Ctx) error {
	set, err := h.Stages.Set(c.UserContext())
	if err != nil {
		return err
	}
	var stages []StageFormRow
	var reasons []ReasonRow
	for i, st := range set {
		stages = append(stages, StageFormRow{ID: st.ID, SV: st.Name["sv"], EN: st.Name["en"], Order: strconv.Itoa((i + 1) * 10),
			Fixed: slices.Contains(recruiting.FixedStages, st.ID)})
		for _, r := range st.Reasons {
			reasons = append(reasons, ReasonRow{ID: r.ID, SV: r.Name["sv"], EN: r.Name["en"], Template: r.Template})
		}
	}
	return h.page(c, stages, reasons, nil)
}

func (h *StageAdmin) page(c *fiber.Ctx, stages []StageFormRow, reasons []ReasonRow, errs valid.Problems) error {
	for i := 0; i < blankStageRows; i++ {
		stages = append(stages, StageFormRow{})
	}
	for i := 0; i < blankReasonRows; i++ {
		reasons = append(reasons, ReasonRow{})
	}
	for i := range stages {
		stages[i].Field = fmt.Sprintf("stage_%d_", i)
	}
	for i := range reasons {
		reasons[i].Field = fmt.Sprintf("reason_%d_", i)
	}
	notice := ""
	if c.Query("klart") == "1" {
		notice = "recruitlist.stages.saved"
	}
	return h.FormPageIn(c, "staff/stages", "recruitlist.stages.title", "staff-admin", fiber.Map{
		"Stages": stages, "Reasons": reasons, "Errors": errs, "Notice": notice,
	})
}

// SaveStages stores the stage set of the form.
func (h *StageAdmin) SaveStages(c *fiber.Ctx) error {
	ctx := c.UserContext()
	current, err := h.Stages.Set(ctx)
	if err != nil {
		return err
	}
	var stages []StageFormRow
	var drafts []recruiting.StageDraft
	var errs valid.Problems
	for i := 0; i < maxStageRows; i++ {
		p := fmt.Sprintf("stage_%d_", i)
		row := StageFormRow{Field: p, ID: strings.Clone(c.FormValue(p + "id")), SV: strings.TrimSpace(c.FormValue(p + "sv")),
			EN: strings.TrimSpace(c.FormValue(p + "en")), Order: strings.TrimSpace(c.FormValue(p + "order")), Remove: c.FormValue(p+"remove") == "on"}
		row.SV, row.EN, row.Order = strings.Clone(row.SV), strings.Clone(row.EN), strings.Clone(row.Order)
		if row.ID == "" && row.SV == "" && row.EN == "" {
			continue
		}
		row.Fixed = slices.Contains(recruiting.FixedStages, row.ID)
		order, err := strconv.Atoi(row.Order)
		if err != nil || order < 0 || order > 100000 {
			errs.Add(p+"order", "recruitlist.stages.error.order_number")
		}
		stages = append(stages, row)
		drafts = append(drafts, recruiting.StageDraft{Field: p, ID: row.ID, SV: row.SV, EN: row.EN, Order: order, Remove: row.Remove})
	}
	var reasons []ReasonRow
	var rdrafts []recruiting.ReasonDraft
	for i := 0; i < maxStageRows; i++ {
		p := fmt.Sprintf("reason_%d_", i)
		row := ReasonRow{Field: p, ID: strings.Clone(c.FormValue(p + "id")), SV: strings.Clone(strings.TrimSpace(c.FormValue(p + "sv"))),
			EN: strings.Clone(strings.TrimSpace(c.FormValue(p + "en"))), Template: strings.Clone(strings.TrimSpace(c.FormValue(p + "template"))),
			Remove: c.FormValue(p+"remove") == "on"}
		if row.ID == "" && row.SV == "" && row.EN == "" && row.Template == "" {
			continue
		}
		reasons = append(reasons, row)
		rdrafts = append(rdrafts, recruiting.ReasonDraft{Field: p, ID: row.ID, SV: row.SV, EN: row.EN, Template: row.Template, Remove: row.Remove})
	}
	if len(errs) == 0 {
		_, err = recruiting.SaveSet(ctx, h.Store, current, drafts, rdrafts)
		if e, ok := web.FieldErrors(err); ok {
			errs = e
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		// The rows keep the fields they were read from, so each problem
		// stays beside its field.
		return h.pageAsPosted(c, stages, reasons, errs)
	}
	return c.Redirect(PathStages+"?klart=1", fiber.StatusSeeOther)
}

// pageAsPosted shows the form as it was posted, with the blank rows
// after the posted ones.
func (h *StageAdmin) pageAsPosted(c *fiber.Ctx, stages []StageFormRow, reasons []ReasonRow, errs valid.Problems) error {
	for i := 0; i < blankStageRows; i++ {
		stages = append(stages, StageFormRow{Field: fmt.Sprintf("stage_%d_", maxStageRows-blankStageRows+i)})
	}
	for i := 0; i < blankReasonRows; i++ {
		reasons = append(reasons, ReasonRow{Field: fmt.Sprintf("reason_%d_", maxStageRows-blankReasonRows+i)})
	}
	return h.FormPageIn(c, "staff/stages", "recruitlist.stages.title", "staff-admin", fiber.Map{
		"Stages": stages, "Reasons": reasons, "Errors": errs,
	})
}
