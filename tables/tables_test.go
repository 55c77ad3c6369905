package tables_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"portal/tables"
)

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// sample is an export with the awkward cases: Swedish letters, a comma, a
// quote, a line break, formulas in user text, a negative number, dates.
func sample() tables.Table {
	submitted := time.Date(2026, 3, 1, 23, 30, 0, 0, stockholm) // 22:30 UTC
	return tables.Table{
		Sheet:  "Ansökningar: 2026/03 [Lärare]",
		Header: []string{"Namn", "Ort", "Betyg", "Inkommen", "Tid", "=Fråga"},
		Rows: [][]tables.Cell{
			{tables.Text("Åsa Öberg"), tables.Text("Malmö, Skåne"), tables.Number(4.5), tables.Date(submitted), tables.DateTime(submitted), tables.Text(`=HYPERLINK("http://x","y")`)},
			{tables.Text(`Ärla "Ä" Ek`), tables.Text("rad ett\nrad två"), tables.Number(-3), tables.Date(submitted.AddDate(0, 0, 1)), {}, tables.Text("+46701234567")},
			{tables.Text("@SUM(A1)"), tables.Text("\tflik"), tables.Text("-2+3"), {}, {}, tables.Text("\rCR")},
			{tables.Text("Kort rad")},
		},
	}
}

func TestCSVOpensInASpreadsheetAsWritten(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := tables.WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	body, ok := strings.CutPrefix(out, "\uFEFF")
	if !ok {
		t.Fatalf("no byte order mark: %q", out[:10])
	}
	if strings.Count(body, "\r\n") < 5 || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Errorf("line ends are not CRLF: %q", body)
	}
	r := csv.NewReader(strings.NewReader(body))
	records, err := r.ReadAll() // every row as wide as the header, or ReadAll fails
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Namn", "Ort", "Betyg", "Inkommen", "Tid", "'=Fråga"},
		{"Åsa Öberg", "Malmö, Skåne", "4.5", "2026-03-01", "2026-03-01 23:30", `'=HYPERLINK("http://x","y")`},
		{`Ärla "Ä" Ek`, "rad ett\nrad två", "-3", "2026-03-02", "", "'+46701234567"},
		{"'@SUM(A1)", "'\tflik", "'-2+3", "", "", "'CR"}, // with CRLF line ends Go drops a lone CR
		{"Kort rad", "", "", "", "", ""},
	}
	if len(records) != len(want) {
		t.Fatalf("%d records: %q", len(records), records)
	}
	for i := range want {
		for j := range want[i] {
			if records[i][j] != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, records[i][j], want[i][j])
			}
		}
	}
	for _, raw := range []string{"\"rad ett\r\nrad två\"", "\"'CR\"", `"Ärla ""Ä"" Ek"`} {
		if !strings.Contains(body, raw) {
			t.Errorf("no %q in %q", raw, body)
		}
	}
	// A number is never taken for a formula, negative or not.
	if !strings.Contains(body, ",-3,") {
		t.Errorf("a negative number was guarded: %q", body)
	}
}

func TestCSVSeparator(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	tbl := tables.Table{Header: []string{"a", "b;c"}, Rows: [][]tables.Cell{{tables.Number(1.5), tables.Text("x,y")}}, Comma: ';'}
	if err := tables.WriteCSV(&b, tbl); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "\uFEFFa;\"b;c\"\r\n1.5;x,y\r\n" {
		t.Errorf("got %q", got)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := tables.WriteXLSX(&b, sample()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "Ansökningar 202603 Lärare" {
		t.Fatalf("sheets %q", sheets)
	}
	sheet := sheets[0]
	get := func(cell string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for cell, want := range map[string]string{
		"A1": "Namn", "F1": "=Fråga",
		"A2": "Åsa Öberg", "B2": "Malmö, Skåne", "F2": `=HYPERLINK("http://x","y")`,
		"A3": `Ärla "Ä" Ek`, "B3": "rad ett\nrad två", "F3": "+46701234567",
		"A4": "@SUM(A1)", "C4": "-2+3",
		"D2": "2026-03-01", "E2": "2026-03-01 23:30", "D3": "2026-03-02",
		"C2": "4.5", "C3": "-3", "A5": "Kort rad",
	} {
		if got := get(cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	// User text stays text: no cell is a formula.
	for _, cell := range []string{"F1", "F2", "A4", "C4"} {
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s is the formula %q", cell, formula)
		}
	}
	// Numbers and dates are numbers underneath: a date is a day serial.
	for cell, want := range map[string]string{"C2": "4.5", "C3": "-3", "D2": "46082", "D3": "46083", "E2": "46082.9791666667"} {
		raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil || raw != want {
			t.Errorf("%s holds %q (%v), want %s", cell, raw, err, want)
		}
		if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s is stored as text", cell)
		}
	}
	// The header is bold and frozen above the rows.
	for _, cell := range []string{"A1", "F1"} {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("%s is not bold: %+v %v", cell, style, err)
		}
	}
	if id, _ := f.GetCellStyle(sheet, "A2"); id != 0 {
		if style, _ := f.GetStyle(id); style.Font != nil && style.Font.Bold {
			t.Error("a data row is bold")
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", panes, err)
	}
	// Columns are as wide as their content.
	narrow, _ := f.GetColWidth(sheet, "C")
	wide, _ := f.GetColWidth(sheet, "F")
	if narrow < 8 || wide <= narrow || wide > 60 {
		t.Errorf("widths C %v, F %v", narrow, wide)
	}
}

func TestSheetNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("å", 40)
	emoji := strings.Repeat("x", 30) + "😀"
	for in, want := range map[string]string{
		"Rekrytering 12":          "Rekrytering 12",
		"a:b\\c/d?e*f[g]h":        "abcdefgh",
		"'Citat'":                 "Citat",
		"' 'x' '":                 "x",
		"":                        "Sheet1",
		"[]:*":                    "Sheet1",
		"history":                 "history 1",
		long:                      strings.Repeat("å", 31),
		emoji:                     strings.Repeat("x", 30),
		"flik\tmed\nkontroll\x00": "flikmedkontroll",
	} {
		got := tables.SheetName(in)
		if got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
		if n := len(utf16.Encode([]rune(got))); n > 31 {
			t.Errorf("SheetName(%q) is %d units long", in, n)
		}
		// Excel's own rules, as excelize checks them, accept every result.
		f := excelize.NewFile()
		if err := f.SetSheetName("Sheet1", got); err != nil && got != "Sheet1" {
			t.Errorf("excelize refuses %q: %v", got, err)
		}
		f.Close()
	}
}

// An empty table is still a file each program opens.
func TestEmptyTable(t *testing.T) {
	t.Parallel()
	var c, x bytes.Buffer
	if err := tables.WriteCSV(&c, tables.Table{}); err != nil || c.String() != "\uFEFF" {
		t.Errorf("CSV %q %v", c.String(), err)
	}
	if err := tables.WriteXLSX(&x, tables.Table{Header: []string{"Namn"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) != 1 || rows[0][0] != "Namn" {
		t.Errorf("rows %q %v", rows, err)
	}
}
