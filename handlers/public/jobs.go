package public

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"portal/handlers/web"
	"portal/jobs"
	"portal/views"
)

// Board is what the job pages need of the job board.
type Board interface {
	Search(ctx context.Context, q jobs.Query) (jobs.Result, error)
	Ad(ctx context.Context, ref string) (jobs.Ad, error)
	// Generation changes whenever what the board shows changes.
	Generation(ctx context.Context) (string, error)
}

// Jobs is the job board: list, ad pages, feeds, sitemap and robots.txt.
type Jobs struct {
	*web.Kit
	Board Board
	feeds *cache[renderedFeed]
	pages *cache[[]byte]
}

// NewJobs makes the job pages with empty caches of pages and feeds.
func NewJobs(k *web.Kit, b Board) *Jobs {
	return &Jobs{Kit: k, Board: b, feeds: newCache[renderedFeed](256), pages: newCache[[]byte](512)}
}

// queryValues copies the request's query string into url.Values.
func queryValues(c *fiber.Ctx) url.Values {
	v, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return v
}

// cachedPage serves a public page of the board from the page cache, or
// renders it with draw and keeps it. A page is kept under the board's
// generation, the language and the address, so it is served again only
// until the board changes. Only pages that depend on nothing else (no
// session, no form token) may use it.
func (h *Jobs) cachedPage(c *fiber.Ctx, draw func() error) error {
	if web.SessionOf(c) != nil {
		return draw() // the header shows the logged-in applicant
	}
	gen, err := h.Board.Generation(c.UserContext())
	if err != nil {
		return err
	}
	key := gen + "|" + web.L(c).Lang + "|" + string(c.Request().URI().RequestURI())
	if body, ok := h.pages.get(key); ok {
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(body)
	}
	if err := draw(); err != nil {
		return err
	}
	if c.Response().StatusCode() == fiber.StatusOK {
		h.pages.put(key, bytes.Clone(c.Response().Body()))
	}
	return nil
}

// ShowJobList shows the job board, searched and filtered as the address asks.
func (h *Jobs) ShowJobList(c *fiber.Ctx) error {
	return h.cachedPage(c, func() error { return h.drawJobList(c) })
}

func (h *Jobs) drawJobList(c *fiber.Ctx) error {
	l := web.L(c)
	q := jobs.ParseQuery(queryValues(c))
	res, err := h.Board.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	res.Ads = inLanguage(res.Ads, l.Lang)
	var links []web.FeedLink
	for _, f := range []struct{ format, typ, key string }{
		{"rss", "application/rss+xml", "feeds.rss"},
		{"atom", "application/atom+xml", "feeds.atom"},
		{"json", "application/feed+json", "feeds.json"},
	} {
		links = append(links, web.FeedLink{Type: f.typ, Title: l.T("jobs.title") + " (" + l.T(f.key) + ")", URL: views.FeedURL(q, l.Lang, f.format)})
	}
	canonical := ""
	if !q.Filtered() {
		canonical = h.Abs("/jobb")
	}
	return h.Render(c, "jobs/list", web.Page{
		Title: l.T("jobs.title"), Section: "jobs", Feeds: links, Canonical: canonical,
		Description: l.T("jobs.description", h.Cfg.SiteName),
		Data:        fiber.Map{"Result": res},
	})
}

// ShowJobPage shows one ad, moving to the address with its reference in capitals.
func (h *Jobs) ShowJobPage(c *fiber.Ctx) error {
	return h.cachedPage(c, func() error { return h.drawJobPage(c) })
}

func (h *Jobs) drawJobPage(c *fiber.Ctx) error {
	ref := strings.ToUpper(c.Params("ref"))
	ad, err := h.Board.Ad(c.UserContext(), ref)
	if err != nil {
		return err
	}
	if c.Params("ref") != ref {
		return c.Redirect("/jobb/"+url.PathEscape(ref), fiber.StatusMovedPermanently)
	}
	open := ad.Open(h.Now())
	var ld template.JS
	if open {
		ld = h.jobPosting(ad)
	}
	ad = ad.In(web.L(c).Lang) // the ad in English for readers in English, when it has one
	return h.Render(c, "jobs/ad", web.Page{
		Title: ad.Title, Section: "jobs", Canonical: h.Abs("/jobb/" + ad.Ref), JSONLD: ld,
		Description: ad.Organisation + ", " + ad.Place,
		Data:        fiber.Map{"Ad": ad, "Open": open},
	})
}

// jobPosting describes an open ad as schema.org JobPosting for search engines.
func (h *Jobs) jobPosting(ad jobs.Ad) template.JS {
	types := []string{"PART_TIME"}
	if ad.Extent.Full() {
		types = []string{"FULL_TIME"}
	}
	switch ad.Employment {
	case jobs.FixedTerm, jobs.Substitute:
		types = append(types, "TEMPORARY")
	case jobs.Hourly:
		types = append(types, "PER_DIEM")
	}
	sv := h.Locales.Get("sv")
	doc := map[string]any{
		"@context":             "https://schema.org/",
		"@type":                "JobPosting",
		"title":                ad.Title,
		"description":          strings.Join(ad.Paragraphs(), "\n\n"),
		"identifier":           map[string]any{"@type": "PropertyValue", "name": ad.Organisation, "value": ad.Ref},
		"datePosted":           ad.PublishedAt.In(jobs.Stockholm).Format("2006-01-02T15:04:05-07:00"),
		"validThrough":         ad.ClosesAt().Format("2006-01-02T15:04:05-07:00"),
		"employmentType":       types,
		"totalJobOpenings":     ad.Positions,
		"occupationalCategory": sv.T("area." + ad.Area),
		"hiringOrganization":   map[string]any{"@type": "Organization", "name": ad.Organisation},
		"jobLocation": map[string]any{"@type": "Place", "address": map[string]any{
			"@type": "PostalAddress", "addressLocality": ad.Place, "addressCountry": "SE"}},
		"url":        h.Abs("/jobb/" + ad.Ref),
		"inLanguage": "sv",
	}
	b, err := json.Marshal(doc) // escapes <, > and & so the script cannot be closed early
	if err != nil {
		return ""
	}
	return template.JS(b)
}

// inLanguage returns the ads as readers in lang see them.
func inLanguage(ads []jobs.Ad, lang string) []jobs.Ad {
	out := make([]jobs.Ad, len(ads))
	for i, ad := range ads {
		out[i] = ad.In(lang)
	}
	return out
}
