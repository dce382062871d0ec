package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/fstree"
	"github.com/clearance-dev/clearance/internal/policy"
)

const checkUsage = `Usage: app check [--repo DIR] [--format text|json|github] [PATH...]

Checks the drafts of a content repo on disk: the scenario of each (pointer,
public-domain or new-content) and why, what is wrong with it, and who must
approve it. With PATHs (files or folders, relative to the repo), only the
drafts among them are checked. Nothing is sent anywhere.

Exit status: 0 when no draft has an error, 1 when one has, 2 for a usage or
config error.

Options:
`

// checkReport is the JSON output of check.
type checkReport struct {
	Files []checkFile `json:"files"`
	// Problems are findings about the repo itself: CODEOWNERS lines GitHub
	// skips, register documents that cannot be read.
	Problems []policy.Finding `json:"problems,omitempty"`
}

type checkFile struct {
	Path      string              `json:"path"`
	Scenario  policy.Scenario     `json:"scenario"`
	Reasons   []string            `json:"reasons"`
	Findings  []policy.Finding    `json:"findings"`
	Reviewers map[string][]string `json:"reviewers"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, checkUsage)
		fl.PrintDefaults()
	}
	repo := fl.String("repo", ".", "the content repo's folder")
	format := fl.String("format", "text", "output format: text, json or github (workflow commands: annotations on the pull request)")
	nowFlag := fl.String("now", "", "evaluate as at this time (RFC 3339), for embargoes; default: now")
	paths, err := parseInterspersed(fl, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *format != "text" && *format != "json" && *format != "github" {
		fmt.Fprintf(stderr, "app check: --format must be text, json or github, not %q\n", *format)
		return 2
	}
	now := time.Now()
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "app check: --now %q is not a time like 2026-12-01T09:00:00Z\n", *nowFlag)
			return 2
		}
		now = t
	}
	tree, err := fstree.Open(*repo)
	if err != nil {
		fmt.Fprintf(stderr, "app check: cannot read the repo: %v\n", err)
		return 2
	}
	base := policy.LoadBase(tree)
	if len(base.ConfigErrors) > 0 {
		for _, e := range base.ConfigErrors {
			fmt.Fprintf(stderr, "%s\n", e)
		}
		fmt.Fprintf(stderr, "app check: fix %s and run the check again; nothing was checked.\n", policy.ConfigPath)
		return 2
	}
	engine := base.Engine(now)
	paths, err = selectDrafts(engine, tree, *repo, paths, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "app check: %v\n", err)
		return 2
	}
	results := engine.EvaluateAll(tree, paths)

	report := checkReport{Files: make([]checkFile, 0, len(results)), Problems: base.Findings}
	errorsFound := 0
	for _, f := range base.Findings {
		if f.Severity == policy.Error {
			errorsFound++ // a register document or CODEOWNERS line that cannot be used
		}
	}
	for _, r := range results {
		errorsFound += r.Errors()
		findings := r.Findings
		if findings == nil {
			findings = []policy.Finding{}
		}
		reasons := r.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		report.Files = append(report.Files, checkFile{Path: r.Path, Scenario: r.Scenario, Reasons: reasons, Findings: findings, Reviewers: r.Reviewers})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "app check: %v\n", err)
			return 2
		}
	} else if *format == "github" {
		writeGitHub(stdout, engine.Config.RequiredRoles, results, base.Findings)
	} else {
		writeText(stdout, engine, results, base.Findings)
	}
	if errorsFound > 0 {
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before, between or after
// the PATH arguments ("check posts/a.md --format json"), and returns the
// paths. "--" ends the flags.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		rest := fl.Args()
		if len(rest) == 0 {
			return paths, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(paths, rest...), nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// selectDrafts resolves the PATH arguments to draft paths.
// A named file that is not a draft is skipped with a note to notes.
func selectDrafts(e *policy.Engine, tree *fstree.Dir, repo string, args []string, notes io.Writer) ([]string, error) {
	all := e.DraftPaths(tree)
	if len(args) == 0 {
		return all, nil
	}
	absRepo, _ := filepath.Abs(repo)
	seen := map[string]bool{}
	var out []string
	for _, a := range args {
		rel := filepath.ToSlash(filepath.Clean(a))
		// A path that exists relative to the current folder is taken
		// relative to the repo from there.
		if abs, err := filepath.Abs(a); err == nil {
			if _, err := os.Stat(abs); err == nil {
				if r, err := filepath.Rel(absRepo, abs); err == nil && !strings.HasPrefix(r, "..") {
					rel = filepath.ToSlash(r)
				}
			}
		}
		if _, err := os.Lstat(filepath.Join(repo, filepath.FromSlash(rel))); err != nil {
			return nil, fmt.Errorf("%s: no such file or folder in %s", a, repo)
		}
		found := false
		for _, p := range all {
			if p == rel || rel == "." || strings.HasPrefix(p, strings.TrimSuffix(rel, "/")+"/") {
				found = true
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
		if !found && notes != nil {
			// Skipped, not an error: pre-commit passes every Markdown
			// file being committed. But say so, for a draft saved
			// under a name the drafts globs do not match (a.MD).
			if fi, err := os.Stat(filepath.Join(repo, filepath.FromSlash(rel))); err == nil && !fi.IsDir() {
				fmt.Fprintf(notes, "note: %s is not a draft, so it was not checked: drafts are the Markdown files matching %s (see drafts: and always_review: in %s)\n",
					a, strings.Join(e.Config.Drafts, ", "), policy.ConfigPath)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// writeText prints the table, then each draft's reasons and findings, then
// a summary that says what to do next.
func writeText(w io.Writer, eng *policy.Engine, results []*policy.Result, problems []policy.Finding) {
	if len(results) == 0 {
		fmt.Fprintf(w, "No drafts found (looked for %s).\n", strings.Join(eng.Config.Drafts, ", "))
	}
	if len(results) > 0 {
		fmt.Fprintln(w, tableRow("DRAFT", "SCENARIO", "LENGTH", "NEEDS", "FINDINGS"))
	}
	counts := map[policy.Scenario]int{}
	errs, warns := 0, 0
	for _, r := range results {
		counts[r.Scenario]++
		e, wn := 0, 0
		for _, f := range r.Findings {
			if f.Severity == policy.Error {
				e++
			} else {
				wn++
			}
		}
		errs += e
		warns += wn
		fmt.Fprintln(w, tableRow(r.Path, string(r.Scenario), lengthCell(r), needsCell(eng.Config.RequiredRoles, r), findingCount(e, wn)))
	}
	for _, r := range results {
		writeDraft(w, eng.Config.RequiredRoles, r)
	}
	if len(problems) > 0 {
		fmt.Fprintf(w, "\nProblems in the repo itself:\n")
		for _, f := range problems {
			wrap(w, "  ", "    ", f.String())
		}
	}
	if len(results) == 0 {
		return
	}
	repoErrs := 0
	for _, f := range problems {
		if f.Severity == policy.Error {
			repoErrs++
		}
	}
	inRepo := ""
	if repoErrs > 0 {
		inRepo = fmt.Sprintf("; %s in the repo itself", pluralize(repoErrs, "error"))
	}
	fmt.Fprintf(w, "\n%s: %d pointer, %d public-domain, %d new-content; %s, %s%s.\n",
		pluralize(len(results), "draft"), counts[policy.Pointer], counts[policy.PublicDomain], counts[policy.NewContent],
		pluralize(errs, "error"), pluralize(warns, "warning"), inRepo)
	switch {
	case errs == 0 && repoErrs > 0:
		fmt.Fprintln(w, "Next: fix the problems in the repo listed above (until then those files are not used), then run the check again.")
	case errs > 0:
		fmt.Fprintln(w, "Next: fix the errors listed above, then run the check again.")
	case counts[policy.NewContent] > 0:
		fmt.Fprintln(w, "Next: open a pull request; the new-content drafts need approval from the people listed")
		fmt.Fprintln(w, "under \"must approve\" before they are posted.")
	default:
		fmt.Fprintln(w, "Next: nothing to review; these drafts can be posted once merged.")
	}
}

// approvers lists who must approve, role by role in the config's order.
func approvers(order []string, byRole map[string][]string) string {
	if len(byRole) == 0 {
		return "-"
	}
	var parts []string
	for _, role := range order {
		who, ok := byRole[role]
		if !ok {
			continue
		}
		list := strings.Join(who, " or ")
		if list == "" {
			list = "nobody (see findings)"
		}
		parts = append(parts, role+": "+list)
	}
	return strings.Join(parts, "; ")
}

func findingCount(errs, warns int) string {
	switch {
	case errs == 0 && warns == 0:
		return "-"
	case warns == 0:
		return pluralize(errs, "error")
	case errs == 0:
		return pluralize(warns, "warning")
	}
	return pluralize(errs, "error") + ", " + pluralize(warns, "warning")
}

func pluralize(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
