package policy

import (
	"time"
)

// Evidence says, for a sentence of a public-domain draft, where it is
// published: what a reviewer checks before trusting "already public".
type Evidence struct {
	Line     int    `json:"line"`
	Sentence string `json:"sentence"` // the draft's sentence as posted
	// Doc is the register document that has the sentence (its path), with
	// its title, public page and publication time; "" when no document
	// has it (then Unpublished holds all its words).
	Doc         string    `json:"doc,omitempty"`
	Title       string    `json:"title,omitempty"`
	URL         string    `json:"url,omitempty"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	// Unpublished are the runs of the sentence's words found in no
	// published document (a greeting, a hashtag), each quoted as written.
	Unpublished []string `json:"unpublished,omitempty"`
}

// maxEvidence bounds the sentences a result lists evidence for.
const maxEvidence = 20

// evidence lists, for each sentence of the draft, the public document that
// has most of its published words, and the words no document has.
func (ev *evaluation) evidence() []Evidence {
	d := ev.d
	var out []Evidence
	for _, s := range d.Sentences {
		if len(out) == maxEvidence {
			break
		}
		e := Evidence{Line: d.Words[s.Start].Line, Sentence: s.Text}
		best := 0
		for _, r := range ev.runs {
			if !r.Doc.PublicAt(ev.e.Now) {
				continue
			}
			n := 0
			for i := max(r.Start, s.Start); i < min(r.End, s.End); i++ {
				if ev.covered[i] {
					n++
				}
			}
			if n > best {
				best = n
				e.Doc, e.Title, e.URL, e.PublishedAt = r.Doc.Path, r.Doc.Title, r.Doc.URL, r.Doc.PublishedAt
			}
		}
		for i := s.Start; i < s.End; i++ {
			if ev.covered[i] {
				continue
			}
			j := i + 1
			for j < s.End && !ev.covered[j] {
				j++
			}
			e.Unpublished = append(e.Unpublished, ev.phraseText(i, j)) // quoted, as written
			i = j
		}
		out = append(out, e)
	}
	return out
}
