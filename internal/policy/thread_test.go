package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

func TestThreadPartsAreCountedOneByOne(t *testing.T) {
	long := strings.Repeat("word ", 60) // 300 characters
	short := "A short first post."
	e := policy.NewEngine(nil, nil, nil, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	src := "---\nchannel: x\nauthor: A\n---\n" + short + "\n\n---\n\n" + short + "\n"
	if r := e.Evaluate("posts/t.md", []byte(src)); hasRule(r, policy.RuleLength) {
		t.Fatalf("a thread of two short posts is too long: %v", r.Findings)
	}
	d := policy.ParseDraft("posts/t.md", []byte(src))
	if len(d.Parts) != 2 || d.Parts[0].Text != short || d.Parts[1].Line != 9 {
		t.Fatalf("parts %+v", d.Parts)
	}
	src = "---\nchannel: x\nauthor: A\n---\n" + short + "\n\n---\n\n" + long + "\n"
	r := e.Evaluate("posts/t.md", []byte(src))
	var got []policy.Finding
	for _, f := range r.Findings {
		if f.Rule == policy.RuleLength {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Line != 9 || !strings.Contains(got[0].Message, "post 2 of 2") {
		t.Fatalf("length findings %v", got)
	}
	// On LinkedIn, a --- is a divider, not a thread: the whole is counted.
	src = "---\nchannel: linkedin\nauthor: A\n---\n" + short + "\n\n---\n\n" + short + "\n"
	if r := e.Evaluate("posts/t.md", []byte(src)); r.Length < 2*len(short) {
		t.Errorf("linkedin length %d counts one part only", r.Length)
	}
}

func hasRule(r *policy.Result, rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func TestImagesAreAttachmentsNotLinks(t *testing.T) {
	e := policy.NewEngine(nil, nil, nil, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	src := "---\nchannel: x\nauthor: A\n---\n![The new embankment](images/embankment.jpg)\n"
	r := e.Evaluate("posts/i.md", []byte(src))
	if hasRule(r, policy.RuleInsecureLink) {
		t.Errorf("an image in the repo was taken for a bad link: %v", r.Findings)
	}
	if r.Scenario == policy.Pointer {
		t.Errorf("an image alone is not a pointer")
	}
	src = "---\nchannel: x\nauthor: A\n---\n![x](http://cdn.example.org/a.jpg)\n"
	if r := e.Evaluate("posts/i.md", []byte(src)); !hasRule(r, policy.RuleInsecureLink) {
		t.Errorf("an http image was not flagged: %v", r.Findings)
	}
}

func TestAlwaysReviewPathsAreDraftsToo(t *testing.T) {
	cfg, errs := policy.ParseConfig(policy.ConfigPath, []byte("always_review: [statements/**]\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	e := policy.NewEngine(cfg, nil, nil, time.Now())
	for path, want := range map[string]bool{
		"statements/2026/leader.md": true, "statements/photo.jpg": false, "posts/a.md": true, "notes/a.md": false,
		// A README says what a folder is for; it is not a draft.
		"posts/README.md": false, "replies/forum/readme.md": false, "statements/README.md": false,
		"posts/readme-launch.md": true, "posts/2026-12-01-readme.md": true,
	} {
		if got := e.IsDraft(path); got != want {
			t.Errorf("IsDraft(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestBareInternalAddressesAreLinks(t *testing.T) {
	e := policy.NewEngine(nil, nil, nil, time.Now())
	src := "---\nchannel: forum\nauthor: A\n---\nHello.\n\nSee https://intranet/housing, https://localhost:8080/x and http://10.0.0.5/a.\n"
	r := e.Evaluate("posts/a.md", []byte(src))
	internal, insecure := 0, 0
	for _, f := range r.Findings {
		switch f.Rule {
		case policy.RuleInternalLink:
			internal++
		case policy.RuleInsecureLink:
			insecure++
		}
		if (f.Rule == policy.RuleInternalLink || f.Rule == policy.RuleInsecureLink) && f.Line != 7 {
			t.Errorf("finding on line %d, want 7: %v", f.Line, f)
		}
	}
	if internal != 3 || insecure != 1 {
		t.Fatalf("internal %d, insecure %d; findings %v", internal, insecure, r.Findings)
	}
}

// In a thread channel, a line --- right under a line of text splits the
// thread (Markdown would make the text above it a heading).
func TestThreadBreakUnderText(t *testing.T) {
	e := policy.NewEngine(nil, nil, nil, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	first := strings.Repeat("lorem ipsum ", 8) + "end" // 99 characters
	second := strings.Repeat("dolor sit ", 20) + "end" // 203 characters
	for _, c := range []struct {
		name, channel, body string
		parts               int
	}{
		{"no blank line before ---", "x", first + "\n---\n\n" + second + "\n", 2},
		{"no blank line on either side", "bluesky", first + "\n---\n" + second + "\n", 2},
		{"a longer line of hyphens", "mastodon", first + "\n-----\n\n" + second + "\n", 2},
		{"two lines of text above", "threads", "Intro.\n" + first + "\n---\n\n" + second + "\n", 2},
		{"a heading with # is a heading", "x", "## " + first + "\n\n" + second + "\n", 1},
		{"--- in fenced code", "x", "```\n" + first + "\n---\n```\n\n" + second + "\n", 1},
		{"linkedin has no threads", "linkedin", first + "\n---\n\n" + second + "\n", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "---\nchannel: " + c.channel + "\nauthor: A\n---\n" + c.body
			d := policy.ParseDraft("posts/t.md", []byte(src))
			if len(d.Parts) != c.parts {
				t.Fatalf("%d parts, want %d: %+v", len(d.Parts), c.parts, d.Parts)
			}
			if c.parts == 2 {
				if !strings.HasSuffix(d.Parts[0].Text, first) {
					t.Errorf("part 1 = %q", d.Parts[0].Text)
				}
				if d.Parts[1].Text != second || d.Parts[0].Line != 5 {
					t.Errorf("parts %+v", d.Parts)
				}
				if r := e.Evaluate("posts/t.md", []byte(src)); hasRule(r, policy.RuleLength) {
					t.Errorf("a thread of two posts that fit is too long: %v", r.Findings)
				}
			}
		})
	}
}
