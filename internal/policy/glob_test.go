package policy_test

import (
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

func TestGlob(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"posts/**/*.md", "posts/a.md", true},
		{"posts/**/*.md", "posts/2026/12/a.md", true},
		{"posts/**/*.md", "posts/a.txt", false},
		{"posts/**/*.md", "other/posts/a.md", false},
		{"posts/**/*.md", "posts", false},
		{"posts/*.md", "posts/2026/a.md", false},
		{"/posts/*.md", "posts/a.md", true},
		{"./posts/*.md", "posts/a.md", true},
		{"statements/**", "statements/a.md", true},
		{"statements/**", "statements/x/y/z.md", true},
		{"statements/**", "statements", true},
		{"statements/**", "statementsx/a.md", false},
		{"**/urgent-*.md", "urgent-1.md", true},
		{"**/urgent-*.md", "a/b/urgent-1.md", true},
		{"**/urgent-*.md", "a/b/not-urgent-1.md", false},
		{"a/**/b/**/c.md", "a/x/b/y/z/c.md", true},
		{"a/**/b/**/c.md", "a/b/c.md", true},
		{"a/**/b/**/c.md", "a/c.md", false},
		{"posts/[ab].md", "posts/a.md", true},
		{"posts/[ab].md", "posts/c.md", false},
		{"posts/?.md", "posts/a.md", true},
		{"posts/[a.md", "posts/[a.md", false}, // a bad pattern matches nothing
		{"*.md", "a.md", true},
		{"*.md", "dir/a.md", false},
		{"**", "anything/at/all", true},
	}
	for _, c := range cases {
		if got := policy.CompileGlob(c.pattern).Match(c.path); got != c.want {
			t.Errorf("%q ~ %q = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
	if s := policy.CompileGlob("/posts/*.md").String(); s != "posts/*.md" {
		t.Errorf("String() = %q", s)
	}
}

func TestGlobSet(t *testing.T) {
	set := policy.CompileGlobs([]string{"posts/**/*.md", "replies/**/*.md"})
	if g, ok := set.Match("replies/forum/a.md"); !ok || g.String() != "replies/**/*.md" {
		t.Errorf("Match = %v %v", g, ok)
	}
	if _, ok := set.Match("published/a.md"); ok {
		t.Errorf("matched published/a.md")
	}
	if _, ok := policy.CompileGlobs(nil).Match("a"); ok {
		t.Errorf("empty set matched")
	}
	e := policy.NewEngine(nil, nil, nil, testNow)
	if !e.IsDraft("posts/x/a.md") || e.IsDraft("published/a.md") || !e.IsRegister("published/a.md") || e.IsRegister("posts/a.md") {
		t.Errorf("IsDraft/IsRegister with the default config")
	}
	paths := e.DraftPaths(policy.MapTree{"posts/b.md": nil, "posts/a.md": nil, "README.md": nil, "replies/x/c.md": nil, "posts/img.png": nil})
	if want := []string{"posts/a.md", "posts/b.md", "replies/x/c.md"}; len(paths) != 3 || paths[0] != want[0] || paths[1] != want[1] || paths[2] != want[2] {
		t.Errorf("DraftPaths = %v", paths)
	}
}

// TestGlobMatchBelow: whether a path below a folder could match, which
// says whether a link at that folder could hide drafts.
func TestGlobMatchBelow(t *testing.T) {
	for _, tc := range []struct {
		pattern, dir string
		want         bool
	}{
		{"posts/**/*.md", "posts", true},
		{"posts/**/*.md", "posts/linked", true},
		{"posts/**/*.md", "posts/a/b/c", true},
		{"posts/**/*.md", "notes", false},
		{"posts/*.md", "posts", true},
		{"posts/*.md", "posts/linked", false}, // posts/linked/x.md is no draft either
		{"posts/*/*.md", "posts/linked", true},
		{"posts/*/*.md", "posts/a/b", false},
		{"**/*.md", "anything/at/all", true},
		{"statements/**", "statements/x", true},
		{"replies/forum/*.md", "replies", true},
		{"replies/forum/*.md", "replies/blog", false},
	} {
		if got := policy.CompileGlob(tc.pattern).MatchBelow(tc.dir); got != tc.want {
			t.Errorf("%q below %q: %v; want %v", tc.pattern, tc.dir, got, tc.want)
		}
	}
}
