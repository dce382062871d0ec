// Package wordlist is a list of about 45,000 common English words, each with
// how common it is, for reading words that are written together: a hashtag
// in one case ("#wethinkitsadisgrace") or letters spaced out
// ("d i s g r a c e").
//
// The words are SCOWL's (Spell Checker Oriented Word Lists, by Kevin
// Atkinson; Debian package scowl 2020.12.07-2) English, British and
// American words, proper names in capitals and contractions of its sizes 10,
// 20 and 35, its "small" list: size 10 holds the most common words, 20 the
// next, 35 the rest of a small dictionary; and the names in capitals of its
// sizes 40 and 50 (places, people, peoples: "Scotland", "Wales"), with the
// words of size 35. They were lower-cased, with
// apostrophes removed ("don't" is "dont", as clearance reads words) and
// possessives ("abbey's") and single letters other than "a" and "i" left
// out. LICENSE is SCOWL's copyright notice as Debian ships it.
package wordlist

import (
	_ "embed"
	"strings"
	"sync"
)

var (
	//go:embed words-10.txt
	words10 string
	//go:embed words-20.txt
	words20 string
	//go:embed words-35.txt
	words35 string
	//go:embed names-50.txt
	names50 string
)

var (
	once  sync.Once
	level map[string]uint8
)

func load() {
	level = make(map[string]uint8, 41000)
	for i, list := range []string{words10, words20, words35, names50} {
		for _, w := range strings.Split(list, "\n") {
			if w = strings.TrimSpace(w); w != "" {
				if _, ok := level[w]; !ok {
					level[w] = uint8(min(i+1, 3))
				}
			}
		}
	}
}

// Level reports how common a word (lower case, ASCII letters) is: 1 for
// the most common words, 2 for the next, 3 for the rest of the list, 0 for
// a word not in the list. The list is read on first use.
func Level(w string) int {
	once.Do(load)
	return int(level[w])
}

// Len is the number of words in the list.
func Len() int {
	once.Do(load)
	return len(level)
}
