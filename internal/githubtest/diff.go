package githubtest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// diffContext is the number of context lines around changes, as in git.
const diffContext = 3

// maxEditDistance bounds the Myers search; beyond it the changed middle of a
// file is shown as one deletion plus one insertion (still a valid patch).
const maxEditDistance = 2000

// fileDiff is one file's change between two snapshots, with the unified diff
// GitHub puts in the "patch" field.
type fileDiff struct {
	path      string // new path (old path for removed files)
	prevPath  string // renamed: the old path
	status    string // "added", "removed", "modified", "renamed"
	oldSHA    string // blob SHA before ("" when added)
	newSHA    string // blob SHA after ("" when removed)
	additions int
	deletions int
	binary    bool
	hunks     []hunk
}

// sha is the blob SHA GitHub reports: the new blob, or the removed one.
func (d *fileDiff) sha() string {
	if d.newSHA != "" {
		return d.newSHA
	}
	return d.oldSHA
}

// hunk is one "@@ -a,b +c,d @@" section.
type hunk struct {
	header string
	lines  []diffLine
}

// diffLine is one line of a hunk.
type diffLine struct {
	op      byte   // ' ', '-', '+'
	text    string // without the trailing newline
	noEOL   bool   // the line has no trailing newline in its file
	oldLine int    // 1-based line in the old file (0 for '+')
	newLine int    // 1-based line in the new file (0 for '-')
}

// patch renders the hunks as GitHub's "patch" field: hunks only (no file
// headers), lines joined with "\n", no trailing newline.
func (d *fileDiff) patch() string {
	var out []string
	for _, h := range d.hunks {
		out = append(out, h.header)
		for _, l := range h.lines {
			out = append(out, string(l.op)+l.text)
			if l.noEOL {
				out = append(out, `\ No newline at end of file`)
			}
		}
	}
	return strings.Join(out, "\n")
}

// hasPatch reports whether GitHub would send a "patch" field.
func (d *fileDiff) hasPatch() bool { return !d.binary && len(d.hunks) > 0 }

// position maps (line, side) to GitHub's diff position: 1 for the line
// below the first hunk header, counting later hunk headers too. It returns
// the hunk index and the index of the line within it as well.
func (d *fileDiff) position(line int, side string) (pos, hunkIdx, lineIdx int, ok bool) {
	pos = 0
	for hi, h := range d.hunks {
		if hi > 0 {
			pos++ // the hunk header line
		}
		for li, l := range h.lines {
			pos++
			if (side == "LEFT" && l.op != '+' && l.oldLine == line) || (side != "LEFT" && l.op != '-' && l.newLine == line) {
				return pos, hi, li, true
			}
		}
	}
	return 0, 0, 0, false
}

// atPosition maps a diff position back to (line, side).
func (d *fileDiff) atPosition(position int) (line int, side string, ok bool) {
	pos := 0
	for hi, h := range d.hunks {
		if hi > 0 {
			pos++
		}
		for _, l := range h.lines {
			pos++
			if pos == position {
				if l.op == '-' {
					return l.oldLine, "LEFT", true
				}
				return l.newLine, "RIGHT", true
			}
		}
	}
	return 0, "", false
}

// diffHunk is GitHub's "diff_hunk" of a review comment: the hunk header and
// the hunk's lines up to and including the commented one.
func (d *fileDiff) diffHunk(hunkIdx, lineIdx int) string {
	h := d.hunks[hunkIdx]
	out := []string{h.header}
	for _, l := range h.lines[:lineIdx+1] {
		out = append(out, string(l.op)+l.text)
	}
	return strings.Join(out, "\n")
}

// diffSnapshots compares two flattened snapshots (path -> blob SHA). Exact
// renames (a removed and an added path with the same blob) are reported as
// "renamed"; results are sorted by path.
func diffSnapshots(old, cur map[string]string, blob func(sha string) []byte) []*fileDiff {
	var out, added, removed []*fileDiff
	for p, sha := range cur {
		switch o, ok := old[p]; {
		case !ok:
			d := &fileDiff{path: p, status: "added", newSHA: sha}
			added = append(added, d)
		case o != sha:
			out = append(out, &fileDiff{path: p, status: "modified", oldSHA: o, newSHA: sha})
		}
	}
	for p, sha := range old {
		if _, ok := cur[p]; !ok {
			removed = append(removed, &fileDiff{path: p, status: "removed", oldSHA: sha})
		}
	}
	byPath := func(l []*fileDiff) {
		sort.Slice(l, func(i, j int) bool { return l[i].path < l[j].path })
	}
	byPath(added)
	byPath(removed)
	paired := map[*fileDiff]bool{}
	for _, rm := range removed {
		for _, ad := range added {
			if !paired[ad] && ad.newSHA == rm.oldSHA {
				paired[ad], paired[rm] = true, true
				out = append(out, &fileDiff{path: ad.path, prevPath: rm.path, status: "renamed", oldSHA: rm.oldSHA, newSHA: ad.newSHA})
				break
			}
		}
	}
	for _, d := range append(added, removed...) {
		if !paired[d] {
			out = append(out, d)
		}
	}
	byPath(out)
	for _, d := range out {
		if d.status == "renamed" {
			continue
		}
		var a, b []byte
		if d.oldSHA != "" {
			a = blob(d.oldSHA)
		}
		if d.newSHA != "" {
			b = blob(d.newSHA)
		}
		if isBinary(a) || isBinary(b) {
			d.binary = true
			continue
		}
		d.hunks, d.additions, d.deletions = unifiedDiff(a, b)
	}
	return out
}

// isBinary is git's heuristic: a NUL byte in the first 8000 bytes.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0
}

// splitLines splits content into lines that keep their "\n" (the last one
// may lack it).
func splitLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// unifiedDiff computes git-style hunks (3 lines of context, hunks merged
// when their contexts touch, function context after the "@@" as git's
// default funcname rule finds it).
func unifiedDiff(a, b []byte) (hunks []hunk, additions, deletions int) {
	al, bl := splitLines(a), splitLines(b)
	ops := diffOps(al, bl)

	// Line numbers for every op.
	type opLine struct {
		op         byte
		oldIdx     int // 0-based index into al (valid for ' ' and '-')
		newIdx     int // 0-based index into bl (valid for ' ' and '+')
		oldBefore  int // old lines consumed before this op
		newBefore  int
		changeFlag bool
	}
	lines := make([]opLine, len(ops))
	oi, ni := 0, 0
	for i, op := range ops {
		lines[i] = opLine{op: op, oldIdx: oi, newIdx: ni, oldBefore: oi, newBefore: ni, changeFlag: op != ' '}
		switch op {
		case ' ':
			oi++
			ni++
		case '-':
			oi++
			deletions++
		case '+':
			ni++
			additions++
		}
	}

	// Group changes into hunks.
	i := 0
	for i < len(lines) {
		if !lines[i].changeFlag {
			i++
			continue
		}
		start := max(0, i-diffContext)
		end := i // last change index in this hunk
		for j := i + 1; j < len(lines); j++ {
			if lines[j].changeFlag {
				if j-end-1 > 2*diffContext {
					break
				}
				end = j
			}
		}
		stop := min(len(lines), end+diffContext+1)

		var h hunk
		oldCount, newCount := 0, 0
		for _, l := range lines[start:stop] {
			dl := diffLine{op: l.op}
			switch l.op {
			case ' ':
				dl.text, dl.oldLine, dl.newLine = al[l.oldIdx], l.oldIdx+1, l.newIdx+1
				oldCount++
				newCount++
			case '-':
				dl.text, dl.oldLine = al[l.oldIdx], l.oldIdx+1
				oldCount++
			case '+':
				dl.text, dl.newLine = bl[l.newIdx], l.newIdx+1
				newCount++
			}
			dl.noEOL = !strings.HasSuffix(dl.text, "\n")
			dl.text = strings.TrimSuffix(dl.text, "\n")
			h.lines = append(h.lines, dl)
		}
		oldStart, newStart := lines[start].oldBefore, lines[start].newBefore
		h.header = fmt.Sprintf("@@ -%s +%s @@", hunkRange(oldStart, oldCount), hunkRange(newStart, newCount))
		if fn := funcLine(al, oldStart-1); fn != "" {
			h.header += " " + fn
		}
		hunks = append(hunks, h)
		i = stop
	}
	return hunks, additions, deletions
}

// hunkRange formats one side of a hunk header as git does: "start,count",
// just "start" when count is 1, and the line before when count is 0.
func hunkRange(before, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", before)
	case 1:
		return fmt.Sprintf("%d", before+1)
	default:
		return fmt.Sprintf("%d,%d", before+1, count)
	}
}

// funcLine applies git's default funcname rule: the nearest line at or
// above index from that starts with a letter, "_" or "$", cut to 80 bytes
// and stripped of trailing whitespace.
func funcLine(lines []string, from int) string {
	for i := min(from, len(lines)-1); i >= 0; i-- {
		l := lines[i]
		if l == "" {
			continue
		}
		c := l[0]
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' {
			if len(l) > 80 {
				l = l[:80]
			}
			return strings.TrimRight(l, " \t\n\v\f\r")
		}
	}
	return ""
}

// diffOps returns an edit script turning a into b: ' ' keep, '-' delete
// a line of a, '+' insert a line of b. Deletions come before insertions in
// a changed block, as in git's output.
func diffOps(a, b []string) []byte {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := bytes.Repeat([]byte{' '}, pre)
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	ops = append(ops, bytes.Repeat([]byte{' '}, suf)...)

	// Slide change groups the way git's xdl_change_compact does, so that
	// ambiguous diffs come out as git (and so GitHub) shows them.
	da, db := make([]bool, len(a)+1), make([]bool, len(b)+1)
	i, j := 0, 0
	for _, op := range ops {
		switch op {
		case ' ':
			i, j = i+1, j+1
		case '-':
			da[i] = true
			i++
		case '+':
			db[j] = true
			j++
		}
	}
	compact(a, da, db)
	compact(b, db, da)
	ops = ops[:0]
	for i, j = 0, 0; i < len(a) || j < len(b); {
		switch {
		case i < len(a) && da[i]:
			ops = append(ops, '-')
			i++
		case j < len(b) && db[j]:
			ops = append(ops, '+')
			j++
		default:
			ops = append(ops, ' ')
			i, j = i+1, j+1
		}
	}
	return ops
}

// group is a run [start, end) of changed lines in one file.
type group struct{ start, end int }

// compact is git's xdl_change_compact: every group of changed lines in recs
// (flags in chg, with a false sentinel at len(recs)) is slid as far down as
// it goes, merging with neighbours, and then back up to line up with a
// group of changes in the other file (flags in other) when it can, or else
// to where git's indent heuristic (on by default since git 2.14) puts it.
func compact(recs []string, chg, other []bool) {
	n, no := len(recs), len(other)-1
	first := func(c []bool) group {
		g := group{}
		for c[g.end] {
			g.end++
		}
		return g
	}
	next := func(c []bool, size int, g *group) bool {
		if g.end == size {
			return false
		}
		g.start = g.end + 1
		g.end = g.start
		for c[g.end] {
			g.end++
		}
		return true
	}
	prev := func(c []bool, g *group) bool {
		if g.start == 0 {
			return false
		}
		g.end = g.start - 1
		g.start = g.end
		for g.start > 0 && c[g.start-1] {
			g.start--
		}
		return true
	}
	slideDown := func(g *group) bool {
		if g.end < n && recs[g.start] == recs[g.end] {
			chg[g.start], chg[g.end] = false, true
			g.start++
			g.end++
			for chg[g.end] {
				g.end++
			}
			return true
		}
		return false
	}
	slideUp := func(g *group) bool {
		if g.start > 0 && recs[g.start-1] == recs[g.end-1] {
			g.start--
			g.end--
			chg[g.start], chg[g.end] = true, false
			for g.start > 0 && chg[g.start-1] {
				g.start--
			}
			return true
		}
		return false
	}
	g, gother := first(chg), first(other)
	for {
		if g.end != g.start {
			var earliestEnd, endMatchingOther int
			for {
				size := g.end - g.start
				endMatchingOther = -1
				for slideUp(&g) {
					prev(other, &gother)
				}
				earliestEnd = g.end
				if gother.end > gother.start {
					endMatchingOther = g.end
				}
				for slideDown(&g) {
					next(other, no, &gother)
					if gother.end > gother.start {
						endMatchingOther = g.end
					}
				}
				if size == g.end-g.start {
					break
				}
			}
			switch {
			case g.end == earliestEnd:
				// no shifting was possible
			case endMatchingOther != -1:
				for gother.end == gother.start {
					slideUp(&g)
					prev(other, &gother)
				}
			default:
				best := indentHeuristicShift(recs, g, earliestEnd)
				for g.end > best {
					slideUp(&g)
					prev(other, &gother)
				}
			}
		}
		if !next(chg, n, &g) {
			break
		}
		next(other, no, &gother)
	}
}

// myers is Myers' O(ND) shortest edit script, with a trace for
// backtracking. Moves never leave the edit grid.
func myers(a, b []string) []byte {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return append(bytes.Repeat([]byte{'-'}, n), bytes.Repeat([]byte{'+'}, m)...)
	}
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	for i := range v {
		v[i] = -1
	}
	// trace[d] holds v[-d-1 .. d+1] as it was before step d.
	var trace [][]int
	// choose picks how diagonal k is entered at a step: from k+1 by an
	// insertion (down) or from k-1 by a deletion (right).
	choose := func(get func(int) int, k int) (prevK, x int, ok bool) {
		xd, okd := get(k+1), false
		if xd >= 0 && xd-k <= m {
			okd = true
		}
		xr, okr := get(k-1), false
		if xr >= 0 && xr+1 <= n {
			xr, okr = xr+1, true
		}
		switch {
		case okd && (!okr || xd >= xr):
			return k + 1, xd, true
		case okr:
			return k - 1, xr, true
		}
		return 0, 0, false
	}
	final := -1
	for d := 0; d <= maxD && final < 0; d++ {
		if d > maxEditDistance {
			return append(bytes.Repeat([]byte{'-'}, n), bytes.Repeat([]byte{'+'}, m)...)
		}
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if d == 0 {
				x = 0
			} else {
				_, xx, ok := choose(func(i int) int { return v[off+i] }, k)
				if !ok {
					v[off+k] = -1
					continue
				}
				x = xx
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x == n && y == m {
				final = d
				break
			}
		}
	}

	var rev []byte
	x, y := n, m
	for d := final; d >= 0; d-- {
		if d == 0 {
			for ; x > 0; x, y = x-1, y-1 {
				rev = append(rev, ' ')
			}
			break
		}
		snap := trace[d]
		get := func(k int) int {
			i := k + d + 1
			if i < 0 || i >= len(snap) {
				return -1
			}
			return snap[i]
		}
		k := x - y
		prevK, _, _ := choose(get, k)
		prevX := get(prevK)
		prevY := prevX - prevK
		// the point right after the edit
		mx, my := prevX, prevY+1
		if prevK == k-1 {
			mx, my = prevX+1, prevY
		}
		for x > mx && y > my {
			rev = append(rev, ' ')
			x, y = x-1, y-1
		}
		if prevK == k-1 {
			rev = append(rev, '-')
		} else {
			rev = append(rev, '+')
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// The constants of git's indent heuristic (xdiff/xdiffi.c).
const (
	maxIndent                       = 200
	maxBlanks                       = 20
	startOfFilePenalty              = 1
	endOfFilePenalty                = 21
	totalBlankWeight                = -30
	postBlankWeight                 = 6
	relativeIndentPenalty           = -4
	relativeIndentWithBlankPenalty  = 10
	relativeOutdentPenalty          = 24
	relativeOutdentWithBlankPenalty = 17
	relativeDedentPenalty           = 23
	relativeDedentWithBlankPenalty  = 17
	indentWeight                    = 60
	indentHeuristicMaxSliding       = 100
)

// lineIndent is the indentation width of a line (tabs to multiples of 8),
// or -1 for a line of only whitespace.
func lineIndent(l string) int {
	ret := 0
	for i := 0; i < len(l); i++ {
		switch c := l[i]; c {
		case ' ':
			ret++
		case '\t':
			ret += 8 - ret%8
		case '\n', '\r', '\v', '\f':
		default:
			return ret
		}
		if ret >= maxIndent {
			return maxIndent
		}
	}
	return -1
}

type splitMeasurement struct {
	endOfFile                                          bool
	indent, preBlank, preIndent, postBlank, postIndent int
}

func measureSplit(recs []string, split int) splitMeasurement {
	m := splitMeasurement{indent: -1, preIndent: -1, postIndent: -1}
	if split >= len(recs) {
		m.endOfFile = true
	} else {
		m.indent = lineIndent(recs[split])
	}
	for i := split - 1; i >= 0; i-- {
		if m.preIndent = lineIndent(recs[i]); m.preIndent != -1 {
			break
		}
		if m.preBlank++; m.preBlank == maxBlanks {
			m.preIndent = 0
			break
		}
	}
	for i := split + 1; i < len(recs); i++ {
		if m.postIndent = lineIndent(recs[i]); m.postIndent != -1 {
			break
		}
		if m.postBlank++; m.postBlank == maxBlanks {
			m.postIndent = 0
			break
		}
	}
	return m
}

type splitScore struct{ effectiveIndent, penalty int }

func (s *splitScore) add(m splitMeasurement) {
	if m.preIndent == -1 && m.preBlank == 0 {
		s.penalty += startOfFilePenalty
	}
	if m.endOfFile {
		s.penalty += endOfFilePenalty
	}
	postBlank := 0
	if m.indent == -1 {
		postBlank = 1 + m.postBlank
	}
	totalBlank := m.preBlank + postBlank
	s.penalty += totalBlankWeight*totalBlank + postBlankWeight*postBlank
	indent := m.indent
	if indent == -1 {
		indent = m.postIndent
	}
	anyBlanks := totalBlank != 0
	s.effectiveIndent += indent
	pick := func(withBlank, without int) int {
		if anyBlanks {
			return withBlank
		}
		return without
	}
	switch {
	case indent == -1, m.preIndent == -1, indent == m.preIndent:
	case indent > m.preIndent:
		s.penalty += pick(relativeIndentWithBlankPenalty, relativeIndentPenalty)
	case m.postIndent != -1 && m.postIndent > indent:
		s.penalty += pick(relativeOutdentWithBlankPenalty, relativeOutdentPenalty)
	default:
		s.penalty += pick(relativeDedentWithBlankPenalty, relativeDedentPenalty)
	}
}

func (s splitScore) cmp(o splitScore) int {
	c := 0
	switch {
	case s.effectiveIndent > o.effectiveIndent:
		c = 1
	case s.effectiveIndent < o.effectiveIndent:
		c = -1
	}
	return indentWeight*c + s.penalty - o.penalty
}

// indentHeuristicShift picks where a slidable group (now slid fully down)
// should end, as git's indent heuristic does.
func indentHeuristicShift(recs []string, g group, earliestEnd int) int {
	size := g.end - g.start
	shift := max(earliestEnd, g.end-size-1, g.end-indentHeuristicMaxSliding)
	best := -1
	var bestScore splitScore
	for ; shift <= g.end; shift++ {
		var sc splitScore
		sc.add(measureSplit(recs, shift))
		sc.add(measureSplit(recs, shift-size))
		if best == -1 || sc.cmp(bestScore) <= 0 {
			best, bestScore = shift, sc
		}
	}
	return best
}
