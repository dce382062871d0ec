package review

import "testing"

func TestContentFromPatch(t *testing.T) {
	for _, content := range []string{"---\nchannel: x\n---\n\nHello.\n", "no newline at end", "\n\n", "a\n\nb\n"} {
		patch := addedPatch(content)
		if content[len(content)-1] != '\n' {
			patch = "@@ -0,0 +1 @@\n+" + content + "\n\\ No newline at end of file"
		}
		f := &ChangedFile{Status: "added", SHA: GitBlobSHA([]byte(content)), Patch: patch}
		got, ok := contentFromPatch(f)
		if !ok || string(got) != content {
			t.Errorf("%q: got %q, %v", content, got, ok)
		}
		// A patch that does not give the blob's text is not used.
		f.SHA = GitBlobSHA([]byte(content + "x"))
		if _, ok := contentFromPatch(f); ok {
			t.Errorf("%q: used a patch that does not match the blob", content)
		}
	}
	if _, ok := contentFromPatch(&ChangedFile{Status: "modified", SHA: "x", Patch: "@@ -1 +1 @@\n-a\n+b"}); ok {
		t.Error("rebuilt a modified file from its patch")
	}
	// git hash-object of "hello\n".
	if got := GitBlobSHA([]byte("hello\n")); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("GitBlobSHA = %s", got)
	}
}

// TestLinkShaped: how a symbolic link shows in a pull request's patch (its
// target, one line with no line break at the end), and what is not one.
func TestLinkShaped(t *testing.T) {
	for _, tc := range []struct {
		patch, target string
		ok            bool
	}{
		{"@@ -0,0 +1 @@\n+../notes\n\\ No newline at end of file", "../notes", true},
		{"@@ -1 +1 @@\n-../old\n\\ No newline at end of file\n+../notes\n\\ No newline at end of file", "../notes", true},
		{"@@ -0,0 +1 @@\n+../notes\n", "", false},                            // ends with a line break: a text file
		{"@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file", "", false}, // two lines
		{"@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file", "", false},
		{"", "", false}, // binary: no patch
	} {
		target, ok := linkShaped("added", tc.patch)
		if ok != tc.ok || ok && target != tc.target {
			t.Errorf("%q: %q %v; want %q %v", tc.patch, target, ok, tc.target, tc.ok)
		}
	}
	if _, ok := linkShaped("removed", "@@ -1 +0,0 @@\n-../notes\n\\ No newline at end of file"); ok {
		t.Error("a removed link needs no look-up")
	}
}
