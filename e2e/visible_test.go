package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// shownAt320 checks that at 320 px every element the selector names
// (a table's amounts) is shown whole inside the window and inside every
// box around it that scrolls or clips, so that reading it needs no
// sideways scrolling; at least one must be there.
func shownAt320(t *testing.T, ctx context.Context, page, selector string) {
	t.Helper()
	var res struct {
		Count  int      `json:"count"`
		Hidden []string `json:"hidden"`
	}
	err := chromedp.Run(ctx, chromedp.EmulateViewport(320, 640), chromedp.Reload(), chromedp.WaitReady("body"),
		chromedp.Poll(`document.readyState === "complete"`, nil),
		chromedp.Evaluate(`((sel) => {
			const els = [...document.querySelectorAll(sel)];
			const width = document.documentElement.clientWidth;
			const hidden = els.filter(e => {
				const r = e.getBoundingClientRect();
				if (r.width === 0 || r.left < -0.5 || r.right > width + 0.5) return true;
				for (let a = e.parentElement; a; a = a.parentElement) {
					const ox = getComputedStyle(a).overflowX;
					if (ox === "visible") continue;
					const b = a.getBoundingClientRect();
					if (r.left < b.left - 0.5 || r.right > b.right + 0.5) return true;
				}
				return false;
			}).slice(0, 5).map(e => e.outerHTML.slice(0, 160));
			return {count: els.length, hidden};
		})(`+"`"+selector+"`"+`)`, &res),
		chromedp.EmulateViewport(1280, 900))
	if err != nil {
		t.Fatalf("%s at 320 px: %v", page, err)
	}
	if res.Count == 0 {
		t.Errorf("%s: nothing matches %s", page, selector)
	}
	if len(res.Hidden) > 0 {
		t.Errorf("%s at 320 px hides some of %s:\n  %s", page, selector, strings.Join(res.Hidden, "\n  "))
	}
}
