package policy

// CodeownersPaths are the places GitHub looks for CODEOWNERS, in order; the
// first that exists wins.
var CodeownersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// Owners is a parsed CODEOWNERS file. Placeholder: replaced by the real one.
type Owners struct {
	Path string
}

// ParseCodeowners parses a CODEOWNERS file. Placeholder.
func ParseCodeowners(path string, data []byte) (*Owners, []Finding) {
	return &Owners{Path: path}, nil
}

// Match returns the owners of file ("@org/team", "@user" or an email) and
// the 1-based line of the rule that matched (0 when no rule matched).
func (o *Owners) Match(file string) (owners []string, line int) {
	return nil, 0
}
