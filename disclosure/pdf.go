package disclosure

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"portal/fonts"
)

const font = "dejavu"

// writePDF writes one application of the copy as a recruiter reads it:
// the details, answers, versions and attached files, with what is masked
// replaced by Masked. Masked values are never handed to the PDF.
func writePDF(w io.Writer, c Copy, it Item) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(font, "", fonts.Regular)
	pdf.AddUTF8FontFromBytes(font, "B", fonts.Bold)
	pdf.SetTitle(it.Label()+", "+c.Request.Ref, true)
	pdf.SetCreator("portal", true)
	pdf.SetCreationDate(c.Built)
	pdf.SetModificationDate(c.Built)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Kopia av allmän handling, begäran %s. %s = maskerad uppgift. Sida %d",
			c.Request.ID, Masked, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	text := width - left - right

	heading := func(s string, size float64) {
		pdf.SetFont(font, "B", size)
		pdf.MultiCell(text, size*0.55, s, "", "L", false)
		pdf.Ln(2)
	}
	para := func(s string) {
		pdf.SetFont(font, "", 10)
		pdf.MultiCell(text, 5, s, "", "L", false)
	}
	lines := func(ls []Line) {
		for _, l := range ls {
			pdf.SetFont(font, "B", 10)
			pdf.MultiCell(text, 5, l.Label, "", "L", false)
			para(l.Value)
			pdf.Ln(1.5)
		}
	}

	heading("Ansökan, "+it.Label(), 16)
	para(fmt.Sprintf("Rekrytering %s: %s", c.Request.Ref, c.Request.Recruitment.Title))
	para(fmt.Sprintf("Utlämnad till %s, sammanställd %s.", c.Request.Requester.Name, c.Built.In(Stockholm).Format("2006-01-02 15:04")))
	pdf.Ln(4)
	if it.Placeholder {
		para("Sökande med skyddade personuppgifter. Ansökan har lämnats på papper och finns inte i portalen.")
		return pdf.Output(w)
	}
	if it.Protected {
		para("Sökanden har skyddade personuppgifter: kontaktuppgifterna är maskerade.")
		pdf.Ln(2)
	}
	heading("Uppgifter om sökanden", 12)
	lines(it.Details)
	pdf.Ln(2)
	heading("Svar på frågor", 12)
	if len(it.Answers) == 0 {
		para("Inga frågor.")
	}
	lines(it.Answers)
	pdf.Ln(2)
	if len(it.Versions) > 0 {
		heading("Versioner", 12)
		for _, v := range it.Versions {
			para(fmt.Sprintf("Version %d, inskickad %s, %d bilagor", v.N, v.At.In(Stockholm).Format("2006-01-02 15:04"), v.Files))
		}
		pdf.Ln(2)
	}
	heading("Bilagor", 12)
	if len(it.Files) == 0 {
		para("Inga bilagor.")
	}
	for _, f := range it.Files {
		state := "ingår i kopian"
		switch {
		case f.Missing:
			state = "finns inte längre"
		case !f.Included:
			state = "lämnas inte ut"
		}
		pdf.SetFont(font, "B", 10)
		pdf.MultiCell(text, 5, f.Name, "", "L", false)
		para(fmt.Sprintf("%s, %s", sizeText(f.Size), state))
		para("SHA-256 " + f.SHA256)
		pdf.Ln(1.5)
	}
	if len(it.Ratings) > 0 {
		pdf.Ln(2)
		heading("Betyg", 12)
		lines(it.Ratings)
	}
	if len(it.Notes) > 0 {
		pdf.Ln(2)
		heading("Anteckningar", 12)
		lines(it.Notes)
	}
	return pdf.Output(w)
}

// sizeText is a file size in Swedish, e.g. "1,2 MB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", (n+512)>>10)
	}
	return fmt.Sprintf("%d byte", n)
}
