// Package tables writes one table, a header and rows of text, numbers and
// dates, as a CSV or an XLSX file that opens in a spreadsheet as it was
// meant: characters intact, numbers as numbers, no formula run.
package tables

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Table is one sheet: a header row and rows of cells.
type Table struct {
	// Sheet names the XLSX sheet; characters Excel forbids are removed
	// and it is cut to 31 characters ("Sheet1" when nothing is left).
	Sheet string
	// Header names the columns.
	Header []string
	// Rows are the data; a short row ends in empty cells.
	Rows [][]Cell
	// Comma separates CSV fields; 0 means ','. (Swedish Excel opens a
	// double-clicked CSV by ';', and every other program asks.)
	Comma rune
}

// kind is what a cell holds.
type kind uint8

const (
	empty kind = iota
	text
	number
	date
	dateTime
)

// Cell is one value of a row; the zero Cell is empty.
type Cell struct {
	kind kind
	s    string
	f    float64
	t    time.Time
}

// Text is a cell of text, written as text even when it looks like a
// number or a formula.
func Text(s string) Cell { return Cell{kind: text, s: s} }

// Number is a cell of a number; NaN and infinities are written empty.
func Number(f float64) Cell {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Cell{}
	}
	return Cell{kind: number, f: f}
}

// Date is a cell of the calendar date of t in t's location.
func Date(t time.Time) Cell { return Cell{kind: date, t: t} }

// DateTime is a cell of the date and time of day of t, to the minute, as
// a clock in t's location shows it.
func DateTime(t time.Time) Cell { return Cell{kind: dateTime, t: t} }

// The formats of dates: ISO 8601, which is also the Swedish way.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04"
	dateNumFmt     = "yyyy-mm-dd"
	dateTimeNumFmt = "yyyy-mm-dd hh:mm"
)

// String is the cell as CSV writes it.
func (c Cell) String() string {
	switch c.kind {
	case text:
		return strings.ToValidUTF8(c.s, "\uFFFD")
	case number:
		return strconv.FormatFloat(c.f, 'f', -1, 64)
	case date:
		return c.t.Format(dateLayout)
	case dateTime:
		return c.t.Format(dateTimeLayout)
	}
	return ""
}

// WriteCSV writes t as RFC 4180 CSV: UTF-8 with a byte order mark (so
// that spreadsheets read å, ä and ö), CRLF line ends, fields quoted where
// needed, and text that a spreadsheet would run as a formula prefixed
// with a single quote.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("tables: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if t.Comma != 0 {
		cw.Comma = t.Comma
	}
	width := columns(t)
	record := make([]string, width)
	if len(t.Header) > 0 {
		clear(record)
		for i, h := range t.Header {
			record[i] = guard(Text(h).String())
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("tables: %w", err)
		}
	}
	for _, row := range t.Rows {
		clear(record)
		for i, c := range row {
			record[i] = c.String()
			if c.kind == text {
				record[i] = guard(record[i])
			}
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("tables: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("tables: %w", err)
	}
	return nil
}

// guard keeps a spreadsheet from running s as a formula (CSV injection):
// text that begins with =, +, -, @, a tab or a carriage return gets a
// single quote before it.
func guard(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// columns is the width of the widest row, the header included.
func columns(t Table) int {
	n := len(t.Header)
	for _, row := range t.Rows {
		n = max(n, len(row))
	}
	return n
}

// WriteXLSX writes t as an Excel workbook of one sheet: the header row
// bold and frozen, columns as wide as their content, numbers as numbers
// and dates as dates.
func WriteXLSX(w io.Writer, t Table) error {
	if err := writeXLSX(w, t); err != nil {
		return fmt.Errorf("tables: %w", err)
	}
	return nil
}

func writeXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	name := SheetName(t.Sheet)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Title: name, Created: now, Modified: now}); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt, timeFmt := dateNumFmt, dateTimeNumFmt
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	// Widths and panes come before the first row in a stream.
	for i, width := range widths(t) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	row := 1
	if len(t.Header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
			return err
		}
		values := make([]any, len(t.Header))
		for i, h := range t.Header {
			values[i] = excelize.Cell{StyleID: bold, Value: Text(h).String()}
		}
		if err := sw.SetRow("A1", values); err != nil {
			return err
		}
		row++
	}
	for _, cells := range t.Rows {
		values := make([]any, len(cells))
		for i, c := range cells {
			switch c.kind {
			case text:
				values[i] = c.String()
			case number:
				values[i] = c.f
			case date:
				y, m, d := c.t.Date()
				values[i] = excelize.Cell{StyleID: dateStyle, Value: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
			case dateTime:
				values[i] = excelize.Cell{StyleID: timeStyle, Value: wallClock(c.t)}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
		row++
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// wallClock is the time a clock in t's location shows, to the minute, as
// UTC: a spreadsheet's time has no zone.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// widths are the column widths in characters: the longest value in each
// column and a margin, between 8 and 60.
func widths(t Table) []float64 {
	w := make([]float64, columns(t))
	measure := func(i int, s string) {
		// The longest line counts; a bold header is a little wider.
		for _, line := range strings.Split(s, "\n") {
			w[i] = max(w[i], float64(utf8.RuneCountInString(line)))
		}
	}
	for i, h := range t.Header {
		measure(i, h+" ")
	}
	for _, row := range t.Rows {
		for i, c := range row {
			measure(i, c.String())
		}
	}
	for i := range w {
		w[i] = min(60, max(8, w[i]+2))
	}
	return w
}

// SheetName is s made a valid sheet name: no : \ / ? * [ ] or control
// characters, no quote at either end, at most 31 UTF-16 units, not the
// name Excel keeps for itself; "Sheet1" when nothing is left.
func SheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`:\/?*[]`, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	trim := func(s string) string {
		for t := ""; t != s; {
			t, s = s, strings.Trim(strings.TrimSpace(s), "'")
		}
		return s
	}
	s = trim(s)
	units := 0
	for i, r := range s {
		units += len(utf16.Encode([]rune{r}))
		if units > 31 {
			s = trim(s[:i])
			break
		}
	}
	switch {
	case s == "":
		return "Sheet1"
	case strings.EqualFold(s, "History"):
		return s + " 1"
	}
	return s
}
