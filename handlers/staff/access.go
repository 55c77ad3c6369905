package staff

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/access"
	"portal/employees"
	"portal/handlers/web"
	"portal/valid"
)

// Paths of the access pages.
const (
	PathRoles      = "/personal/behorigheter"
	PathSign       = "/personal/behorigheter/att-signera"
	PathAdminRoles = "/personal/admin/behorigheter"
	PathCourses    = "/personal/admin/kurser"
	PathAudit      = "/personal/admin/logg"
	PathOutbox     = "/personal/admin/utskick"
)

// Access is the pages of roles: one's own roles and requests, the
// manager's signatures, the administrator's grants, courses and the audit
// log. What anyone may do there the policy decides.
type Access struct {
	*web.Kit
	Roles   *access.Catalogue
	Service interface {
		Submit(ctx context.Context, personID, roleID string, units []string, reason string) (access.Request, error)
		RequestsOf(ctx context.Context, personID string) ([]access.Request, error)
		Withdraw(ctx context.Context, personID, requestID string) (access.Request, error)
		ToSign(ctx context.Context, personID string) ([]access.Request, error)
		Sign(ctx context.Context, signerID, requestID string) (access.Request, error)
		Decline(ctx context.Context, signerID, requestID, reason string) (access.Request, error)
		Signed(ctx context.Context, adminID string) ([]access.Request, error)
		Grant(ctx context.Context, adminID, requestID string) ([]access.Grant, error)
		Refuse(ctx context.Context, adminID, requestID, reason string) (access.Request, error)
		GrantDirect(ctx context.Context, adminID, personID, roleID string, units []string) ([]access.Grant, error)
		Revoke(ctx context.Context, adminID, grantID, reason string) error
		GrantsOf(ctx context.Context, personID string) ([]access.Grant, error)
		ActiveGrants(ctx context.Context, adminID string) ([]access.Grant, error)
		RecordCourse(ctx context.Context, adminID, personID, courseID, date string) (access.Completion, error)
		RemoveCourse(ctx context.Context, adminID, personID, courseID string) error
		CompletionsFor(ctx context.Context, adminID, personID string) ([]access.Completion, error)
		RequiredCourses(ctx context.Context, personID, roleID string) ([]access.CourseStatus, error)
		Log(ctx context.Context, viewerID, personID string, withViews bool, limit int) ([]access.Event, error)
		Signer(ctx context.Context, personID string) (employees.Person, bool, error)
	}
	Policy interface {
		Require(ctx context.Context, personID string, perm access.Permission, unit string) error
		Permitted(ctx context.Context, personID string) (map[access.Permission]bool, error)
	}
	Units interface {
		AllUnits(ctx context.Context) ([]employees.Unit, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
}

// me is the person logged in; one who is not in the directory (or has
// left) sees no page of roles.
func (h *Access) me(c *fiber.Ctx) (employees.Person, error) {
	p, err := h.People.Person(c.UserContext(), web.SessionOf(c).AccountID)
	if errors.Is(err, employees.ErrNotFound) || (err == nil && !p.Active) {
		return p, access.ErrNotFound
	}
	return p, err
}

// requireAny lets through only a person who holds the permission for
// some unit; the pages then show only what lies in their units.
func (h *Access) requireAny(perm access.Permission, unit string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.Policy.Require(c.UserContext(), web.SessionOf(c).AccountID, perm, unit); err != nil {
			return err
		}
		return c.Next()
	}
}

// RequireGranting lets through those who may grant roles somewhere.
func (h *Access) RequireGranting(c *fiber.Ctx) error {
	return h.requireAny(access.PermGrantRoles, "")(c)
}

// RequireCourses lets through those who may record courses somewhere.
func (h *Access) RequireCourses(c *fiber.Ctx) error {
	return h.requireAny(access.PermRecordCourses, "")(c)
}

// RequireAudit lets through those who may read the whole audit log.
func (h *Access) RequireAudit(c *fiber.Ctx) error {
	return h.requireAny(access.PermReadAudit, access.Everywhere)(c)
}

// RequireMail lets through those who manage the organisation's e-mail.
func (h *Access) RequireMail(c *fiber.Ctx) error {
	return h.requireAny(access.PermManageMail, access.Everywhere)(c)
}

// RequestView is a request as the pages show it.
type RequestView struct {
	access.Request
	RoleName  string
	UnitNames string
	Reasons   []string // why a grant was just refused
	// Courses are the courses the role requires, with whether the
	// requester has them (on the administrator's page).
	Courses []CourseStatusView
}

// CourseStatusView is a required course as the pages show it.
type CourseStatusView struct {
	Name string
	Done bool
	On   time.Time
}

// GrantView is a grant as the pages show it.
type GrantView struct {
	access.Grant
	RoleName   string
	UnitName   string
	PersonName string
}

// RoleCourses is a role with the names of the courses it requires.
type RoleCourses struct {
	Name    string
	Courses []string
}

// roleCourses lists the roles that require courses, with the courses.
func (n names) roleCourses() []RoleCourses {
	var out []RoleCourses
	for _, r := range n.roles.Roles {
		if len(r.Courses) == 0 {
			continue
		}
		rc := RoleCourses{Name: r.Name.In(n.lang)}
		for _, co := range r.Courses {
			rc.Courses = append(rc.Courses, n.course(co))
		}
		out = append(out, rc)
	}
	return out
}

// perms is the permissions of the person logged in, by name, for the
// links between the pages of roles.
func (h *Access) perms(c *fiber.Ctx) (map[string]bool, error) {
	return permLinks(c, h.Policy)
}

func permLinks(c *fiber.Ctx, policy interface {
	Permitted(ctx context.Context, personID string) (map[access.Permission]bool, error)
}) (map[string]bool, error) {
	perms, err := policy.Permitted(c.UserContext(), web.SessionOf(c).AccountID)
	if err != nil {
		return nil, err
	}
	links := map[string]bool{}
	for p, ok := range perms {
		links[string(p)] = ok
	}
	return links, nil
}

// people names people by their user names, each looked up once.
type people struct {
	ctx context.Context
	dir interface {
		Person(context.Context, string) (employees.Person, error)
	}
	seen map[string]string
}

// name is "Fatima Ali (fatali01)", or the user name alone for someone
// not in the directory.
func (p *people) name(id string) string {
	if id == "" || id == access.CommandLine {
		return id
	}
	if n, ok := p.seen[id]; ok {
		return n
	}
	n := id
	if person, err := p.dir.Person(p.ctx, id); err == nil && person.Name() != "" {
		n = person.Name() + " (" + id + ")"
	}
	p.seen[id] = n
	return n
}

func (h *Access) people(c *fiber.Ctx) *people {
	return &people{ctx: c.UserContext(), dir: h.People, seen: map[string]string{}}
}

// names is the localized names of roles, courses and units.
type names struct {
	lang  string
	roles *access.Catalogue
	units map[string]string
	l     interface{ T(string, ...any) string }
}

func (h *Access) names(c *fiber.Ctx) (names, error) {
	units, err := h.Units.AllUnits(c.UserContext())
	if err != nil {
		return names{}, err
	}
	n := names{lang: web.L(c).Lang, roles: h.Roles, units: map[string]string{}, l: web.L(c)}
	for _, u := range units {
		n.units[u.ID] = u.Name
	}
	return n, nil
}

func (n names) role(id string) string {
	if r, ok := n.roles.Role(id); ok {
		return r.Name.In(n.lang)
	}
	return id
}

func (n names) course(id string) string {
	if c, ok := n.roles.Course(id); ok {
		return c.Name.In(n.lang)
	}
	return id
}

func (n names) unit(id string) string {
	if id == access.Everywhere {
		return n.l.T("access.everywhere")
	}
	if name, ok := n.units[id]; ok {
		return name
	}
	return id
}

func (n names) request(r access.Request) RequestView {
	us := make([]string, len(r.Units))
	for i, u := range r.Units {
		us[i] = n.unit(u)
	}
	return RequestView{Request: r, RoleName: n.role(r.Role), UnitNames: strings.Join(us, ", ")}
}

func (n names) requests(rs []access.Request) []RequestView {
	out := make([]RequestView, len(rs))
	for i, r := range rs {
		out[i] = n.request(r)
	}
	return out
}

func (n names) grants(gs []access.Grant) []GrantView {
	out := make([]GrantView, len(gs))
	for i, g := range gs {
		out[i] = GrantView{Grant: g, RoleName: n.role(g.Role), UnitName: n.unit(g.Unit)}
	}
	return out
}

// refusalFields puts each reason a grant cannot be made at the field it
// is about: the person (courses, self, left) or the role (the rest).
func (n names) refusalFields(err error) (map[string][]string, bool) {
	var r *access.Refusal
	if !errors.As(err, &r) {
		return nil, false
	}
	out := map[string][]string{}
	for _, x := range r.Reasons {
		text, _ := n.reasons(&access.Refusal{Reasons: []access.Reason{x}})
		field := "role"
		switch x.Kind {
		case access.ReasonCourse, access.ReasonSelf, access.ReasonInactive:
			field = "person"
		}
		out[field] = append(out[field], text...)
	}
	return out, true
}

// reasons says in the user's language why a grant cannot be made.
func (n names) reasons(err error) ([]string, bool) {
	var r *access.Refusal
	if !errors.As(err, &r) {
		return nil, false
	}
	out := make([]string, 0, len(r.Reasons))
	for _, x := range r.Reasons {
		switch x.Kind {
		case access.ReasonCourse:
			out = append(out, n.l.T("access.reason.course", n.course(x.Subject)))
		case access.ReasonConflict:
			out = append(out, n.l.T("access.reason.conflict", n.role(x.Subject)))
		case access.ReasonHasFull:
			out = append(out, n.l.T("access.reason.has_full", n.role(x.Subject)))
		default:
			out = append(out, n.l.T("access.reason."+x.Kind))
		}
	}
	return out, true
}

// UnitOption is a unit to tick in a form.
type UnitOption struct {
	ID, Name string
	Depth    int
	Checked  bool
}

// unitOptions lists the active units as a tree, parents first.
func (h *Access) unitOptions(c *fiber.Ctx, checked []string, everywhere bool) ([]UnitOption, error) {
	units, err := h.Units.AllUnits(c.UserContext())
	if err != nil {
		return nil, err
	}
	children := map[string][]employees.Unit{}
	ids := map[string]bool{}
	for _, u := range units {
		ids[u.ID] = true
	}
	for _, u := range units {
		if !u.Active {
			continue
		}
		parent := u.ParentID
		if !ids[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], u)
	}
	var out []UnitOption
	if everywhere {
		out = append(out, UnitOption{ID: access.Everywhere, Name: web.L(c).T("access.everywhere"), Checked: slices.Contains(checked, access.Everywhere)})
	}
	seen := map[string]bool{}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, u := range children[parent] {
			if seen[u.ID] {
				continue
			}
			seen[u.ID] = true
			out = append(out, UnitOption{ID: u.ID, Name: u.Name, Depth: min(depth, 4), Checked: slices.Contains(checked, u.ID)})
			walk(u.ID, depth+1)
		}
	}
	walk("", 0)
	return out, nil
}

func formUnits(c *fiber.Ctx) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti("units") {
		out = append(out, strings.Clone(string(v)))
	}
	return out
}

// ShowRoles is "Mina behörigheter": the person's roles and requests, and
// the form to request a role.
func (h *Access) ShowRoles(c *fiber.Ctx) error {
	return h.rolesPage(c, nil, nil, nil)
}

func (h *Access) rolesPage(c *fiber.Ctx, form map[string]string, units []string, errs valid.Problems) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	n, err := h.names(c)
	if err != nil {
		return err
	}
	grants, err := h.Service.GrantsOf(ctx, me.ID)
	if err != nil {
		return err
	}
	reqs, err := h.Service.RequestsOf(ctx, me.ID)
	if err != nil {
		return err
	}
	opts, err := h.unitOptions(c, units, false)
	if err != nil {
		return err
	}
	links, err := h.perms(c)
	if err != nil {
		return err
	}
	signer, canAsk, err := h.Service.Signer(ctx, me.ID)
	if err != nil {
		return err
	}
	var active, ended []access.Grant
	for _, g := range grants {
		if g.Active() {
			active = append(active, g)
		} else {
			ended = append(ended, g)
		}
	}
	var roles []RoleOption
	for _, r := range h.Roles.Roles {
		roles = append(roles, RoleOption{ID: r.ID, Name: r.Name.In(n.lang), Selected: form["role"] == r.ID})
	}
	if form == nil {
		form = map[string]string{}
	}
	return h.FormPageIn(c, "staff/roles", "access.roles.title", "staff-roles", fiber.Map{
		"Grants": n.grants(active), "Ended": n.grants(ended), "Requests": n.requests(reqs), "RoleOptions": roles, "UnitOptions": opts,
		"Form": form, "Errors": errs, "Notice": notice(c), "Perms": links, "RoleCourses": n.roleCourses(),
		"CanAsk": canAsk, "Signer": signer.Name(),
	})
}

// RoleOption is a role to choose in a form.
type RoleOption struct {
	ID, Name string
	Selected bool
}

// notice is the translation key of what the last action did, from the
// redirect after it.
func notice(c *fiber.Ctx) string {
	switch c.Query("klart") {
	case "requested", "withdrawn", "signed", "declined", "granted", "refused", "revoked", "course":
		return "access.done." + c.Query("klart")
	}
	return ""
}

// SubmitRequest files a request for a role.
func (h *Access) SubmitRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "role", "reason")
	units := formUnits(c)
	_, err = h.Service.Submit(c.UserContext(), me.ID, form["role"], units, form["reason"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.rolesPage(c, form, units, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathRoles+"?klart=requested", fiber.StatusSeeOther)
}

// WithdrawRequest takes back one's own request.
func (h *Access) WithdrawRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	if _, err := h.Service.Withdraw(c.UserContext(), me.ID, strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.Redirect(PathRoles+"?klart=withdrawn", fiber.StatusSeeOther)
}

// ShowSign lists the requests of the manager's reports awaiting signature.
func (h *Access) ShowSign(c *fiber.Ctx) error {
	return h.signPage(c, "", nil, "")
}

func (h *Access) signPage(c *fiber.Ctx, failedID string, errs valid.Problems, reason string) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	n, err := h.names(c)
	if err != nil {
		return err
	}
	reqs, err := h.Service.ToSign(c.UserContext(), me.ID)
	if err != nil {
		return err
	}
	links, err := h.perms(c)
	if err != nil {
		return err
	}
	return h.FormPageIn(c, "staff/sign", "access.sign.title", "staff-sign", fiber.Map{
		"Requests": n.requests(reqs), "Failed": failedID, "Errors": errs, "Reason": reason, "Notice": notice(c), "Perms": links,
	})
}

// SignRequest signs a report's request.
func (h *Access) SignRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	if _, err := h.Service.Sign(c.UserContext(), me.ID, strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.Redirect(PathSign+"?klart=signed", fiber.StatusSeeOther)
}

// DeclineRequest is the manager's no, with a reason.
func (h *Access) DeclineRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	id := strings.Clone(c.Params("id"))
	reason := web.Form(c, "reason")["reason"]
	_, err = h.Service.Decline(c.UserContext(), me.ID, id, reason)
	if errs, ok := web.FieldErrors(err); ok {
		return h.signPage(c, id, fieldsFor(errs, id), reason)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathSign+"?klart=declined", fiber.StatusSeeOther)
}

// fieldsFor names the fields of one request's form on a page of several.
func fieldsFor(errs valid.Problems, id string) valid.Problems {
	out := make(valid.Problems, len(errs))
	for i, p := range errs {
		p.Field += "-" + id
		out[i] = p
	}
	return out
}

// adminState is what the administrator's page shows besides the lists.
type adminState struct {
	failed  string   // the request whose form failed
	reasons []string // why its grant was refused
	errs    valid.Problems
	form    map[string]string
	units   []string
	refusal map[string][]string // why the direct grant was refused, by field
	reason  string              // the reason typed in the failed form
}

// ShowAdminRoles is the administrator's page: signed requests to decide,
// a direct grant, and the grants they may revoke.
func (h *Access) ShowAdminRoles(c *fiber.Ctx) error {
	return h.adminPage(c, adminState{})
}

func (h *Access) adminPage(c *fiber.Ctx, st adminState) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	n, err := h.names(c)
	if err != nil {
		return err
	}
	reqs, err := h.Service.Signed(ctx, me.ID)
	if err != nil {
		return err
	}
	views := n.requests(reqs)
	for i := range views {
		if views[i].ID == st.failed {
			views[i].Reasons = st.reasons
		}
		courses, err := h.Service.RequiredCourses(ctx, views[i].PersonID, views[i].Role)
		if err != nil {
			return err
		}
		for _, co := range courses {
			views[i].Courses = append(views[i].Courses, CourseStatusView{Name: co.Course.Name.In(n.lang), Done: co.Done, On: co.On})
		}
	}
	grants, err := h.Service.ActiveGrants(ctx, me.ID)
	if err != nil {
		return err
	}
	gviews := n.grants(grants)
	who := h.people(c)
	for i := range gviews {
		gviews[i].PersonName = who.name(gviews[i].PersonID)
	}
	links, err := h.perms(c)
	if err != nil {
		return err
	}

	if st.form == nil {
		st.form = map[string]string{}
	}
	opts, err := h.unitOptions(c, st.units, true)
	if err != nil {
		return err
	}
	var roles []RoleOption
	for _, r := range h.Roles.Roles {
		roles = append(roles, RoleOption{ID: r.ID, Name: r.Name.In(n.lang), Selected: st.form["role"] == r.ID})
	}
	if len(st.reasons) > 0 || len(st.refusal) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	var summary []RefusalLine
	for _, f := range []string{"person", "role"} {
		for _, text := range st.refusal[f] {
			summary = append(summary, RefusalLine{Field: f, Text: text})
		}
	}
	return h.FormPageIn(c, "staff/admin_roles", "access.admin.title", "staff-admin", fiber.Map{
		"Requests": views, "Grants": gviews, "Failed": st.failed, "Errors": st.errs, "Form": st.form,
		"RoleOptions": roles, "UnitOptions": opts, "Refusal": summary, "RefusalAt": st.refusal, "Notice": notice(c), "Reasons": st.reasons,
		"Perms": links, "RoleCourses": n.roleCourses(), "Reason": st.reason,
	})
}

// RefusalLine is one reason a direct grant was refused, with the field
// it is about.
type RefusalLine struct{ Field, Text string }

// GrantRequest grants a signed request, or shows why it cannot be.
func (h *Access) GrantRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	id := strings.Clone(c.Params("id"))
	_, err = h.Service.Grant(c.UserContext(), me.ID, id)
	if err != nil {
		n, nerr := h.names(c)
		if nerr != nil {
			return nerr
		}
		if reasons, ok := n.reasons(err); ok {
			return h.adminPage(c, adminState{failed: id, reasons: reasons})
		}
		return err
	}
	return c.Redirect(PathAdminRoles+"?klart=granted", fiber.StatusSeeOther)
}

// RefuseRequest is the administrator's no to a signed request.
func (h *Access) RefuseRequest(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	id := strings.Clone(c.Params("id"))
	reason := web.Form(c, "reason")["reason"]
	_, err = h.Service.Refuse(c.UserContext(), me.ID, id, reason)
	if errs, ok := web.FieldErrors(err); ok {
		return h.adminPage(c, adminState{failed: id, errs: fieldsFor(errs, id), reason: reason})
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathAdminRoles+"?klart=refused", fiber.StatusSeeOther)
}

// GrantDirect grants a role without a request.
func (h *Access) GrantDirect(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "person", "role")
	units := formUnits(c)
	_, err = h.Service.GrantDirect(c.UserContext(), me.ID, employees.NormalizeUser(form["person"]), form["role"], units)
	if errs, ok := web.FieldErrors(err); ok {
		return h.adminPage(c, adminState{errs: errs, form: form, units: units})
	}
	if errors.Is(err, access.ErrForbidden) { // units outside one's own
		return h.adminPage(c, adminState{errs: valid.Problems{{Field: "units", Key: "access.error.units_outside"}}, form: form, units: units})
	}
	if err != nil {
		n, nerr := h.names(c)
		if nerr != nil {
			return nerr
		}
		if at, ok := n.refusalFields(err); ok {
			return h.adminPage(c, adminState{refusal: at, form: form, units: units})
		}
		return err
	}
	return c.Redirect(PathAdminRoles+"?klart=granted", fiber.StatusSeeOther)
}

// RevokeGrant ends a grant, with a reason.
func (h *Access) RevokeGrant(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	id := strings.Clone(c.Params("id"))
	reason := web.Form(c, "reason")["reason"]
	err = h.Service.Revoke(c.UserContext(), me.ID, id, reason)
	if errs, ok := web.FieldErrors(err); ok {
		return h.adminPage(c, adminState{failed: id, errs: fieldsFor(errs, id), reason: reason})
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathAdminRoles+"?klart=revoked", fiber.StatusSeeOther)
}

// ShowCourses is the form to record a completed course, and the courses
// of a person looked up.
func (h *Access) ShowCourses(c *fiber.Ctx) error {
	_, asked := c.Queries()["person"]
	return h.coursesPage(c, map[string]string{"person": strings.Clone(c.Query("person"))}, nil, asked)
}

// coursesPage shows the form and, for a person named, the courses on
// record; lookup: the person was asked for (an empty name is a problem).
func (h *Access) coursesPage(c *fiber.Ctx, form map[string]string, errs valid.Problems, lookup bool) error {
	n, err := h.names(c)
	if err != nil {
		return err
	}
	var done []CourseView
	person := employees.NormalizeUser(form["person"])
	var lookupErr string
	if person == "" && lookup {
		lookupErr = "access.error.person_missing"
	}
	if person != "" && len(errs) == 0 {
		list, err := h.Service.CompletionsFor(c.UserContext(), web.SessionOf(c).AccountID, person)
		if errors.Is(err, access.ErrNotFound) { // unknown, or outside one's units: said alike
			errs, person = valid.Problems{{Field: "person", Key: "access.error.person"}}, ""
		} else if err != nil {
			return err
		}
		for _, d := range list {
			done = append(done, CourseView{Completion: d, Name: n.course(d.Course)})
		}
	}
	if lookupErr != "" {
		errs = valid.Problems{{Field: "person", Key: lookupErr}}
	}
	links, err := h.perms(c)
	if err != nil {
		return err
	}
	personName := ""
	if person != "" {
		personName = h.people(c).name(person)
	}
	noticeText := ""
	if c.Query("klart") == "course" || c.Query("klart") == "course_removed" {
		if co, ok := h.Roles.Course(c.Query("kurs")); ok && personName != "" {
			noticeText = web.L(c).T("access.done."+c.Query("klart"), co.Name.In(n.lang), personName)
		}
	}
	var courses []RoleOption
	for _, co := range h.Roles.Courses {
		courses = append(courses, RoleOption{ID: co.ID, Name: co.Name.In(n.lang), Selected: form["course"] == co.ID})
	}
	return h.FormPageIn(c, "staff/courses", "access.courses.title", "staff-admin", fiber.Map{
		"Form": form, "Errors": errs, "Courses": courses, "Done": done, "Person": person, "PersonName": personName,
		"NoticeText": noticeText, "Perms": links,
	})
}

// CourseView is a completed course as the page shows it.
type CourseView struct {
	access.Completion
	Name string
}

// RecordCourse records a completed course for a person.
func (h *Access) RecordCourse(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "person", "course", "date")
	_, err = h.Service.RecordCourse(c.UserContext(), me.ID, employees.NormalizeUser(form["person"]), form["course"], form["date"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.coursesPage(c, form, errs, false)
	}
	if errors.Is(err, access.ErrForbidden) { // a person outside one's units: said as not found
		return h.coursesPage(c, form, valid.Problems{{Field: "person", Key: "access.error.person"}}, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect(PathCourses+"?klart=course&kurs="+url.QueryEscape(form["course"])+"&person="+
		url.QueryEscape(employees.NormalizeUser(form["person"])), fiber.StatusSeeOther)
}

// RemoveCourse removes a course recorded by mistake.
func (h *Access) RemoveCourse(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "person", "course")
	person := employees.NormalizeUser(form["person"])
	if err := h.Service.RemoveCourse(c.UserContext(), me.ID, person, form["course"]); err != nil {
		return err
	}
	return c.Redirect(PathCourses+"?klart=course_removed&kurs="+url.QueryEscape(form["course"])+"&person="+url.QueryEscape(person), fiber.StatusSeeOther)
}

// EventView is a line of the audit log as the page shows it.
type EventView struct {
	access.Event
	RoleName   string
	UnitNames  string
	CourseName string
	PersonName string // "Fatima Ali (fatali01)"
}

// ShowAudit is the audit log, filtered by person.
func (h *Access) ShowAudit(c *fiber.Ctx) error {
	me, err := h.me(c)
	if err != nil {
		return err
	}
	n, err := h.names(c)
	if err != nil {
		return err
	}
	person := strings.Clone(strings.TrimSpace(c.Query("person")))
	withViews := c.Query("visningar") == "1"
	events, err := h.Service.Log(c.UserContext(), me.ID, person, withViews, 500)
	errs, bad := web.FieldErrors(err)
	if err != nil && !bad {
		return err
	}
	links, err := h.perms(c)
	if err != nil {
		return err
	}
	if bad { // nothing read, nothing recorded
		return h.FormPageIn(c, "staff/audit", "access.audit.title", "staff-admin", fiber.Map{
			"Errors": errs, "Person": person, "WithViews": withViews, "Perms": links,
		})
	}
	who := h.people(c)
	l := web.L(c)
	views := make([]EventView, len(events))
	for i, e := range events {
		us := make([]string, len(e.Units))
		for j, u := range e.Units {
			us[j] = n.unit(u)
		}
		views[i] = EventView{Event: e, UnitNames: strings.Join(us, ", "), PersonName: who.name(e.Person)}
		if src, on, ok := access.CourseDetail(e); ok {
			views[i].Detail = l.T("access.source."+src) + " · " + l.T("access.audit.completed_on", l.Date(on))
		}
		if e.Role != "" {
			views[i].RoleName = n.role(e.Role)
		}
		if e.Course != "" {
			views[i].CourseName = n.course(e.Course)
		}
		if rs := access.BlockedReasons(e); rs != nil { // said in the reader's language
			text, _ := n.reasons(&access.Refusal{Reasons: rs})
			views[i].Detail = strings.Join(text, " ")
		}
	}
	return h.FormPageIn(c, "staff/audit", "access.audit.title", "staff-admin", fiber.Map{
		"Events": views, "Person": person, "CommandLine": access.CommandLine, "WithViews": withViews, "Perms": links,
	})
}
