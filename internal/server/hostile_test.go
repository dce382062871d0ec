package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/server"
	"github.com/google/go-github/v60/github"
)

// Hostile and broken input: webhooks that are not what they claim, and
// pull requests whose content is built to break or fool the reviewer.

// TestHostileWebhooks: each is answered with a clear 4xx, or a 2xx that
// says it was ignored, and makes no call to GitHub at all.
func TestHostileWebhooks(t *testing.T) {
	h := newHarness(t, nil)
	h.gh.Commit(owner, repoName, "a", pick(h.files, grittingPost))
	n := h.gh.OpenPR(owner, repoName, "a", "main", "a", "dana")
	prBody := mustJSON(t, h.prEvent("opened", n, "dana"))
	pushBody := mustJSON(t, h.pushEvent("refs/heads/main", ".github/clearance.yml"))
	h.gh.ResetCalls()

	deep := []byte(strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000))
	huge := bytes.Repeat([]byte(" "), 30<<20)
	copy(huge, prBody)
	for _, tc := range []struct {
		name    string
		body    []byte
		headers map[string]string
		status  int
		says    string
	}{
		{"no signature", prBody, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "h1"}, 401, "X-Hub-Signature-256"},
		{"signature of another secret", prBody, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "h2",
			"X-Hub-Signature-256": server.Sign([]byte("guess"), prBody)}, 401, "X-Hub-Signature-256"},
		{"30 MB body, signed", huge, signedHeaders("pull_request", "h3", huge), 413, "larger than"},
		{"30 MB body, unsigned", huge, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "h4"}, 413, "larger than"},
		{"event header of another event: push payload as pull_request", pushBody, signedHeaders("pull_request", "h5", pushBody), 200, "names no action"},
		{"event header of another event: pull_request payload as push", prBody, signedHeaders("push", "h6", prBody), 200, "ignored"},
		{"event header of another event: pull_request payload as pull_request_review", prBody, signedHeaders("pull_request_review", "h7", prBody), 200, "ignored"},
		{"unknown event", prBody, signedHeaders("../../admin", "h8", prBody), 200, "ignored"},
		{"invalid JSON", []byte(`{"action":"opened",`), signedHeaders("pull_request", "h9", []byte(`{"action":"opened",`)), 400, "invalid"},
		{"JSON array", []byte(`[1,2]`), signedHeaders("pull_request", "h10", []byte(`[1,2]`)), 400, "invalid"},
		{"JSON null", []byte(`null`), signedHeaders("pull_request", "h11", []byte(`null`)), 200, "ignored"},
		{"deeply nested JSON", deep, signedHeaders("pull_request", "h12", deep), 400, "invalid"},
		{"not UTF-8", []byte("{\"action\":\"\xff\xfe\"}"), signedHeaders("pull_request", "h13", []byte("{\"action\":\"\xff\xfe\"}")), 200, "ignored"},
		{"form body without payload", []byte("x=1"), func() map[string]string {
			m := signedHeaders("pull_request", "h14", []byte("x=1"))
			m["Content-Type"] = "application/x-www-form-urlencoded"
			return m
		}(), 400, "invalid"},
	} {
		start := time.Now()
		r := h.post(tc.body, tc.headers)
		if r.status != tc.status || !strings.Contains(r.body, tc.says) {
			t.Errorf("%s: %d %q; want %d saying %q", tc.name, r.status, r.body, tc.status, tc.says)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	h.wait()
	for _, c := range h.gh.Calls() {
		if c.Path != "/app" && !strings.HasSuffix(c.Path, "/access_tokens") {
			t.Errorf("hostile webhooks caused %s %s", c.Method, c.Path)
		}
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("hostile webhooks wrote:\n%s", callList(w))
	}

	// A replayed delivery (same id) is recognised, whatever its body.
	h.deliverAs("replayed", "pull_request", h.prEvent("opened", n, "dana"))
	h.gh.ResetCalls()
	if r := h.deliverAs("replayed", "pull_request", h.prEvent("synchronize", n, "dana")); r.status != 200 || !strings.Contains(r.body, "already received") {
		t.Errorf("replayed delivery: %d %s", r.status, r.body)
	}
	if c := h.gh.Calls(); len(c) != 0 {
		t.Errorf("a replayed delivery caused calls:\n%s", callList(c))
	}
}

// TestUninstalledAppRunsNothing: once the App is uninstalled, events for
// that installation are answered 200 "no access" and write nothing, even
// though the server still held a token for it; the reconcile no longer
// lists it.
func TestUninstalledAppRunsNothing(t *testing.T) {
	h := newHarness(t, nil, withReconcile(time.Hour))
	n := h.open("a", "dana", pick(h.files, grittingPost))
	h.expectCheck(n, "!success")

	h.gh.RemoveInstallation(instID)
	r := h.deliver("installation", &github.InstallationEvent{Action: github.String("deleted"), Installation: installation(instID), Sender: user("admin")})
	if r.status != http.StatusOK {
		t.Errorf("installation deleted: %d %s", r.status, r.body)
	}
	h.gh.ResetCalls()
	h.gh.PushToPR(owner, repoName, n, map[string]string{"notes/x.txt": "x\n"})
	r = h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
	if r.status != http.StatusOK || !strings.Contains(r.body, "no access") {
		t.Errorf("event for the removed installation: %d %s; want 200 saying no access", r.status, r.body)
	}
	if w := h.writes(); len(w) != 0 {
		t.Errorf("wrote for a removed installation:\n%s", callList(w))
	}
}

// TestUninstalledWithoutTheEvent: the installation's token stops working
// and the "deleted" event is lost; the evaluation fails (401), the cached
// token is dropped, and the retry finds there is no installation and stops.
func TestUninstalledWithoutTheEvent(t *testing.T) {
	h := newHarness(t, nil, quickAPIRetries())
	n := h.open("a", "dana", pick(h.files, grittingPost))
	h.gh.RemoveInstallation(instID)
	h.gh.ResetCalls()
	h.gh.PushToPR(owner, repoName, n, map[string]string{"notes/x.txt": "x\n"})
	h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
	if w := h.writes(); len(w) != 0 {
		t.Errorf("wrote for a removed installation:\n%s", callList(w))
	}
	if st := h.srv.Stats(); st.Retries != 1 || st.JobErrors != 2 {
		t.Errorf("stats %+v: want the 401, one retry that finds no installation, and no more", st)
	}
	r := h.deliver("pull_request", h.prEvent("synchronize", n, "dana"))
	if r.status != http.StatusOK || !strings.Contains(r.body, "no access") {
		t.Errorf("next event: %d %s; want 200 saying no access", r.status, r.body)
	}
}

// hostileCase is a pull request built to break the reviewer.
type hostileCase struct {
	name string
	// base replaces files of the example base branch (config, CODEOWNERS).
	base map[string]string
	// files are the pull request's files; special adds symlinks or
	// submodules to it.
	files   map[string]string
	special func(h *harness, branch string)
	// says are texts the check (title, summary, or an annotation as
	// "path:line: message") must contain.
	says []string
	// pass: the right outcome is a success (for file names that are odd
	// but harmless).
	pass bool
}

// checkText is everything the newest check shows: title, summary, text,
// and annotations as "path:line: title: message".
func (h *harness) checkText(n int) string {
	cr := h.check(n)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%s\n", cr.GetOutput().GetTitle(), cr.GetOutput().GetSummary(), cr.GetOutput().GetText())
	for _, a := range h.gh.CheckRunAnnotations(owner, repoName, cr.GetID()) {
		fmt.Fprintf(&b, "%s:%d: %s: %s\n", a.GetPath(), a.GetStartLine(), a.GetTitle(), a.GetMessage())
	}
	return b.String()
}

func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	return b.String()
}

func draft(front, body string) string {
	return "---\nchannel: x\nkind: post\nauthor: Northbridge City Council\npublish_at: 2026-12-02T07:00:00Z\n" + front + "---\n" + body
}

// TestHostileContent: each pull request gives a finding or a check message
// naming the file (and the line, where there is one); none crashes or
// hangs the server; none passes. The server then still reviews an ordinary
// pull request.
func TestHostileContent(t *testing.T) {
	view := "We believe residents should back the new cycle lanes.\n"
	files := exampleFiles(t)
	config := files[".github/clearance.yml"]
	owners := files[".github/CODEOWNERS"]
	big := draft("", strings.Repeat("Residents can collect free sandbags from the depot. ", 5<<20/52))
	for _, tc := range []hostileCase{
		{name: "invalid UTF-8", files: map[string]string{"posts/bad.md": draft("", "Bins \xff\xfe collected \xc3\x28 today.\n")},
			says: []string{"posts/bad.md"}},
		{name: "binary file", files: map[string]string{"posts/photo.md": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + strings.Repeat("\x00\xff", 500)},
			says: []string{"posts/photo.md"}},
		{name: "5 MB draft", files: map[string]string{"posts/huge.md": big}, says: []string{"posts/huge.md"}},
		{name: "YAML alias bomb in front matter (9^12 nodes)", files: map[string]string{"posts/bomb.md": "---\n" + aliasBomb(12) + "---\nHello.\n"},
			says: []string{"posts/bomb.md:2: front-matter-field", "posts/bomb.md:1: author-missing"}},
		{name: "YAML alias bomb in front matter (many aliases)", files: map[string]string{"posts/bomb.md": draft("tags: &t [a, b]\nnotes: ["+strings.TrimSuffix(strings.Repeat("*t, ", 500), ", ")+"]\n", "Hello.\n")},
			says: []string{"posts/bomb.md:", "too many YAML aliases"}},
		{name: "deep nesting in front matter", files: map[string]string{"posts/deep.md": draft("notes: "+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"\n", "Hello.\n")},
			says: []string{"posts/deep.md:", "nested"}},
		{name: "YAML alias bomb in the config (9^12 nodes)", base: map[string]string{".github/clearance.yml": config + aliasBomb(12)},
			files: map[string]string{"posts/a.md": draft("", "Hello.\n")}, says: []string{"has errors", ".github/clearance.yml:21: unknown key \"a0\""}},
		{name: "YAML alias bomb in the config (many aliases)", base: map[string]string{".github/clearance.yml": config +
			"lexicon:\n  view: &v [a, b]\n  guidance: [" + strings.TrimSuffix(strings.Repeat("*v, ", 500), ", ") + "]\n"},
			files: map[string]string{"posts/a.md": draft("", "Hello.\n")}, says: []string{"has errors", ".github/clearance.yml:", "too many YAML aliases"}},
		{name: "deep nesting in the config", base: map[string]string{".github/clearance.yml": config + "extra: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"},
			files: map[string]string{"posts/a.md": draft("", "Hello.\n")}, says: []string{"has errors", ".github/clearance.yml:21", "nested"}},
		{name: "config with unknown keys", base: map[string]string{".github/clearance.yml": config + "auto_approve: true\n"},
			files: map[string]string{"posts/a.md": draft("", "Hello.\n")}, says: []string{"has errors", `.github/clearance.yml:21: unknown key "auto_approve"`}},
		{name: "malformed CODEOWNERS lines", base: map[string]string{".github/CODEOWNERS": "/posts/[ @northbridge/comms-team\n" + owners + "/replies/ not-an-owner\n\x00\xff\n"},
			files: map[string]string{"posts/view.md": draft("", view)}, says: []string{"`.github/CODEOWNERS` line 1:", "`.github/CODEOWNERS` line 10: \"not-an-owner\"", "`.github/CODEOWNERS` line 11: the line is not valid UTF-8", "Waiting for"}},
		{name: "symbolic link where a draft should be", special: func(h *harness, branch string) {
			h.gh.CommitSymlink(owner, repoName, branch, "posts/link.md", "../published/2026-10-14-flood-defences.md")
		}, says: []string{"posts/link.md"}},
		{name: "submodule where a draft should be", special: func(h *harness, branch string) {
			h.gh.CommitSubmodule(owner, repoName, branch, "posts/sub.md", strings.Repeat("ab", 20))
		}, says: []string{"posts/sub.md"}},
		{name: "file name with spaces and non-ASCII", files: map[string]string{"posts/café plan ✓ déjà vu.md": draft("", view)},
			says: []string{"posts/café plan ✓ déjà vu.md", "Waiting for"}},
		{name: "file name with spaces and non-ASCII, free to post", files: map[string]string{"posts/bibliothèque heures.md": files[libraryPost]},
			says: []string{"free to post"}, pass: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := pick(files, ".github/", "published/")
			for p, c := range tc.base {
				base[p] = c
			}
			h := newHarness(t, base)
			branch := "hostile"
			if tc.files != nil {
				h.gh.Commit(owner, repoName, branch, tc.files)
			} else {
				h.gh.Commit(owner, repoName, branch, map[string]string{"notes/readme.txt": "x\n"})
			}
			if tc.special != nil {
				tc.special(h, branch)
			}
			n := h.gh.OpenPR(owner, repoName, branch, "main", tc.name, "dana")
			start := time.Now()
			h.deliver("pull_request", h.prEvent("opened", n, "dana"))
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.pass {
				h.expectCheck(n, "success")
			} else {
				h.expectCheck(n, "!success")
			}
			text := h.checkText(n)
			t.Logf("the check says:\n%s", clipText(text, 1500))
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("the check does not say %q:\n%s", s, clipText(text, 3000))
				}
			}
			if strings.Contains(strings.ToLower(h.check(n).GetOutput().GetTitle()), "could not evaluate") {
				t.Errorf("content made the evaluation fail rather than give a finding: %q", h.check(n).GetOutput().GetTitle())
			}
			if st := h.srv.Stats(); st.JobErrors != 0 {
				t.Errorf("stats %+v: the evaluation failed", st)
			}
			// Still serving.
			ok := h.open("ordinary", "dana", pick(h.files, libraryPost))
			if !tc.pass && len(tc.base) == 0 {
				h.expectCheck(ok, "success")
			}
		})
	}
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
