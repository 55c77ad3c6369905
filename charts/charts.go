// Package charts draws bar and line charts as SVG on the server, with no
// script. A chart is a picture of numbers the page also shows in a table:
// assistive technology reads its title and description, not its ticks.
package charts

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chart is what both kinds of chart draw: one value per label.
type Chart struct {
	// ID prefixes the ids of the title and the description, which must be
	// unique on the page; empty derives one from the chart's content.
	ID string
	// Title names the chart (its <title>, read as the image's name).
	Title string
	// Desc says in a sentence what the chart shows (its <desc>).
	Desc string
	// Labels name the values along the x axis (user data: escaped).
	Labels []string
	// Values are the y values, one per label; NaN or ±Inf is a gap.
	Values []float64
	// Format writes a tick value with its unit ("12 kr"); nil writes the
	// bare number.
	Format func(float64) string
	// Whole says the values are counts: ticks fall on whole numbers.
	Whole bool
	// Empty is the text drawn when there is no value at all.
	Empty string
	// Width and Height are the size in viewBox units (0: 640 × 320); the
	// picture scales to its container, text with it.
	Width, Height float64
	// FontSize is the text size in viewBox units (0: 16).
	FontSize float64
}

// BarChart is a chart drawn as one bar per value, from zero.
type BarChart Chart

// LineChart is a chart drawn as one line through the values.
type LineChart Chart

// Bars draws c as an SVG bar chart.
func Bars(c BarChart) template.HTML { return draw(Chart(c), "bars") }

// Line draws c as an SVG line chart.
func Line(c LineChart) template.HTML { return draw(Chart(c), "line") }

// The colours used when site.css does not restyle the chart: the site's
// brand blue (8.6:1 on white) for data, its line grey for the grid.
const (
	dataColour = "#0b4f8a"
	gridColour = "#c4c9cf"
	// limit bounds every value, so that no sum or scale overflows.
	limit = 1e15
	// charWidth is the width of an average character in ems, an estimate
	// that errs wide so that labels never touch.
	charWidth = 0.62
)

// layout is a chart's geometry: the plot area and the y scale.
type layout struct {
	c                     Chart
	kind, id              string
	w, h, fs              float64
	left, right, top, bot float64
	lo, hi                float64
	ticks                 []float64
	tickText              []string
	values                []float64 // the values clipped to ±limit, NaN for a gap
	any                   bool      // whether any value is a number
}

func draw(c Chart, kind string) template.HTML {
	l := newLayout(c, kind)
	var b strings.Builder
	l.open(&b)
	b.WriteString(`<g aria-hidden="true">`)
	l.grid(&b)
	if !l.any {
		if c.Empty != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="currentColor">%s</text>`,
				num((l.left+l.right)/2), num((l.top+l.bot)/2), esc(c.Empty))
		}
	} else if kind == "bars" {
		l.bars(&b)
	} else {
		l.line(&b)
	}
	l.zero(&b)
	l.labels(&b)
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String()) // every text in it went through esc
}

func newLayout(c Chart, kind string) *layout {
	l := &layout{c: c, kind: kind, w: c.Width, h: c.Height, fs: c.FontSize}
	if !(l.w >= 100 && l.w <= 10000) {
		l.w = 640
	}
	if !(l.h >= 80 && l.h <= 10000) {
		l.h = 320
	}
	if !(l.fs >= 6 && l.fs <= l.h/6) {
		l.fs = math.Min(16, l.h/6)
	}
	lo, hi := 0.0, 0.0
	l.values = make([]float64, len(c.Values))
	for i, v := range c.Values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			l.values[i] = math.NaN()
			continue
		}
		v = math.Max(-limit, math.Min(limit, v))
		l.values[i], l.any = v, true
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	var step float64
	l.lo, l.hi, step = niceScale(lo, hi, 5, c.Whole)
	for k := math.Round(l.lo / step); k <= math.Round(l.hi/step); k++ {
		l.ticks = append(l.ticks, tickValue(k, step))
	}
	format := c.Format
	if format == nil {
		format = numberFormat(step)
	}
	widest := 0.0
	for _, v := range l.ticks {
		s := format(v)
		l.tickText = append(l.tickText, s)
		widest = math.Max(widest, textWidth(s, l.fs))
	}
	l.left = math.Min(widest+l.fs*0.75, l.w/2)
	l.right = l.w - l.fs
	if kind == "line" {
		// The first and last points carry labels centred on them: room
		// for half a label on each side, so that none needs moving.
		half := 0.0
		for _, s := range c.Labels {
			half = math.Max(half, textWidth(clean(s), l.fs)/2)
		}
		half = math.Min(half, 8*charWidth*l.fs)
		l.left = math.Max(l.left, math.Min(half, l.w/4))
		l.right = l.w - math.Max(l.fs, math.Min(half, l.w/4))
	}
	l.top = l.fs
	l.bot = l.h - l.fs*2
	l.id = chartID(c, kind)
	return l
}

// y is the vertical position of the value v.
func (l *layout) y(v float64) float64 {
	return l.bot - (v-l.lo)/(l.hi-l.lo)*(l.bot-l.top)
}

// slot is the horizontal space of one value, and x the centre of the i-th.
func (l *layout) slot() float64 {
	n := len(l.values)
	switch {
	case l.kind == "bars" && n > 0:
		return (l.right - l.left) / float64(n)
	case n > 1:
		return (l.right - l.left) / float64(n-1)
	}
	return l.right - l.left
}

func (l *layout) x(i int) float64 {
	n := len(l.values)
	switch {
	case l.kind == "bars":
		return l.left + (float64(i)+0.5)*l.slot()
	case n == 1:
		return (l.left + l.right) / 2
	}
	return l.left + float64(i)*l.slot()
}

func (l *layout) open(b *strings.Builder) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" viewBox="0 0 %s %s" width="100%%" preserveAspectRatio="xMidYMid meet" font-size="%s"`,
		l.kind, num(l.w), num(l.h), num(l.fs))
	if l.c.Title == "" {
		// A picture with no name is decoration only.
		b.WriteString(` aria-hidden="true" focusable="false">`)
		return
	}
	labelled := l.id + "-title"
	if l.c.Desc != "" {
		labelled += " " + l.id + "-desc"
	}
	fmt.Fprintf(b, ` role="img" aria-labelledby="%s" focusable="false">`, labelled)
	fmt.Fprintf(b, `<title id="%s-title">%s</title>`, l.id, esc(l.c.Title))
	if l.c.Desc != "" {
		fmt.Fprintf(b, `<desc id="%s-desc">%s</desc>`, l.id, esc(l.c.Desc))
	}
}

// grid draws a line and a label at every tick of the y axis.
func (l *layout) grid(b *strings.Builder) {
	fmt.Fprintf(b, `<g class="chart-grid" stroke="%s" stroke-width="1">`, gridColour)
	for _, v := range l.ticks {
		y := num(l.y(v))
		fmt.Fprintf(b, `<line x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(l.left), num(l.right), y, y)
	}
	b.WriteString(`</g><g class="chart-ticks" fill="currentColor" text-anchor="end">`)
	for i, v := range l.ticks {
		fmt.Fprintf(b, `<text x="%s" y="%s" dy="0.35em">%s</text>`, num(l.left-l.fs*0.4), num(l.y(v)), esc(l.tickText[i]))
	}
	b.WriteString(`</g>`)
}

// zero draws the axis line at zero over the data.
func (l *layout) zero(b *strings.Builder) {
	y := num(l.y(0))
	fmt.Fprintf(b, `<line class="chart-axis" x1="%s" x2="%s" y1="%s" y2="%s" stroke="currentColor" stroke-width="1.5"/>`,
		num(l.left), num(l.right), y, y)
}

func (l *layout) bars(b *strings.Builder) {
	slot := l.slot()
	width := math.Min(slot*0.7, l.fs*4)
	if slot-width < 1 {
		width = slot * 0.8 // a gap even between very thin bars
	}
	zero := l.y(0)
	fmt.Fprintf(b, `<g class="chart-bars" fill="%s">`, dataColour)
	for i, v := range l.values {
		top, height := zero, 0.0
		if !math.IsNaN(v) {
			y := l.y(v)
			top, height = math.Min(y, zero), math.Abs(y-zero)
		}
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"/>`,
			num(l.x(i)-width/2), num(top), num(width), num(height))
	}
	b.WriteString(`</g>`)
}

func (l *layout) line(b *strings.Builder) {
	var d strings.Builder
	pen := false
	for i, v := range l.values {
		if math.IsNaN(v) {
			pen = false
			continue
		}
		op := "L"
		if !pen {
			op = "M"
		}
		if d.Len() > 0 {
			d.WriteByte(' ')
		}
		fmt.Fprintf(&d, "%s%s %s", op, num(l.x(i)), num(l.y(v)))
		pen = true
	}
	fmt.Fprintf(b, `<path class="chart-line" d="%s" fill="none" stroke="%s" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`,
		d.String(), dataColour)
	// Points are marked while they are few enough to tell apart, and a
	// point with no neighbour always, or it would not show at all.
	n := len(l.values)
	gap := func(i int) bool { return i < 0 || i >= n || math.IsNaN(l.values[i]) }
	fmt.Fprintf(b, `<g class="chart-points" fill="%s">`, dataColour)
	for i, v := range l.values {
		if !math.IsNaN(v) && (n <= 31 || (gap(i-1) && gap(i+1))) {
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s"/>`, num(l.x(i)), num(l.y(v)), num(math.Max(3, l.fs/4)))
		}
	}
	b.WriteString(`</g>`)
}

// labels draws the x labels, every k-th one so that none overlap, each
// cut to the room it has.
func (l *layout) labels(b *strings.Builder) {
	n := len(l.values)
	if n == 0 {
		return
	}
	labels := make([]string, n)
	widest := 0.0
	for i := range labels {
		if i < len(l.c.Labels) {
			labels[i] = clean(l.c.Labels[i])
		}
		widest = math.Max(widest, textWidth(labels[i], l.fs))
	}
	if widest == 0 {
		return
	}
	gap, slot, em := l.fs*0.75, l.slot(), charWidth*l.fs
	// Every k-th label is drawn, whole up to 16 characters. When cutting
	// labels to 6 characters would let every value keep its own (a few
	// categories), they are cut instead: the table beside has them whole.
	every := func(need float64) int { return max(1, int(math.Ceil((need+gap)/slot-1e-9))) }
	k := every(math.Min(widest, 16*em))
	if k > 1 && every(math.Min(widest, 6*em)) == 1 {
		k = 1
	}
	room := math.Min(slot*float64(k), l.w) - gap
	b.WriteString(`<g class="chart-labels" fill="currentColor" text-anchor="middle">`)
	end := math.Inf(-1) // the right edge of the last label drawn
	for i := 0; i < n; i += k {
		s := fit(labels[i], room, l.fs)
		if s == "" {
			continue
		}
		// Kept inside the picture, a label at an end may move towards
		// its neighbour; then the neighbour gives way.
		half := textWidth(s, l.fs) / 2
		x := math.Max(half, math.Min(l.w-half, l.x(i)))
		if x-half < end+gap {
			continue
		}
		end = x + half
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, num(x), num(l.bot+l.fs*1.4), esc(s))
	}
	b.WriteString(`</g>`)
}

// niceScale widens [lo, hi] to whole steps of 1, 2 or 5 times a power of
// ten, about target of them; whole keeps steps at 1 or more.
func niceScale(lo, hi float64, target int, whole bool) (float64, float64, float64) {
	if hi-lo <= 0 {
		lo, hi = 0, 1
	}
	// Steps finer than a millionth would print as zeros.
	step := niceStep(math.Max((hi-lo)/float64(target), 1e-6))
	if whole && step < 1 {
		step = 1
	}
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step, step
}

// niceStep is the smallest of 1, 2, 5 or 10 times a power of ten that is
// at least raw.
func niceStep(raw float64) float64 {
	p := math.Pow10(int(math.Floor(math.Log10(raw))))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// tickValue is k steps from zero, computed so that 3 × 0.2 is 0.6.
func tickValue(k, step float64) float64 {
	e := math.Floor(math.Log10(step))
	if e >= 0 {
		return k * step
	}
	scale := math.Pow10(int(-e))
	return math.Round(k*step*scale) / scale
}

// numberFormat writes a tick with as many decimals as the step needs.
func numberFormat(step float64) func(float64) string {
	decimals := int(math.Max(0, math.Min(6, -math.Floor(math.Log10(step)+1e-9))))
	return func(v float64) string {
		s := strconv.FormatFloat(v, 'f', decimals, 64)
		if strings.Trim(s, "-0.") == "" {
			s = strings.TrimPrefix(s, "-") // no "-0"
		}
		return s
	}
}

// num writes a coordinate: two decimals at most, never "-0".
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// textWidth estimates the width of s at font size fs: East Asian
// characters take a whole em, others charWidth.
func textWidth(s string, fs float64) float64 {
	w := 0.0
	for _, r := range s {
		if wide(r) {
			w++
		} else {
			w += charWidth
		}
	}
	return w * fs
}

func wide(r rune) bool {
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana)
}

// fit cuts s with an ellipsis to the width room.
func fit(s string, room, fs float64) string {
	if textWidth(s, fs) <= room {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && textWidth(string(runes)+"…", fs) > room {
		runes = runes[:len(runes)-1]
	}
	if len(runes) == 0 {
		return ""
	}
	return strings.TrimSpace(string(runes)) + "…"
}

// clean makes s one line of valid UTF-8 with no character XML forbids.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF:
			return -1
		}
		return r
	}, s)
}

// esc makes s safe as the text of an SVG element in HTML and in XML.
func esc(s string) string {
	return template.HTMLEscapeString(clean(s))
}

// chartID is c.ID made a safe id, or one derived from the content.
func chartID(c Chart, kind string) string {
	if c.ID == "" {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%q\x00%v", kind, c.Title, c.Desc, c.Labels, c.Values)
		return fmt.Sprintf("chart-%x", h.Sum64())
	}
	id := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '-'
	}, c.ID)
	if r := id[0]; !unicode.IsLetter(rune(r)) {
		id = "chart-" + id
	}
	return id
}
