package main

import (
	"strings"
	"testing"
)

const cliPointer = "---\nchannel: x\nauthor: Press Office\n---\nOur opening hours: https://www.example.gov.uk/hours\n"

// TestCheckFlagsAfterPaths: options may follow the paths.
func TestCheckFlagsAfterPaths(t *testing.T) {
	repo := writeRepo(t, map[string]string{"posts/a.md": cliPointer})
	code, out, errOut := runApp(t, "check", "--repo", repo, "posts/a.md", "--format", "json", fixedNow)
	if code != 0 || !strings.Contains(out, `"scenario": "pointer"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCheckNamedFileNotADraft: a named file that no drafts glob matches is
// skipped (pre-commit passes every Markdown file), with a note that says
// why, not silently.
func TestCheckNamedFileNotADraft(t *testing.T) {
	repo := writeRepo(t, map[string]string{"posts/a.md": cliPointer, "posts/b.MD": cliPointer, "notes/c.md": cliPointer})
	for _, p := range []string{"posts/b.MD", "notes/c.md"} {
		code, _, errOut := runApp(t, "check", "--repo", repo, fixedNow, p)
		if code != 0 || !strings.Contains(errOut, "note: "+p+" is not a draft, so it was not checked") || !strings.Contains(errOut, "posts/**/*.md") {
			t.Errorf("%s: exit %d, %q", p, code, errOut)
		}
	}
}

// TestCheckRegisterErrorsCount: a register document that cannot count as
// published is an error in the summary and the exit code, not only in the
// list of problems.
func TestCheckRegisterErrorsCount(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"posts/a.md":          cliPointer,
		".github/CODEOWNERS":  "/posts/ @org/policy @org/comms\n",
		"published/typo.md":   "---\ntitle: T\npublished_at: 2026-01-01\nembargo: 2027-01-01\n---\nText.\n",
		"published/README.md": "What this folder holds.\n",
	})
	code, out, errOut := runApp(t, "check", "--repo", repo, fixedNow)
	out = strings.Join(strings.Fields(out), " ") // as one line: the text is wrapped to the terminal
	if code != 1 || !strings.Contains(out, "published/typo.md:4") || !strings.Contains(out, "did you mean embargo_until:?") || !strings.Contains(out, "1 error in the repo itself") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "README") {
		t.Errorf("a README in the register folder is reported:\n%s", out)
	}
}

// TestCheckMisnamedConfig: a config under another name is not ignored.
func TestCheckMisnamedConfig(t *testing.T) {
	repo := writeRepo(t, map[string]string{"posts/a.md": cliPointer, ".github/clearance.yaml": "internal_domains: [intranet.example.gov.uk]\n"})
	code, _, errOut := runApp(t, "check", "--repo", repo, fixedNow)
	if code != 2 || !strings.Contains(errOut, "rename the file") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}
