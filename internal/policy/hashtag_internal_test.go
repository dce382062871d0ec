package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSegment: a run of letters splits into the fewest known words, the
// most common and longest first; the register's words are known words;
// letters in no known word stay together.
func TestSegment(t *testing.T) {
	reg, _ := BuildRegister(nil)
	if f := addToRegister(reg, "published/a.md", []byte("---\ntitle: A\npublished_at: 2026-01-02\n---\nThe Quaysidefest returns to Northbridge.\n")); len(f) > 0 {
		t.Fatal(f)
	}
	ev := &evaluation{e: NewEngine(nil, nil, reg, time.Now())}
	for in, want := range map[string]string{
		"shameonthem":         "shame on them",
		"wethinkitsadisgrace": "we think its a disgrace",
		"itsabouttime":        "its about time",
		"roadsafety":          "road safety",
		"winterready":         "winter ready",
		"cyclingscotland":     "cycling scotland",
		"quaysidefest":        "quaysidefest", // a register word
		"northbridge":         "northbridge",  // a register word, not "north bridge"
		"shameonxqzv":         "shame on xqzv",
		"disgrace":            "disgrace",
		"2026":                "2026",
		"xq":                  "xq",
	} {
		if got := strings.Join(ev.segment(in), " "); got != want {
			t.Errorf("segment(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"SHAMEONTHEM":         {"shame", "on", "them"},
		"ShameONTHEM":         {"shame", "on", "them"},
		"WeThinkItsADisgrace": {"we", "think", "its", "a", "disgrace"},
		"NeverForget2026":     {"never", "forget", "2026"},
		"Ｓｈａｍｅｏｎｔｈｅｍ":         {"shame", "on", "them"}, // full-width letters fold
	} {
		if got := ev.hashtagWords(in); !slices.Equal(got, want) {
			t.Errorf("hashtagWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadThroughASCII(t *testing.T) {
	for i, r := range readThrough {
		if (i < asciiReadThrough) != (r < 0x80) {
			t.Errorf("readThrough[%d] = %q: asciiReadThrough is wrong", i, r)
		}
	}
}
