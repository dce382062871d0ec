package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
)

// writeValidateRepo writes files (path -> content) under a new folder.
func writeValidateRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// validateIn runs app validate with the given environment.
func validateIn(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runValidate(args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// goodRepo is a small valid content repo.
func goodRepo() map[string]string {
	return map[string]string{
		".github/clearance.yml": "drafts: [posts/**/*.md]\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/comms\"]\n",
		".github/CODEOWNERS":    "/posts/ @acme/policy @acme/comms\n",
		"posts/a.md":            "---\nchannel: x\nauthor: Press Office\n---\nHello.\n",
		"published/r.md":        "---\ntitle: R\npublished_at: 2026-01-01T00:00:00Z\nurl: https://example.org/r\n---\nText.\n",
	}
}

// lineRE is the GitHub-style form of a problem: file[:line]: severity: message.
var lineRE = regexp.MustCompile(`^[^:\s]+(?::\d+)?: (error|warning|notice): .+$`)

func TestValidateExampleRepo(t *testing.T) {
	code, out, stderr := validateIn(t, nil, "--repo", exampleRepo)
	if code != 1 {
		t.Fatalf("exit %d; want 1 (the example has a reply nobody can approve, an error in check too)\n%s%s", code, out, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines[:len(lines)-1] {
		if !lineRE.MatchString(l) {
			t.Errorf("not file:line: severity: message: %q", l)
		}
	}
	// The housing replies have no policy owner (see the README).
	want := "../../examples/content/replies/housing/2026-11-28-damp-and-mould.md: error: no code owner in the policy role (.github/CODEOWNERS:6 gives it @northbridge/housing-team @northbridge/comms-team)"
	if !strings.Contains(out, want) {
		t.Errorf("missing %q in:\n%s", want, out)
	}
	if !strings.HasSuffix(out, "app validate: 1 error, 0 warnings.\n") {
		t.Errorf("summary: %q", out)
	}
}

func TestValidateCleanRepo(t *testing.T) {
	dir := writeValidateRepo(t, goodRepo())
	code, out, _ := validateIn(t, nil, "--repo", dir, "--strict")
	if code != 0 || out != "app validate: no problems found.\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestValidateFindsProblems(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(map[string]string)
		code  int
		wants []string // "path:line: severity: message" fragments
	}{
		{
			name: "config: an unknown key, at its line",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md]\ndraft_globs: [x]\n"
			},
			code:  1,
			wants: []string{`.github/clearance.yml:2: error: unknown key "draft_globs"`},
		},
		{
			name: "config: values out of range, each at its line",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md]\nthresholds:\n  public_domain_coverage: 1.5\n  pointer_max_words: 2000\n"
			},
			code: 1,
			wants: []string{
				`.github/clearance.yml:3: error: thresholds.public_domain_coverage must be between 0 and 1`,
				`.github/clearance.yml:4: error: thresholds.pointer_max_words must be between 0 and 1000`,
			},
		},
		{
			name:  "config: not YAML",
			edit:  func(f map[string]string) { f[".github/clearance.yml"] = "drafts: [posts/**\n" },
			code:  1,
			wants: []string{`.github/clearance.yml:`, `: error: `},
		},
		{
			name: "CODEOWNERS: a line GitHub skips is a warning at its line (as in check and the App), without the line twice",
			edit: func(f map[string]string) {
				f[".github/CODEOWNERS"] = "# owners\n/posts/ @acme/policy @acme/comms\n/replies/ not-an-owner\n"
			},
			code:  0,
			wants: []string{`.github/CODEOWNERS:3: warning: `},
		},
		{
			name: "CODEOWNERS: a second file GitHub ignores",
			edit: func(f map[string]string) { f["CODEOWNERS"] = "* @acme/policy\n" },
			code: 0,
			wants: []string{
				`CODEOWNERS: warning: GitHub ignores this file because .github/CODEOWNERS comes first`,
			},
		},
		{
			name: "CODEOWNERS missing: an error, as check's and the App's no-approver",
			edit: func(f map[string]string) { delete(f, ".github/CODEOWNERS") },
			code: 1,
			wants: []string{
				`.github/CODEOWNERS: error: no CODEOWNERS file`,
			},
		},
		{
			name: "a required role nobody plays; an owner under roles who owns nothing",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md]\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/press\"]\nrequired_roles: [policy, comms]\n"
			},
			code: 1,
			wants: []string{
				`.github/clearance.yml:4: warning: roles.comms: @acme/press owns nothing in .github/CODEOWNERS`,
				`.github/clearance.yml:5: error: required_roles: no code owner in .github/CODEOWNERS plays the comms role`,
				`posts/a.md: error: no code owner in the comms role (.github/CODEOWNERS:1 gives it @acme/policy @acme/comms)`,
			},
		},
		{
			name: "a required role by name, without roles",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md]\n"
				f[".github/CODEOWNERS"] = "/posts/ @acme/policy-team @acme/press\n"
			},
			code: 1,
			wants: []string{
				`.github/clearance.yml: error: required_roles: no code owner in .github/CODEOWNERS plays the comms role (no owner's handle contains "comms")`,
			},
		},
		{
			name: "patterns that match nothing",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md, post/**/*.md]\nregister: [press/**/*.md]\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/comms\"]\n"
			},
			code: 0,
			wants: []string{
				`.github/clearance.yml:1: warning: drafts: no file matches "post/**/*.md"`,
				`.github/clearance.yml:2: warning: register: no file matches "press/**/*.md"`,
			},
		},
		{
			name: "a draft no rule matches",
			edit: func(f map[string]string) {
				f[".github/clearance.yml"] = "drafts: [posts/**/*.md, replies/**/*.md]\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/comms\"]\n"
				f["replies/b.md"] = "---\nchannel: forum\nkind: reply\nin_reply_to: https://f.example/t/1\nauthor: P\n---\nHi.\n"
			},
			code: 1,
			wants: []string{
				`replies/b.md: error: no code owner in the policy and comms roles (no rule in .github/CODEOWNERS matches it)`,
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := goodRepo()
			c.edit(files)
			dir := writeValidateRepo(t, files)
			code, out, stderr := validateIn(t, nil, "--repo", dir)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, stderr)
			}
			out = strings.ReplaceAll(out, filepath.ToSlash(dir)+"/", "")
			for _, w := range c.wants {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in:\n%s", w, out)
				}
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			for _, l := range lines[:len(lines)-1] {
				if !lineRE.MatchString(l) {
					t.Errorf("not file:line: severity: message: %q", l)
				}
				if m := regexp.MustCompile(`:(\d+): \w+: line (\d+): `).FindStringSubmatch(l); m != nil {
					t.Errorf("the line number is said twice: %q", l)
				}
			}
		})
	}
}

func TestValidateFormats(t *testing.T) {
	files := goodRepo()
	files[".github/clearance.yml"] = "drafts: [posts/**/*.md]\nthresholds: {min_match_words: 2}\nroles:\n  policy: [\"@acme/policy\"]\n  comms: [\"@acme/comms\"]\n"
	dir := writeValidateRepo(t, files)

	// In GitHub Actions the default is annotations.
	code, out, _ := validateIn(t, map[string]string{"GITHUB_ACTIONS": "true"}, "--repo", dir)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	want := "::error file=" + escapeProperty(filepath.ToSlash(filepath.Join(dir, ".github/clearance.yml"))) + ",line=2,title=clearance validate::thresholds.min_match_words must be between 3 and 50; it is 2\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant a line\n%s", out, want)
	}

	code, out, _ = validateIn(t, nil, "--repo", dir, "--format", "json")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	var rep validateReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Errors != 1 || len(rep.Problems) != 1 || rep.Problems[0].Line != 2 || rep.Problems[0].Path != ".github/clearance.yml" {
		t.Errorf("report: %+v", rep)
	}

	// Workflow commands: a message cannot break out of its line.
	if got := escapeData("a\nb%c"); got != "a%0Ab%25c" {
		t.Errorf("escapeData: %q", got)
	}
	if got := escapeProperty("a,b:c"); got != "a%2Cb%3Ac" {
		t.Errorf("escapeProperty: %q", got)
	}
}

func TestValidateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "xml"},
		{"--repo", filepath.Join(t.TempDir(), "missing")},
		{"posts/a.md"},
		{"--no-such-flag"},
	} {
		if code, _, stderr := validateIn(t, nil, args...); code != 2 || stderr == "" {
			t.Errorf("validate %v: exit %d, stderr %q; want 2 and a message", args, code, stderr)
		}
	}
	if code, _, stderr := validateIn(t, nil, "--help"); code != 0 || !strings.Contains(stderr, "Usage: app validate") {
		t.Errorf("--help: exit %d, %q", code, stderr)
	}
	// Through the command switch.
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", "--repo", exampleRepo}, &out, &errOut); code != 1 {
		t.Errorf("app validate via run: exit %d: %s", code, errOut.String())
	}
}

// FuzzValidate: any config and CODEOWNERS give problems, sorted, with
// sensible lines, and never a panic.
func FuzzValidate(f *testing.F) {
	f.Add("drafts: [posts/**/*.md]\nroles:\n  policy: [\"@a/p\"]\n", "/posts/ @a/p @a/comms\n")
	f.Add("required_roles: [x]\n", "* not-an-owner\n")
	f.Add("drafts: [\"[\"]\n", "")
	f.Add("", "/posts/ @a/policy @a/comms # c\n\\#x @b\n")
	f.Fuzz(func(t *testing.T, config, codeowners string) {
		tree := policy.MapTree{
			".github/clearance.yml": []byte(config),
			".github/CODEOWNERS":    []byte(codeowners),
			"posts/a.md":            []byte("---\nchannel: x\nauthor: P\n---\nHi.\n"),
		}
		probs := validateTree(tree)
		lines := strings.Count(config+codeowners, "\n") + strings.Count(config+codeowners, "\r") + 2 // YAML breaks lines at \r too
		for i, p := range probs {
			if p.Line < 0 || p.Line > lines || p.Message == "" || p.Path == "" {
				t.Fatalf("problem %+v", p)
			}
			if p.Severity != sevError && p.Severity != sevWarning && p.Severity != sevNotice {
				t.Fatalf("severity %q", p.Severity)
			}
			if i > 0 && (probs[i-1].Path > p.Path || probs[i-1].Path == p.Path && probs[i-1].Line > p.Line) {
				t.Fatalf("not sorted: %+v then %+v", probs[i-1], p)
			}
		}
	})
}
