package policy

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/clearance-dev/clearance/internal/register"
	"go.yaml.in/yaml/v3"
)

// Register documents: the files of the register, read into the documents
// that internal/register indexes.

// BuildRegister reads and indexes files, using all cores. It returns the
// findings for documents that could not be read; those are left out of the
// register (nothing is public that cannot be read).
func BuildRegister(files []register.File) (*register.Register, []Finding) {
	return register.Build(files, parseDocument)
}

// addToRegister reads one register document and indexes it in r,
// replacing any earlier version at the same path. It costs time in
// proportion to that document only.
func addToRegister(r *register.Register, path string, data []byte) []Finding {
	doc, words, findings := ParseDocument(path, data)
	r.Put(path, doc, words)
	return findings
}

// ParseDocument reads a register document. A document that cannot be read
// is returned as nil with findings.
func ParseDocument(path string, data []byte) (*register.Document, []string, []Finding) {
	doc, body, findings := parseDocument(path, data)
	if doc == nil {
		return nil, nil, findings
	}
	return doc, doc.SetBody(body), findings
}

// parseDocument is ParseDocument without the tokenising: it returns the
// body whose words the document holds.
func parseDocument(path string, data []byte) (*register.Document, []byte, []Finding) {
	bad := func(line int, format string, args ...any) []Finding {
		return []Finding{{Rule: RuleRegister, Severity: Error, Path: path, Line: line, Message: fmt.Sprintf(format, args...)}}
	}
	if base := strings.ToLower(path[strings.LastIndex(path, "/")+1:]); strings.HasPrefix(base, "readme") {
		return nil, nil, nil // notes about the folder, not a published document
	}
	if len(data) > 8*MaxDraftBytes {
		return nil, nil, bad(0, "this register document is %d bytes, too large to index; split it", len(data))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, nil, bad(0, "this is a binary file, not a Markdown document; the register holds Markdown files")
	}
	if !bytesValidUTF8(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	doc := &register.Document{Path: path}
	var findings []Finding
	fm, body, _, ok := splitFrontMatter(data)
	if !ok || len(bytes.TrimSpace(fm)) == 0 {
		// Fail closed: without a publication date nobody can tell that
		// it was published, and not a draft release saved here early.
		return nil, nil, bad(1, "this document has no front matter, so clearance cannot tell when it was published. Start it with a line ---, then title:, published_at: (for example published_at: 2026-03-01T09:00:00Z) and url:, then a line ---. Until then it does not count as published")
	}
	if key, line, want := misspeltRegisterKey(fm); key != "" {
		return nil, nil, bad(line, "%q is not a field clearance reads; did you mean %s:? Until it is fixed this document does not count as published, since a misspelt date or embargo would be ignored", key, want)
	}
	if ok && len(fm) > 0 {
		meta, quick := quickMeta(fm)
		if !quick {
			var root yaml.Node
			err := yaml.Unmarshal(fm, &root)
			if err == nil {
				if ce := checkYAMLShape(path, &root); ce != nil {
					return nil, nil, bad(ce.Line+1, "the front matter cannot be read: %s", ce.Msg)
				}
				err = root.Decode(&meta)
			}
			if err != nil {
				line := 1
				if errs := yamlErrors(path, fm, err); len(errs) > 0 && errs[0].Line > 0 {
					line = errs[0].Line + 1
				}
				return nil, nil, bad(line, "the front matter cannot be read (%v); until it is fixed this document does not count as published", strings.TrimPrefix(err.Error(), "yaml: "))
			}
		}
		doc.Title, doc.URL = meta.Title, meta.URL
		if meta.PublishedAt.Value != "" {
			t, err := parseTime(&meta.PublishedAt)
			if err != nil {
				return nil, nil, bad(meta.PublishedAt.Line+1, "published_at %q is not a date; write it like 2026-03-01 or 2026-03-01T09:00:00Z. Until then this document does not count as published", meta.PublishedAt.Value)
			}
			doc.PublishedAt = t
		}
		if meta.EmbargoUntil.Value != "" {
			t, err := parseTime(&meta.EmbargoUntil)
			if err != nil {
				return nil, nil, bad(meta.EmbargoUntil.Line+1, "embargo_until %q is not a date; write it like 2026-03-01T09:00:00Z. Until then this document does not count as published", meta.EmbargoUntil.Value)
			}
			doc.EmbargoUntil = t
		}
		if doc.PublishedAt.IsZero() {
			return nil, nil, bad(1, "no published_at: add published_at: with the date and time it was published (for example published_at: 2026-03-01T09:00:00Z). Until then this document does not count as published")
		}
	} else {
		body = data
	}
	return doc, body, findings
}

// registerKeys are the front-matter fields of a register document that
// clearance reads; misspeltRegisterKey looks for near misses of them.
var registerKeys = []string{"title", "url", "published_at", "embargo_until"}

// misspeltRegisterKey finds a top-level front-matter key that looks like a
// date or embargo field but is not one clearance reads ("embargo:",
// "Published_At:", "publish_date:"), and says which field it should be.
// Other keys (tags, summary, layout, …) are allowed and ignored.
func misspeltRegisterKey(fm []byte) (key string, line int, want string) {
	for n, l := range strings.Split(string(fm), "\n") {
		if l == "" || l[0] == ' ' || l[0] == '\t' || l[0] == '#' || l[0] == '-' {
			continue
		}
		k, _, found := strings.Cut(l, ":")
		if !found {
			continue
		}
		k = strings.Trim(strings.TrimSpace(k), `"'`)
		if slices.Contains(registerKeys, k) {
			continue
		}
		lk := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(k))
		switch {
		case strings.Contains(lk, "embargo"):
			return k, n + 2, "embargo_until"
		case strings.Contains(lk, "publish") || lk == "date" || lk == "release_date" || lk == "released" || lk == "released_at":
			return k, n + 2, "published_at"
		case lk == "title" || lk == "url":
			return k, n + 2, lk
		}
	}
	return "", 0, ""
}

// docMeta is the front matter of a register document.
type docMeta struct {
	Title        string    `yaml:"title"`
	URL          string    `yaml:"url"`
	PublishedAt  yaml.Node `yaml:"published_at"`
	EmbargoUntil yaml.Node `yaml:"embargo_until"`
}

// quickMeta reads front matter that is only "key: value" lines with plain
// or simply quoted values, blank lines and comments: the usual shape of a
// register document's, read here without the cost of a YAML parser (a
// third of the time of indexing a register). For anything else ok is false
// and the caller parses the YAML; the result is the same either way.
func quickMeta(fm []byte) (m docMeta, ok bool) {
	var seen [8]string
	nseen := 0
	for n := 1; len(fm) > 0; n++ {
		line, rest, _ := bytes.Cut(fm, []byte("\n"))
		fm = rest
		line = bytes.TrimSuffix(line, []byte("\r"))
		for i := 0; i < len(line); {
			r, size := utf8.DecodeRune(line[i:])
			// Anything YAML reads otherwise: control characters,
			// other line breaks, non-printable characters, a BOM.
			if r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff || r >= 0xfffe && r <= 0xffff || r == utf8.RuneError {
				return m, false
			}
			i += size
		}
		if len(bytes.TrimLeft(line, " ")) == 0 || line[0] == '#' {
			continue
		}
		k := 0
		for k < len(line) && (line[k] >= 'a' && line[k] <= 'z' || line[k] >= 'A' && line[k] <= 'Z' || line[k] == '_' || k > 0 && (line[k] >= '0' && line[k] <= '9' || line[k] == '-')) {
			k++
		}
		// (YAML allows an implicit key of at most 1024 characters.)
		if k == 0 || k > 128 || k == len(line) || line[k] != ':' || k+1 < len(line) && line[k+1] != ' ' {
			return m, false
		}
		key := string(line[:k])
		for _, s := range seen[:nseen] {
			if s == key {
				return m, false // YAML says it is defined twice
			}
		}
		if nseen == len(seen) {
			return m, false
		}
		seen[nseen] = key
		nseen++
		v := string(bytes.Trim(line[k+1:], " "))
		switch {
		case v == "":
		case v[0] == '"':
			if len(v) < 2 || v[len(v)-1] != '"' || strings.ContainsAny(v[1:len(v)-1], "\"\\") {
				return m, false
			}
			v = v[1 : len(v)-1]
		case v[0] == '\'':
			if len(v) < 2 || v[len(v)-1] != '\'' || strings.ContainsRune(v[1:len(v)-1], '\'') {
				return m, false
			}
			v = v[1 : len(v)-1]
		default:
			if strings.ContainsRune("-?:,[]{}#&*!|>%@`", rune(v[0])) || strings.Contains(v, " #") || strings.Contains(v, ": ") || v[len(v)-1] == ':' {
				return m, false
			}
			switch v {
			case "~", "null", "Null", "NULL":
				return m, false
			}
		}
		switch key {
		case "title":
			m.Title = v
		case "url":
			m.URL = v
		case "published_at":
			m.PublishedAt = yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: n}
		case "embargo_until":
			m.EmbargoUntil = yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: n}
		}
	}
	return m, true
}
