package staff

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"portal/applications"
	"portal/employees"
	"portal/handlers/web"
	"portal/jobs"
	"portal/recruiting"
	"portal/valid"
	"portal/views"
)

// CandidatePath is the page of one application in a recruitment.
func CandidatePath(recruitmentID, candidateID string) string {
	return RecruitmentPath(recruitmentID) + "/kandidater/" + candidateID
}

// CandidatesPath is the recruitment's list of candidates.
func CandidatesPath(recruitmentID string) string {
	return RecruitmentPath(recruitmentID) + "/kandidater"
}

// Application is the page of one application as the recruitment group
// reads it: the details as submitted, answers, files, versions, stage
// history, ratings and notes, and for recruiters who looked at it.
type Application struct {
	*web.Kit
	Recruitments Opener
	Papers       interface {
		Candidate(ctx context.Context, r recruiting.Recruitment, id string) (recruiting.Candidate, error)
		Read(ctx context.Context, v recruiting.Viewer, c recruiting.Candidate, n int, log bool) (recruiting.Paper, error)
		OpenFile(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, c recruiting.Candidate, id string) (applications.Attachment, io.ReadCloser, error)
	}
	Reviews interface {
		Rate(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, c recruiting.Candidate, score int, comment string) (recruiting.Rating, error)
		Ratings(ctx context.Context, c recruiting.Candidate) ([]recruiting.Rating, float64, error)
		AddNote(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, c recruiting.Candidate, text string) (recruiting.Note, error)
		Notes(ctx context.Context, c recruiting.Candidate) ([]recruiting.Note, error)
	}
	Stages interface {
		Set(ctx context.Context) ([]recruiting.Stage, error)
		Move(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, ids []string, to, reason string) (int, error)
		Withdrawn(ctx context.Context, c recruiting.Candidate) (bool, error)
	}
	Events interface {
		StageEvents(ctx context.Context, candidateID string) ([]recruiting.StageEvent, error)
	}
	Candidates interface {
		CandidatesOf(ctx context.Context, recruitmentID string) ([]recruiting.Candidate, error)
	}
	Log interface {
		OfCandidate(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment, c recruiting.Candidate) ([]recruiting.Access, error)
		OfRecruitment(ctx context.Context, v recruiting.Viewer, r recruiting.Recruitment) ([]recruiting.Access, error)
	}
	People interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	Ads interface {
		AdByRef(ctx context.Context, ref string) (jobs.Ad, error)
	}
	// Order returns the ids of the recruitment's candidates in the order
	// the candidate list shows them for its query string, for previous
	// and next; nil: in order of their numbers.
	Order func(ctx context.Context, r recruiting.Recruitment, v recruiting.Viewer, query string) ([]string, error)
	// HoldForms shows where the application's records stand and places
	// holds on it; nil: not shown.
	HoldForms *HoldForms
}

// pageParams are the parameters of the application page that are its
// own; every other one is the candidate list's, kept for the way back.
var pageParams = []string{"version", "klart"}

// listQuery is the candidate list's query string the page was reached
// with, without the page's own parameters.
func listQuery(raw string) string {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return ""
	}
	for _, p := range pageParams {
		q.Del(p)
	}
	return q.Encode()
}

// withQuery joins a path and a query string.
func withQuery(path, query string, more ...string) string {
	parts := slices.DeleteFunc(append([]string{query}, more...), func(s string) bool { return s == "" })
	if len(parts) == 0 {
		return path
	}
	return path + "?" + strings.Join(parts, "&")
}

// openCandidate opens the recruitment of :id and its candidate :cid; a
// candidate of another recruitment is not found.
func (h *Application) openCandidate(c *fiber.Ctx) (recruiting.Recruitment, recruiting.Viewer, recruiting.Candidate, error) {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return r, v, recruiting.Candidate{}, err
	}
	cand, err := h.Papers.Candidate(c.UserContext(), r, strings.Clone(c.Params("cid")))
	return r, v, cand, err
}

// staffNames finds the names of staff members by user name, once each.
type staffNames struct {
	ctx    context.Context
	people interface {
		Person(ctx context.Context, user string) (employees.Person, error)
	}
	seen map[string]string
}

func (n *staffNames) of(user string) string {
	if name, ok := n.seen[user]; ok {
		return name
	}
	name := user
	if p, err := n.people.Person(n.ctx, user); err == nil {
		name = p.FirstName + " " + p.LastName + " (" + user + ")"
	}
	n.seen[user] = name
	return name
}

func (h *Application) staffNames(ctx context.Context) *staffNames {
	return &staffNames{ctx: ctx, people: h.People, seen: map[string]string{}}
}

// CandidateName is how a page names a candidate: by number while the
// review hides who they are, as a placeholder when their data is
// protected, else by name.
func CandidateName(l *views.Localizer, r recruiting.Recruitment, c recruiting.Candidate, d applications.Snapshot) string {
	switch {
	case c.Protected():
		return l.T("recruitapp.protected")
	case r.HidesIdentity(c):
		return l.T("recruitapp.number", c.Number)
	}
	if n := d.Name(); n != "" {
		return n
	}
	return l.T("recruitapp.number", c.Number)
}

// AnswerRow is a question of the ad with the candidate's answer.
type AnswerRow struct {
	Question jobs.Question
	Values   []string
}

// FileRow is an attached file with where to open it.
type FileRow struct {
	applications.Attachment
	URL    string
	Inline bool // a PDF, shown in the browser
}

// HistoryRow is one move between stages.
type HistoryRow struct {
	At            time.Time
	From, To, Why string
	By            string
	FromID, ToID  string
}

// ReviewRow is a rating or note with its author's name.
type ReviewRow struct {
	By    string
	Mine  bool
	Score int
	Text  string
	At    time.Time
}

// LogRow is one access-log entry as a page shows it.
type LogRow struct {
	At        time.Time
	By        string
	Candidate int // the candidate's number, on the recruitment's log
	Link      string
	Kind      string
	Version   int
	File      string
}

// ShowApplication is the page of one application.
func (h *Application) ShowApplication(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	n := 0
	if s := c.Query("version"); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			return fiber.ErrNotFound
		}
	}
	return h.applicationPage(c, r, v, cand, n, true, nil, nil)
}

// applicationPage draws the page; log says whether this look is recorded
// (not when the page is drawn again for a refused form).
func (h *Application) applicationPage(c *fiber.Ctx, r recruiting.Recruitment, v recruiting.Viewer, cand recruiting.Candidate, n int, log bool,
	form map[string]string, errs valid.Problems) error {
	ctx, l := c.UserContext(), web.L(c)
	paper, err := h.Papers.Read(ctx, v, cand, n, log)
	if err != nil {
		return err
	}
	query := listQuery(string(c.Request().URI().QueryString()))
	if c.Method() == fiber.MethodPost {
		query = listQuery(c.FormValue("lista"))
	}
	who := h.staffNames(ctx)
	var ad *jobs.Ad
	if a, err := h.Ads.AdByRef(ctx, r.Ref); err == nil {
		ad = &a
	} else if !errors.Is(err, jobs.ErrNotFound) {
		return err
	}
	answers := answerRows(ad, paper.Shown.Answers)
	self := CandidatePath(r.ID, cand.ID)
	files := make([]FileRow, len(paper.Shown.Attachments))
	for i, f := range paper.Shown.Attachments {
		files[i] = FileRow{Attachment: f, URL: self + "/bilagor/" + f.ID, Inline: f.ContentType == applications.ContentTypes["pdf"]}
	}
	set, err := h.Stages.Set(ctx)
	if err != nil {
		return err
	}
	stageName := func(id string) string {
		if i := slices.IndexFunc(set, func(s recruiting.Stage) bool { return s.ID == id }); i >= 0 {
			return set[i].Label(l.Lang)
		}
		return id
	}
	reasonName := func(stage, id string) string {
		if i := slices.IndexFunc(set, func(s recruiting.Stage) bool { return s.ID == stage }); i >= 0 {
			for _, rs := range set[i].Reasons {
				if rs.ID == id {
					return rs.Label(l.Lang)
				}
			}
		}
		return id
	}
	events, err := h.Events.StageEvents(ctx, cand.ID)
	if err != nil {
		return err
	}
	history := make([]HistoryRow, len(events))
	for i, e := range events {
		history[i] = HistoryRow{At: e.At, FromID: e.From, ToID: e.To, From: stageName(e.From), To: stageName(e.To), By: who.of(e.By)}
		if e.Reason != "" {
			history[i].Why = reasonName(e.To, e.Reason)
		}
	}
	withdrawn, err := h.Stages.Withdrawn(ctx, cand)
	if err != nil {
		return err
	}
	ratings, avg, err := h.Reviews.Ratings(ctx, cand)
	if err != nil {
		return err
	}
	var rated []ReviewRow
	if form == nil {
		form = map[string]string{}
	}
	for _, rt := range ratings {
		rated = append(rated, ReviewRow{By: who.of(rt.PersonID), Mine: rt.PersonID == v.PersonID, Score: rt.Score, Text: rt.Comment, At: rt.At})
		if rt.PersonID == v.PersonID {
			if _, typed := form["score"]; !typed {
				form["score"], form["comment"] = strconv.Itoa(rt.Score), rt.Comment
			}
		}
	}
	notes, err := h.Reviews.Notes(ctx, cand)
	if err != nil {
		return err
	}
	noted := make([]ReviewRow, len(notes))
	for i, nt := range notes {
		noted[i] = ReviewRow{By: who.of(nt.PersonID), Mine: nt.PersonID == v.PersonID, Text: nt.Text, At: nt.At}
	}
	var logRows []LogRow
	if v.Manage {
		entries, err := h.Log.OfCandidate(ctx, v, r, cand)
		if err != nil {
			return err
		}
		logRows = h.logRows(who, nil, entries, fileNames(paper))
	}
	prev, next, pos, total, err := h.neighbours(ctx, r, v, cand.ID, query)
	if err != nil {
		return err
	}
	link := func(id string) string {
		if id == "" {
			return ""
		}
		return withQuery(CandidatePath(r.ID, id), query)
	}
	var versions []fiber.Map
	for _, ver := range paper.Versions {
		versions = append(versions, fiber.Map{"N": ver.N, "At": ver.At, "Current": ver.N == paper.Shown.N,
			"URL": withQuery(self, query, "version="+strconv.Itoa(ver.N))})
	}
	details := paper.ShownDetails(r, v)
	hidden := r.HidesIdentity(cand) || cand.Protected()
	name := CandidateName(l, r, cand, details)
	hold, err := h.HoldForms.view(ctx, v.PersonID, r, &cand)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.Render(c, "staff/application", web.Page{Title: name + " – " + r.Title, Section: "staff-recruit", Data: fiber.Map{
		"R": r, "V": v, "C": cand, "Name": name, "Hidden": hidden, "Anonymised": r.HidesIdentity(cand) && !cand.Protected(), "Details": details,
		"Paper": paper, "Answers": answers, "Files": files, "Versions": versions, "Self": self, "ListQuery": query,
		"Stage": stageName(cand.Stage), "Stages": set, "Withdrawn": withdrawn, "History": history,
		"Ratings": rated, "Average": avg, "Notes": noted, "Log": logRows,
		"Prev": link(prev), "Next": link(next), "Position": pos, "Total": total, "ListURL": withQuery(CandidatesPath(r.ID), query),
		"Form": form, "Errors": errs, "Notice": appNotice(c), "Scores": []int{1, 2, 3, 4, 5},
		"ByHand": cand.Source == recruiting.SourcePaper || cand.Source == recruiting.SourceEmail,
		"Hold":   hold,
	}})
}

// answerRows pairs the ad's questions with the answers; answers to
// questions the ad no longer has follow, under their ids.
func answerRows(ad *jobs.Ad, answers jobs.Answers) []AnswerRow {
	var rows []AnswerRow
	known := map[string]bool{}
	if ad != nil {
		for _, q := range ad.Questions {
			known[q.ID] = true
			rows = append(rows, AnswerRow{Question: q, Values: answers[q.ID]})
		}
	}
	var rest []string
	for id := range answers {
		if !known[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		rows = append(rows, AnswerRow{Question: jobs.Question{ID: id, Text: id, Type: jobs.QuestionShort}, Values: answers[id]})
	}
	return rows
}

// fileNames are the names of the files of every version, by id.
func fileNames(p recruiting.Paper) map[string]string {
	out := map[string]string{}
	for _, ver := range append(slices.Clone(p.Versions), p.Shown) {
		for _, f := range ver.Attachments {
			out[f.ID] = f.Name
		}
	}
	return out
}

func (h *Application) logRows(who *staffNames, numbers map[string]int, entries []recruiting.Access, files map[string]string) []LogRow {
	rows := make([]LogRow, len(entries))
	for i, e := range entries {
		rows[i] = LogRow{At: e.At, By: who.of(e.PersonID), Kind: e.Kind, Version: e.Version, File: files[e.Attachment]}
		if numbers != nil {
			if n, ok := numbers[e.CandidateID]; ok {
				rows[i].Candidate = n
				rows[i].Link = CandidatePath(e.RecruitmentID, e.CandidateID)
			}
		}
	}
	return rows
}

// neighbours finds the candidates before and after this one in the list
// the page was reached from, and this one's place in it.
func (h *Application) neighbours(ctx context.Context, r recruiting.Recruitment, v recruiting.Viewer, id, query string) (prev, next string, pos, total int, err error) {
	var ids []string
	if h.Order != nil {
		if ids, err = h.Order(ctx, r, v, query); err != nil {
			return "", "", 0, 0, err
		}
	} else {
		all, err := h.Candidates.CandidatesOf(ctx, r.ID)
		if err != nil {
			return "", "", 0, 0, err
		}
		for _, c := range all {
			ids = append(ids, c.ID)
		}
	}
	i := slices.Index(ids, id)
	if i < 0 {
		return "", "", 0, len(ids), nil
	}
	if i > 0 {
		prev = ids[i-1]
	}
	if i+1 < len(ids) {
		next = ids[i+1]
	}
	return prev, next, i + 1, len(ids), nil
}

// appNotices are the confirmations the page shows after a redirect.
var appNotices = []string{"rated", "noted", "moved", "registered", "files"}

func appNotice(c *fiber.Ctx) string {
	if c.Query("klart") == "held" {
		return "retention.notice.held"
	}
	if k := c.Query("klart"); slices.Contains(appNotices, k) {
		return "recruitapp.notice." + k
	}
	return ""
}

// back is the page again after a form, with the list's query and what
// was done.
func back(c *fiber.Ctx, r recruiting.Recruitment, cand recruiting.Candidate, done string) error {
	return c.Redirect(withQuery(CandidatePath(r.ID, cand.ID), listQuery(c.FormValue("lista")), "klart="+done), fiber.StatusSeeOther)
}

// SaveRating stores the person's rating of the candidate.
func (h *Application) SaveRating(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "score", "comment")
	score, err := strconv.Atoi(form["score"])
	if err != nil {
		score = 0
	}
	_, err = h.Reviews.Rate(c.UserContext(), v, r, cand, score, form["comment"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	}
	if err != nil {
		return err
	}
	return back(c, r, cand, "rated")
}

// AddNote adds the person's note on the candidate.
func (h *Application) AddNote(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	form := web.Form(c, "note")
	_, err = h.Reviews.AddNote(c.UserContext(), v, r, cand, form["note"])
	if errs, ok := web.FieldErrors(err); ok {
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	}
	if err != nil {
		return err
	}
	return back(c, r, cand, "noted")
}

// MoveCandidate moves the candidate to another stage.
func (h *Application) MoveCandidate(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	if !v.Review {
		return recruiting.ErrForbidden
	}
	form := web.Form(c, "stage", "reason")
	set, err := h.Stages.Set(c.UserContext())
	if err != nil {
		return err
	}
	var errs valid.Problems
	if !slices.ContainsFunc(set, func(s recruiting.Stage) bool { return s.ID == form["stage"] }) {
		errs.Add("stage", "recruitapp.error.stage")
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	}
	_, err = h.Stages.Move(c.UserContext(), v, r, []string{cand.ID}, form["stage"], form["reason"])
	switch {
	case errors.Is(err, recruiting.ErrNoReason):
		errs.Add("reason", "recruitapp.error.reason")
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	case errors.Is(err, recruiting.ErrWithdrawn):
		errs.Add("stage", "recruitapp.error.withdrawn")
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	case errors.Is(err, recruiting.ErrDecided):
		errs.Add("stage", "recruitapp.error.decided")
		return h.applicationPage(c, r, v, cand, 0, false, form, errs)
	case err != nil:
		return err
	}
	return back(c, r, cand, "moved")
}

// OpenAttachment sends one file of the candidate's application: a PDF to
// be shown in the browser, other types as a download. The file must be
// one of this candidate's, in this recruitment; any other id is not
// found. The opening is recorded in the access log.
func (h *Application) OpenAttachment(c *fiber.Ctx) error {
	r, v, cand, err := h.openCandidate(c)
	if err != nil {
		return err
	}
	ctx, detach, done := h.StreamContext(c)
	att, rc, err := h.Papers.OpenFile(ctx, v, r, cand, strings.Clone(c.Params("att")))
	detach()
	if err != nil {
		done()
		return err
	}
	disposition := "attachment"
	if att.ContentType == applications.ContentTypes["pdf"] {
		disposition = "inline"
	}
	name := att.Name
	if r.HidesIdentity(cand) {
		// A file's name often is the applicant's: the browser shows it.
		name = "bilaga" + path.Ext(att.Name)
	}
	c.Set(fiber.HeaderContentType, att.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// A PDF shown in the browser may not be sandboxed, nor have objects
	// forbidden: browsers' PDF viewers then refuse to open it. The upload
	// check made sure it is a PDF, and nosniff keeps it one.
	policy := "default-src 'none'; sandbox"
	if disposition == "inline" {
		policy = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
	}
	c.Set(fiber.HeaderContentSecurityPolicy, policy)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(web.CloseWith(rc, done), int(att.Size))
}

// ShowAccessLog is the recruitment's access log: who opened which
// application and file, for those who manage it.
func (h *Application) ShowAccessLog(c *fiber.Ctx) error {
	r, v, err := openRecruitment(c, h.Recruitments)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	entries, err := h.Log.OfRecruitment(ctx, v, r)
	if err != nil {
		return err
	}
	all, err := h.Candidates.CandidatesOf(ctx, r.ID)
	if err != nil {
		return err
	}
	numbers := make(map[string]int, len(all))
	for _, cand := range all {
		numbers[cand.ID] = cand.Number
	}
	return h.Render(c, "staff/accesslog", web.Page{Title: web.L(c).T("recruitapp.log.title") + " – " + r.Title, Section: "staff-recruit", Data: fiber.Map{
		"R": r, "V": v, "Log": h.logRows(h.staffNames(ctx), numbers, entries, nil), "Limit": recruiting.LogLimit,
	}})
}
