package staff

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/payroll"
	"portal/personal"
)

// Paths of the person's own personal data.
const (
	PathPersonal  = "/personal/personligt"
	PathTax       = PathPersonal + "/skatt"
	PathRelatives = PathPersonal + "/anhoriga"
)

// Personal is "Personligt": the person's name, address, phone and private
// e-mail, the masked bank account, the tax details payroll imported, and
// the relatives and children. Every page acts on the session's person
// only; a relative's id of someone else's is a 404.
type Personal struct {
	*web.Kit
	Header  *Header
	Service interface {
		Details(ctx context.Context, personID string) (personal.Details, error)
		SaveContact(ctx context.Context, personID string, in personal.Contact) ([]string, error)
		Relatives(ctx context.Context, personID string) ([]personal.Relative, error)
		Relative(ctx context.Context, personID, id string) (personal.Relative, error)
		AddRelative(ctx context.Context, personID string, kind personal.Kind, in personal.RelativeInput) (personal.Relative, error)
		ChangeRelative(ctx context.Context, personID, id string, in personal.RelativeInput) (personal.Relative, error)
		RemoveRelative(ctx context.Context, personID, id string) error
		Changes(ctx context.Context, personID string, limit int) ([]personal.Change, error)
	}
	// Editable is what the employer lets staff change themselves.
	Editable personal.Editable
	// Tax gives the tax details payroll imported for an employment; nil:
	// the page says none are available.
	Tax TaxDetails
}

// TaxDetails is what the tax page asks of payroll: the employment's
// summary, payroll.ErrNotFound before any import.
type TaxDetails interface {
	Summary(ctx context.Context, employmentID string) (payroll.Summary, error)
}

// personalNotices are the outcomes shown after a change, by "klart".
var personalNotices = map[string]string{
	"sparat": "personal.done.saved", "oforandrat": "personal.done.unchanged",
	"tillagd": "personal.done.added", "andrad": "personal.done.changed", "borttagen": "personal.done.removed",
}

// contactFields are the form's fields of the contact details.
var contactFields = []string{"street", "postal_code", "city", "phone", "email"}

func contactForm(c personal.Contact) map[string]string {
	return map[string]string{"street": c.Street, "postal_code": c.PostalCode, "city": c.City, "phone": c.Phone, "email": c.Email}
}

// ShowPersonal shows the person's details.
func (h *Personal) ShowPersonal(c *fiber.Ctx) error {
	return h.personalPage(c, nil, nil)
}

func (h *Personal) personalPage(c *fiber.Ctx, form map[string]string, errs error) error {
	ctx, s := c.UserContext(), web.SessionOf(c)
	d, err := h.Service.Details(ctx, s.AccountID)
	if err != nil {
		return err
	}
	p, err := h.Header.Directory.Person(ctx, s.AccountID)
	if err != nil {
		return err
	}
	changes, err := h.Service.Changes(ctx, s.AccountID, 10)
	if err != nil {
		return err
	}
	if form == nil {
		form = contactForm(d.Contact)
	}
	data := fiber.Map{"Details": d, "Name": p.Name(), "WorkEmail": p.WorkEmail, "Form": form, "Editable": h.Editable,
		"Changes": changes, "Tab": "details", "Notice": personalNotices[c.Query("klart")], "MaxLength": personal.MaxLength}
	if problems, ok := web.FieldErrors(errs); ok {
		data["Errors"] = problems
	}
	return h.FormPageIn(c, "staff/personal", "personal.title", "staff-personal", data)
}

// SaveContact stores the parts of the contact details the employer lets
// staff change; posted parts they may not change are ignored.
func (h *Personal) SaveContact(c *fiber.Ctx) error {
	if !h.Editable.Any() {
		return fiber.ErrNotFound
	}
	s := web.SessionOf(c)
	f := web.Form(c, contactFields...)
	changed, err := h.Service.SaveContact(c.UserContext(), s.AccountID, personal.Contact{Street: f["street"], PostalCode: f["postal_code"],
		City: f["city"], Phone: f["phone"], Email: f["email"]})
	if _, ok := web.FieldErrors(err); ok {
		return h.personalPage(c, f, err)
	}
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		return c.Redirect(PathPersonal+"?klart=oforandrat", fiber.StatusSeeOther)
	}
	return c.Redirect(PathPersonal+"?klart=sparat", fiber.StatusSeeOther)
}

// TaxView is the tax details as the page shows them.
type TaxView struct {
	Year       int
	Table      int
	Column     int
	Percent    string // "30", "30,5"; "" with a table
	Adjustment string
	UpdatedAt  time.Time
	Steps      []TaxStepView
}

// TaxStepView is one row of the tax table, in kronor.
type TaxStepView struct{ From, To, Tax string }

// kronor writes öre as whole kronor in the language's money format
// ("1 000", "1,000"); up rounds a part of a krona up (a table's From of
// 1 000,01 is 1 001, so rows do not seem to overlap), else down.
func kronor(a payroll.Amount, lang string, up bool) string {
	whole := int64(a) / 100
	if up && int64(a)%100 > 0 {
		whole++
	}
	n := payroll.Amount(whole * 100).Number(lang)
	return n[:len(n)-3] // without the decimals, all zero
}

// percent writes hundredths of a percent as the language does: "30,5".
func percent(q payroll.Quantity, lang string) string {
	s := fmt.Sprintf("%d.%02d", q/100, q%100)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0")
	s = strings.TrimSuffix(s, ".")
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// ShowTax shows the tax details payroll imported for the employment the
// session works in.
func (h *Personal) ShowTax(c *fiber.Ctx) error {
	s := web.SessionOf(c)
	w, _, _, err := h.Header.who(c, s)
	if err != nil {
		return err
	}
	data := fiber.Map{"Tab": "tax", "Employment": w.Current}
	if h.Tax != nil && w.Current.ID != "" {
		sum, err := h.Tax.Summary(c.UserContext(), w.Current.ID)
		if err != nil && !errors.Is(err, payroll.ErrNotFound) {
			return err
		}
		if t := sum.Tax; err == nil && t != nil {
			v := TaxView{Year: t.Year, Table: t.Table, Column: t.Column, Adjustment: t.Adjustment, UpdatedAt: t.UpdatedAt}
			if t.Table == 0 && t.Percent > 0 {
				v.Percent = percent(t.Percent, web.L(c).Lang)
			}
			for _, st := range t.Steps {
				lang := web.L(c).Lang
				v.Steps = append(v.Steps, TaxStepView{kronor(st.From, lang, true), kronor(st.To, lang, false), kronor(st.Tax, lang, false)})
			}
			data["Tax"] = v
		}
	}
	return h.FormPageIn(c, "staff/personal_tax", "personal.tax.title", "staff-personal", data)
}

// ShowRelatives lists the person's relatives and children.
func (h *Personal) ShowRelatives(c *fiber.Ctx) error {
	all, err := h.Service.Relatives(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return err
	}
	var relatives, children []personal.Relative
	for _, r := range all {
		if r.Kind == personal.KindChild {
			children = append(children, r)
		} else {
			relatives = append(relatives, r)
		}
	}
	return h.FormPageIn(c, "staff/personal_relatives", "personal.relatives.title", "staff-personal", fiber.Map{
		"Tab": "relatives", "Relatives": relatives, "Children": children, "Full": len(all) >= personal.MaxRelatives,
		"Max": personal.MaxRelatives, "Notice": personalNotices[c.Query("klart")],
	})
}

// kindOf is the kind a form names: "barn" is a child, else a relative.
func kindOf(s string) personal.Kind {
	if s == "barn" || s == string(personal.KindChild) {
		return personal.KindChild
	}
	return personal.KindRelative
}

// relativeFields are the fields of the relative's form.
var relativeFields = []string{"name", "relation", "phone", "phone2", "email", "emergency", "birth_date", "lives_with"}

func relativeInput(f map[string]string) personal.RelativeInput {
	return personal.RelativeInput{Name: f["name"], Relation: f["relation"], Phone: f["phone"], Phone2: f["phone2"], Email: f["email"],
		Emergency: f["emergency"] == "1", BirthDate: f["birth_date"], LivesWith: f["lives_with"] == "1"}
}

func relativeForm(r personal.Relative) map[string]string {
	f := map[string]string{"name": r.Name, "relation": string(r.Relation), "phone": r.Phone, "phone2": r.Phone2, "email": r.Email}
	if r.Emergency {
		f["emergency"] = "1"
	}
	if r.LivesWith {
		f["lives_with"] = "1"
	}
	if !r.BirthDate.IsZero() {
		f["birth_date"] = r.BirthDate.Format("2006-01-02")
	}
	return f
}

// relativePage shows the form of a new relative (id "") or of one to change.
func (h *Personal) relativePage(c *fiber.Ctx, kind personal.Kind, id string, form map[string]string, err error) error {
	data := fiber.Map{"Tab": "relatives", "Kind": string(kind), "ID": id, "Form": form, "Relations": personal.Relations}
	if problems, ok := web.FieldErrors(err); ok {
		data["Errors"] = problems
	}
	title := "personal.relative.new_title"
	if kind == personal.KindChild {
		title = "personal.child.new_title"
	}
	if id != "" {
		title = "personal.relative.change_title"
		if kind == personal.KindChild {
			title = "personal.child.change_title"
		}
	}
	data["Heading"], data["MaxLength"] = title, personal.MaxLength
	return h.FormPageIn(c, "staff/personal_relative", title, "staff-personal", data)
}

// ShowNewRelative shows the form of a new relative, or of a child with
// ?typ=barn.
func (h *Personal) ShowNewRelative(c *fiber.Ctx) error {
	return h.relativePage(c, kindOf(c.Query("typ")), "", map[string]string{}, nil)
}

// AddRelative adds a relative or a child.
func (h *Personal) AddRelative(c *fiber.Ctx) error {
	f := web.Form(c, append([]string{"kind"}, relativeFields...)...)
	kind := kindOf(f["kind"])
	_, err := h.Service.AddRelative(c.UserContext(), web.SessionOf(c).AccountID, kind, relativeInput(f))
	if _, ok := web.FieldErrors(err); ok {
		return h.relativePage(c, kind, "", f, err)
	}
	if errors.Is(err, personal.ErrFull) {
		c.Status(fiber.StatusConflict)
		return h.Message(c, fiber.StatusConflict, "staff-personal", "personal.full.heading", "personal.full.text", false, PathRelatives, "personal.relatives.back")
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathRelatives+"?klart=tillagd", fiber.StatusSeeOther)
}

var relativeID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// ownRelative reads the relative named by the path, the session's
// person's own; any other id is a 404.
func (h *Personal) ownRelative(c *fiber.Ctx) (personal.Relative, error) {
	id := c.Params("id")
	if !relativeID.MatchString(id) {
		return personal.Relative{}, fiber.ErrNotFound
	}
	return h.Service.Relative(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(id))
}

// ShowChangeRelative shows the form of one of the person's relatives.
func (h *Personal) ShowChangeRelative(c *fiber.Ctx) error {
	r, err := h.ownRelative(c)
	if err != nil {
		return err
	}
	return h.relativePage(c, r.Kind, r.ID, relativeForm(r), nil)
}

// ChangeRelative changes one of the person's relatives.
func (h *Personal) ChangeRelative(c *fiber.Ctx) error {
	r, err := h.ownRelative(c)
	if err != nil {
		return err
	}
	f := web.Form(c, relativeFields...)
	_, err = h.Service.ChangeRelative(c.UserContext(), web.SessionOf(c).AccountID, r.ID, relativeInput(f))
	if _, ok := web.FieldErrors(err); ok {
		return h.relativePage(c, r.Kind, r.ID, f, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathRelatives+"?klart=andrad", fiber.StatusSeeOther)
}

// ShowRemoveRelative asks whether to remove one of the person's
// relatives: a page of its own, so it works without JavaScript.
func (h *Personal) ShowRemoveRelative(c *fiber.Ctx) error {
	r, err := h.ownRelative(c)
	if err != nil {
		return err
	}
	return h.FormPageIn(c, "staff/personal_remove", "personal.remove.title", "staff-personal", fiber.Map{"Tab": "relatives", "Relative": r})
}

// RemoveRelative removes one of the person's relatives.
func (h *Personal) RemoveRelative(c *fiber.Ctx) error {
	r, err := h.ownRelative(c)
	if err != nil {
		return err
	}
	if err := h.Service.RemoveRelative(c.UserContext(), web.SessionOf(c).AccountID, r.ID); err != nil {
		return err
	}
	return c.Redirect(PathRelatives+"?klart=borttagen", fiber.StatusSeeOther)
}
