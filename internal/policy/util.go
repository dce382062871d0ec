package policy

import (
	"bytes"
	"unicode/utf8"
)

func bytesValidUTF8(b []byte) bool { return utf8.Valid(b) }

// firstInvalidUTF8Line returns the 1-based line of the first invalid byte.
func firstInvalidUTF8Line(b []byte) int {
	line := 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if b[i] == '\n' {
			line++
		}
		i += size
	}
	return line
}

// lineStarts returns the byte offset of the start of each line.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i := bytes.IndexByte(b, '\n'); i >= 0; {
		starts = append(starts, i+1)
		j := bytes.IndexByte(b[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return starts
}

// lineAt returns the 1-based line holding byte offset off.
func lineAt(starts []int, off int) int {
	lo, hi := 0, len(starts)
	for lo < hi {
		m := (lo + hi) / 2
		if starts[m] <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
