package policy_test

import (
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// Index build and incremental update of the register at 10,000 and 100,000
// press releases (see docs/benchmarks.md, "The GitHub App"):
//
//	go test -run='^$' -bench='RegisterIndex|RegisterUpdate' -benchtime=5x ./internal/policy/
//
// The documents are generated here (not shared with bench_test.go) so that
// these figures do not move when the engine's fixture does.

// releases generates n press releases of 300–600 words drawn with a Zipf
// distribution from a vocabulary of 20,000 made-up words, from seed.
func releases(n int, seed uint64) []register.File {
	rng := rand.New(rand.NewPCG(seed, seed^0x51))
	vocab := vocabulary(20000, rng)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed+1, seed+2)), 1.1, 2, uint64(len(vocab)-1))
	out := make([]register.File, n)
	for i := range out {
		out[i] = release(i, rng, func() string { return vocab[zipf.Uint64()] })
	}
	return out
}

func release(i int, rng *rand.Rand, word func() string) register.File {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Release %d\npublished_at: 2025-%02d-%02d\nurl: https://www.example.gov.uk/news/%06d\n---\n", i, 1+i%12, 1+i%28, i)
	for n := 300 + rng.IntN(301); n > 0; {
		s := min(n, 8+rng.IntN(18))
		for j := 0; j < s; j++ {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word())
		}
		b.WriteString(". ")
		n -= s
		if rng.IntN(4) == 0 {
			b.WriteString("\n\n")
		}
	}
	return register.File{Path: fmt.Sprintf("published/%d/%02d/release-%06d.md", 2016+i%10, 1+i%12, i), Data: []byte(b.String())}
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

var regSizes = []int{10_000, 100_000}

// BenchmarkRegisterIndex builds the index of n documents from their bytes
// (what a first load does once the files are read) and reports the heap the
// index keeps, per 10,000 documents.
func BenchmarkRegisterIndex(b *testing.B) {
	for _, n := range regSizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			files := releases(n, 7)
			var reg *register.Register
			before := heapInuse()
			b.ResetTimer()
			for b.Loop() {
				reg = nil
				var fs []policy.Finding
				reg, fs = policy.BuildRegister(files)
				if reg.Len() != n || len(fs) != 0 {
					b.Fatalf("%d documents, %v", reg.Len(), fs)
				}
			}
			b.StopTimer()
			kept := heapInuse() - before
			b.ReportMetric(float64(kept)/(1<<20)/float64(n)*10000, "MB/10k-docs")
			runtime.KeepAlive(reg)
		})
	}
}

// updateTree is the later commit for UpdateBase: the files that changed.
type updateTree map[string][]byte

func (t updateTree) Paths() []string { panic("UpdateBase must not list the whole tree") }
func (t updateTree) ReadFile(p string) ([]byte, error) {
	if b, ok := t[p]; ok {
		return b, nil
	}
	return nil, errNotExist
}

var errNotExist = fs.ErrNotExist

// BenchmarkRegisterUpdate adds one press release to a base of n documents
// with UpdateBase, each base derived from the previous one, as the App does
// when one release is merged into the base branch: ns/op is the time per
// update (including the freezes and merges of layers, amortised), max-ms the
// slowest single update.
func BenchmarkRegisterUpdate(b *testing.B) {
	for _, n := range regSizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			files := releases(n, 7)
			tree := policy.MapTree{".github/clearance.yml": []byte("register: [\"published/**/*.md\"]\n")}
			for _, f := range files {
				tree[f.Path] = f.Data
			}
			base := policy.LoadBase(tree)
			if base.Register.Len() != n {
				b.Fatalf("%d documents", base.Register.Len())
			}
			tree = nil
			rng := rand.New(rand.NewPCG(9, 9))
			word := func() string { return fmt.Sprintf("w%d", rng.IntN(5000)) }
			var worst time.Duration
			i := n
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				f := release(i, rng, word)
				i++
				b.StartTimer()
				start := time.Now()
				next, ok := policy.UpdateBase(base, updateTree{f.Path: f.Data}, []string{f.Path})
				worst = max(worst, time.Since(start))
				if !ok || next.Register.Len() != base.Register.Len()+1 {
					b.Fatalf("update failed: %v", ok)
				}
				base = next
			}
			b.ReportMetric(float64(worst.Microseconds())/1000, "max-ms")
		})
	}
}

// TestRegisterCloneUpdates checks the layered index against a fresh build:
// a chain of bases, each derived from the previous with documents added,
// changed and removed, matches drafts exactly as BuildRegister of the same
// files does, and an old base still matches as it did.
func TestRegisterCloneUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := vocabulary(400, rng) // small, so grams repeat across documents
	word := func() string { return vocab[rng.IntN(len(vocab))] }
	current := map[string][]byte{".github/clearance.yml": []byte("register: [\"published/**/*.md\"]\n")}
	for i := 0; i < 300; i++ {
		f := release(i, rng, word)
		current[f.Path] = f.Data
	}
	base := policy.LoadBase(policy.MapTree(current))
	probe := func(reg *register.Register, probeText string) string {
		var b strings.Builder
		words := text.Words(probeText)
		for _, r := range reg.Match(words, register.GuaranteedRun, [][2]int{{0, 4}, {2, 6}}, []string{"published/2016/01/release-000000.md"}) {
			fmt.Fprintf(&b, "%s %d-%d@%d;", r.Doc.Path, r.Start, r.End, r.DocPos)
		}
		return b.String()
	}
	published := func() string {
		var paths []string
		for p := range current {
			if strings.HasPrefix(p, "published/") && p != "published/bad.md" {
				paths = append(paths, p)
			}
		}
		sort.Strings(paths)
		return paths[rng.IntN(len(paths))]
	}
	draft := func() string {
		// A run from a current document, with words around it.
		doc := text.Words(string(current[published()]))
		at := rng.IntN(len(doc) - 20)
		return "zz yy " + strings.Join(doc[at:at+6+rng.IntN(14)], " ") + " xx " + word()
	}
	type saved struct {
		reg    *register.Register
		drafts []string
		want   []string
	}
	var old []saved
	next := 300
	for gen := 0; gen < 120; gen++ {
		changed := map[string]bool{}
		for k := rng.IntN(4); k >= 0; k-- {
			switch op := rng.IntN(10); {
			case op < 5: // a new release
				f := release(next, rng, word)
				next++
				current[f.Path], changed[f.Path] = f.Data, true
			case op < 8: // a release corrected
				p := published()
				f := release(rng.IntN(100000), rng, word)
				current[p], changed[p] = f.Data, true
			default: // a release withdrawn
				p := published()
				delete(current, p)
				changed[p] = true
			}
		}
		if gen%40 == 39 { // an unreadable one
			current["published/bad.md"], changed["published/bad.md"] = []byte("---\npublished_at: soon\n---\nx"), true
		}
		b2, ok := policy.UpdateBase(base, policy.MapTree(current), slices.Sorted(maps.Keys(changed)))
		if !ok {
			t.Fatalf("generation %d: UpdateBase refused", gen)
		}
		fresh := policy.LoadBase(policy.MapTree(current))
		if got, want := b2.Register.Paths(), fresh.Register.Paths(); !slices.Equal(got, want) || b2.Register.Len() != fresh.Register.Len() {
			t.Fatalf("generation %d: %d paths, want %d", gen, len(got), len(want))
		}
		if !reflect.DeepEqual(b2.Findings, fresh.Findings) {
			t.Fatalf("generation %d: findings\n%v\nwant\n%v", gen, b2.Findings, fresh.Findings)
		}
		s := saved{reg: b2.Register}
		for k := 0; k < 8; k++ {
			d := draft()
			got, want := probe(b2.Register, d), probe(fresh.Register, d)
			if got != want {
				t.Fatalf("generation %d: %q\nmatches %s\nwant    %s", gen, d, got, want)
			}
			s.drafts, s.want = append(s.drafts, d), append(s.want, got)
		}
		for p := range changed {
			if d := b2.Register.Doc(p); (d == nil) != (fresh.Register.Doc(p) == nil) {
				t.Fatalf("generation %d: Doc(%s) = %v", gen, p, d)
			}
		}
		old = append(old, s)
		base = b2
	}
	// Older bases are undisturbed by what was derived from them.
	for gen, s := range old {
		for k, d := range s.drafts {
			if got := probe(s.reg, d); got != s.want[k] {
				t.Fatalf("generation %d changed: %s, was %s", gen, got, s.want[k])
			}
		}
	}
	// The register globs changing needs a full load.
	current[".github/clearance.yml"] = []byte("register: [\"news/**/*.md\"]\n")
	if _, ok := policy.UpdateBase(base, policy.MapTree(current), []string{".github/clearance.yml"}); ok {
		t.Error("UpdateBase took a change of the register globs")
	}
}

// TestUpdateBaseCodeowners: CODEOWNERS and a compatible config change are
// read again; the result is LoadBase's.
func TestUpdateBaseCodeowners(t *testing.T) {
	files := map[string][]byte{
		".github/clearance.yml": []byte("register: [\"published/**/*.md\"]\n"),
		".github/CODEOWNERS":    []byte("/posts/ @o/a\nbad line [\n"),
		"published/a.md":        []byte("---\ntitle: A\n---\nThe library on Station Road opens until eight every weekday."),
	}
	base := policy.LoadBase(policy.MapTree(files))
	files["CODEOWNERS"] = []byte("/posts/ @o/b\n")
	delete(files, ".github/CODEOWNERS")
	files[".github/clearance.yml"] = []byte("register: [\"published/**/*.md\"]\ncheck_name: other\n")
	changed := []string{".github/CODEOWNERS", "CODEOWNERS", ".github/clearance.yml"}
	got, ok := policy.UpdateBase(base, policy.MapTree(files), changed)
	want := policy.LoadBase(policy.MapTree(files))
	if !ok || got.CodeownersPath != want.CodeownersPath || !reflect.DeepEqual(got.Findings, want.Findings) ||
		got.Config.CheckName != "other" || !ownersEqual(got.Owners, want.Owners, "posts/x.md") {
		t.Errorf("got %v %q %v %q; want %q %v", ok, got.CodeownersPath, got.Findings, got.Config.CheckName, want.CodeownersPath, want.Findings)
	}
}

func ownersEqual(a, b *policy.Owners, path string) bool {
	oa, _ := a.Match(path)
	ob, _ := b.Match(path)
	return slices.Equal(oa, ob) && len(oa) > 0
}
