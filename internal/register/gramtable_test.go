package register

import (
	"math/rand/v2"
	"testing"
)

// TestGramTable checks the table against a Go map: growth from empty and
// from a size hint, keys that share their low half (the same start slot),
// wrap-around at the end, updates, and clones that do not share.
func TestGramTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, hint := range []int{0, 1, 100, 5000} {
		tab := newGramTable(hint)
		ref := map[uint64]uint32{}
		for i := 0; i < 20000; i++ {
			var h uint64
			switch rng.IntN(4) {
			case 0:
				h = uint64(rng.IntN(50)) << 32 // low halves equal: one probe chain
			case 1:
				h = uint64(rng.IntN(50))<<32 | 0xffffffff // start at the last slot
			case 2:
				h = uint64(rng.IntN(500)) // repeats: updates
			default:
				h = rng.Uint64()
			}
			v := uint32(i + 1)
			if got, want := tab.swap(h, v), ref[h]; got != want {
				t.Fatalf("hint %d, step %d: swap(%x) = %d, want %d", hint, i, h, got, want)
			}
			ref[h] = v
			if i%1000 == 999 {
				c := tab.clone()
				c.swap(h, 12345)
				if tab.get(h) != v {
					t.Fatalf("clone shares with the original")
				}
			}
		}
		if tab.n != len(ref) {
			t.Errorf("n = %d, want %d", tab.n, len(ref))
		}
		for h, v := range ref {
			if got := tab.get(h); got != v {
				t.Fatalf("get(%x) = %d, want %d", h, got, v)
			}
		}
		for i := 0; i < 1000; i++ {
			h := rng.Uint64()
			if _, ok := ref[h]; !ok && tab.get(h) != 0 {
				t.Fatalf("get(%x) of an absent key", h)
			}
		}
		if len(tab.keys) > 4*len(ref)+16 || tab.n*4 > len(tab.keys)*3 {
			t.Errorf("%d slots for %d entries", len(tab.keys), tab.n)
		}
	}
	var empty gramTable
	if empty.get(42) != 0 {
		t.Error("empty table")
	}
}
