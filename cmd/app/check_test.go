package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// update rewrites the golden files: go test ./cmd/app/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const exampleRepo = "../../examples/content"

// fixedNow keeps the embargo decisions, and so the output, stable.
const fixedNow = "--now=2026-11-26T12:00:00Z"

// runApp calls run and returns the exit code, stdout and stderr.
func runApp(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

func TestCheckGoldenText(t *testing.T) {
	code, out, errOut := runApp(t, "check", "--repo", exampleRepo, fixedNow)
	if code != 1 {
		t.Errorf("exit %d, want 1 (the example repo has errors)\n%s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
	golden(t, "check.txt", out)
}

func TestCheckGoldenJSON(t *testing.T) {
	code, out, errOut := runApp(t, "check", "--repo", exampleRepo, "--format", "json", fixedNow)
	if code != 1 || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	golden(t, "check.json", out)

	// The shape the issue specifies.
	var report struct {
		Files []struct {
			Path     *string   `json:"path"`
			Scenario *string   `json:"scenario"`
			Reasons  *[]string `json:"reasons"`
			Findings *[]struct {
				Rule     *string `json:"rule"`
				Severity *string `json:"severity"`
				Line     *int    `json:"line"`
				Message  *string `json:"message"`
			} `json:"findings"`
			Reviewers *map[string][]string `json:"reviewers"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Files) != 9 {
		t.Errorf("%d files, want the 9 drafts", len(report.Files))
	}
	scenarios := map[string]string{}
	for _, f := range report.Files {
		if f.Path == nil || f.Scenario == nil || f.Reasons == nil || f.Findings == nil || f.Reviewers == nil {
			t.Fatalf("missing key in %s", out)
		}
		if strings.Contains(*f.Path, `\`) || strings.HasPrefix(*f.Path, "/") || strings.HasPrefix(*f.Path, "published/") {
			t.Errorf("path %q", *f.Path)
		}
		for _, fd := range *f.Findings {
			if fd.Rule == nil || fd.Severity == nil || fd.Line == nil || fd.Message == nil {
				t.Errorf("finding without a key in %s", *f.Path)
			}
		}
		if *f.Scenario == "new-content" {
			if _, ok := (*f.Reviewers)["policy"]; !ok {
				t.Errorf("%s: reviewers %v", *f.Path, *f.Reviewers)
			}
		}
		scenarios[*f.Path] = *f.Scenario
	}
	// What the example repo's README promises.
	for path, want := range map[string]string{
		"posts/2026-11-30-flood-defences-open.md":         "public-domain",
		"posts/2026-12-01-library-hours-link.md":          "pointer",
		"posts/2026-12-02-winter-gritting.md":             "new-content",
		"posts/2026-12-05-wend-crossing.md":               "new-content",
		"statements/2026-12-01-leader-flood-statement.md": "new-content",
	} {
		if scenarios[path] != want {
			t.Errorf("%s: %s, want %s", path, scenarios[path], want)
		}
	}
}

// writeRepo writes files into a new temporary folder.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const fineDraft = `---
channel: x
kind: post
author: Northbridge City Council
---
Bus times are changing: https://www.northbridge.gov.uk/buses
`

const newDraft = `---
channel: x
kind: post
author: Northbridge City Council
---
Bus times change on Monday. Routes 4 and 7 will stop at the new station.
`

const goodCodeowners = "/posts/ @org/policy-team @org/comms-team\n/replies/ @org/policy-team @org/comms-team\n"

func TestCheckExitCodes(t *testing.T) {
	fine := writeRepo(t, map[string]string{
		"posts/a.md":         fineDraft,
		"posts/b.md":         newDraft,
		".github/CODEOWNERS": goodCodeowners,
		"published/x.md":     "---\ntitle: X\npublished_at: 2026-01-01\n---\nSomething published.\n",
	})
	badConfig := writeRepo(t, map[string]string{
		"posts/a.md":            fineDraft,
		".github/clearance.yml": "drafts: [posts/**/*.md]\n\nthreshold:\n  pointer_max_words: 10\n",
	})
	badSyntax := writeRepo(t, map[string]string{
		"posts/a.md":            fineDraft,
		".github/clearance.yml": "roles:\n  policy: ['@a']\n comms: ['@b']\n",
	})
	cases := []struct {
		name      string
		args      []string
		code      int
		stdout    []string // substrings
		stderr    []string
		stdoutNot []string
	}{
		{name: "all drafts fine", args: []string{"check", "--repo", fine, fixedNow}, code: 0,
			stdout: []string{"posts/a.md", "pointer", "posts/b.md", "new-content", "policy: @org/policy-team", "2 drafts: 1 pointer, 0 public-domain, 1 new-content; 0 errors, 0 warnings.", "Next: open a pull request"}},
		{name: "all drafts fine, JSON", args: []string{"check", "--repo", fine, "--format=json", fixedNow}, code: 0,
			stdout: []string{`"path": "posts/a.md"`, `"scenario": "pointer"`}},
		{name: "errors", args: []string{"check", "--repo", exampleRepo, fixedNow}, code: 1,
			stdout: []string{"Next: fix the errors listed above"}},
		{name: "config with an unknown key", args: []string{"check", "--repo", badConfig}, code: 2,
			stderr: []string{`.github/clearance.yml:3: unknown key "threshold"`, "nothing was checked"}},
		{name: "config with bad indentation", args: []string{"check", "--repo", badSyntax}, code: 2,
			stderr: []string{`.github/clearance.yml:3: did not find expected key`}},
		{name: "bad format", args: []string{"check", "--repo", fine, "--format", "yaml"}, code: 2,
			stderr: []string{`--format must be text, json or github, not "yaml"`}},
		{name: "bad now", args: []string{"check", "--repo", fine, "--now", "tomorrow"}, code: 2,
			stderr: []string{`--now "tomorrow" is not a time`}},
		{name: "unknown flag", args: []string{"check", "--verbose"}, code: 2,
			stderr: []string{"flag provided but not defined: -verbose", "Usage: app check"}},
		{name: "help", args: []string{"check", "--help"}, code: 0,
			stderr: []string{"Usage: app check", "-format"}},
		{name: "missing repo", args: []string{"check", "--repo", filepath.Join(fine, "nope")}, code: 2,
			stderr: []string{"cannot read the repo"}},
		{name: "repo is a file", args: []string{"check", "--repo", filepath.Join(fine, "posts", "a.md")}, code: 2,
			stderr: []string{"is not a folder"}},
		{name: "missing path", args: []string{"check", "--repo", fine, "posts/nope.md"}, code: 2,
			stderr: []string{"posts/nope.md: no such file or folder in " + fine}},
		{name: "no command", args: nil, code: 2, stderr: []string{"Usage:"}},
		{name: "unknown command", args: []string{"chek"}, code: 2, stderr: []string{`unknown command "chek"`}},
		{name: "version", args: []string{"version"}, code: 0, stdout: []string{"clearance "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runApp(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}

// checkPaths runs check --format json and returns the paths reported.
func checkPaths(t *testing.T, args ...string) (int, []string, string) {
	t.Helper()
	code, out, errOut := runApp(t, append([]string{"check", "--format", "json", fixedNow}, args...)...)
	if code == 2 {
		return code, nil, errOut
	}
	var report struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var paths []string
	for _, f := range report.Files {
		paths = append(paths, f.Path)
	}
	return code, paths, errOut
}

func TestCheckPathArguments(t *testing.T) {
	abs, err := filepath.Abs(exampleRepo)
	if err != nil {
		t.Fatal(err)
	}
	const flood = "posts/2026-11-30-flood-defences-open.md"
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"a file", []string{flood}, 0, []string{flood}},
		{"a file given twice", []string{flood, "./" + flood}, 0, []string{flood}},
		{"a file from the current folder", []string{filepath.Join(exampleRepo, flood)}, 0, []string{flood}},
		{"an absolute file", []string{filepath.Join(abs, flood)}, 0, []string{flood}},
		{"a folder", []string{"replies"}, 1, []string{"replies/forum/2026-11-27-bin-collections.md", "replies/housing/2026-11-28-damp-and-mould.md"}},
		{"a folder with a slash", []string{"replies/forum/"}, 0, []string{"replies/forum/2026-11-27-bin-collections.md"}},
		{"the repo itself", []string{"."}, 1, nil},
		{"a non-draft file is skipped", []string{"published/2026-10-14-flood-defences.md"}, 0, []string{}},
		{"a non-draft file among drafts", []string{"published/2026-10-14-flood-defences.md", flood}, 0, []string{flood}},
		{"a missing path", []string{flood, "posts/nope.md"}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, paths, errOut := checkPaths(t, append([]string{"--repo", exampleRepo}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			if c.want != nil && !slices.Equal(paths, c.want) && !(len(paths) == 0 && len(c.want) == 0) {
				t.Errorf("paths %q, want %q", paths, c.want)
			}
		})
	}
	// "." is every draft.
	_, all, _ := checkPaths(t, "--repo", exampleRepo)
	_, dot, _ := checkPaths(t, "--repo", exampleRepo, ".")
	if len(all) != 9 || !slices.Equal(all, dot) {
		t.Errorf("all %q, dot %q", all, dot)
	}
	// No drafts at all: a plain message, exit 0.
	code, out, _ := runApp(t, "check", "--repo", exampleRepo, "published")
	if code != 0 || !strings.Contains(out, "No drafts found (looked for posts/**/*.md, replies/**/*.md, statements/**/*.md).") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckSymlink: a symbolic link where a draft should be is an error
// finding on that draft, not a crash, and the other drafts are checked.
func TestCheckSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := writeRepo(t, map[string]string{
		"posts/a.md":         fineDraft,
		"elsewhere/b.md":     fineDraft,
		".github/CODEOWNERS": goodCodeowners,
	})
	if err := os.Symlink(filepath.Join(dir, "elsewhere", "b.md"), filepath.Join(dir, "posts", "link.md")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere.md"), filepath.Join(dir, "posts", "dangling.md")); err != nil {
		t.Skip(err)
	}
	// A link to a folder of drafts that are not in a draft folder: they
	// would be posted from posts/linked/ unseen.
	if err := os.Symlink("../elsewhere", filepath.Join(dir, "posts", "linked")); err != nil {
		t.Skip(err)
	}
	code, out, errOut := runApp(t, "check", "--repo", dir, "--format", "json", fixedNow)
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var report struct {
		Files []struct {
			Path     string `json:"path"`
			Scenario string `json:"scenario"`
			Findings []struct {
				Rule     string `json:"rule"`
				Severity string `json:"severity"`
				Message  string `json:"message"`
			} `json:"findings"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range report.Files {
		var rules []string
		for _, fd := range f.Findings {
			rules = append(rules, fd.Severity+" "+fd.Rule)
			if fd.Rule == "unreadable" && !strings.Contains(fd.Message, "symbolic link") {
				t.Errorf("%s: %s", f.Path, fd.Message)
			}
		}
		got[f.Path] = f.Scenario + ": " + strings.Join(rules, ", ")
	}
	want := map[string]string{
		"posts/a.md":        "pointer: ",
		"posts/link.md":     "new-content: error unreadable",
		"posts/dangling.md": "new-content: error unreadable",
		"posts/linked":      "new-content: error unreadable",
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %q, want %q", p, got[p], w)
		}
	}
	// Named on the command line, it is checked the same way.
	if !strings.Contains(out, `posts/linked is a symbolic link (to ../elsewhere)`) {
		t.Errorf("the folder link's error does not name it and its target:\n%s", out)
	}
	code, paths, _ := checkPaths(t, "--repo", dir, "posts/link.md")
	if code != 1 || !slices.Equal(paths, []string{"posts/link.md"}) {
		t.Errorf("exit %d, paths %v", code, paths)
	}
}

// TestCheckRepoProblems: CODEOWNERS lines GitHub skips and unreadable
// register documents are listed, in text and JSON; an unreadable register
// document is an error (exit 1), as it does not count as published.
func TestCheckRepoProblems(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"posts/a.md":         fineDraft,
		".github/CODEOWNERS": goodCodeowners + "/posts/ not-a-handle!\n",
		"published/bad.md":   "---\npublished_at: someday\n---\ntext\n",
	})
	code, out, _ := runApp(t, "check", "--repo", dir, fixedNow)
	if code != 1 || !strings.Contains(out, "Problems in the repo itself:") || !strings.Contains(out, "published/bad.md:2: error [register]") || !strings.Contains(out, ".github/CODEOWNERS:3: warning [codeowners]") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runApp(t, "check", "--repo", dir, "--format", "json", fixedNow)
	if code != 1 || !strings.Contains(out, `"problems": [`) || !strings.Contains(out, `"path": "published/bad.md"`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckFitsATerminal: the text output of check fits 100 columns, with
// a long path, a long reason and a long finding, and shows each draft's
// text and length on its channel.
func TestCheckFitsATerminal(t *testing.T) {
	long := "posts/2026/december/the-very-long-folder-name-for-winter/" + strings.Repeat("gritting-", 6) + "update.md"
	dir := writeRepo(t, map[string]string{
		long:                 "---\nchannel: x\nauthor: Northbridge City Council\n---\nWe think " + strings.Repeat("everyone should really take extra care on the untreated roads tonight ", 5) + "\n",
		"posts/short.md":     fineDraft,
		".github/CODEOWNERS": goodCodeowners,
	})
	_, out, _ := runApp(t, "check", "--repo", dir, fixedNow)
	for i, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > 100 && line != long+":" { // a path stands whole
			t.Errorf("line %d is %d columns wide:\n%s", i+1, n, line)
		}
	}
	for _, want := range []string{"“We think everyone should really take extra care", "X, 358 of 280 characters (too long)", "NEEDS", "…"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not show %q:\n%s", want, out)
		}
	}
}

// TestCheckGitHubFormat: --format github writes one workflow command per
// finding, on its file and line, escaped as the Actions runner reads them,
// and a notice for each draft that needs approval.
func TestCheckGitHubFormat(t *testing.T) {
	code, out, _ := runApp(t, "check", "--repo", exampleRepo, "--format", "github", fixedNow)
	if code != 1 {
		t.Errorf("exit %d; want 1 (the example has errors)", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	cmd := regexp.MustCompile(`^::(error|warning|notice) file=([^,:]+),line=(\d+),title=([^,:]+)::(.+)$`)
	kinds := map[string]int{}
	for _, l := range lines {
		m := cmd.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a workflow command: %q", l)
			continue
		}
		kinds[m[1]]++
		if strings.ContainsAny(m[5], "\r\n") {
			t.Errorf("an unescaped line break: %q", l)
		}
	}
	if kinds["error"] == 0 || kinds["notice"] == 0 {
		t.Errorf("commands %v; want errors and notices", kinds)
	}
	if !strings.Contains(out, "::error file=posts/2026-12-03-consultation.md,line=6,title=clearance%3A link-insecure::") {
		t.Errorf("the insecure link is not on its line:\n%s", out)
	}
}
