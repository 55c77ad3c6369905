// Package fonts holds the one font the portal's PDFs are written in:
// DejaVu Sans, under the Bitstream Vera licence (LICENSE beside this
// file), a font with every Swedish letter. A PDF embeds the subset it
// uses.
package fonts

import _ "embed"

// Regular and Bold are DejaVu Sans as TrueType files.
var (
	//go:embed DejaVuSans.ttf
	Regular []byte
	//go:embed DejaVuSans-Bold.ttf
	Bold []byte
)
