package policy

import (
	"errors"
	"fmt"
	"github.com/clearance-dev/clearance/internal/register"
	"io/fs"
	"maps"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

// Tree is a read-only view of a content repo at one commit: the working
// tree on disk for `check`, the base branch on GitHub for the App.
type Tree interface {
	// Paths lists the repo's files, slash-separated, relative to its root.
	Paths() []string
	// ReadFile returns a file's content; fs.ErrNotExist when absent.
	ReadFile(path string) ([]byte, error)
}

// Base is everything the engine reads from the base branch: the config,
// CODEOWNERS and the register.
type Base struct {
	Config         *Config
	Owners         *Owners
	Register       *register.Register
	ConfigErrors   []*ConfigError
	Findings       []Finding // CODEOWNERS lines skipped, register documents unreadable
	CodeownersPath string
}

// misnamedConfigs are where people put clearance's config by mistake.
var misnamedConfigs = []string{".github/clearance.yaml", "clearance.yml", "clearance.yaml", ".clearance.yml", ".clearance.yaml", ".github/clearance.yml.yml"}

// LoadBase reads the config, CODEOWNERS and register from a tree. When the
// config is invalid, ConfigErrors says why and Config is nil: the caller
// must not evaluate (fail closed).
func LoadBase(t Tree) *Base {
	b := &Base{}
	data, err := t.ReadFile(ConfigPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A config under another name would be ignored silently, its
		// internal_domains and always_review with it: fail closed.
		for _, other := range misnamedConfigs {
			if _, err := t.ReadFile(other); err == nil {
				b.ConfigErrors = []*ConfigError{{Path: other, Line: 1, Msg: fmt.Sprintf("clearance reads its config from %s, not %s: rename the file (git mv %s %s)", ConfigPath, other, other, ConfigPath)}}
				return b
			}
		}
		b.Config = DefaultConfig()
	case err != nil:
		b.ConfigErrors = []*ConfigError{{Path: ConfigPath, Msg: fmt.Sprintf("cannot be read: %v", err)}}
		return b
	default:
		b.Config, b.ConfigErrors = ParseConfig(ConfigPath, data)
		if len(b.ConfigErrors) > 0 {
			return b
		}
	}
	paths := t.Paths()
	exists := map[string]bool{}
	for _, p := range paths {
		exists[p] = true
	}
	if p := FindCodeowners(func(p string) bool { return exists[p] }); p != "" {
		data, err := t.ReadFile(p)
		if err != nil {
			b.Findings = append(b.Findings, Finding{Rule: RuleCodeowners, Severity: Error, Path: p, Message: fmt.Sprintf("cannot be read: %v", err)})
		} else {
			var fs []Finding
			b.Owners, fs = ParseCodeowners(p, data)
			b.Findings = append(b.Findings, fs...)
			b.CodeownersPath = p
		}
	}
	reg := CompileGlobs(b.Config.Register)
	var files []register.File
	for _, p := range paths {
		if _, ok := reg.Match(p); !ok {
			continue
		}
		data, err := t.ReadFile(p)
		if err != nil {
			b.Findings = append(b.Findings, Finding{Rule: RuleRegister, Severity: Error, Path: p, Message: fmt.Sprintf("cannot be read (%v); it does not count as published", err)})
			continue
		}
		files = append(files, register.File{Path: p, Data: data})
	}
	var rf []Finding
	b.Register, rf = BuildRegister(files)
	b.Findings = append(b.Findings, rf...)
	sort.SliceStable(b.Findings, func(i, j int) bool { return b.Findings[i].Path < b.Findings[j].Path })
	return b
}

// UpdateBase derives the base of a later commit of the same repo from prev,
// the base of an earlier one, reading only what changed: t is the later
// commit's tree, and changed lists the paths whose content differs between
// the two commits (added, modified or removed; both paths of a rename).
// The register is a Clone of prev's with the changed documents added again
// or removed, so it costs time in proportion to the change, and prev (and
// any evaluation still reading it) is not disturbed.
//
// ok is false when the change cannot be applied this way: prev has no valid
// config, the new config is invalid or unreadable, or it changes which
// files are the register. Call LoadBase(t) then.
func UpdateBase(prev *Base, t Tree, changed []string) (b *Base, ok bool) {
	if prev == nil || prev.Config == nil || prev.Register == nil {
		return nil, false
	}
	is := map[string]bool{}
	for _, p := range changed {
		is[p] = true
	}
	b = &Base{Config: prev.Config, Owners: prev.Owners, CodeownersPath: prev.CodeownersPath}
	if is[ConfigPath] {
		data, err := t.ReadFile(ConfigPath)
		cfg := DefaultConfig()
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, false
		default:
			var errs []*ConfigError
			if cfg, errs = ParseConfig(ConfigPath, data); len(errs) > 0 {
				return nil, false
			}
		}
		if !slices.Equal(cfg.Register, prev.Config.Register) {
			return nil, false
		}
		b.Config = cfg
	}
	owners := false
	for _, p := range CodeownersPaths {
		owners = owners || is[p]
	}
	// Findings of what did not change carry over.
	for _, f := range prev.Findings {
		if is[f.Path] || (owners && f.Rule == RuleCodeowners) {
			continue
		}
		b.Findings = append(b.Findings, f)
	}
	if owners {
		b.Owners, b.CodeownersPath = nil, ""
		exists := func(p string) bool {
			_, err := t.ReadFile(p)
			return !errors.Is(err, fs.ErrNotExist)
		}
		if p := FindCodeowners(exists); p != "" {
			data, err := t.ReadFile(p)
			if err != nil {
				b.Findings = append(b.Findings, Finding{Rule: RuleCodeowners, Severity: Error, Path: p, Message: fmt.Sprintf("cannot be read: %v", err)})
			} else {
				var fs []Finding
				b.Owners, fs = ParseCodeowners(p, data)
				b.Findings = append(b.Findings, fs...)
				b.CodeownersPath = p
			}
		}
	}
	reg := CompileGlobs(b.Config.Register)
	b.Register = prev.Register.Clone()
	paths := slices.Sorted(maps.Keys(is))
	for _, p := range paths {
		if _, ok := reg.Match(p); !ok {
			continue
		}
		data, err := t.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			b.Register.Remove(p)
		case err != nil:
			b.Register.Remove(p)
			b.Findings = append(b.Findings, Finding{Rule: RuleRegister, Severity: Error, Path: p, Message: fmt.Sprintf("cannot be read (%v); it does not count as published", err)})
		default:
			b.Findings = append(b.Findings, addToRegister(b.Register, p, data)...)
		}
	}
	sort.SliceStable(b.Findings, func(i, j int) bool { return b.Findings[i].Path < b.Findings[j].Path })
	return b, true
}

// Engine returns an engine over this base, or nil when the config is bad.
func (b *Base) Engine(now time.Time) *Engine {
	if b.Config == nil {
		return nil
	}
	return NewEngine(b.Config, b.Owners, b.Register, now)
}

// DraftPaths lists the paths of t that are drafts under the engine's config.
func (e *Engine) DraftPaths(t Tree) []string {
	lt, _ := t.(LinkTree)
	var out []string
	for _, p := range t.Paths() {
		// A symbolic link among the drafts is listed too, so that reading
		// it fails: see LinkProblem.
		if e.IsDraft(p) || lt != nil && lt.IsLink(p) && e.InDraftFolder(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// MapTree is a Tree held in memory: path to content.
type MapTree map[string][]byte

// Paths implements Tree.
func (m MapTree) Paths() []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ReadFile implements Tree.
func (m MapTree) ReadFile(p string) ([]byte, error) {
	if b, ok := m[p]; ok {
		return b, nil
	}
	return nil, fs.ErrNotExist
}

// EvaluateAll evaluates the drafts at paths of t on all cores, in order of
// paths. A draft that cannot be read is new-content with a finding that
// says why (see Unreadable).
func (e *Engine) EvaluateAll(t Tree, paths []string) []*Result {
	results := make([]*Result, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := t.ReadFile(paths[i])
				if err != nil {
					results[i] = e.Unreadable(paths[i], fmt.Sprintf("cannot be read: %v", err))
					continue
				}
				results[i] = e.Evaluate(paths[i], data)
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}
