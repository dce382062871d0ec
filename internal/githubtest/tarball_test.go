package githubtest

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

func TestTarball(t *testing.T) {
	s := NewServer(t)
	files := map[string]string{
		"README.md":               "# Planned posts\n",
		"posts/2024-01-01.md":     "Happy new year!\n",
		"published/2023/12/x.md":  "---\ntitle: X\n---\nText.\n",
		".github/clearance.yml":   "register: [\"published/**/*.md\"]\n",
		"published/2023/12/y.txt": "",
	}
	s.CreateRepo("acme", "posts", "main", files)
	sha := s.CommitSymlink("acme", "posts", "main", "latest.md", "posts/2024-01-01.md")
	s.CreateInstallation(42, "acme", "posts")
	client := s.InstallationClient(42)
	ctx := context.Background()

	before := s.RateLimitRemaining("installation:42")
	link, resp, err := client.Repositories.GetArchiveLink(ctx, "acme", "posts", github.Tarball, &github.RepositoryContentGetOptions{Ref: "main"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusFound || !strings.Contains(link.Path, "/legacy.tar.gz/"+sha) || link.Query().Get("token") == "" {
		t.Fatalf("link %v (%d)", link, resp.StatusCode)
	}
	// The download needs no credentials and costs no rate limit.
	dl, err := http.Get(link.String())
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Body.Close()
	if dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Type") != "application/x-gzip" {
		t.Fatalf("download: %s %s", dl.Status, dl.Header.Get("Content-Type"))
	}
	if used := before - s.RateLimitRemaining("installation:42"); used != 1 {
		t.Errorf("the API call and download cost %d calls of the rate limit; want 1", used)
	}
	zr, err := gzip.NewReader(dl.Body)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	top := "acme-posts-" + sha[:7] + "/"
	got := map[string]string{}
	var dirs []string
	comment := ""
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch hdr.Typeflag {
		case tar.TypeXGlobalHeader:
			comment = hdr.PAXRecords["comment"]
			continue
		case tar.TypeDir:
			dirs = append(dirs, hdr.Name)
			continue
		}
		if !strings.HasPrefix(hdr.Name, top) {
			t.Fatalf("entry %q outside %q", hdr.Name, top)
		}
		rel := strings.TrimPrefix(hdr.Name, top)
		if hdr.Typeflag == tar.TypeSymlink {
			got[rel] = "-> " + hdr.Linkname
			continue
		}
		b, _ := io.ReadAll(tr)
		got[rel] = string(b)
	}
	if comment != sha {
		t.Errorf("pax comment %q, want the commit %s", comment, sha)
	}
	if len(dirs) == 0 || dirs[0] != top {
		t.Errorf("folders %q; the top folder %q first", dirs, top)
	}
	files["latest.md"] = "-> posts/2024-01-01.md"
	if len(got) != len(files) {
		t.Errorf("%d files, want %d: %v", len(got), len(files), got)
	}
	for p, want := range files {
		if got[p] != want {
			t.Errorf("%s = %q, want %q", p, got[p], want)
		}
	}

	// A link with a wrong or no token does not download; an unknown ref
	// is 404 at the API.
	bad := *link
	bad.RawQuery = "token=1." + strings.Repeat("0", 64)
	for _, u := range []string{bad.String(), strings.Split(link.String(), "?")[0]} {
		r, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", u, r.StatusCode)
		}
	}
	if _, resp, err := client.Repositories.GetArchiveLink(ctx, "acme", "posts", github.Tarball, &github.RepositoryContentGetOptions{Ref: "nope"}, 0); err == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown ref: %v", err)
	}
	// TestTarballSpec in package spec checks these calls against GitHub's
	// description.
}
