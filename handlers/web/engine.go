package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
)

// pages renders pages into their layouts. html.Engine's own Render holds
// one lock over the whole of every page it renders in a layout (it binds
// the layout's "embed" to the page for the time of the rendering), so an
// instance rendered one page at a time however many cores it had; a list
// of fifty candidates waited for every page before it. This renders the
// page into a buffer first, then the layout, which shows it as
// {{.Embedded}}: pages render in parallel, and a page that fails writes
// nothing.
type pages struct{ *html.Engine }

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render renders the template name with the binding, in the layout if
// one is named.
func (e pages) Render(out io.Writer, name string, binding any, layout ...string) error {
	bind, ok := binding.(fiber.Map)
	if !ok || len(layout) != 1 || layout[0] == "" {
		return e.Engine.Render(out, name, binding, layout...)
	}
	if e.PreRenderCheck() {
		if err := e.Load(); err != nil {
			return err
		}
	}
	e.Mutex.RLock()
	page, lay := e.Templates.Lookup(name), e.Templates.Lookup(layout[0])
	e.Mutex.RUnlock()
	if page == nil {
		return fmt.Errorf("render: template %s does not exist", name)
	}
	if lay == nil {
		return fmt.Errorf("render: layout %s does not exist", layout[0])
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer func() {
		buf.Reset()
		pageBuffers.Put(buf)
	}()
	if err := page.Execute(buf, bind); err != nil {
		return err
	}
	// The page's own output, escaped as it was rendered.
	bind["Embedded"] = template.HTML(buf.String()) //nolint:gosec // rendered by html/template just now
	return lay.Execute(out, bind)
}
