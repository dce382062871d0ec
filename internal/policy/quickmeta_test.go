package policy

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlMeta reads front matter the slow way, as parseDocument does when
// quickMeta declines.
func yamlMeta(fm []byte) (docMeta, bool) {
	var m docMeta
	var root yaml.Node
	if err := yaml.Unmarshal(fm, &root); err != nil {
		return m, false
	}
	if checkYAMLShape("x", &root) != nil {
		return m, false
	}
	if err := root.Decode(&m); err != nil {
		return m, false
	}
	return m, true
}

// checkQuickMeta: whenever quickMeta reads front matter, YAML reads it the
// same way.
func checkQuickMeta(t *testing.T, fm []byte) bool {
	t.Helper()
	quick, ok := quickMeta(fm)
	if !ok {
		return false
	}
	slow, ok := yamlMeta(fm)
	if !ok {
		t.Fatalf("quickMeta read %q, YAML refuses it", fm)
	}
	if quick.Title != slow.Title || quick.URL != slow.URL ||
		quick.PublishedAt.Value != slow.PublishedAt.Value || quick.EmbargoUntil.Value != slow.EmbargoUntil.Value ||
		(slow.PublishedAt.Value != "" && quick.PublishedAt.Line != slow.PublishedAt.Line) ||
		(slow.EmbargoUntil.Value != "" && quick.EmbargoUntil.Line != slow.EmbargoUntil.Line) {
		t.Fatalf("%q:\nquick %+v\nyaml  %+v", fm, quick, slow)
	}
	return true
}

func TestQuickMeta(t *testing.T) {
	for _, c := range []struct {
		fm    string
		quick bool
	}{
		{"title: River Wend flood defences\npublished_at: 2026-10-14T10:00:00Z\nurl: https://www.example.gov.uk/a\n", true},
		{"title: \"Quoted: with a colon\"\nembargo_until: '2026-12-01'\n", true},
		{"# a comment\n\ntitle: x\r\nurl: y\r\n  \n", true},
		{"title:\npublished_at:\n", true},
		{"title: 2026\nurl: true\n", true},
		{"title: 0x1F\nurl: 1e3\n", true},
		{"title: yes\nurl: .inf\n", true},
		{"title: C# and F#\nurl: a:b\n", true},
		{"title: a [b] {c} & *d !e\n", true},
		{"title: £14.6 million – “quoted”\n", true},
		{"other_key: whatever it is\ntitle: x\n", true},
		{"title: ~\n", false},
		{"title: null\n", false},
		{"title: a # comment\n", false},
		{"title: a: b\n", false},
		{"title: a:\n", false},
		{"title: x\ntitle: y\n", false},
		{"title: 'it''s'\n", false},
		{"title: \"a \\\" b\"\n", false},
		{"title: [a, b]\n", false},
		{"title: |\n  block\n", false},
		{"title: long\n  continued\n", false},
		{"title:\tx\n", false},
		{"url:https://x\n", false},
		{"- a\n", false},
		{"title: &a x\n", false},
		{"title: x\u2028y\n", false},
		{"title: \x7f\n", false},
	} {
		if got := checkQuickMeta(t, []byte(c.fm)); got != c.quick {
			t.Errorf("quickMeta(%q) ok = %v, want %v", c.fm, got, c.quick)
		}
	}
}

func FuzzQuickMeta(f *testing.F) {
	for _, s := range []string{
		"title: River Wend\npublished_at: 2026-10-14T10:00:00Z\nurl: https://x/y\n",
		"title: \"a: b\"\nembargo_until: '2026-12-01'\n# c\n",
		"title: 0x1F\nurl: yes\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, fm []byte) {
		checkQuickMeta(t, fm)
	})
}
