package policy_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

func TestParseDocument(t *testing.T) {
	doc, words, fs := policy.ParseDocument("published/flood.md", []byte(floodRelease))
	if len(fs) != 0 || doc == nil {
		t.Fatalf("%v", fs)
	}
	if doc.Title != "River Wend flood defences completed" || doc.URL != "https://www.northbridge.gov.uk/news/flood-defences" ||
		!doc.PublishedAt.Equal(time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC)) || !doc.EmbargoUntil.IsZero() || doc.Path != "published/flood.md" {
		t.Errorf("%+v", doc)
	}
	if words[0] != "river" || words[len(words)-1] != "million" || slices.Contains(words, "title") {
		t.Errorf("words %q", words)
	}
	if doc.Name() != `"River Wend flood defences completed" (published/flood.md)` {
		t.Errorf("Name() = %s", doc.Name())
	}

	// Fail closed: a document that does not say when it was published
	// (no front matter, no published_at, a misspelt date or embargo
	// field) does not count as published, and says what to add.
	for _, c := range []struct{ name, src, say string }{
		{"no front matter", "No front matter at all.", "no front matter"},
		{"no published_at", "---\ntitle: T\nurl: https://x.example/a\n---\nText.", "no published_at"},
		{"embargo misspelt", "---\ntitle: T\npublished_at: 2026-01-01\nembargo: 2027-01-01\n---\nText.", `"embargo" is not a field clearance reads; did you mean embargo_until:?`},
		{"embargo in capitals", "---\ntitle: T\npublished_at: 2026-01-01\nEmbargo_Until: 2027-01-01\n---\nText.", "did you mean embargo_until:?"},
		{"date misspelt", "---\ntitle: T\npublish_date: 2026-01-01\n---\nText.", "did you mean published_at:?"},
	} {
		doc, _, fs := policy.ParseDocument("published/x.md", []byte(c.src))
		if doc != nil || len(fs) != 1 || fs[0].Severity != policy.Error || !strings.Contains(fs[0].Message, c.say) || fs[0].Line < 1 {
			t.Errorf("%s: %+v %v; want no document and an error saying %q", c.name, doc, fs, c.say)
		}
	}
	// Other fields are allowed; a README in the folder is not a document.
	if doc, _, fs := policy.ParseDocument("published/x.md", []byte("---\ntitle: T\npublished_at: 2026-01-01\ntags: [a]\nlayout: post\n---\nText.")); doc == nil || len(fs) != 0 {
		t.Errorf("extra fields: %+v %v", doc, fs)
	}
	if doc, _, fs := policy.ParseDocument("published/README.md", []byte("About this folder.")); doc != nil || len(fs) != 0 {
		t.Errorf("README: %+v %v", doc, fs)
	}
	doc, _, _ = policy.ParseDocument("published/e.md", []byte(bridgeRelease))
	if !doc.EmbargoUntil.Equal(time.Date(2026, 12, 1, 0, 1, 0, 0, time.UTC)) {
		t.Errorf("embargo %v", doc.EmbargoUntil)
	}

	bad := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"binary", "---\ntitle: x\n---\n\x00\x01", 0, "binary"},
		{"bad published_at", "---\ntitle: x\npublished_at: soon\n---\nbody", 3, `published_at "soon" is not a date`},
		{"bad embargo_until", "---\ntitle: x\n\nembargo_until: 2026-13-45\n---\nbody", 4, `embargo_until "2026-13-45" is not a date`},
		{"yaml error", "---\ntitle: [x\nurl: y\n---\nbody", 3, "the front matter cannot be read"},
		{"wrong type", "---\ntitle: [a, b]\n---\nbody", 2, "the front matter cannot be read"},
		{"deep nesting", "---\ntitle: " + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "\n---\nbody", 2, "nested more than 64"},
		{"too large", strings.Repeat("word ", 8*policy.MaxDraftBytes/5+1), 0, "too large to index"},
	}
	for _, c := range bad {
		doc, words, fs := policy.ParseDocument("published/bad.md", []byte(c.src))
		if doc != nil || words != nil || len(fs) != 1 {
			t.Errorf("%s: %+v %v", c.name, doc, fs)
			continue
		}
		f := fs[0]
		if f.Rule != policy.RuleRegister || f.Severity != policy.Error || f.Line != c.line || !strings.Contains(f.Message, c.msg) || f.Path != "published/bad.md" {
			t.Errorf("%s: %v", c.name, f)
		}
	}
}

func TestDocumentPublicAt(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		published, embargo time.Time
		at                 time.Time
		want               bool
	}{
		{time.Time{}, time.Time{}, day(1), true},
		{day(1), time.Time{}, day(1), true},
		{day(2), time.Time{}, day(1), false},
		{time.Time{}, day(2), day(1), false},
		{time.Time{}, day(2), day(2), true},
		{day(1), day(3), day(2), false},
		{day(3), day(1), day(2), false},
		{day(1), day(3), day(3), true},
	}
	for i, c := range cases {
		d := &register.Document{PublishedAt: c.published, EmbargoUntil: c.embargo}
		if got := d.PublicAt(c.at); got != c.want {
			t.Errorf("%d: PublicAt = %v, want %v", i, got, c.want)
		}
	}
}

// pub is a register document of text with the front matter it needs to
// count as published.
func pub(text string) []byte { return []byte("---\npublished_at: 2026-01-01T00:00:00Z\n---\n" + text) }

func matchWords(r *register.Register, s string) []register.Run {
	return r.Match(text.Words(s), 6, nil, nil)
}

func TestRegisterAddRemoveReplace(t *testing.T) {
	r := register.New()
	const v1 = "The library on Station Road will open until eight every weekday from December."
	const v2 = "The swimming pool on Mill Lane will close for repairs during the whole of January."
	if fs := policy.AddToRegister(r, "published/a.md", pub(v1)); len(fs) != 0 {
		t.Fatal(fs)
	}
	policy.AddToRegister(r, "published/b.md", pub("Another document about something else entirely, with enough words."))
	if r.Len() != 2 || !slices.Equal(r.Paths(), []string{"published/a.md", "published/b.md"}) {
		t.Fatalf("Len %d Paths %v", r.Len(), r.Paths())
	}
	if runs := matchWords(r, v1); len(runs) != 1 || runs[0].Doc.Path != "published/a.md" || runs[0].Start != 0 || runs[0].End != len(text.Words(v1)) {
		t.Errorf("v1: %+v", runs)
	}
	// Replace a with new text: the old text is gone, the new found.
	policy.AddToRegister(r, "published/a.md", pub(v2))
	if r.Len() != 2 || r.Doc("published/a.md").Words() != len(text.Words(v2)) {
		t.Errorf("after replace: Len %d", r.Len())
	}
	if runs := matchWords(r, v1); len(runs) != 0 {
		t.Errorf("old text still found: %+v", runs)
	}
	if runs := matchWords(r, v2); len(runs) != 1 || runs[0].Doc.Path != "published/a.md" {
		t.Errorf("v2: %+v", runs)
	}
	// A replacement that cannot be read removes the old version.
	if fs := policy.AddToRegister(r, "published/a.md", []byte("---\npublished_at: never\n---\n"+v2)); len(fs) != 1 {
		t.Errorf("findings %v", fs)
	}
	if r.Doc("published/a.md") != nil || r.Len() != 1 || len(matchWords(r, v2)) != 0 {
		t.Errorf("unreadable replacement kept the old version")
	}
	policy.AddToRegister(r, "published/a.md", pub(v2))
	r.Remove("published/a.md")
	r.Remove("published/never-there.md")
	if r.Doc("published/a.md") != nil || r.Len() != 1 || len(matchWords(r, v2)) != 0 {
		t.Errorf("after Remove: Len %d, runs %v", r.Len(), matchWords(r, v2))
	}
}

func TestBuildRegister(t *testing.T) {
	files := []register.File{
		{Path: "published/a.md", Data: []byte(floodRelease)},
		{Path: "published/bad.md", Data: []byte("---\npublished_at: yesterday\n---\nx")},
		{Path: "published/b.md", Data: []byte(bridgeRelease)},
		{Path: "published/bin.md", Data: []byte("\x00")},
	}
	r, fs := policy.BuildRegister(files)
	if r.Len() != 2 || !slices.Equal(r.Paths(), []string{"published/a.md", "published/b.md"}) {
		t.Errorf("Len %d Paths %v", r.Len(), r.Paths())
	}
	var bad []string
	for _, f := range fs {
		bad = append(bad, f.Path)
	}
	if !slices.Equal(bad, []string{"published/bad.md", "published/bin.md"}) {
		t.Errorf("findings %v", fs)
	}
	// LoadBase reports them as problems of the repo.
	base := policy.LoadBase(testRepo(map[string]string{"published/bad.md": "---\npublished_at: yesterday\n---\nx"}))
	if f := findRule(base.Findings, policy.RuleRegister); f == nil || f.Path != "published/bad.md" || f.Line != 2 {
		t.Errorf("LoadBase findings %v", base.Findings)
	}
}

// TestMatchShortSpans: spans shorter than minRun are found only in
// documents already matched or named as hints.
func TestMatchShortSpans(t *testing.T) {
	r := register.New()
	policy.AddToRegister(r, "published/a.md", pub("The council has approved the budget for next year. Bins go out Tuesday."))
	policy.AddToRegister(r, "published/b.md", pub("Unrelated text. Bins go out Tuesday."))
	words := text.Words("Bins go out Tuesday.")
	short := [][2]int{{0, 4}}
	if runs := r.Match(words, 6, short, nil); len(runs) != 0 {
		t.Errorf("without a hint: %+v", runs)
	}
	runs := r.Match(words, 6, short, []string{"published/b.md", "published/none.md"})
	if len(runs) != 1 || runs[0].Doc.Path != "published/b.md" || runs[0].Start != 0 || runs[0].End != 4 || runs[0].DocPos != 2 {
		t.Errorf("with a hint: %+v", runs)
	}
	words = text.Words("The council has approved the budget for next year. Bins go out Tuesday.")
	runs = r.Match(words, 6, [][2]int{{9, 13}}, nil)
	var got []string
	for _, run := range runs {
		got = append(got, fmt.Sprintf("%s %d-%d", run.Doc.Path, run.Start, run.End))
	}
	if want := []string{"published/a.md 0-13"}; !slices.Equal(got, want) {
		t.Errorf("runs %q, want %q", got, want)
	}
	// A span with a word the register has never seen is not found.
	words = text.Words("Bins go out Wednesday.")
	if runs := r.Match(words, 6, [][2]int{{0, 4}}, []string{"published/a.md"}); len(runs) != 0 {
		t.Errorf("unknown word: %+v", runs)
	}
}

// vocabulary is a deterministic list of made-up words.
func vocabulary(n int, rng *rand.Rand) []string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		b := make([]byte, 3+rng.IntN(7))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		if w := string(b); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// TestMatchFindsEveryLongRun is a property test: a run of at least
// GuaranteedRun words shared with any document, at any position, is found
// whole, whatever surrounds it in the draft.
func TestMatchFindsEveryLongRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := vocabulary(300, rng) // small, so grams repeat across documents
	r := register.New()
	docs := make([][]string, 200)
	for i := range docs {
		n := 300 + rng.IntN(2000)
		ws := make([]string, n)
		for j := range ws {
			ws[j] = vocab[rng.IntN(len(vocab))]
		}
		docs[i] = ws
		policy.AddToRegister(r, fmt.Sprintf("published/%03d.md", i), pub(strings.Join(ws, " ")))
	}
	if register.GuaranteedRun != 6 {
		t.Fatalf("GuaranteedRun = %d", register.GuaranteedRun)
	}
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	for it := 0; it < iterations; it++ {
		di := rng.IntN(len(docs))
		doc := docs[di]
		length := register.GuaranteedRun + rng.IntN(40)
		if rng.IntN(10) == 0 {
			length = register.GuaranteedRun // the shortest is the hardest
		}
		pos := rng.IntN(len(doc) - length + 1)
		if rng.IntN(10) == 0 {
			pos = len(doc) - length // at the very end
		} else if rng.IntN(10) == 0 {
			pos = 0
		}
		// Surround the run with words no document has.
		var draft []string
		pre := rng.IntN(20)
		for k := 0; k < pre; k++ {
			draft = append(draft, fmt.Sprintf("new%d", k))
		}
		draft = append(draft, doc[pos:pos+length]...)
		for k := rng.IntN(20); k > 0; k-- {
			draft = append(draft, fmt.Sprintf("other%d", k))
		}
		path := fmt.Sprintf("published/%03d.md", di)
		found := false
		for _, run := range r.Match(draft, register.GuaranteedRun, nil, nil) {
			if run.End-run.Start < register.GuaranteedRun {
				t.Fatalf("run shorter than minRun: %+v", run)
			}
			if run.Doc.Path == path && run.Start == pre && run.End == pre+length && run.DocPos == pos {
				found = true
			}
		}
		if !found {
			t.Fatalf("iteration %d: run of %d words at %d of %s not found", it, length, pos, path)
		}
	}
}

// TestMatchConcurrent runs matches while documents are added and removed
// (run with -race).
func TestMatchConcurrent(t *testing.T) {
	r := register.New()
	const text = "The library on Station Road will open until eight every weekday from December."
	policy.AddToRegister(r, "published/a.md", pub(text))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				matchWords(r, text)
				r.Len()
				r.Paths()
			}
		}()
	}
	for i := 0; i < 200; i++ {
		p := fmt.Sprintf("published/%d.md", i%5)
		policy.AddToRegister(r, p, pub(text))
		if i%3 == 0 {
			r.Remove(p)
		}
	}
	wg.Wait()
	if runs := matchWords(r, text); len(runs) == 0 {
		t.Errorf("not found after concurrent updates")
	}
}
