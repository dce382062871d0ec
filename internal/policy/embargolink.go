package policy

import (
	"time"

	"github.com/clearance-dev/clearance/internal/register"
)

// Links to a release still under embargo. A post that links to the page
// of a register document not yet public points the public at what they may
// not see yet (the page may be live before the embargo lifts, or show the
// embargoed text): an error, unless the post goes out after the embargo
// lifts; and until the embargo lifts such a post is never free.

// embargoedLinks reports the links of the draft to register documents not
// public now, and says whether there was one.
func (ev *evaluation) embargoedLinks() bool {
	d, e := ev.d, ev.e
	found := false
	reported := map[*register.Document]bool{}
	for _, l := range d.Links {
		doc := e.Register.Resolve(l.URL)
		if doc == nil || doc.PublicAt(e.Now) || reported[doc] {
			continue
		}
		reported[doc], found = true, true
		until := doc.EmbargoUntil
		if until.IsZero() || (!doc.PublishedAt.IsZero() && doc.PublishedAt.After(until)) {
			until = doc.PublishedAt
		}
		if !d.PublishAt.IsZero() && !d.PublishAt.Before(until) {
			ev.reason("Line %d links to %s, which is not public until %s; the post is set to go out at %s, after that, but until then it counts as new.", l.Line, doc.Name(), fmtTime(until), fmtTime(d.PublishAt))
			continue
		}
		ev.add(RuleEmbargoed, Error, l.Line, "this links to %s, which is under embargo until %s. Take the link out, or set publish_at: to %s or later so the post waits for the embargo to lift", doc.Name(), fmtTime(until), until.UTC().Format(time.RFC3339))
	}
	return found
}
