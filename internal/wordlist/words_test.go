package wordlist

import "testing"

func TestLevel(t *testing.T) {
	for w, want := range map[string]int{
		"the": 1, "about": 1, "time": 1, "shame": 1, "disgrace": 3, "dont": 1, "scotland": 3, "wales": 3, "a": 1, "i": 1,
		"b": 0, "wethinkitsadisgrace": 0, "": 0, "Time": 0,
	} {
		if got := Level(w); got != want {
			t.Errorf("Level(%q) = %d, want %d", w, got, want)
		}
	}
	if n := Len(); n < 30000 || n > 50000 {
		t.Errorf("%d words, want 30,000–50,000", n)
	}
}
