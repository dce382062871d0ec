package review

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/clearance-dev/clearance/internal/policy"
)

// The base branch. Its config, CODEOWNERS and register index are kept per
// repository and branch, for the commit at its tip. When the branch has
// moved, the new base is derived from the previous one: one compare call
// lists what changed, only the changed files are read (by blob SHA), and
// policy.UpdateBase re-indexes only the changed register documents, on a
// clone of the old index that evaluations still running on it do not see
// change. Only the first load of a repository, or a change too large to
// list, reads the whole tree: file by file when few register documents are
// not in the blob cache, else from the repository's tarball in one call.

// baseState is a base branch at one commit.
type baseState struct {
	commit  string
	files   map[string]string // path -> blob SHA, regular files
	special map[string]string // symbolic links and submodules
	base    *policy.Base
}

func (st *baseState) docs() int {
	if st.base != nil && st.base.Register != nil {
		return st.base.Register.Len()
	}
	return 0
}

// archiveMin is how many uncached register blobs make a full load read the
// tarball instead.
func (rv *Reviewer) archiveMin() int {
	if rv.ArchiveMin == 0 {
		return 32
	}
	return rv.ArchiveMin
}

// baseAt returns the base branch at commit, from the cache when the branch
// has not moved. Concurrent evaluations needing the same base load it once.
func (rv *Reviewer) baseAt(ctx context.Context, gh GitHub, repo Repo, branch, commit string) (*baseState, error) {
	key := strings.ToLower(repo.String()) + "\x00" + branch
	if !rv.NoCache {
		if st := rv.bases.get(key); st != nil && st.commit == commit {
			return st, nil
		}
	}
	return rv.flight.do(key+"\x00"+commit, func() (*baseState, error) {
		var prev *baseState
		if !rv.NoCache {
			if prev = rv.bases.get(key); prev != nil && prev.commit == commit {
				return prev, nil
			}
			if prev == nil {
				prev = rv.bases.anyOf(strings.ToLower(repo.String()))
			}
		}
		st, err := rv.loadBase(ctx, gh, repo, commit, prev)
		if err == nil && !rv.NoCache {
			rv.bases.put(key, strings.ToLower(repo.String()), st)
		}
		return st, err
	})
}

// loadBase reads the base at commit, derived from prev when there is one.
func (rv *Reviewer) loadBase(ctx context.Context, gh GitHub, repo Repo, commit string, prev *baseState) (*baseState, error) {
	if prev != nil {
		st, err := rv.deriveBase(ctx, gh, repo, prev, commit)
		if st != nil || err != nil {
			return st, err
		}
	}
	return rv.fullBase(ctx, gh, repo, commit, nil, nil)
}

// deriveBase derives the base at commit from prev, the same repository at
// an earlier commit. It returns nil (and no error) when it cannot: commit
// does not descend from prev's, or GitHub cannot list the whole change.
func (rv *Reviewer) deriveBase(ctx context.Context, gh GitHub, repo Repo, prev *baseState, commit string) (*baseState, error) {
	cmp, err := gh.Compare(ctx, repo, prev.commit, commit)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil // the old commit is gone (a force push)
	case err != nil:
		return nil, fmt.Errorf("comparing %.7s with %.7s: %w", prev.commit, commit, err)
	case cmp.Truncated || (cmp.Status != "ahead" && cmp.Status != "identical"):
		return nil, nil
	}
	files := maps.Clone(prev.files)
	special := prev.special
	var changed []string
	for _, f := range cmp.Files {
		if f.PreviousPath != "" && f.PreviousPath != f.Path {
			delete(files, f.PreviousPath)
			changed = append(changed, f.PreviousPath)
		}
		if f.Status == "removed" || f.SHA == "" {
			delete(files, f.Path)
		} else {
			files[f.Path] = f.SHA
		}
		if _, ok := special[f.Path]; ok {
			special = maps.Clone(special)
			delete(special, f.Path)
		}
		changed = append(changed, f.Path)
	}
	bt := rv.newBlobTree(ctx, gh, repo, files, special, nil)
	// What UpdateBase reads: the config, CODEOWNERS and the changed
	// register documents. Many of them is a load of their own.
	globs := policy.DefaultConfig().Register
	if prev.base != nil && prev.base.Config != nil {
		globs = prev.base.Config.Register
	}
	reg := policy.CompileGlobs(globs)
	governed := governedPaths()
	var need []string
	for _, p := range changed {
		if _, ok := reg.Match(p); ok || governed[p] {
			need = append(need, p)
		}
	}
	if rv.uncached(bt, need) >= rv.archiveMin() {
		return rv.fullBase(ctx, gh, repo, commit, files, special)
	}
	if err := rv.prefetch(ctx, gh, repo, bt, need); err != nil {
		return nil, err
	}
	b, ok := policy.UpdateBase(prev.base, bt, changed)
	if err := bt.failed(); err != nil {
		return nil, err
	}
	if !ok {
		return rv.fullBase(ctx, gh, repo, commit, files, special)
	}
	return &baseState{commit: commit, files: files, special: special, base: b}, nil
}

// fullBase reads the base at commit whole. files, when known, are its
// files; else the tree is listed.
func (rv *Reviewer) fullBase(ctx context.Context, gh GitHub, repo Repo, commit string, files, special map[string]string) (*baseState, error) {
	if files == nil {
		tree, err := gh.Tree(ctx, repo, commit)
		if err != nil {
			return nil, err
		}
		if !tree.Truncated {
			files, special = tree.Blobs, tree.Special
		}
	}
	var globs []string
	if files != nil {
		bt := rv.newBlobTree(ctx, gh, repo, files, special, nil)
		var err error
		if globs, err = registerGlobs(bt); err != nil {
			return nil, err
		}
		reg := policy.CompileGlobs(globs)
		var docs []string
		for p := range files {
			if _, ok := reg.Match(p); ok {
				docs = append(docs, p)
			}
		}
		if rv.uncached(bt, docs) < rv.archiveMin() {
			if err := rv.prefetch(ctx, gh, repo, bt, docs); err != nil {
				return nil, err
			}
			base := policy.LoadBase(bt)
			if err := bt.failed(); err != nil {
				return nil, err
			}
			return &baseState{commit: commit, files: files, special: special, base: base}, nil
		}
	}
	// Many documents to read, or a tree too large for GitHub to list: one
	// tarball. Markdown files and the config are kept: the register is
	// Markdown, and its globs are in the config, which may come after.
	reg := policy.CompileGlobs(globs)
	governed := governedPaths()
	keep := func(p string, size int64) bool {
		_, isReg := reg.Match(p)
		ext := strings.ToLower(p[strings.LastIndexByte(p, '.')+1:])
		return governed[p] || isReg || ext == "md" || ext == "markdown"
	}
	arch, err := gh.Archive(ctx, repo, commit, keep)
	if err != nil {
		return nil, fmt.Errorf("reading the tarball of %.7s: %w", commit, err)
	}
	bt := rv.newBlobTree(ctx, gh, repo, arch.Blobs, arch.Special, arch.Content)
	base := policy.LoadBase(bt)
	if err := bt.failed(); err != nil {
		return nil, err
	}
	return &baseState{commit: commit, files: arch.Blobs, special: arch.Special, base: base}, nil
}

// registerGlobs reads the config's register globs (the default when the
// config is absent or invalid: LoadBase reports that).
func registerGlobs(t *blobTree) ([]string, error) {
	data, err := t.ReadFile(policy.ConfigPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, t.failed()
	default:
		if cfg, errs := policy.ParseConfig(policy.ConfigPath, data); len(errs) == 0 {
			return cfg.Register, nil
		}
	}
	return policy.DefaultConfig().Register, nil
}

// uncached counts the paths whose blobs are not in the cache.
func (rv *Reviewer) uncached(t *blobTree, paths []string) int {
	n := 0
	for _, p := range paths {
		if sha, ok := t.files[p]; ok {
			if _, cached := rv.blobs.get(sha); !cached || rv.NoCache {
				n++
			}
		}
	}
	return n
}

// prefetch reads the blobs of paths that are not cached yet, eight at a
// time, so that a load is not one round trip after another.
func (rv *Reviewer) prefetch(ctx context.Context, gh GitHub, repo Repo, t *blobTree, paths []string) error {
	todo := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range todo {
				t.ReadFile(p) // the error is kept in t
			}
		}()
	}
	for _, p := range paths {
		if sha, ok := t.files[p]; ok {
			if _, cached := rv.blobs.get(sha); !cached || rv.NoCache {
				todo <- p
			}
		}
	}
	close(todo)
	wg.Wait()
	return t.failed()
}

// blobTree is a policy.Tree over a commit's files, reading blobs on demand
// (content, when given, holds files already read).
type blobTree struct {
	ctx     context.Context
	gh      GitHub
	rv      *Reviewer
	repo    Repo
	files   map[string]string
	special map[string]string
	content map[string][]byte

	mu   sync.Mutex
	read map[string][]byte // with caches off, what this load read
	err  error
}

func (rv *Reviewer) newBlobTree(ctx context.Context, gh GitHub, repo Repo, files, special map[string]string, content map[string][]byte) *blobTree {
	return &blobTree{ctx: ctx, gh: gh, rv: rv, repo: repo, files: files, special: special, content: content, read: map[string][]byte{}}
}

func (t *blobTree) failed() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

func (t *blobTree) Paths() []string {
	out := make([]string, 0, len(t.files))
	for p := range t.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (t *blobTree) ReadFile(p string) ([]byte, error) {
	if b, ok := t.content[p]; ok {
		return b, nil
	}
	sha, ok := t.files[p]
	if !ok {
		if kind, ok := t.special[p]; ok {
			return nil, fmt.Errorf("%s is a %s, not a file", p, kind)
		}
		return nil, fs.ErrNotExist
	}
	if t.rv.NoCache {
		// No blob cache, but one load reads a file once.
		t.mu.Lock()
		b, ok := t.read[p]
		t.mu.Unlock()
		if ok {
			return b, nil
		}
	}
	b, err := t.rv.blob(t.ctx, t.gh, t.repo, sha)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		if t.err == nil {
			t.err = fmt.Errorf("reading %s: %w", p, err)
		}
		return nil, err
	}
	if t.rv.NoCache {
		t.read[p] = b
	}
	return b, nil
}

// flight makes concurrent loads of the same base one.
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	st   *baseState
	err  error
}

func (f *flight) do(key string, load func() (*baseState, error)) (*baseState, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.st, c.err
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	c.st, c.err = load()
	f.mu.Lock()
	delete(f.calls, key)
	f.mu.Unlock()
	close(c.done)
	return c.st, c.err
}
