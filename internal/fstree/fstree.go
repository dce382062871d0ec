// Package fstree reads a content repo from disk as a policy.Tree.
package fstree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/clearance-dev/clearance/internal/policy"
)

// Dir is a content repo's working tree on disk. Files are listed once, when
// it is opened; .git and other dot-folders except .github are skipped.
type Dir struct {
	root  string
	paths []string
	kinds map[string]fs.FileMode // type bits of entries that are not regular files
}

// Open lists the files under root.
func Open(root string) (*Dir, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	d := &Dir{root: root, kinds: map[string]fs.FileMode{}}
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			if rel != "." && strings.HasPrefix(e.Name(), ".") && e.Name() != ".github" {
				return filepath.SkipDir
			}
			if rel != "." {
				// A folder holding a .git file or folder is a submodule.
				if _, err := os.Lstat(filepath.Join(p, ".git")); err == nil {
					d.paths = append(d.paths, rel)
					d.kinds[rel] = fs.ModeDir
					return filepath.SkipDir
				}
			}
			return nil
		}
		d.paths = append(d.paths, rel)
		if !e.Type().IsRegular() {
			d.kinds[rel] = e.Type()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(d.paths)
	return d, nil
}

// IsLink implements policy.LinkTree.
func (d *Dir) IsLink(p string) bool { return d.kinds[p]&fs.ModeSymlink != 0 }

// Root is the folder the tree was opened at.
func (d *Dir) Root() string { return d.root }

// Paths implements policy.Tree.
func (d *Dir) Paths() []string { return d.paths }

// ReadFile implements policy.Tree. Symbolic links and submodules are not
// followed: they are reported as errors (policy.LinkProblem), since GitHub
// would not show their content as a file either.
func (d *Dir) ReadFile(p string) ([]byte, error) {
	if k, ok := d.kinds[p]; ok {
		switch {
		case k&fs.ModeSymlink != 0:
			target, _ := os.Readlink(filepath.Join(d.root, filepath.FromSlash(p)))
			return nil, errors.New(policy.LinkProblem(p, target))
		case k&fs.ModeDir != 0:
			return nil, fmt.Errorf("%s is a submodule, not a file; put the draft itself here", p)
		default:
			return nil, fmt.Errorf("%s is not a regular file", p)
		}
	}
	if strings.Contains(p, "..") && !fs.ValidPath(p) {
		return nil, fs.ErrNotExist
	}
	return os.ReadFile(filepath.Join(d.root, filepath.FromSlash(p)))
}

// ReadAll reads every regular file under root into memory, path (relative,
// slash-separated) to content. It is for small repos: examples and tests.
func ReadAll(root string) (map[string]string, error) {
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	return files, err
}
