package recruiting

// MarkProtected is markProtected, for the tests.
func MarkProtected(p *Paper) { p.markProtected() }
