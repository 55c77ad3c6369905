package public

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/gorilla/feeds"

	"portal/handlers/web"
	"portal/jobs"
	"portal/views"
)

var feedTypes = map[string]string{
	"rss":  "application/rss+xml; charset=utf-8",
	"atom": "application/atom+xml; charset=utf-8",
	"json": "application/feed+json; charset=utf-8",
}

// cache keeps rendered answers under a key that names everything they
// depend on, the board's generation included, so an entry is never stale:
// it is simply no longer asked for. Bounded; when full it starts over.
type cache[V any] struct {
	mu    sync.Mutex
	max   int
	items map[string]V
}

func newCache[V any](max int) *cache[V] { return &cache[V]{max: max, items: map[string]V{}} }

func (f *cache[V]) get(key string) (V, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[key]
	return v, ok
}

func (f *cache[V]) put(key string, v V) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.items) >= f.max {
		clear(f.items)
	}
	f.items[key] = v
}

// renderedFeed is a feed answer with its validators.
type renderedFeed struct {
	etag     string
	modified time.Time
	body     []byte
}

// feedETag fingerprints a feed: format, language, search and every listed
// ad with its last change.
func feedETag(format, lang string, res jobs.Result) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|", format, lang, res.Query.Values().Encode())
	for _, ad := range res.Ads {
		fmt.Fprintf(h, "%s@%d;", ad.Ref, ad.UpdatedAt.UnixMilli())
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// ShowFeed serves the RSS, Atom or JSON feed of a search of the board, in the language its address names.
func (h *Jobs) ShowFeed(c *fiber.Ctx) error {
	format := c.Params("format")
	contentType, ok := feedTypes[format]
	if !ok {
		return fiber.ErrNotFound
	}
	v := queryValues(c)
	l := h.Locales.Get(v.Get("lang")) // a feed's language is in its address, not in cookies
	q := jobs.ParseQuery(v)
	q.Sort, q.Page, q.PageSize = jobs.SortNewest, 1, -1
	gen, err := h.Board.Generation(c.UserContext())
	if err != nil {
		return err
	}
	key := gen + "|" + format + "|" + l.Lang + "|" + q.Values().Encode()
	feed, ok := h.feeds.get(key)
	if !ok {
		res, err := h.Board.Search(c.UserContext(), q)
		if err != nil {
			return err
		}
		body, err := h.renderFeed(format, l, res)
		if err != nil {
			return err
		}
		feed = renderedFeed{etag: feedETag(format, l.Lang, res), modified: res.Modified, body: body}
		h.feeds.put(key, feed)
	}
	c.Set(fiber.HeaderETag, feed.etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderContentType, contentType)
	if !feed.modified.IsZero() {
		c.Set(fiber.HeaderLastModified, feed.modified.UTC().Format(http.TimeFormat))
	}
	if notModified(c, feed.etag, feed.modified) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(feed.body)
}

// notModified answers conditional requests: If-None-Match wins over
// If-Modified-Since, as RFC 9110 says.
func notModified(c *fiber.Ctx, etag string, modified time.Time) bool {
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !modified.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

func (h *Jobs) renderFeed(format string, l *views.Localizer, res jobs.Result) ([]byte, error) {
	title := l.T("feeds.title", h.Cfg.SiteName)
	if res.Query.Text != "" {
		title = l.T("feeds.title_search", res.Query.Text, h.Cfg.SiteName)
	}
	v := res.Query.Values()
	link := "/jobb"
	if len(v) > 0 {
		link += "?" + v.Encode()
	}
	return writeFeed(h.Kit, format, l, title, link, res)
}

// writeFeed writes the ads of res as a feed with a title and a link.
func writeFeed(h *web.Kit, format string, l *views.Localizer, title, link string, res jobs.Result) ([]byte, error) {
	updated := res.Modified
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	f := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: h.Abs(link)},
		Description: l.T("feeds.description", h.Cfg.SiteName),
		Author:      &feeds.Author{Name: h.Cfg.SiteName, Email: h.Cfg.SupportEmail},
		Id:          h.Abs(link),
		Updated:     updated,
	}
	for _, ad := range res.Ads {
		ad = ad.In(l.Lang)
		url := h.Abs("/jobb/" + ad.Ref)
		f.Items = append(f.Items, &feeds.Item{
			Title:       ad.Title,
			Link:        &feeds.Link{Href: url},
			Id:          url,
			Description: l.T("feeds.item", ad.Organisation, ad.Place, l.Date(ad.LastDay.Start())),
			Created:     ad.PublishedAt,
			Updated:     ad.UpdatedAt,
		})
	}
	var s string
	var err error
	switch format {
	case "rss":
		s, err = f.ToRss()
	case "atom":
		s, err = f.ToAtom()
	default:
		s, err = f.ToJSON()
	}
	if err != nil {
		return nil, fmt.Errorf("handlers: render %s feed: %w", format, err)
	}
	return []byte(s), nil
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemap struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// ShowSitemap lists the job board and every open ad.
func (h *Jobs) ShowSitemap(c *fiber.Ctx) error {
	res, err := h.Board.Search(c.UserContext(), jobs.Query{Sort: jobs.SortNewest, Page: 1, PageSize: -1})
	if err != nil {
		return err
	}
	sm := sitemap{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: []sitemapURL{{Loc: h.Abs("/jobb")}}}
	for _, ad := range res.Ads {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: h.Abs("/jobb/" + ad.Ref), LastMod: ad.UpdatedAt.UTC().Format(time.DateOnly)})
	}
	b, err := xml.Marshal(sm)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationXMLCharsetUTF8)
	return c.Send(append([]byte(xml.Header), b...))
}

// ShowRobots serves robots.txt, pointing to the sitemap.
func (h *Jobs) ShowRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("User-agent: *\nDisallow: /dev/\nDisallow: /sprak/\nSitemap: " + h.Abs("/sitemap.xml") + "\n")
}
