package payroll

import (
	_ "embed"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// DejaVu Sans, under the Bitstream Vera licence (fonts/LICENSE): a font
// with every Swedish letter, embedded as a subset in each PDF. Only the
// regular weight: each font read costs about 25 ms, and a payslip is
// clear enough with sizes and rules (headings are larger, the net pay
// underlined by a rule).
//
//go:embed fonts/DejaVuSans.ttf
var fontRegular []byte

const pdfFont = "dejavu"

// Slip is what the PDF of a payslip shows besides the payslip: whose it
// is and the words of the reader's language.
type Slip struct {
	Employer   string // "Exempelkommunen"
	Name       string // the employee
	Employment string // "100015 · Sjuksköterska · Solgårdens vård- och omsorgsboende"
	Lang       string // "sv" or "en", for the amounts
	Date       func(time.Time) string
	// The texts: the title, the labels of the facts and the columns, and
	// a note at the foot.
	Title, PeriodLabel, PaidOnLabel, EmploymentLabel string
	Code, Text, Quantity, Rate, Amount               string
	Gross, Tax, Net, Footer                          string
	Created                                          time.Time
}

// WritePDF writes the payslip as a one-page A4 PDF.
func WritePDF(w io.Writer, p Payslip, s Slip) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFont, "", fontRegular)
	pdf.SetTitle(s.Title, true)
	pdf.SetAuthor(s.Employer, true)
	pdf.SetCreator("portal", true)
	pdf.SetCreationDate(s.Created)
	pdf.SetModificationDate(s.Created)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(pdfFont, "", 8)
		pdf.CellFormat(0, 5, s.Footer, "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	text := width - left - right

	pdf.SetFont(pdfFont, "", 18)
	pdf.MultiCell(text, 8, s.Title, "", "L", false)
	pdf.SetFont(pdfFont, "", 10)
	pdf.MultiCell(text, 5, s.Employer, "", "L", false)
	pdf.Ln(3)
	fact := func(label, value string) {
		pdf.SetFont(pdfFont, "", 10)
		pdf.CellFormat(45, 6, label, "", 0, "L", false, 0, "")
		pdf.SetFont(pdfFont, "", 10)
		pdf.MultiCell(text-45, 6, value, "", "L", false)
	}
	fact(s.EmploymentLabel, s.Name+"\n"+s.Employment)
	fact(s.PeriodLabel, string(p.Period))
	fact(s.PaidOnLabel, s.Date(p.PaidOn))
	pdf.Ln(4)

	cols := []float64{16, text - 16 - 24 - 30 - 34, 24, 30, 34}
	heads := []string{s.Code, s.Text, s.Quantity, s.Rate, s.Amount}
	aligns := []string{"L", "L", "R", "R", "R"}
	pdf.SetFont(pdfFont, "", 9)
	pdf.SetFillColor(230, 234, 239)
	for i, h := range heads {
		pdf.CellFormat(cols[i], 7, h, "B", 0, aligns[i], true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont(pdfFont, "", 9)
	for _, l := range p.Lines {
		qty, rate := "", ""
		if l.Quantity != 0 {
			qty = l.Quantity.Format(s.Lang)
			if l.Unit != "" {
				qty += " " + l.Unit
			}
		}
		if l.Rate != 0 {
			rate = l.Rate.Number(s.Lang)
		}
		row := []string{l.Code, l.Text, qty, rate, l.Amount.Number(s.Lang)}
		for i, v := range row {
			pdf.CellFormat(cols[i], 6, v, "", 0, aligns[i], false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(2)
	total := func(label string, a Amount, emphasis bool) {
		size, rule := 10.0, "T"
		if emphasis {
			size, rule = 12, "TB"
		}
		pdf.SetFont(pdfFont, "", size)
		pdf.CellFormat(text-40, 7, label, rule, 0, "R", false, 0, "")
		pdf.CellFormat(40, 7, a.Format(s.Lang), rule, 1, "R", false, 0, "")
	}
	total(s.Gross, p.Gross, false)
	total(s.Tax, -p.Tax, false)
	total(s.Net, p.Net, true)
	return pdf.Output(w)
}
