package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/clearance-dev/clearance/internal/fstree"
	"github.com/clearance-dev/clearance/internal/policy"
)

const validateUsage = `Usage: app validate [--repo DIR] [--format text|github|json] [--strict]

Checks a content repo's .github/clearance.yml and CODEOWNERS, and that the
two fit together, without evaluating any draft and without the network:

  - the config: unknown keys, wrong types, values out of range;
  - CODEOWNERS: lines GitHub would skip, so files lose their owners, and
    CODEOWNERS files GitHub ignores because another comes first;
  - together: required roles no code owner plays, owners named under roles
    that own nothing, drafts without an owner in a required role, draft and
    register patterns that match no file.

Each problem is one line, file:line: severity: message, with the file
relative to the current folder. --format github writes them as GitHub
Actions annotations (the default when GITHUB_ACTIONS=true); json as JSON.

Exit status: 0 when there is no error, 1 when there is one (or, with
--strict, a warning), 2 for a usage error or a repo that cannot be read.

Options:
`

// Severities of validate's problems. Notices never fail.
const (
	sevError   = "error"
	sevWarning = "warning"
	sevNotice  = "notice"
)

// problem is one thing validate reports.
type problem struct {
	Path     string `json:"path"` // repo-relative, slash-separated
	Line     int    `json:"line,omitempty"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

type validateReport struct {
	Problems []problem `json:"problems"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
}

func runValidate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, validateUsage)
		fl.PrintDefaults()
	}
	repo := fl.String("repo", ".", "the content repo's folder")
	defFormat := "text"
	if getenv("GITHUB_ACTIONS") == "true" {
		defFormat = "github"
	}
	format := fl.String("format", defFormat, "output format: text, github or json")
	strict := fl.Bool("strict", false, "fail on warnings too")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "app validate: unexpected argument %q (use --repo DIR)\n", fl.Arg(0))
		return 2
	}
	if *format != "text" && *format != "github" && *format != "json" {
		fmt.Fprintf(stderr, "app validate: --format must be text, github or json, not %q\n", *format)
		return 2
	}
	tree, err := fstree.Open(*repo)
	if err != nil {
		fmt.Fprintf(stderr, "app validate: cannot read the repo: %v\n", err)
		return 2
	}
	probs := validateTree(tree)
	rep := validateReport{Problems: probs}
	for _, p := range probs {
		switch p.Severity {
		case sevError:
			rep.Errors++
		case sevWarning:
			rep.Warnings++
		}
	}
	display := func(p string) string {
		return filepath.ToSlash(filepath.Join(*repo, filepath.FromSlash(p)))
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if rep.Problems == nil {
			rep.Problems = []problem{}
		}
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "app validate: %v\n", err)
			return 2
		}
	case "github":
		for _, p := range probs {
			writeCommand(stdout, p.Severity, display(p.Path), p.Line, "clearance validate", p.Message)
		}
		fmt.Fprintln(stdout, validateSummary(rep))
	default:
		for _, p := range probs {
			loc := display(p.Path)
			if p.Line > 0 {
				loc = fmt.Sprintf("%s:%d", loc, p.Line)
			}
			fmt.Fprintf(stdout, "%s: %s: %s\n", loc, p.Severity, p.Message)
		}
		fmt.Fprintln(stdout, validateSummary(rep))
	}
	if rep.Errors > 0 || (*strict && rep.Warnings > 0) {
		return 1
	}
	return 0
}

func validateSummary(r validateReport) string {
	if r.Errors == 0 && r.Warnings == 0 {
		return "app validate: no problems found."
	}
	return fmt.Sprintf("app validate: %s, %s.", pluralize(r.Errors, "error"), pluralize(r.Warnings, "warning"))
}

// escapeData and escapeProperty escape a workflow command's message and
// properties as the Actions runner expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// validateTree runs every check over a repo and returns the problems
// sorted by file and line.
func validateTree(tree policy.Tree) []problem {
	var probs []problem
	add := func(path string, line int, sev, format string, args ...any) {
		probs = append(probs, problem{Path: path, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	paths := tree.Paths()
	exists := map[string]bool{}
	for _, p := range paths {
		exists[p] = true
	}

	// The config.
	var cfg *policy.Config
	var root yaml.Node
	cfgData, err := tree.ReadFile(policy.ConfigPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		cfg = policy.DefaultConfig()
		add(policy.ConfigPath, 0, sevNotice, "not found; the defaults apply (see docs/configuration.md)")
	case err != nil:
		add(policy.ConfigPath, 0, sevError, "cannot be read: %v", err)
	default:
		var errs []*policy.ConfigError
		cfg, errs = policy.ParseConfig(policy.ConfigPath, cfgData)
		for _, e := range errs {
			add(e.Path, e.Line, sevError, "%s", e.Msg)
		}
		if len(errs) == 0 {
			_ = yaml.Unmarshal(cfgData, &root) // it parsed above
		}
	}

	// CODEOWNERS: the first of GitHub's places wins; the others are
	// ignored, which surprises people who edit them.
	coPath := policy.FindCodeowners(func(p string) bool { return exists[p] })
	var owners *policy.Owners
	var coOwners []coOwner
	if coPath == "" {
		add(".github/CODEOWNERS", 0, sevError, "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS): new-content drafts have nobody who can approve them")
	} else {
		for _, p := range policy.CodeownersPaths {
			if p != coPath && exists[p] {
				add(p, 0, sevWarning, "GitHub ignores this file because %s comes first; move its rules there and delete it", coPath)
			}
		}
		data, err := tree.ReadFile(coPath)
		if err != nil {
			add(coPath, 0, sevError, "cannot be read: %v", err)
		} else {
			var findings []policy.Finding
			owners, findings = policy.ParseCodeowners(coPath, data)
			skipped := map[int]bool{}
			for _, f := range findings {
				// The severity is the engine's, as check and the
				// App give it.
				skipped[f.Line] = true
				add(f.Path, f.Line, string(f.Severity), "%s", strings.TrimPrefix(f.Message, fmt.Sprintf("line %d: ", f.Line)))
			}
			coOwners = codeownersOwners(data, skipped)
		}
	}

	// The config and CODEOWNERS together.
	if cfg != nil && owners != nil {
		probs = append(probs, crossCheck(cfg, &root, cfgData != nil, owners, coPath, coOwners, paths)...)
	}

	// Register documents that do not count as published.
	if cfg != nil {
		for _, f := range policy.LoadBase(tree).Findings {
			if f.Rule == policy.RuleRegister {
				add(f.Path, f.Line, string(f.Severity), "%s", f.Message)
			}
		}
	}

	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].Path != probs[j].Path {
			return probs[i].Path < probs[j].Path
		}
		return probs[i].Line < probs[j].Line
	})
	return probs
}

// coOwner is an owner as written on a CODEOWNERS line.
type coOwner struct {
	handle string
	line   int
}

// codeownersOwners lists the owners on the lines GitHub keeps.
func codeownersOwners(data []byte, skipped map[int]bool) []coOwner {
	var out []coOwner
	for i, line := range strings.Split(string(data), "\n") {
		if skipped[i+1] {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "#") {
				break
			}
			out = append(out, coOwner{handle: f, line: i + 1})
		}
	}
	return out
}

// crossCheck finds what is valid alone but wrong together.
func crossCheck(cfg *policy.Config, root *yaml.Node, haveFile bool, owners *policy.Owners, coPath string, coOwners []coOwner, paths []string) []problem {
	var probs []problem
	add := func(path string, line int, sev, format string, args ...any) {
		probs = append(probs, problem{Path: path, Line: line, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	cfgLine := func(keys ...string) int {
		if !haveFile {
			return 0
		}
		return yamlKeyLine(root, keys...)
	}

	// Every required role is played by some code owner.
	played := map[string]bool{}
	inCodeowners := map[string]bool{}
	for _, o := range coOwners {
		inCodeowners[policy.NormalizeOwner(o.handle)] = true
		for _, r := range cfg.RoleOf(o.handle) {
			played[r] = true
		}
	}
	for _, r := range cfg.RequiredRoles {
		if played[r] {
			continue
		}
		how := fmt.Sprintf("no owner's handle contains %q", r)
		if cfg.RolesConfigured() {
			how = fmt.Sprintf("none of the owners listed under roles.%s is in it", r)
		}
		add(policy.ConfigPath, cfgLine("required_roles"), sevError,
			"required_roles: no code owner in %s plays the %s role (%s), so no new-content draft can ever be approved", coPath, r, how)
	}

	// Owners named under roles own something.
	if cfg.RolesConfigured() {
		roles := make([]string, 0, len(cfg.Roles))
		for r := range cfg.Roles {
			roles = append(roles, r)
		}
		sort.Strings(roles)
		for _, r := range roles {
			for _, o := range cfg.Roles[r] {
				if !inCodeowners[policy.NormalizeOwner(o)] {
					add(policy.ConfigPath, cfgLine("roles", r), sevWarning,
						"roles.%s: %s owns nothing in %s, so it is never asked to review", r, o, coPath)
				}
			}
		}
	}

	// Patterns that match nothing are usually typos.
	for _, g := range []struct {
		key   string
		globs []string
	}{{"drafts", cfg.Drafts}, {"register", cfg.Register}} {
		if !haveFile || yamlKeyLine(root, g.key) == 0 {
			continue // the defaults: an empty register is normal at first
		}
		for _, glob := range g.globs {
			m := policy.CompileGlobs([]string{glob})
			found := false
			for _, p := range paths {
				if _, ok := m.Match(p); ok {
					found = true
					break
				}
			}
			if !found {
				add(policy.ConfigPath, cfgLine(g.key), sevWarning, "%s: no file matches %q", g.key, glob)
			}
		}
	}

	// Drafts with no owner in a required role can never be approved.
	engine := policy.NewEngine(cfg, nil, nil, time.Now())
	for _, p := range paths {
		if !engine.IsDraft(p) {
			continue
		}
		who, line := owners.Match(p)
		have := map[string]bool{}
		for _, o := range who {
			for _, r := range cfg.RoleOf(o) {
				have[r] = true
			}
		}
		var missing []string
		for _, r := range cfg.RequiredRoles {
			if !have[r] {
				missing = append(missing, r)
			}
		}
		if len(missing) == 0 {
			continue
		}
		rule := fmt.Sprintf("no rule in %s matches it", coPath)
		if line > 0 {
			rule = fmt.Sprintf("%s:%d gives it %s", coPath, line, orNobody(who))
		}
		var suggest []string
		for _, r := range missing {
			if m := cfg.Roles[r]; len(m) > 0 {
				suggest = append(suggest, m[0])
			} else {
				suggest = append(suggest, "@your-org/"+r+"-team")
			}
		}
		// An error, as check and the App report it on a new-content
		// draft (no-approver): nobody could approve it.
		add(p, 0, sevError, "no code owner in the %s %s (%s); if it is new-content it can never be approved. Add %s to the CODEOWNERS line that covers it",
			strings.Join(missing, " and "), pluralWord(len(missing), "role"), rule, strings.Join(suggest, " "))
	}
	return probs
}

func orNobody(who []string) string {
	if len(who) == 0 {
		return "no owner"
	}
	return strings.Join(who, " ")
}

func pluralWord(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// yamlKeyLine is the line of a key path in a YAML document (the key's
// line), 0 when absent.
func yamlKeyLine(root *yaml.Node, keys ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
