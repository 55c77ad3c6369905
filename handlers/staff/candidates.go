package staff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/tables"
	"portal/valid"
	"portal/views"
)

// maxSelected bounds how many candidates one posted selection names.
const maxSelected = 2000

// Candidates is the candidate list of a recruitment: filtering, moving
// many at once, and the export.
type Candidates struct {
	*web.Kit
	Opener Opener
	Review interface {
		List(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, q recruiting.Query) (recruiting.Page, error)
		Rows(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, ids []string) ([]recruiting.Row, error)
		Questions(ctx context.Context, r recruiting.Recruitment) ([]jobs.Question, error)
	}
	Stages interface {
		Set(ctx context.Context) ([]recruiting.Stage, error)
		// Shown is the set for showing, kept in memory for a moment.
		Shown(ctx context.Context) ([]recruiting.Stage, error)
		Move(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, ids []string, to, reason string) (int, error)
	}
}

// candidateQuery reads the list's query from the address. The filter form
// sends a choice question's answer as one value "val" (question=answer),
// as one menu lists every option of every choice question.
func candidateQuery(c *fiber.Ctx) recruiting.Query {
	vals, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		vals = url.Values{}
	}
	return queryOf(vals)
}

// Order returns the ids of the recruitment's candidates in the order the
// list shows them for the query string, over all its pages: what the
// application page's previous and next follow.
func (h *Candidates) Order(ctx context.Context, r recruiting.Recruitment, v recruiting.Viewer, query string) ([]string, error) {
	vals, err := url.ParseQuery(query)
	if err != nil {
		vals = url.Values{}
	}
	page, err := h.Review.List(ctx, v, r, queryOf(vals))
	if err != nil {
		return nil, err
	}
	return page.IDs(), nil
}

func queryOf(vals url.Values) recruiting.Query {
	if qid, answer, ok := strings.Cut(vals.Get("val"), "="); ok && qid != "" {
		vals.Set("fraga", qid)
		vals.Set("svar", answer)
	}
	return recruiting.ParseQuery(vals)
}

// QuestionFilter is a question as the filter form offers it.
type QuestionFilter struct {
	jobs.Question
	Choice bool // answered from options: offered in the menu of answers
}

// ShowCandidates is the candidate list.
func (h *Candidates) ShowCandidates(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	return h.listPage(c, r, v, candidateQuery(c), nil, nil)
}

func (h *Candidates) listPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, q recruiting.Query, errs valid.Problems, form map[string]string) error {
	ctx := c.UserContext()
	page, err := h.Review.List(ctx, v, r, q)
	if err != nil {
		return err
	}
	set, err := h.Stages.Shown(ctx)
	if err != nil {
		return err
	}
	questions, err := h.Review.Questions(ctx, r)
	if err != nil {
		return err
	}
	filters := make([]QuestionFilter, len(questions))
	current := ""
	for i, qu := range questions {
		filters[i] = QuestionFilter{Question: qu, Choice: qu.Type == jobs.QuestionYesNo || qu.Type == jobs.QuestionSingle || qu.Type == jobs.QuestionMulti}
		if qu.ID == q.Question && filters[i].Choice {
			current = "choice"
		} else if qu.ID == q.Question {
			current = "text"
		}
	}
	names := map[string]string{}
	lang := web.L(c).Lang
	var reasons []recruiting.Reason
	for _, st := range set {
		names[st.ID] = st.Label(lang)
		if st.ID == recruiting.StageNotSelected {
			reasons = st.Reasons
		}
	}
	if form == nil {
		form = map[string]string{}
	}
	selected := map[string]bool{}
	for _, id := range strings.Split(form["selected"], " ") {
		selected[id] = id != ""
	}
	rows := listRows(web.L(c), page.Rows, names, selected, CandidatesPath(r.ID), q, v.Review || v.Manage)
	notice := ""
	if n, err := strconv.Atoi(c.Query("flyttade")); err == nil && n >= 0 {
		notice = web.L(c).T("recruitlist.notice.moved", n)
	}
	base := CandidatesPath(r.ID)
	links := []StageLink{{Name: web.L(c).T("recruitlist.all"), Count: page.All, URL: base, Current: q.Stage == ""}}
	for _, st := range set {
		links = append(links, StageLink{ID: st.ID, Name: st.Label(lang), Count: page.Counts[st.ID],
			URL: base + "?" + url.Values{"steg": {st.ID}}.Encode(), Current: q.Stage == st.ID})
	}
	all := q.WithPage(0)
	suffix, export := "", base+"/export?"
	if qs := q.Encode(); qs != "" {
		suffix = "?" + qs
	}
	if qs := all.Encode(); qs != "" {
		export += qs + "&"
	}
	return h.FormPageIn(c, "staff/candidates", "recruitlist.title", "staff-recruit", fiber.Map{
		"R": r, "V": v, "P": page, "Rows": rows, "Q": q, "Stages": set, "StageNames": names, "Reasons": reasons, "StageLinks": links,
		"Questions": filters, "QuestionKind": current, "Errors": errs, "Form": form, "Selected": selected,
		"Notice": notice, "Base": base, "Query": q.Encode(), "Suffix": suffix,
		"ExportCSV": export + "format=csv", "ExportXLSX": export + "format=xlsx",
		"PageLinks": pageLinks(base, page), "RatingSteps": []int{1, 2, 3, 4, 5},
		"Sorts": []string{recruiting.SortDate, recruiting.SortRating, recruiting.SortName}, "Filtered": q.Stage != "" || q.Question != "" || q.MinRating > 0 || q.Files || q.Flagged,
	})
}

// listRows renders the rows of the list's table. They are written here,
// every value escaped, rather than by the template: a template spends a
// few microseconds on each value and condition, about fifty in a row, and
// fifty rows made that most of the page's time (see README, Performance).
// The markup is the one the template had.
func listRows(l *views.Localizer, rows []recruiting.Row, stages map[string]string, selected map[string]bool, base string, q recruiting.Query, acts bool) template.HTML {
	suffix := ""
	if qs := q.Encode(); qs != "" {
		suffix = "?" + qs
	}
	esc := template.HTMLEscapeString
	withdrawn, unrated, flagged := esc(l.T("recruitlist.withdrawn")), esc(l.T("recruitlist.unrated")), esc(l.T("recruitlist.flagged"))
	protectedTag := esc(l.T("protect.tag"))
	var b strings.Builder
	b.Grow(len(rows) * 700)
	for _, row := range rows {
		id := esc(row.ID)
		label, named := row.Name(), true
		switch {
		case label != "":
		case row.Protected():
			label, named = l.T("recruitlist.protected_n", row.Number), false
		default:
			label, named = l.T("recruitlist.applicant_n", row.Number), false
		}
		b.WriteString("      <tr")
		if row.Withdrawn {
			b.WriteString(` class="withdrawn"`)
		}
		b.WriteString(">\n")
		if acts {
			b.WriteString(`        <td><input type="checkbox" id="c-` + id + `" name="c" value="` + id + `"`)
			if row.Withdrawn {
				b.WriteString(` disabled aria-describedby="w-` + id + `"`)
			}
			if selected[row.ID] {
				b.WriteString(" checked")
			}
			b.WriteString(`><label for="c-` + id + `" class="visually-hidden">` + esc(l.T("recruitlist.select", label)) + "</label></td>\n")
		}
		b.WriteString(`        <th scope="row"><a href="` + esc(base+"/"+row.ID+suffix) + `">` + esc(label) + "</a>")
		if named {
			b.WriteString(` <span class="hint">` + esc(l.T("recruitlist.number", row.Number)) + "</span>")
		}
		if row.Details.Protected {
			b.WriteString(` <span class="tag">` + protectedTag + "</span>")
		}
		if row.Withdrawn {
			b.WriteString(` <span class="tag" id="w-` + id + `">` + withdrawn + "</span>")
		}
		b.WriteString("</th>\n        <td>" + esc(l.DateTime(row.ArrivedAt)) + "</td>\n        <td>" + esc(stages[row.Stage]) + "</td>\n        <td>")
		if row.Rated {
			b.WriteString(esc(row.AverageText(l.Lang)))
		} else {
			b.WriteString(`<span aria-label="` + unrated + `">–</span>`)
		}
		b.WriteString("</td>\n        <td>" + strconv.Itoa(row.Files) + "</td>\n        <td>")
		if row.Flagged {
			b.WriteString(`<span class="tag">` + flagged + "</span>")
		} else {
			b.WriteString("–")
		}
		b.WriteString("</td>\n      </tr>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value above is escaped
}

// StageLink is a stage with its count, a link that filters by it.
type StageLink struct {
	ID, Name string
	Count    int
	URL      string
	Current  bool
}

// PageLink is one link of the list's paging.
type PageLink struct {
	N       int
	URL     string
	Current bool
}

func pageLinks(base string, p recruiting.Page) []PageLink {
	if p.Pages <= 1 {
		return nil
	}
	var out []PageLink
	for n := 1; n <= p.Pages; n++ {
		// The first, the last and those near the current page.
		if n != 1 && n != p.Pages && (n < p.Page-2 || n > p.Page+2) {
			continue
		}
		u := base
		if qs := p.Query.WithPage(n).Encode(); qs != "" {
			u += "?" + qs
		}
		out = append(out, PageLink{N: n, URL: u, Current: n == p.Page})
	}
	return out
}

// selection reads the candidates ticked in a posted form.
func selection(c *fiber.Ctx) []string {
	var ids []string
	for _, b := range c.Request().PostArgs().PeekMulti("c") {
		if len(ids) == maxSelected {
			break
		}
		if id := strings.TrimSpace(string(b)); id != "" && len(id) <= 64 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// ActOnCandidates takes the list's form: the ticked candidates are moved
// to a stage, exported, or taken to the message form.
func (h *Candidates) ActOnCandidates(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	ids := selection(c)
	back, _ := url.ParseQuery(strings.Clone(c.FormValue("q")))
	q := queryOf(back)
	form := web.Form(c, "to", "reason", "action")
	form["selected"] = strings.Join(ids, " ")
	if len(ids) == 0 {
		var errs valid.Problems
		errs.Add("selection", "recruitlist.error.none_selected")
		return h.listPage(c, r, v, q, errs, form)
	}
	switch form["action"] {
	case "move":
		return h.move(c, r, v, q, ids, form)
	case "csv", "xlsx":
		if !v.Manage {
			return recruiting.ErrForbidden
		}
		rows, err := h.Review.Rows(c.UserContext(), v, r, ids)
		if err != nil {
			return err
		}
		return h.export(c, r, rows, form["action"])
	case "message":
		vals := url.Values{"c": ids}
		return c.Redirect(RecruitmentPath(r.ID)+"/meddelanden?"+vals.Encode(), fiber.StatusSeeOther)
	}
	return fiber.ErrBadRequest
}

func (h *Candidates) move(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, q recruiting.Query, ids []string, form map[string]string) error {
	if !v.Review {
		return recruiting.ErrForbidden
	}
	var errs valid.Problems
	if form["to"] == "" {
		errs.Add("to", "recruitlist.error.stage")
		return h.listPage(c, r, v, q, errs, form)
	}
	n, err := h.Stages.Move(c.UserContext(), v, r, ids, form["to"], form["reason"])
	switch {
	case errors.Is(err, recruiting.ErrNoReason):
		errs.Add("reason", "recruitlist.error.reason")
	case errors.Is(err, recruiting.ErrWithdrawn):
		errs.Add("selection", "recruitlist.error.withdrawn")
	case errors.Is(err, recruiting.ErrDecided):
		errs.Add("selection", "recruitlist.error.decided")
	case errors.Is(err, recruiting.ErrNotFound) && !slices.ContainsFunc(mustSet(h, c), func(s recruiting.Stage) bool { return s.ID == form["to"] }):
		errs.Add("to", "recruitlist.error.stage")
	case err != nil:
		return err
	}
	if len(errs) > 0 {
		return h.listPage(c, r, v, q, errs, form)
	}
	vals := q.Values()
	vals.Set("flyttade", strconv.Itoa(n))
	return c.Redirect(CandidatesPath(r.ID)+"?"+vals.Encode(), fiber.StatusSeeOther)
}

func mustSet(h *Candidates, c *fiber.Ctx) []recruiting.Stage {
	set, _ := h.Stages.Set(c.UserContext())
	return set
}

// ExportCandidates writes the candidates the list's query selects, all
// of them when it selects nothing, as CSV or XLSX.
func (h *Candidates) ExportCandidates(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Opener)
	if err != nil {
		return err
	}
	if !v.Manage {
		return recruiting.ErrForbidden
	}
	format := c.Query("format")
	if format != "csv" && format != "xlsx" {
		return fiber.ErrNotFound
	}
	q := candidateQuery(c)
	q.Page = 0
	page, err := h.Review.List(c.UserContext(), v, r, q)
	if err != nil {
		return err
	}
	rows, err := h.Review.Rows(c.UserContext(), v, r, page.IDs())
	if err != nil {
		return err
	}
	order := map[string]int{}
	for i, id := range page.IDs() {
		order[id] = i
	}
	slices.SortStableFunc(rows, func(a, b recruiting.Row) int { return order[a.ID] - order[b.ID] })
	return h.export(c, r, rows, format)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// export writes the rows as a file to download. Names and contact
// details are left out for candidates an anonymised review hides, and
// their columns altogether when it hides every one; the contact details
// of applicants with protected personal data say so instead.
func (h *Candidates) export(c *fiber.Ctx, r recruiting.Recruitment, rows []recruiting.Row, format string) error {
	ctx := c.UserContext()
	l := web.L(c)
	set, err := h.Stages.Set(ctx)
	if err != nil {
		return err
	}
	questions, err := h.Review.Questions(ctx, r)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, st := range set {
		names[st.ID] = st.Label(l.Lang)
	}
	identity := slices.ContainsFunc(rows, func(row recruiting.Row) bool { return !row.Hidden })
	header := []string{l.T("recruitlist.col.number")}
	if identity {
		header = append(header, l.T("recruitlist.col.name"), l.T("recruitlist.col.email"), l.T("recruitlist.col.phone"))
	}
	header = append(header, l.T("recruitlist.col.arrived"), l.T("recruitlist.col.stage"), l.T("recruitlist.col.rating"))
	for _, qu := range questions {
		header = append(header, qu.Text)
	}
	header = append(header, l.T("recruitlist.col.files"), l.T("recruitlist.col.withdrawn"))
	t := tables.Table{Sheet: tables.SheetName(l.T("recruitlist.export.sheet")), Header: header}
	for _, row := range rows {
		cells := []tables.Cell{tables.Text(l.T("recruitlist.applicant_n", row.Number))}
		if identity {
			switch {
			case row.Hidden:
				cells = append(cells, tables.Text(l.T("recruitlist.applicant_n", row.Number)), tables.Text(""), tables.Text(""))
			case row.Protected():
				cells = append(cells, tables.Text(l.T("recruitlist.protected")), tables.Text(""), tables.Text(""))
			case row.StatedProtected():
				// Masked whoever exports: a file travels further than a page.
				masked := l.T("protect.masked")
				cells = append(cells, tables.Text(recruiting.MaskedDetails(row.Candidate).Name()), tables.Text(masked), tables.Text(masked))
			default:
				cells = append(cells, tables.Text(row.Details.Name()), tables.Text(row.Details.Email), tables.Text(row.Details.Phone))
			}
		}
		rating := tables.Text("")
		if row.Rated {
			rating = tables.Number(float64(int(row.Rating*10+0.5)) / 10)
		}
		cells = append(cells, tables.DateTime(row.ArrivedAt.In(jobs.Stockholm)), tables.Text(stageName(names, row.Stage)), rating)
		for _, qu := range questions {
			cells = append(cells, tables.Text(answerText(l, qu, row.Answers[qu.ID])))
		}
		withdrawn := ""
		if row.Withdrawn {
			withdrawn = l.T("recruitlist.yes")
		}
		cells = append(cells, tables.Number(float64(row.Files)), tables.Text(withdrawn))
		t.Rows = append(t.Rows, cells)
	}
	// TODO(access log): log every export as an access event of the
	// recruitment (who, when, which candidates) once the access log of
	// the application page (recruitment_access) is on main.
	var buf bytes.Buffer
	if format == "xlsx" {
		err = tables.WriteXLSX(&buf, t)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		err = tables.WriteCSV(&buf, t)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	if err != nil {
		return fmt.Errorf("export candidates: %w", err)
	}
	name := "kandidater-" + strings.Trim(unsafeName.ReplaceAllString(r.Ref, "-"), "-") + "." + format
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func stageName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// answerText is an answer as a cell shows it: yes and no in the reader's
// language, choices separated by commas.
func answerText(l *views.Localizer, q jobs.Question, vals []string) string {
	if q.Type == jobs.QuestionYesNo && len(vals) == 1 {
		return l.T("answer." + vals[0])
	}
	return strings.Join(vals, ", ")
}
