package charts

import (
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is one element of a parsed chart.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// all is every element under n (n too) with the given name.
func (n node) all(name string) []node {
	var found []node
	if n.XMLName.Local == name {
		found = append(found, n)
	}
	for _, c := range n.Nodes {
		found = append(found, c.all(name)...)
	}
	return found
}

// class is the first element under n whose class is c.
func (n node) class(c string) (node, bool) {
	if n.attr("class") == c {
		return n, true
	}
	for _, child := range n.Nodes {
		if found, ok := child.class(c); ok {
			return found, true
		}
	}
	return node{}, false
}

// parse decodes a chart as strict XML and checks what every chart has.
func parse(t *testing.T, svg string) node {
	t.Helper()
	if bad := regexp.MustCompile(`NaN|Inf|\de[+-]\d`).FindString(svg); bad != "" {
		t.Errorf("the chart holds %q: %s", bad, svg)
	}
	var root node
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root %v", root.XMLName)
	}
	if root.attr("width") != "100%" || root.attr("preserveAspectRatio") == "" || !strings.HasPrefix(root.attr("viewBox"), "0 0 ") {
		t.Errorf("does not scale to its container: %v", root.Attrs)
	}
	if root.attr("font-size") == "" {
		t.Error("no font size")
	}
	return root
}

func TestBarsHaveANameADescriptionAndOneBarEach(t *testing.T) {
	t.Parallel()
	svg := string(Bars(BarChart{Title: "Ansökningar per steg", Desc: "Flest i granskning.",
		Labels: []string{"Inkomna", "Granskning", "Intervju"}, Values: []float64{12, 30, 4}, Whole: true}))
	root := parse(t, svg)
	if root.attr("role") != "img" {
		t.Errorf("role %q", root.attr("role"))
	}
	ids := strings.Fields(root.attr("aria-labelledby"))
	if len(ids) != 2 {
		t.Fatalf("aria-labelledby %q", root.attr("aria-labelledby"))
	}
	titles, descs := root.all("title"), root.all("desc")
	if len(titles) != 1 || titles[0].Text != "Ansökningar per steg" || titles[0].attr("id") != ids[0] {
		t.Errorf("title %+v, labelled by %v", titles, ids)
	}
	if len(descs) != 1 || descs[0].Text != "Flest i granskning." || descs[0].attr("id") != ids[1] {
		t.Errorf("desc %+v, labelled by %v", descs, ids)
	}
	// Everything but the name and description is hidden from screen readers.
	for _, c := range root.Nodes {
		if name := c.XMLName.Local; name != "title" && name != "desc" && c.attr("aria-hidden") != "true" {
			t.Errorf("%s is not hidden from assistive technology", name)
		}
	}
	bars, ok := root.class("chart-bars")
	if !ok || len(bars.all("rect")) != 3 {
		t.Fatalf("want 3 bars in %s", svg)
	}
	// The tallest bar is the 30, and it reaches the top tick.
	heights := []float64{}
	for _, r := range bars.all("rect") {
		heights = append(heights, number(t, r.attr("height")))
	}
	if !(heights[1] > heights[0] && heights[0] > heights[2] && heights[2] > 0) {
		t.Errorf("heights %v do not follow 12, 30, 4", heights)
	}
	if got := tickTexts(root); strings.Join(got, " ") != "0 10 20 30" {
		t.Errorf("ticks %v", got)
	}
	if got := labelTexts(root); strings.Join(got, "|") != "Inkomna|Granskning|Intervju" {
		t.Errorf("labels %v", got)
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	t.Parallel()
	evil := `<script>alert("x")</script> & 'q'`
	for _, svg := range []string{
		string(Bars(BarChart{Title: evil, Desc: evil, Labels: []string{evil, "a\x00b\x1b"}, Values: []float64{1, 2}, Empty: evil})),
		string(Line(LineChart{Title: evil, Desc: evil, Labels: []string{evil}, Values: []float64{1}})),
		string(Bars(BarChart{Title: "t", Empty: evil, ID: `x" onload="alert(1)`})),
		string(Line(LineChart{Title: "t", Values: []float64{1, 2}, Format: func(float64) string { return evil }})),
	} {
		if strings.Contains(svg, "<script") || strings.Contains(svg, "onload=") {
			t.Errorf("unescaped: %s", svg)
		}
		root := parse(t, svg)
		for _, n := range append(root.all("title"), root.all("text")...) {
			if strings.Contains(n.Text, "script") && n.Text != evil && !strings.HasSuffix(n.Text, "…") {
				t.Errorf("text %q is not the label as given", n.Text)
			}
		}
	}
}

// No NaN, no infinity, valid XML and a sane scale whatever the data.
func TestOddDataDrawsACleanChart(t *testing.T) {
	t.Parallel()
	for name, values := range map[string][]float64{
		"empty":    nil,
		"single":   {7},
		"zeros":    {0, 0, 0},
		"negative": {-1200, 300, -50},
		"all neg":  {-3, -9},
		"gaps":     {math.NaN(), 3, math.Inf(1), 5, math.Inf(-1)},
		"only nan": {math.NaN()},
		"tiny":     {1e-12, 3e-12},
		"huge":     {1e300, -1e300},
		"fraction": {0.1, 0.25, 0.6},
	} {
		for kind, draw := range map[string]func(Chart) string{
			"bars": func(c Chart) string { return string(Bars(BarChart(c))) },
			"line": func(c Chart) string { return string(Line(LineChart(c))) },
		} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				labels := make([]string, len(values))
				for i := range labels {
					labels[i] = fmt.Sprint("v", i)
				}
				root := parse(t, draw(Chart{Title: "T", Labels: labels, Values: values, Empty: "Inga ansökningar"}))
				ticks := tickTexts(root)
				if len(ticks) < 2 || len(ticks) > 12 {
					t.Errorf("%d ticks: %v", len(ticks), ticks)
				}
				if len(values) == 0 && !strings.Contains(fmt.Sprint(texts(root)), "Inga ansökningar") {
					t.Error("no text saying there is no data")
				}
				if kind == "bars" {
					bars, _ := root.class("chart-bars")
					if got := len(bars.all("rect")); len(values) > 0 && got != len(values) && name != "only nan" {
						t.Errorf("%d bars for %d values", got, len(values))
					}
				}
			})
		}
	}
}

// A negative value is a bar below the zero line, a positive one above.
func TestNegativeBarsHangBelowZero(t *testing.T) {
	t.Parallel()
	root := parse(t, string(Bars(BarChart{Title: "Lön", Values: []float64{-500, 1500}, Labels: []string{"a", "b"}})))
	axis, ok := root.class("chart-axis")
	if !ok {
		t.Fatal("no zero line")
	}
	zero := number(t, axis.attr("y1"))
	bars, _ := root.class("chart-bars")
	rects := bars.all("rect")
	neg, pos := rects[0], rects[1]
	if number(t, neg.attr("y")) != zero || number(t, neg.attr("height")) <= 0 {
		t.Errorf("negative bar at y %s height %s, zero at %v", neg.attr("y"), neg.attr("height"), zero)
	}
	if y, h := number(t, pos.attr("y")), number(t, pos.attr("height")); math.Abs(y+h-zero) > 0.02 {
		t.Errorf("positive bar ends at %v, zero at %v", y+h, zero)
	}
	if got := strings.Join(tickTexts(root), " "); got != "-500 0 500 1000 1500" {
		t.Errorf("ticks %s", got)
	}
}

func TestTicksStepByOneTwoOrFive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lo, hi        float64
		whole         bool
		wantLo, wantH float64
		step          float64
	}{
		{0, 7, false, 0, 8, 2},
		{0, 100, false, 0, 100, 20},
		{0, 1, false, 0, 1, 0.2},
		{0, 1, true, 0, 1, 1},
		{0, 3, true, 0, 3, 1},
		{0, 0, false, 0, 1, 0.2},
		{-3, 12, false, -5, 15, 5},
		{0, 42000, false, 0, 50000, 10000},
		{0, 0.037, false, 0, 0.04, 0.01},
		{-0.5, 0, false, -0.5, 0, 0.1},
	} {
		lo, hi, step := niceScale(tc.lo, tc.hi, 5, tc.whole)
		if !close(lo, tc.wantLo) || !close(hi, tc.wantH) || !close(step, tc.step) {
			t.Errorf("niceScale(%v, %v, %v) = %v, %v, %v; want %v, %v, %v", tc.lo, tc.hi, tc.whole, lo, hi, step, tc.wantLo, tc.wantH, tc.step)
		}
	}
	for raw := 1e-7; raw < 1e9; raw *= 1.37 {
		step := niceStep(raw)
		m := step / math.Pow10(int(math.Floor(math.Log10(step)+1e-9)))
		if step < raw*(1-1e-9) || !(close(m, 1) || close(m, 2) || close(m, 5)) {
			t.Errorf("niceStep(%v) = %v", raw, step)
		}
	}
	// Ticks print as the round numbers they are.
	root := parse(t, string(Line(LineChart{Title: "t", Values: []float64{0.1, 0.6}})))
	if got := strings.Join(tickTexts(root), " "); got != "0.0 0.2 0.4 0.6" {
		t.Errorf("ticks %s", got)
	}
}

// Ninety days of labels are thinned out so that none overlaps another,
// and a long label is cut rather than spilling over its neighbours.
func TestManyLabelsNeverOverlap(t *testing.T) {
	t.Parallel()
	var days []string
	var values []float64
	for i := range 90 {
		days = append(days, fmt.Sprintf("2026-%02d-%02d", 1+i/30, 1+i%30))
		values = append(values, float64(i%7))
	}
	long := []string{"Inkomna", "Under granskning hos rekryteringsgruppen", "Intervju", "Referenser", "Erbjudande", "Anställd", "Ej aktuell"}
	for _, tc := range []struct {
		name   string
		svg    string
		labels []string
	}{
		{"line 90", string(Line(LineChart{Title: "t", Labels: days, Values: values})), days},
		{"bars 90", string(Bars(BarChart{Title: "t", Labels: days, Values: values})), days},
		{"bars narrow", string(Bars(BarChart{Title: "t", Labels: days[:20], Values: values[:20], Width: 320, Height: 200})), days[:20]},
		{"stages", string(Bars(BarChart{Title: "t", Labels: long, Values: values[:7]})), long},
	} {
		root := parse(t, tc.svg)
		group, ok := root.class("chart-labels")
		if !ok {
			t.Fatalf("%s: no labels", tc.name)
		}
		fs := number(t, root.attr("font-size"))
		width := number(t, strings.Fields(root.attr("viewBox"))[2])
		texts := group.all("text")
		if len(texts) < 2 {
			t.Errorf("%s: only %d labels", tc.name, len(texts))
		}
		if texts[0].Text != tc.labels[0] {
			t.Errorf("%s: the first label is %q", tc.name, texts[0].Text)
		}
		end := math.Inf(-1)
		for _, txt := range texts {
			x, half := number(t, txt.attr("x")), textWidth(txt.Text, fs)/2
			if x-half < end || x-half < 0 || x+half > width {
				t.Errorf("%s: label %q at %v overlaps or leaves the picture", tc.name, txt.Text, x)
			}
			end = x + half
		}
		if tc.name == "stages" && len(texts) != 7 {
			t.Errorf("stages: %d of 7 labels shown: %v", len(texts), labelTexts(root))
		}
	}
}

func TestLineDrawsOnePathWithGaps(t *testing.T) {
	t.Parallel()
	root := parse(t, string(Line(LineChart{Title: "t", Values: []float64{1, 2, math.NaN(), 4, 5, math.NaN(), 7}})))
	path, ok := root.class("chart-line")
	if !ok {
		t.Fatal("no line")
	}
	d := path.attr("d")
	if strings.Count(d, "M") != 3 || strings.Count(d, "L") != 2 {
		t.Errorf("d %q: want three pieces", d)
	}
	points, _ := root.class("chart-points")
	if got := len(points.all("circle")); got != 5 {
		t.Errorf("%d points marked, want 5", got)
	}
	// A single value shows as a point; ninety as a line with only the lone
	// points marked.
	one := parse(t, string(Line(LineChart{Title: "t", Values: []float64{3}})))
	if p, _ := one.class("chart-points"); len(p.all("circle")) != 1 {
		t.Error("a single value shows no point")
	}
	many := make([]float64, 90)
	many[45] = math.NaN()
	many[47] = math.NaN()
	root = parse(t, string(Line(LineChart{Title: "t", Values: many})))
	if p, _ := root.class("chart-points"); len(p.all("circle")) != 1 {
		t.Errorf("%d points marked, want only the lone one", len(p.all("circle")))
	}
}

func TestIDsAreDistinctAndSafe(t *testing.T) {
	t.Parallel()
	a := parse(t, string(Bars(BarChart{Title: "Per dag", Values: []float64{1}})))
	b := parse(t, string(Bars(BarChart{Title: "Per steg", Values: []float64{1}})))
	if a.all("title")[0].attr("id") == b.all("title")[0].attr("id") {
		t.Error("two charts share an id")
	}
	c := parse(t, string(Line(LineChart{Title: "t", ID: "9 stats<x>"})))
	if id := c.all("title")[0].attr("id"); id != "chart-9-stats-x--title" {
		t.Errorf("id %q", id)
	}
	// With no title the picture is decoration, hidden whole.
	d := parse(t, string(Bars(BarChart{Values: []float64{1}})))
	if d.attr("aria-hidden") != "true" || d.attr("role") != "" || len(d.all("title")) != 0 {
		t.Errorf("an untitled chart is not hidden: %v", d.Attrs)
	}
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func number(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

func tickTexts(root node) []string {
	g, _ := root.class("chart-ticks")
	return texts(g)
}

func labelTexts(root node) []string {
	g, _ := root.class("chart-labels")
	return texts(g)
}

func texts(n node) []string {
	var s []string
	for _, t := range n.all("text") {
		s = append(s, t.Text)
	}
	return s
}
