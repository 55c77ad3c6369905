package staff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

// PathRecruitments is the recruiter's list of recruitments.
const PathRecruitments = "/personal/rekrytering"

// RecruitmentPath is the page of one recruitment.
func RecruitmentPath(id string) string { return PathRecruitments + "/" + id }

// Opener opens a recruitment for a person: the one place the pages of a
// recruitment learn what the person may do there.
type Opener interface {
	Open(ctx context.Context, personID, id string) (recruiting.Recruitment, recruiting.Viewer, error)
}

// openRecruitment opens the recruitment of the :id in the path for the
// person logged in; one they may not see is not found.
func openRecruitment(c *fiber.Ctx, o Opener) (recruiting.Recruitment, recruiting.Viewer, error) {
	return o.Open(c.UserContext(), web.SessionOf(c).AccountID, strings.Clone(c.Params("id")))
}

// Recruitments is the recruiters' list of recruitments, opening one, and
// its page with the recruitment group.
type Recruitments struct {
	*web.Kit
	Service interface {
		Opener
		List(ctx context.Context, personID string) ([]recruiting.Listed, error)
		MayOpen(ctx context.Context, personID string) (bool, error)
		Create(ctx context.Context, personID string, d recruiting.Draft) (recruiting.Recruitment, error)
		SetGroup(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, group []recruiting.Member, anonymised, published bool) (recruiting.Recruitment, error)
	}
	Policy interface {
		Can(ctx context.Context, personID string, perm access.Permission, unit string) (bool, error)
	}
	Units interface {
		AllUnits(ctx context.Context) ([]employees.Unit, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	Ads interface {
		AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
	}
	// Statements finds the requests for statements that wait for their
	// answer, the recruiters' to-do; nil: none.
	Statements Statements
	// HoldForms shows where the records stand and places holds; nil: not
	// shown.
	HoldForms *HoldForms
}

// RecruitmentRow is a recruitment as the list shows it.
type RecruitmentRow struct {
	recruiting.Listed
	UnitName string
	Ad       *jobs.Ad
}

// ShowRecruitments lists the recruitments the person may see.
func (h *Recruitments) ShowRecruitments(c *fiber.Ctx) error {
	ctx, me := c.UserContext(), web.SessionOf(c).AccountID
	list, err := h.Service.List(ctx, me)
	if err != nil {
		return err
	}
	mayOpen, err := h.Service.MayOpen(ctx, me)
	if err != nil {
		return err
	}
	units, err := h.unitNames(ctx)
	if err != nil {
		return err
	}
	rows := make([]RecruitmentRow, len(list))
	for i, r := range list {
		rows[i] = RecruitmentRow{Listed: r, UnitName: units[r.UnitID]}
		if ad, err := h.Ads.AdByRef(ctx, r.Ref); err == nil {
			rows[i].Ad = &ad
		} else if !errors.Is(err, jobs.ErrNotFound) {
			return err
		}
	}
	todo, err := h.todoOf(ctx, list)
	if err != nil {
		return err
	}
	return h.Render(c, "staff/recruitments", web.Page{Title: web.L(c).T("recruit.list.title"), Section: "staff-recruit",
		Data: fiber.Map{"Rows": rows, "MayOpen": mayOpen, "Now": h.Now(), "Todo": todo}})
}

func (h *Recruitments) unitNames(ctx context.Context) (map[string]string, error) {
	all, err := h.Units.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for _, u := range all {
		out[u.ID] = u.Name
	}
	return out, nil
}

// ShowNewRecruitment is the form that opens a recruitment.
func (h *Recruitments) ShowNewRecruitment(c *fiber.Ctx) error {
	return h.newPage(c, map[string]string{"positions": "1"}, nil, nil)
}

func (h *Recruitments) newPage(c *fiber.Ctx, form map[string]string, group []MemberRow, errs valid.Problems) error {
	ctx, me := c.UserContext(), web.SessionOf(c).AccountID
	ok, err := h.Service.MayOpen(ctx, me)
	if err != nil {
		return err
	}
	if !ok {
		return access.ErrForbidden
	}
	all, err := h.Units.AllUnits(ctx)
	if err != nil {
		return err
	}
	var units []UnitOption
	for _, u := range all {
		if !u.Active {
			continue
		}
		if ok, err := h.Policy.Can(ctx, me, recruiting.PermManage, u.ID); err != nil {
			return err
		} else if ok {
			units = append(units, UnitOption{ID: u.ID, Name: u.Name, Checked: form["unit"] == u.ID})
		}
	}
	return h.FormPageIn(c, "staff/recruitment_new", "recruit.new.title", "staff-recruit", fiber.Map{
		"Form": form, "Errors": errs, "Units": units, "Group": memberRows(rowProblems(group, errs), 3),
		"Roles": recruiting.GroupRoles, "Notify": recruiting.NotifyChoices,
	})
}

// CreateRecruitment opens a recruitment and goes to its page.
func (h *Recruitments) CreateRecruitment(c *fiber.Ctx) error {
	form := web.Form(c, "title", "unit", "positions", "anonymised")
	group := readGroup(c)
	positions, err := strconv.Atoi(form["positions"])
	if err != nil {
		positions = 0
	}
	r, err := h.Service.Create(c.UserContext(), web.SessionOf(c).AccountID, recruiting.Draft{
		UnitID: form["unit"], Title: form["title"], Positions: positions, Anonymised: form["anonymised"] == "on", Group: members(group),
	})
	if errs, ok := web.FieldErrors(err); ok {
		return h.newPage(c, form, group, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(RecruitmentPath(r.ID)+"?klart=created", fiber.StatusSeeOther)
}

// MemberRow is one row of the group form: a member, or an empty row to
// add one.
type MemberRow struct {
	N        int
	User     string
	Name     string
	Role     string
	Notify   string
	Problem  string // the translation key of what is wrong with the row
	Existing bool
}

// memberRows returns the rows of the group form: the members and blank
// rows to add more.
func memberRows(group []MemberRow, blank int) []MemberRow {
	out := append([]MemberRow(nil), group...)
	// The creator is in the group as its recruiter already; whom they add
	// is most often the hiring manager.
	for i := 0; i < blank; i++ {
		out = append(out, MemberRow{Role: recruiting.RoleHiringManager, Notify: recruiting.NotifyNow})
	}
	for i := range out {
		out[i].N = i
	}
	return out
}

// maxGroupRows bounds how many rows of a posted group form are read.
const maxGroupRows = 60

// readGroup reads the rows of a posted group form, empty ones left out.
func readGroup(c *fiber.Ctx) []MemberRow {
	var out []MemberRow
	for i := 0; i < maxGroupRows; i++ {
		p := fmt.Sprintf("member_%d_", i)
		row := MemberRow{User: strings.ToLower(strings.TrimSpace(c.FormValue(p + "user"))), Role: strings.Clone(c.FormValue(p + "role")),
			Notify: strings.Clone(c.FormValue(p + "notify"))}
		if row.User == "" {
			continue
		}
		out = append(out, row)
	}
	return out
}

func members(rows []MemberRow) []recruiting.Member {
	out := make([]recruiting.Member, len(rows))
	for i, r := range rows {
		out[i] = recruiting.Member{PersonID: r.User, Role: r.Role, Notify: r.Notify}
	}
	return out
}

// rowProblems puts the problems of the group on its rows: the service
// names the i-th member it was given.
func rowProblems(rows []MemberRow, errs valid.Problems) []MemberRow {
	for _, e := range errs {
		if n, ok := strings.CutPrefix(e.Field, "member_"); ok {
			if i, err := strconv.Atoi(n); err == nil && i < len(rows) {
				rows[i].Problem = e.Key
			}
		}
	}
	return rows
}

// ShowRecruitment is the page of one recruitment: what it is, its ad's
// state, its group, and the way to each part of the work.
func (h *Recruitments) ShowRecruitment(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Service)
	if err != nil {
		return err
	}
	return h.recruitmentPage(c, r, v, nil, nil, "", nil)
}

// recruitmentPage draws the page; holdForm is the hold form as typed.
func (h *Recruitments) recruitmentPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, group []MemberRow, errs valid.Problems, anonymised string,
	holdForm map[string]string) error {
	ctx := c.UserContext()
	units, err := h.unitNames(ctx)
	if err != nil {
		return err
	}
	var ad *jobs.Ad
	if a, err := h.Ads.AdByRef(ctx, r.Ref); err == nil {
		ad = &a
	} else if !errors.Is(err, jobs.ErrNotFound) {
		return err
	}
	var rows []MemberRow
	if group == nil {
		for _, m := range r.Group {
			row := MemberRow{User: m.PersonID, Role: m.Role, Notify: m.Notify, Existing: true}
			if p, err := h.People.Person(ctx, m.PersonID); err == nil {
				row.Name = p.FirstName + " " + p.LastName
			}
			rows = append(rows, row)
		}
		anonymised = ""
		if r.Anonymised {
			anonymised = "on"
		}
	} else {
		rows = rowProblems(group, errs)
	}
	published := ad != nil && ad.Published(h.Now())
	todo, err := h.todoIn(ctx, r, v)
	if err != nil {
		return err
	}
	hold, err := h.HoldForms.view(ctx, v.PersonID, r, nil)
	if err != nil {
		return err
	}
	if holdForm == nil {
		holdForm = map[string]string{}
	}
	return h.FormPageIn(c, "staff/recruitment", "recruit.page.title", "staff-recruit", fiber.Map{
		"Todo": todo, "Hold": hold, "Form": holdForm,
		"R": r, "V": v, "UnitName": units[r.UnitID], "Ad": ad, "Published": published, "Now": h.Now(),
		"Group": memberRows(rows, 2), "Roles": recruiting.GroupRoles, "Notify": recruiting.NotifyChoices,
		"Anonymised": anonymised, "Errors": errs, "Notice": recruitNotice(c),
	})
}

// SaveGroup replaces the recruitment group.
func (h *Recruitments) SaveGroup(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Service)
	if err != nil {
		return err
	}
	group := readGroup(c)
	anonymised := strings.Clone(c.FormValue("anonymised"))
	published := false
	if ad, err := h.Ads.AdByRef(c.UserContext(), r.Ref); err == nil {
		published = ad.Published(h.Now())
	} else if !errors.Is(err, jobs.ErrNotFound) {
		return err
	}
	_, err = h.Service.SetGroup(c.UserContext(), v, r, members(group), anonymised == "on", published)
	if errs, ok := web.FieldErrors(err); ok {
		return h.recruitmentPage(c, r, v, group, errs, anonymised, nil)
	}
	if err != nil {
		return err
	}
	return c.Redirect(RecruitmentPath(r.ID)+"?klart=group", fiber.StatusSeeOther)
}

// recruitNotices are the confirmations a recruitment page can show after
// a redirect, by the "klart" parameter.
var recruitNotices = []string{"created", "group"}

func recruitNotice(c *fiber.Ctx) string {
	if c.Query("klart") == "held" {
		return "retention.notice.held"
	}
	if k := c.Query("klart"); slices.Contains(recruitNotices, k) {
		return "recruit.notice." + k
	}
	return ""
}
