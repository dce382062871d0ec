package policy_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/text"
)

func TestLexiconFind(t *testing.T) {
	l := policy.NewLexicon(policy.LexiconConfig{})
	cases := []struct {
		text string
		want []string // "kind:phrase@start-end"
	}{
		{"Bus times change on Monday", nil},
		{"I think this is great", []string{"view:i think@0-2", "view:great@4-5"}},
		{"Do not forget your ticket", []string{"guidance:do not forget@0-3"}},
		{"Do not park here", []string{"guidance:do not@0-2"}},
		{"You should avoid the bridge", []string{"guidance:should@1-2", "guidance:avoid@2-3"}},
		{"We recommend booking", []string{"guidance:we recommend@0-2"}},
		{"Personally, IMHO it's the best", []string{"view:personally@0-1", "view:imho@1-2", "view:best@4-5"}},
		{"Don't forget", []string{"guidance:dont forget@0-2"}},
		{"It is safe to swim", []string{"guidance:it is safe@0-3"}},
		{"The pool is safe", []string{"guidance:is safe@2-4"}},
		{"In my view, yes", []string{"view:in my view@0-3"}},
		{"Thinking about it", nil},
		{"Shoulder of the road", nil},
		{"I\u200b th\u0456nk", []string{"view:i think@0-2"}},
		{"The bridge is open at last", []string{"view:at last@4-6"}},
		{"It's about time the road reopened", []string{"view:about time@1-3"}},
		{"The pool has finally reopened", []string{"view:finally@3-4"}},
		{"At long last, the long-awaited bridge", []string{"view:at long last@0-3", "view:long awaited@4-6"}},
		{"As at last year's fair, entry is free", nil},
		{"Questions about time limits for appeals", nil},
		{"At last count 300 people came", nil},
		{"Apply for federal disaster assistance", nil},
		{"Not true: the road will reopen", []string{"view:not true@0-2"}},
		{"Myth: the road will reopen", []string{"view:myth@0-1"}},
		{"Myth busting: the facts about bins", nil},
		{"Report hoax calls to the police", nil},
		{"The delay was a disaster", []string{"view:disaster@4-5"}},
	}
	for _, c := range cases {
		var got []string
		for _, h := range l.Find(text.Words(c.text), nil) {
			got = append(got, fmt.Sprintf("%s:%s@%d-%d", h.Kind, h.Phrase, h.Start, h.End))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
}

func TestLexiconSkip(t *testing.T) {
	l := policy.NewLexicon(policy.LexiconConfig{})
	words := text.Words("we are delighted and you should come")
	// Words 0-2 are published: "we are delighted" is skipped, and a phrase
	// may not start outside and run into skipped words.
	skip := func(i int) bool { return i <= 2 }
	var got []string
	for _, h := range l.Find(words, skip) {
		got = append(got, h.Phrase)
	}
	if want := []string{"should"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
	words = text.Words("you must not go")
	got = nil
	for _, h := range l.Find(words, func(i int) bool { return i == 2 }) {
		got = append(got, h.Phrase)
	}
	if want := []string{"must"}; !slices.Equal(got, want) {
		t.Errorf("phrase over a skipped word: %q, want %q", got, want)
	}
}

func TestLexiconConfig(t *testing.T) {
	l := policy.NewLexicon(policy.LexiconConfig{
		View:     []string{"Top Notch", "", "!!!"},
		Guidance: []string{"please ensure"},
		Ignore:   []string{"BEST", "do not"},
	})
	cases := map[string][]string{
		"a top-notch service":       {"view:top notch"},
		"please ensure you go":      {"guidance:please ensure"},
		"the best buses":            nil,
		"do not park":               nil,
		"do not forget":             {"guidance:do not forget"},
		"great buses, please":       {"view:great"},
		"things you should not see": {"guidance:should not"},
	}
	for in, want := range cases {
		var got []string
		for _, h := range l.Find(text.Words(in), nil) {
			got = append(got, h.Kind+":"+h.Phrase)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
