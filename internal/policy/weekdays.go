package policy

import (
	"fmt"
	"time"
)

// A day of the week without a date ("on Tuesday", "since Monday") in a
// release's sentence means a day near the release: posted more than six
// days after it, the sentence points at another day than the release meant
// and is no longer true as it stands. "Every Monday" and "Mondays" are
// recurring, and "Monday 7 December" gives its date: neither goes stale.

var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
}

var monthNames = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
}

// recurring words before a weekday make it every week's.
var recurring = map[string]bool{"every": true, "each": true, "all": true}

// staleWeekdays says why a published weekday without a date is no longer
// true on the day the post goes out.
func (ev *evaluation) staleWeekdays(post time.Time, when string) []string {
	d := ev.d
	var out []string
	for i, w := range d.Words {
		if !ev.covered[i] || !weekdays[w.Word] || i > 0 && recurring[d.Words[i-1].Word] {
			continue
		}
		if i+1 < len(d.Words) && (isDigits(d.Words[i+1].Word) || monthNames[d.Words[i+1].Word]) {
			continue // "Monday 7 December", "Friday, January 15"
		}
		for _, r := range ev.runs {
			if r.Start > i || r.End <= i || !r.Doc.PublicAt(ev.e.Now) || r.Doc.PublishedAt.IsZero() {
				continue
			}
			if post.Sub(r.Doc.PublishedAt) <= 6*24*time.Hour {
				break
			}
			out = append(out, fmt.Sprintf("It repeats %s (line %d) from %s, published on %s: %s that day is no longer the one the release meant. Give the date, or post it in the week the release came out.",
				ev.phraseText(i, i+1), d.Words[i].Line, r.Doc.Name(), fmtTime(r.Doc.PublishedAt), when))
			break
		}
	}
	return out
}
