package policy

import (
	"github.com/clearance-dev/clearance/internal/text"
	"html"
	"regexp"
	"strings"
)

// Raw HTML in a draft (an HTML block, or a tag or comment inside a line) is
// read the way a reader would see it, so that nothing in it escapes the
// checks: comments are removed, tags are stripped, entities are decoded,
// and the addresses in href, src and similar attributes are links.

// htmlSeg is one piece of raw HTML from the body and the offset in the
// body at which it starts.
type htmlSeg struct {
	text string
	src  int
}

// htmlSink receives what scanHTML finds.
type htmlSink struct {
	// text is text a reader sees; it came from body bytes [src, srcEnd).
	text func(s string, src, srcEnd int)
	// brk is a line break in the HTML.
	brk func(src int)
	// link is an address in an attribute; image is set for an image's
	// source (an attachment, not a link readers follow).
	link func(u string, src int, image bool)
	// alt is an image's description (alt attribute), which is public too.
	alt func(s string, src int)
	// comment is the text inside a comment (<!-- … -->), which is not
	// posted but is read all the same (see Draft.Comments).
	comment func(s string, src int)
	// title is a tag's title attribute, shown only when the pointer
	// rests on it: read like a comment.
	title func(s string, src int)
}

// htmlLinkAttrs are the attributes whose values are addresses.
var htmlLinkAttrs = map[string]bool{
	"href": true, "src": true, "srcset": true, "poster": true, "action": true, "formaction": true,
	"cite": true, "background": true, "data": true, "xlink:href": true, "longdesc": true,
}

// htmlInlineTags are tags within a line of text; other tags separate words.
var htmlInlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true,
	"del": true, "dfn": true, "em": true, "i": true, "ins": true, "kbd": true, "mark": true, "q": true,
	"s": true, "samp": true, "small": true, "span": true, "strong": true, "sub": true, "sup": true,
	"time": true, "u": true, "var": true, "font": true,
}

var htmlAttrRE = regexp.MustCompile(`([^\s"'<>/=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+)`)

// scanHTML reads raw HTML split into segs (the lines of an HTML block, or
// the parts of an inline tag) and reports to out what a reader would see.
// Comments are removed; an unclosed comment or tag is kept as text, since
// it may well be published as it stands (fail closed).
func scanHTML(segs []htmlSeg, out htmlSink) {
	var buf strings.Builder
	var srcOf []int
	for _, s := range segs {
		for k := 0; k < len(s.text); k++ {
			srcOf = append(srcOf, s.src+k)
		}
		buf.WriteString(s.text)
	}
	b := buf.String()
	if b == "" {
		return
	}
	textFrom := 0
	// Once a search for the end of a comment or character data fails,
	// it fails from any later point too.
	noCommentEnd, noCDATAEnd := false, false
	flush := func(to int) {
		// Text runs are flushed a line at a time, so each keeps its line.
		for textFrom < to {
			end := to
			if nl := strings.IndexByte(b[textFrom:to], '\n'); nl >= 0 {
				end = textFrom + nl
			}
			if end > textFrom {
				if s := html.UnescapeString(b[textFrom:end]); s != "" {
					out.text(s, srcOf[textFrom], srcOf[end-1]+1)
				}
			}
			if end < to {
				out.brk(srcOf[end])
				end++
			}
			textFrom = end
		}
	}
	for i := 0; i < len(b); {
		if b[i] != '<' {
			i++
			continue
		}
		if strings.HasPrefix(b[i:], "<![CDATA[") {
			// Character data is text, without its markers.
			flush(i)
			textFrom, i = i+9, i+9
			if noCDATAEnd {
				continue
			}
			if end := strings.Index(b[i:], "]]>"); end >= 0 {
				flush(i + end)
				textFrom, i = i+end+3, i+end+3
			} else {
				noCDATAEnd = true
			}
			continue
		}
		if strings.HasPrefix(b[i:], "<!--") {
			end := -1
			if !noCommentEnd {
				end = strings.Index(b[i+2:], "-->")
				noCommentEnd = end < 0
			}
			if end < 0 {
				// Never closed: drop the marker, keep what follows.
				flush(i)
				textFrom = i + 4
				i += 4
				continue
			}
			flush(i)
			end += i + 2 + 3
			if out.comment != nil && end-3 > i+4 { // "<!-->" holds nothing
				out.comment(b[i+4:end-3], srcOf[i])
			}
			// A comment that spans lines keeps the text after it on
			// its own line.
			if strings.Contains(b[i:end], "\n") {
				out.brk(srcOf[end-1])
			}
			textFrom, i = end, end
			continue
		}
		if i+1 >= len(b) || !isTagStart(b[i+1:]) {
			i++
			continue
		}
		end := tagEnd(b, i+1)
		if end < 0 {
			i++
			continue
		}
		flush(i)
		tag := b[i:end]
		name := tagName(tag)
		for _, m := range htmlAttrRE.FindAllStringSubmatchIndex(tag, -1) {
			attr := strings.ToLower(tag[m[2]:m[3]])
			val := tag[m[4]:m[5]]
			if val != "" && (val[0] == '"' || val[0] == '\'') {
				val = val[1 : len(val)-1]
			}
			val = strings.TrimSpace(html.UnescapeString(val))
			src := srcOf[i+m[2]]
			switch {
			case attr == "alt" && out.alt != nil && val != "":
				out.alt(val, src)
			case attr == "title" && out.title != nil && val != "":
				out.title(val, src)
			case htmlLinkAttrs[attr] && val != "":
				image := attr != "href" && attr != "action" && attr != "formaction" && attr != "cite" && attr != "longdesc" && attr != "xlink:href"
				if attr == "srcset" {
					for _, c := range strings.Split(val, ",") {
						if f := strings.Fields(c); len(f) > 0 {
							out.link(f[0], src, true)
						}
					}
					continue
				}
				out.link(val, src, image)
			}
		}
		if !htmlInlineTags[name] {
			out.text(" ", srcOf[i], srcOf[end-1]+1)
		}
		textFrom, i = end, end
	}
	flush(len(b))
}

// isTagStart reports whether s (just after a <) starts a tag: a letter,
// / and a letter, ! (a declaration) or ? (a processing instruction).
func isTagStart(s string) bool {
	c := s[0]
	switch {
	case c == '!' || c == '?':
		return true
	case c == '/':
		return len(s) > 1 && text.IsASCIILetter(s[1])
	}
	return text.IsASCIILetter(c)
}

// maxTagBytes bounds a tag: a < with no > soon after is text.
const maxTagBytes = 4096

// tagEnd returns the offset just after the > that ends the tag starting
// before b[from], skipping quoted attribute values, or -1.
func tagEnd(b string, from int) int {
	var quote byte
	for j := from; j < len(b) && j < from+maxTagBytes; j++ {
		c := b[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j + 1
		case c == '<':
			return -1 // a new tag before this one ended: not a tag
		}
	}
	return -1
}

// tagName returns the lower-case name of a tag ("a" for <a href=…>, "div"
// for </div>), "" for a declaration or instruction.
func tagName(tag string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(tag, "<"), "/")
	n := 0
	for n < len(s) && (text.IsASCIILetter(s[n]) || (n > 0 && (s[n] >= '0' && s[n] <= '9' || s[n] == '-'))) {
		n++
	}
	return strings.ToLower(s[:n])
}
