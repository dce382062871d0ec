package text_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/text"
)

func TestWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"  multiple   spaces\tand\nlines\r\n", []string{"multiple", "spaces", "and", "lines"}},
		{"1,200 homes and £14.6 million", []string{"1", "200", "homes", "and", "14", "6", "million"}},
		{"don't, don’t, dont", []string{"dont", "dont", "dont"}},
		{"'quoted' and ‘quoted’", []string{"quoted", "and", "quoted"}},
		{"rock 'n' roll", []string{"rock", "n", "roll"}},
		{"flood-defences e-mail", []string{"flood", "defences", "e", "mail"}},
		{"sh\u200bould wo\u200cr\u200dd j\u2060oin\ufeffer", []string{"should", "word", "joiner"}},
		{"recom\u00admend", []string{"recommend"}},
		{"ｓｈｏｕｌｄ ＳＨＯＵＬＤ", []string{"should", "should"}},
		{"sh\u043euld \u0405ECRET \u0456 think", []string{"should", "secret", "i", "think"}},
		{"Αθήνα \u03bfk", []string{"aθηva", "ok"}},
		{"café naïve Zürich", []string{"cafe", "naive", "zurich"}},
		{"cafe\u0301", []string{"cafe"}},
		{"ﬁnd the ﬂat", []string{"find", "the", "flat"}},
		{"Straße", []string{"straße"}},
		{"emoji 🎉 between", []string{"emoji", "between"}},
		// Symbols that show a letter are that letter.
		{"ⒹⒾⓈⒼⓇⒶⒸⒺ ⓓⓘⓢ", []string{"disgrace", "dis"}},
		{"🄳🄸🅂🄶🅁🄰🄲🄴 ⒟⒤⒮", []string{"disgrace", "dis"}},
		{"🅳🅸🆂🅶🆁🅰🅲🅴 🅓🅘🅢", []string{"disgrace", "dis"}},
		{"🇩🇮🇸🇬🇷🇦🇨🇪 🇬🇧", []string{"disgrace", "gb"}},
		{"日本語 text", []string{"日本語", "text"}},
		{"bad \xff byte", []string{"bad", "byte"}},
		{"a\u037ab", []string{"ab"}},                          // folds to a space and a mark
		{"\u01a6ED", []string{"red"}},                         // lowers to a look-alike of r
		{"x \ufdfa y", []string{"x", "صلىاللهعليهوسلم", "y"}}, // one letter, four words
		{"a\u0149", []string{"an"}},                           // folds to an apostrophe and n
		{"#hashtag @user https://example.org/a-b", []string{"hashtag", "user", "https", "example", "org", "a", "b"}},
	}
	for _, c := range cases {
		got := text.Words(c.in)
		if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
		// The words tokenise to themselves.
		if again := text.Words(strings.Join(got, " ")); !slices.Equal(again, got) && len(got) > 0 {
			t.Errorf("Words(%q) = %q, then %q", c.in, got, again)
		}
	}
}

// TestTokenizeOffsets: offsets point into the text as given, before
// folding, so a word can be mapped back to its line.
func TestTokenizeOffsets(t *testing.T) {
	for _, in := range []string{
		"Hello, world",
		"ｓｈｏｕｌｄ read",
		"a sh\u200bould b",
		"café\nnaïve",
		"don’t stop",
		"\u200bstart",
		"end\u200b",
	} {
		toks := text.Tokenize(in)
		for _, tok := range toks {
			if tok.Start < 0 || tok.End > len(in) || tok.Start >= tok.End {
				t.Errorf("%q: bad offsets %+v", in, tok)
				continue
			}
			// The slice the offsets name tokenises to the same word.
			if got := text.Words(in[tok.Start:tok.End]); len(got) != 1 || got[0] != tok.Word {
				t.Errorf("%q: %+v: text %q gives %q", in, tok, in[tok.Start:tok.End], got)
			}
		}
	}
	toks := text.Tokenize("ab ｃｄ ef")
	want := []text.Token{{Word: "ab", Start: 0, End: 2}, {Word: "cd", Start: 3, End: 9}, {Word: "ef", Start: 10, End: 12}}
	if !slices.Equal(toks, want) {
		t.Errorf("Tokenize = %+v, want %+v", toks, want)
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"plain ASCII stays":              "plain ASCII stays",
		"ＦＵＬＬ－ＷＩＤＴＨ":                     "FULL-WIDTH",
		"zero\u200bwidth\u2060joined":    "zerowidthjoined",
		"C\u0430f\u0435 \u0405\u0415":    "Cafe SE",
		"crème brûlée":                   "creme brulee",
		"\ufeffbom":                      "bom",
		"bidi\u202eetxet\u202c":          "bidietxet",
		"ligature ﬁ":                     "ligature fi",
		"superscript x²":                 "superscript x2",
		"invalid \xff":                   "invalid \ufffd",
		"variation\ufe0f selector\ufe0e": "variation selector",
	}
	for in, want := range cases {
		if got := text.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWordsMatchAcrossDisguises: every disguise of a sentence tokenises to
// the same words.
func TestWordsMatchAcrossDisguises(t *testing.T) {
	base := text.Words("We recommend that you should not travel")
	for _, v := range []string{
		"WE RECOMMEND THAT YOU SHOULD NOT TRAVEL",
		"We\nrecommend that\n\nyou should not travel.",
		"We re\u200bcommend that you sh\u00adould not travel",
		"W\u0435 r\u0435comm\u0435nd th\u0430t y\u043eu sh\u043euld n\u043et tr\u0430v\u0435l",
		"Ｗｅ ｒｅｃｏｍｍｅｎｄ ｔｈａｔ ｙｏｕ ｓｈｏｕｌｄ ｎｏｔ ｔｒａｖｅｌ",
		"“We recommend” — that you… should (not) travel!",
	} {
		if got := text.Words(v); !slices.Equal(got, base) {
			t.Errorf("Words(%q) = %q, want %q", v, got, base)
		}
	}
}

func TestWordsLongInput(t *testing.T) {
	in := strings.Repeat("word ", 100000)
	if n := len(text.Words(in)); n != 100000 {
		t.Errorf("%d words", n)
	}
}
