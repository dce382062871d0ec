package githubtest

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestHunkHeaders(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"", "a\nb\n", "@@ -0,0 +1,2 @@\n+a\n+b"},
		{"a\n", "", "@@ -1 +0,0 @@\n-a"},
		{"a\n", "b\n", "@@ -1 +1 @@\n-a\n+b"},
		{"a\n", "a", "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file"},
		{"x\ny\n", "x\nnew\ny\n", "@@ -1,2 +1,3 @@\n x\n+new\n y"},
	} {
		h, _, _ := unifiedDiff([]byte(tc.a), []byte(tc.b))
		if got := (&fileDiff{hunks: h}).patch(); got != tc.want {
			t.Errorf("diff(%q, %q) =\n%s\nwant\n%s", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestDiffMatchesGit compares patches with `git diff` on random edits of
// small files whose lines repeat a lot (the ambiguous cases where git's
// change compaction and indent heuristic matter), and checks that every
// patch applies.
func TestDiffMatchesGit(t *testing.T) {
	if !gitOnPath() {
		t.Skip("git not on PATH")
	}
	rng := rand.New(rand.NewSource(1))
	words := []string{"alpha", "beta", "gamma", "  indented", "", "Title", "delta", "}", "{", "\tTabbed"}
	var pairs [][2]string
	for i := 0; i < 300; i++ {
		var a []string
		for j := 0; j < rng.Intn(30); j++ {
			a = append(a, words[rng.Intn(len(words))])
		}
		b := append([]string(nil), a...)
		for k := 0; k < 1+rng.Intn(4); k++ {
			switch rng.Intn(3) {
			case 0:
				if len(b) > 0 {
					idx := rng.Intn(len(b))
					b = append(b[:idx], b[idx+1:]...)
				}
			case 1:
				idx := rng.Intn(len(b) + 1)
				b = append(b[:idx], append([]string{words[rng.Intn(len(words))] + "x"}, b[idx:]...)...)
			default:
				if len(b) > 0 {
					b[rng.Intn(len(b))] = fmt.Sprint("changed ", k)
				}
			}
		}
		as, bs := strings.Join(a, "\n")+"\n", strings.Join(b, "\n")
		if rng.Intn(2) == 0 {
			bs += "\n"
		}
		pairs = append(pairs, [2]string{as, bs})
	}
	want := gitDiffMany(t, pairs)
	differ := 0
	for i, p := range pairs {
		h, add, del := unifiedDiff([]byte(p[0]), []byte(p[1]))
		got := (&fileDiff{hunks: h}).patch()
		if applied := applyHunks(t, p[0], h); applied != p[1] {
			t.Fatalf("case %d: patch does not apply: got %q want %q\n%s", i, applied, p[1], got)
		}
		if got == want[i] {
			continue
		}
		// Git's own search (xdl_split, after discarding unmatched lines)
		// can pick a different but equally short edit script for heavily
		// repetitive input; the counts must still agree.
		differ++
		gitAdd, gitDel := strings.Count("\n"+want[i], "\n+"), strings.Count("\n"+want[i], "\n-")
		if add != gitAdd || del != gitDel {
			t.Errorf("case %d: +%d -%d, git +%d -%d\nfake:\n%s\ngit:\n%s", i, add, del, gitAdd, gitDel, got, want[i])
		}
	}
	if differ > len(pairs)/100 {
		t.Errorf("%d of %d patches differ from git's", differ, len(pairs))
	}
}

// applyHunks applies hunks to a and returns the result.
func applyHunks(t *testing.T, a string, hunks []hunk) string {
	t.Helper()
	old := splitLines([]byte(a))
	var out strings.Builder
	next := 0 // next old line (0-based) not yet copied
	for _, h := range hunks {
		first := -1
		for _, l := range h.lines {
			if l.op != '+' {
				first = l.oldLine - 1
				break
			}
		}
		if first < 0 { // pure insertion: insert after the lines before it
			var before int
			fmt.Sscanf(h.header, "@@ -%d", &before)
			first = before
		}
		for ; next < first; next++ {
			out.WriteString(old[next])
		}
		for _, l := range h.lines {
			eol := "\n"
			if l.noEOL {
				eol = ""
			}
			switch l.op {
			case ' ':
				out.WriteString(l.text + eol)
				next++
			case '-':
				if old[next] != l.text+eol {
					t.Fatalf("hunk does not match: %q vs %q", old[next], l.text+eol)
				}
				next++
			case '+':
				out.WriteString(l.text + eol)
			}
		}
	}
	for ; next < len(old); next++ {
		out.WriteString(old[next])
	}
	return out.String()
}

// gitDiffMany runs one `git diff --no-index` over many pairs of contents
// and returns each pair's patch ("" when equal).
func gitDiffMany(t *testing.T, pairs [][2]string) []string {
	t.Helper()
	dir := t.TempDir()
	for _, side := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(dir, side), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pairs {
		for j, side := range []string{"a", "b"} {
			if err := os.WriteFile(filepath.Join(dir, side, fmt.Sprintf("%04d", i)), []byte(p[j]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command(gitBin(t), "diff", "--no-index", "--no-color", "-U3", "a", "b")
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("git diff: %v", err)
	}
	res := make([]string, len(pairs))
	for _, part := range strings.Split(string(out), "diff --git a/a/")[1:] {
		var i int
		if _, err := fmt.Sscanf(part, "%04d", &i); err != nil {
			t.Fatalf("parsing git diff: %v", err)
		}
		if k := strings.Index(part, "\n@@"); k >= 0 {
			res[i] = strings.TrimSuffix(part[k+1:], "\n")
		}
	}
	return res
}
