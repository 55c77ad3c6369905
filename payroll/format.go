package payroll

import (
	"strconv"
	"strings"
)

// Format writes the amount for a reader of the language: Swedish
// "32 450,00 kr" (a no-break space between thousands), English
// "SEK 32,450.00"; a deduction with a minus sign.
func (a Amount) Format(lang string) string {
	num := a.Number(lang)
	if lang == "en" {
		if strings.HasPrefix(num, "-") {
			return "-SEK " + num[1:]
		}
		return "SEK " + num
	}
	return num + "\u00a0kr"
}

// Number writes the amount without currency: "32 450,00", "32,450.00".
func (a Amount) Number(lang string) string {
	sign := ""
	v := int64(a)
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + group(v/100, lang) + decimalMark(lang) + pad2(v%100)
}

// Format writes the quantity with the decimals it has (at most two):
// Swedish "8,5", "1 250", English "8.5", "1,250".
func (q Quantity) Format(lang string) string {
	sign := ""
	v := int64(q)
	if v < 0 {
		sign, v = "-", -v
	}
	s := sign + group(v/100, lang)
	if frac := v % 100; frac != 0 {
		s += decimalMark(lang) + strings.TrimSuffix(pad2(frac), "0")
	}
	return s
}

func decimalMark(lang string) string {
	if lang == "en" {
		return "."
	}
	return ","
}

func pad2(v int64) string {
	if v < 10 {
		return "0" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}

// group writes a whole number with thousands separated: a no-break
// space in Swedish, a comma in English.
func group(v int64, lang string) string {
	sep := "\u00a0"
	if lang == "en" {
		sep = ","
	}
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
