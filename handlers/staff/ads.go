package staff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/classify"
	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
)

// AdPath is the ad page of a recruitment.
func AdPath(id string) string { return RecruitmentPath(id) + "/annons" }

// RecruitAds is the ad editor of a recruitment: the ad page with its
// state, actions and record of changes, the editor, the preview and the
// export. Those who manage the recruitment change the ad; the rest of the
// group reads it.
type RecruitAds struct {
	*web.Kit
	Recruitments interface {
		Opener
		List(ctx context.Context, personID string) ([]recruiting.Listed, error)
	}
	Ads interface {
		Ad(ctx context.Context, r recruiting.Recruitment) (jobs.Ad, error)
		Save(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, ad jobs.Ad) (jobs.Ad, error)
		Publish(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, at time.Time) (jobs.Ad, error)
		Close(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, mode string) (jobs.Ad, error)
		Extend(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, day jobs.Day) (jobs.Ad, error)
		Changes(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment) ([]recruiting.AdChange, error)
		SaveTemplate(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, name string) (recruiting.AdTemplate, error)
		UnitTemplates(ctx context.Context, r recruiting.Recruitment) ([]recruiting.AdTemplate, error)
		Template(ctx context.Context, r recruiting.Recruitment, id string) (recruiting.AdTemplate, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
		Unit(ctx context.Context, id string) (employees.Unit, error)
	}
	// Organisation is the employer every ad names.
	Organisation string
}

// adOf returns the recruitment's ad, or nil before it has one.
func (h *RecruitAds) adOf(ctx context.Context, r recruiting.Recruitment) (*jobs.Ad, error) {
	ad, err := h.Ads.Ad(ctx, r)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &ad, nil
}

// ChangeView is a recorded change as the ad page lists it.
type ChangeView struct {
	recruiting.AdChange
	Name string
}

// SourceOption is an earlier ad or a template to start from.
type SourceOption struct {
	ID, Label string
}

// ShowAd is the ad page of a recruitment.
func (h *RecruitAds) ShowAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	return h.adPage(c, r, v, map[string]string{"when": "now"}, nil)
}

func (h *RecruitAds) adPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, form map[string]string, errs valid.Problems) error {
	ctx := c.UserContext()
	ad, err := h.adOf(ctx, r)
	if err != nil {
		return err
	}
	changes, err := h.Ads.Changes(ctx, v, r)
	if err != nil {
		return err
	}
	names := map[string]string{}
	views := make([]ChangeView, len(changes))
	for i, ch := range changes {
		if _, ok := names[ch.By]; !ok {
			names[ch.By] = ch.By
			if p, err := h.People.Person(ctx, ch.By); err == nil {
				names[ch.By] = p.FirstName + " " + p.LastName + " (" + ch.By + ")"
			}
		}
		views[i] = ChangeView{AdChange: ch, Name: names[ch.By]}
	}
	data := fiber.Map{"R": r, "V": v, "Ad": ad, "Now": h.Now(), "Changes": views, "Form": form, "Errors": errs,
		"Notice": adNotice(c), "Today": jobs.DayOf(h.Now()).String()}
	if ad != nil {
		data["Published"], data["Open"] = ad.Published(h.Now()), ad.Open(h.Now())
		data["Occupation"], _ = classify.Occupation(ad.Occupation)
	}
	if v.Manage {
		earlier, templates, err := h.sources(ctx, c, r)
		if err != nil {
			return err
		}
		data["Earlier"], data["Templates"] = earlier, templates
	}
	return h.FormPageIn(c, "staff/ad_page", "recruitads.page.title", "staff-recruit", data)
}

// sources are the ads the person may start this one from: the ads of
// other recruitments they manage, and the templates of the unit.
func (h *RecruitAds) sources(ctx context.Context, c *fiber.Ctx, r recruiting.Recruitment) ([]SourceOption, []SourceOption, error) {
	list, err := h.Recruitments.List(ctx, web.SessionOf(c).AccountID)
	if err != nil {
		return nil, nil, err
	}
	var earlier []SourceOption
	for _, other := range list {
		if other.ID == r.ID || !other.Manage {
			continue
		}
		ad, err := h.adOf(ctx, other.Recruitment)
		if err != nil {
			return nil, nil, err
		}
		if ad != nil {
			earlier = append(earlier, SourceOption{ID: other.ID, Label: ad.Title + " (" + ad.Ref + ")"})
		}
	}
	ts, err := h.Ads.UnitTemplates(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	templates := make([]SourceOption, len(ts))
	for i, t := range ts {
		templates[i] = SourceOption{ID: t.ID, Label: t.Name}
	}
	return earlier, templates, nil
}

// adNotices are the confirmations the ad pages show after a redirect.
var adNotices = []string{"saved", "published", "scheduled", "closed", "extended", "template"}

func adNotice(c *fiber.Ctx) string {
	if k := c.Query("klart"); slices.Contains(adNotices, k) {
		return "recruitads.notice." + k
	}
	return ""
}

// ContactRow is one contact person of the editor.
type ContactRow struct {
	N                        int
	Name, Role, Phone, Email string
}

// QuestionRow is one question of the editor.
type QuestionRow struct {
	N        int
	ID       string
	Type     string
	Text     string
	Help     string
	Required bool
	Options  string   // one a line
	Wanted   []string // the required answer
	Problem  string   // translation key of what is wrong
	Last     bool
}

// OptionList is the options of a choice question, one a line of Options.
func (q QuestionRow) OptionList() []string { return lines(q.Options) }

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// adEditor is what the editor form holds.
type adEditor struct {
	Form      map[string]string
	Contacts  []ContactRow
	Unions    []ContactRow
	Questions []QuestionRow
}

// editorFields are the single fields of the editor form.
var editorFields = []string{"title", "title_en", "department", "department_en", "area", "occupation", "municipality",
	"extent", "employment", "positions", "text", "text_en", "last_day"}

// maxContactRows bounds the contact rows of the editor read.
const maxContactRows = 10

// withBlank adds an empty row to fill in, while there is room.
func withBlank(rows []ContactRow) []ContactRow {
	if len(rows) < maxContactRows {
		rows = append(rows, ContactRow{})
	}
	return rows
}

func editorOf(ad jobs.Ad) adEditor {
	e := adEditor{Form: map[string]string{
		"title": ad.Title, "title_en": ad.English.Title, "department": ad.Department, "department_en": ad.English.Department,
		"area": ad.Area, "occupation": ad.Occupation, "municipality": ad.Municipality, "employment": ad.Employment,
		"text": ad.Text, "text_en": ad.English.Text, "last_day": ad.LastDay.String(),
	}}
	if ad.Extent.Percent > 0 {
		e.Form["extent"] = strconv.Itoa(ad.Extent.Percent)
	}
	if ad.Positions > 0 {
		e.Form["positions"] = strconv.Itoa(ad.Positions)
	}
	for _, c := range ad.Contacts {
		e.Contacts = append(e.Contacts, ContactRow{Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email})
	}
	for _, c := range ad.UnionContacts {
		e.Unions = append(e.Unions, ContactRow{Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email})
	}
	for _, q := range ad.Questions {
		e.Questions = append(e.Questions, QuestionRow{ID: q.ID, Type: q.Type, Text: q.Text, Help: q.Help, Required: q.Required,
			Options: strings.Join(q.Options, "\n"), Wanted: q.Wanted})
	}
	return e
}

func readContacts(c *fiber.Ctx, prefix string) []ContactRow {
	var out []ContactRow
	for i := 0; i < maxContactRows; i++ {
		p := fmt.Sprintf("%s_%d_", prefix, i)
		row := ContactRow{Name: strings.TrimSpace(c.FormValue(p + "name")), Role: strings.TrimSpace(c.FormValue(p + "role")),
			Phone: strings.TrimSpace(c.FormValue(p + "phone")), Email: strings.TrimSpace(c.FormValue(p + "email"))}
		if row == (ContactRow{}) {
			continue
		}
		row.Name, row.Role, row.Phone, row.Email = strings.Clone(row.Name), strings.Clone(row.Role), strings.Clone(row.Phone), strings.Clone(row.Email)
		out = append(out, row)
	}
	return out
}

func readEditor(c *fiber.Ctx) adEditor {
	e := adEditor{Form: web.Form(c, editorFields...), Contacts: readContacts(c, "contact"), Unions: readContacts(c, "union")}
	for i := 0; i < recruiting.MaxQuestions+5; i++ {
		p := fmt.Sprintf("q_%d_", i)
		typ := strings.Clone(c.FormValue(p + "type"))
		if typ == "" {
			continue
		}
		q := QuestionRow{ID: strings.Clone(c.FormValue(p + "id")), Type: typ, Text: strings.TrimSpace(strings.Clone(c.FormValue(p + "text"))),
			Help: strings.TrimSpace(strings.Clone(c.FormValue(p + "help"))), Required: c.FormValue(p+"required") == "on",
			Options: strings.Clone(c.FormValue(p + "options"))}
		for _, w := range c.Request().PostArgs().PeekMulti(p + "wanted") {
			if s := strings.TrimSpace(string(w)); s != "" {
				q.Wanted = append(q.Wanted, s)
			}
		}
		e.Questions = append(e.Questions, q)
	}
	return e
}

// ad turns the editor into an ad; what cannot be read is left zero, for
// validation to name.
func (e adEditor) ad() jobs.Ad {
	f := e.Form
	ad := jobs.Ad{Title: f["title"], Department: f["department"], Area: f["area"], Occupation: f["occupation"],
		Municipality: f["municipality"], Employment: f["employment"], Text: f["text"],
		English: jobs.English{Title: f["title_en"], Department: f["department_en"], Text: f["text_en"]}}
	ad.Extent.Percent, _ = strconv.Atoi(f["extent"])
	ad.Positions, _ = strconv.Atoi(f["positions"])
	ad.LastDay, _ = jobs.ParseDay(f["last_day"])
	for _, c := range e.Contacts {
		ad.Contacts = append(ad.Contacts, jobs.Contact{Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email})
	}
	for _, c := range e.Unions {
		ad.UnionContacts = append(ad.UnionContacts, jobs.Contact{Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email})
	}
	for _, q := range e.Questions {
		jq := jobs.Question{ID: q.ID, Type: q.Type, Text: q.Text, Help: q.Help, Required: q.Required}
		if q.Type == jobs.QuestionSingle || q.Type == jobs.QuestionMulti {
			jq.Options = q.OptionList()
		}
		if jq.HasWanted() {
			jq.Wanted = q.Wanted
		}
		ad.Questions = append(ad.Questions, jq)
	}
	return ad
}

// newQuestionID is an id no question of the editor has.
func (e adEditor) newQuestionID() string {
	for n := len(e.Questions) + 1; ; n++ {
		id := "q" + strconv.Itoa(n)
		if !slices.ContainsFunc(e.Questions, func(q QuestionRow) bool { return q.ID == id }) {
			return id
		}
	}
}

// apply does what a question button asks; it reports whether it knew it.
func (e *adEditor) apply(action, newType string) bool {
	qs := e.Questions
	if action == "add_question" {
		if !slices.Contains(jobs.QuestionTypes, newType) {
			newType = jobs.QuestionYesNo
		}
		if len(qs) < recruiting.MaxQuestions {
			e.Questions = append(qs, QuestionRow{ID: e.newQuestionID(), Type: newType})
		}
		return true
	}
	verb, n, ok := strings.Cut(action, "_")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 || i >= len(qs) {
		return false
	}
	switch verb {
	case "up":
		if i > 0 {
			qs[i-1], qs[i] = qs[i], qs[i-1]
		}
	case "down":
		if i < len(qs)-1 {
			qs[i+1], qs[i] = qs[i], qs[i+1]
		}
	case "remove":
		e.Questions = slices.Delete(qs, i, i+1)
	default:
		return false
	}
	return true
}

// ShowAdEditor is the form that writes the recruitment's ad.
func (h *RecruitAds) ShowAdEditor(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	ad, err := h.adOf(c.UserContext(), r)
	if err != nil {
		return err
	}
	if ad == nil {
		unit := ""
		if u, err := h.People.Unit(c.UserContext(), r.UnitID); err == nil {
			unit = u.Name
		}
		fresh := recruiting.NewAd(r, h.Organisation, unit)
		ad = &fresh
	}
	return h.editorPage(c, r, v, editorOf(*ad), nil, adNotice(c))
}

func (h *RecruitAds) editorPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, e adEditor, errs valid.Problems, notice string) error {
	ad, err := h.adOf(c.UserContext(), r)
	if err != nil {
		return err
	}
	published := ad != nil && ad.Published(h.Now())
	if published {
		e.Form["last_day"] = ad.LastDay.String()
	}
	e.Contacts, e.Unions = withBlank(e.Contacts), withBlank(e.Unions)
	for i := range e.Contacts {
		e.Contacts[i].N = i
	}
	for i := range e.Unions {
		e.Unions[i].N = i
	}
	for i := range e.Questions {
		e.Questions[i].N, e.Questions[i].Last = i, i == len(e.Questions)-1
		e.Questions[i].Problem = fieldError(errs, fmt.Sprintf("question_%d", i))
	}
	return h.FormPageIn(c, "staff/ad_edit", "recruitads.edit.title", "staff-recruit", fiber.Map{
		"R": r, "V": v, "Ad": ad, "Published": published, "Form": e.Form, "Contacts": e.Contacts, "Unions": e.Unions,
		"Questions": e.Questions, "Errors": errs, "Notice": notice, "Areas": jobs.Areas, "Employment": jobs.EmploymentTypes,
		"Types": jobs.QuestionTypes, "Occupations": classify.Occupations(), "Counties": counties(), "MaxQuestions": recruiting.MaxQuestions,
		"Organisation": h.Organisation,
	})
}

func fieldError(errs valid.Problems, field string) string {
	p, _ := errs.Field(field)
	return p.Key
}

// County is a county with its municipalities, for the municipality list.
type County struct {
	Name           string
	Municipalities []classify.Municipality
}

func counties() []County {
	var out []County
	for _, m := range classify.Municipalities() {
		if len(out) == 0 || out[len(out)-1].Name != m.CountyName {
			out = append(out, County{Name: m.CountyName})
		}
		out[len(out)-1].Municipalities = append(out[len(out)-1].Municipalities, m)
	}
	return out
}

// SaveAd stores the ad the editor sends, or does what one of its question
// buttons asks and shows the editor again, unsaved.
func (h *RecruitAds) SaveAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	e := readEditor(c)
	if action := strings.Clone(c.FormValue("action")); action != "" && action != "save" {
		e.apply(action, strings.Clone(c.FormValue("new_type")))
		return h.editorPage(c, r, v, e, nil, "recruitads.notice.unsaved")
	}
	ad := e.ad()
	ad.Organisation = h.Organisation
	if stored, err := h.adOf(c.UserContext(), r); err != nil {
		return err
	} else if stored != nil && stored.Published(h.Now()) {
		ad.LastDay = stored.LastDay
	}
	if e.Form["last_day"] != "" && ad.LastDay.IsZero() {
		return h.editorPage(c, r, v, e, valid.Problems{{Field: "last_day", Key: "error.ad.last_day_format"}}, "")
	}
	_, err = h.Ads.Save(c.UserContext(), v, r, ad)
	if errs, ok := web.FieldErrors(err); ok {
		return h.editorPage(c, r, v, e, errs, "")
	}
	if err != nil {
		return err
	}
	return c.Redirect(AdPath(r.ID)+"/redigera?klart=saved", fiber.StatusSeeOther)
}

// CopyAd fills the editor from an earlier ad of a recruitment the person
// manages, or from a template of the unit; nothing is stored until saved.
func (h *RecruitAds) CopyAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	ctx := c.UserContext()
	var from jobs.Ad
	switch {
	case c.FormValue("from") != "":
		other, ov, err := h.Recruitments.Open(ctx, web.SessionOf(c).AccountID, strings.Clone(c.FormValue("from")))
		if err == nil && !ov.Manage {
			err = recruiting.ErrNotFound
		}
		if errors.Is(err, recruiting.ErrNotFound) {
			return h.adPage(c, r, v, map[string]string{}, valid.Problems{{Field: "from", Key: "error.ad.copy_source"}})
		}
		if err != nil {
			return err
		}
		if from, err = h.Ads.Ad(ctx, other); errors.Is(err, jobs.ErrNotFound) {
			return h.adPage(c, r, v, map[string]string{}, valid.Problems{{Field: "from", Key: "error.ad.copy_source"}})
		} else if err != nil {
			return err
		}
	case c.FormValue("template") != "":
		t, err := h.Ads.Template(ctx, r, strings.Clone(c.FormValue("template")))
		if errors.Is(err, recruiting.ErrNotFound) {
			return h.adPage(c, r, v, map[string]string{}, valid.Problems{{Field: "template", Key: "error.ad.copy_template"}})
		}
		if err != nil {
			return err
		}
		from = t.Ad
	default:
		return h.adPage(c, r, v, map[string]string{}, valid.Problems{{Field: "from", Key: "error.ad.copy_source"}})
	}
	copied := recruiting.CopyOf(from)
	if stored, err := h.adOf(ctx, r); err != nil {
		return err
	} else if stored != nil {
		copied.LastDay = stored.LastDay
	}
	return h.editorPage(c, r, v, editorOf(copied), nil, "recruitads.notice.copied")
}

// PreviewAd shows the ad exactly as the public page will, marked as a
// preview; ?sprak=en shows it as a reader in English sees it.
func (h *RecruitAds) PreviewAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	ad, err := h.Ads.Ad(c.UserContext(), r)
	if err != nil {
		return err
	}
	l := web.L(c)
	if lang := c.Query("sprak"); lang == "en" || lang == "sv" {
		l = h.Locales.Get(lang)
	}
	shown := ad.In(l.Lang)
	if shown.PublishedAt.IsZero() {
		// A draft shows as it will look if published now.
		shown.PublishedAt = h.Now()
	}
	open := !h.Now().After(ad.ClosesAt()) && (ad.ClosedAt.IsZero() || h.Now().Before(ad.ClosedAt))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.Render(c, "staff/ad_preview", web.Page{Title: l.T("recruitads.preview.title") + ": " + shown.Title, Section: "staff-recruit",
		Data: fiber.Map{"L": l, "Ad": shown, "Open": open, "R": r, "V": v, "HasEnglish": ad.English.Has(), "Published": ad.Published(h.Now())}})
}

// PublishAd publishes the ad now or schedules it.
func (h *RecruitAds) PublishAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	form := web.Form(c, "when", "publish_date", "publish_time")
	var at time.Time
	if form["when"] == "later" {
		t, err := time.ParseInLocation("2006-01-02 15:04", form["publish_date"]+" "+form["publish_time"], jobs.Stockholm)
		if err != nil {
			return h.adPage(c, r, v, form, valid.Problems{{Field: "publish_date", Key: "error.ad.publish_time"}})
		}
		if !t.After(h.Now()) {
			return h.adPage(c, r, v, form, valid.Problems{{Field: "publish_date", Key: "error.ad.publish_past"}})
		}
		at = t
	}
	ad, err := h.Ads.Publish(c.UserContext(), v, r, at)
	if errs, ok := web.FieldErrors(err); ok {
		for i := range errs {
			if errs[i].Field == "publish_at" {
				errs[i].Field = "publish_date"
			}
		}
		return h.adPage(c, r, v, form, errs)
	}
	if err != nil {
		return err
	}
	done := "published"
	if !ad.Published(h.Now()) {
		done = "scheduled"
	}
	return c.Redirect(AdPath(r.ID)+"?klart="+done, fiber.StatusSeeOther)
}

// CloseAd ends the application time early.
func (h *RecruitAds) CloseAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	_, err = h.Ads.Close(c.UserContext(), v, r, strings.Clone(c.FormValue("mode")))
	if errs, ok := web.FieldErrors(err); ok {
		return h.adPage(c, r, v, map[string]string{}, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(AdPath(r.ID)+"?klart=closed", fiber.StatusSeeOther)
}

// ExtendAd moves the last day later.
func (h *RecruitAds) ExtendAd(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	form := web.Form(c, "last_day_new")
	day, err := jobs.ParseDay(form["last_day_new"])
	if err != nil {
		return h.adPage(c, r, v, form, valid.Problems{{Field: "last_day_new", Key: "error.ad.last_day_format"}})
	}
	_, err = h.Ads.Extend(c.UserContext(), v, r, day)
	if errs, ok := web.FieldErrors(err); ok {
		return h.adPage(c, r, v, form, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(AdPath(r.ID)+"?klart=extended", fiber.StatusSeeOther)
}

// SaveAdTemplate saves the ad as a template of the recruitment's unit.
func (h *RecruitAds) SaveAdTemplate(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	form := web.Form(c, "template_name")
	_, err = h.Ads.SaveTemplate(c.UserContext(), v, r, form["template_name"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.adPage(c, r, v, form, errs)
	}
	if err != nil {
		return err
	}
	return c.Redirect(AdPath(r.ID)+"?klart=template", fiber.StatusSeeOther)
}

// ExportAd sends the ad as JSON with its codes, as a file.
func (h *RecruitAds) ExportAd(c *fiber.Ctx) error {
	r, _, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	ad, err := h.Ads.Ad(c.UserContext(), r)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(recruiting.Export(ad, h.Abs("/jobb/"+ad.Ref), h.Now()), "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ad.Ref+`.json"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(append(body, '\n'))
}
