package policy_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/register"
	"github.com/clearance-dev/clearance/internal/text"
)

// The benchmarks run on a generated content repo held in memory: 1,000
// drafts against a register of 10,000 press releases. See
// docs/benchmarks.md for the figures and the goals.
//
//	go test -run='^$' -bench=. -benchmem -count=6 ./internal/policy/
const (
	benchDrafts    = 1000
	benchDocuments = 10000
	benchVocab     = 4000
)

var benchNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type benchRepo struct {
	tree      policy.MapTree
	drafts    []string // draft paths
	register  []register.File
	docSents  [][][]string // each document's sentences, as written
	dataBytes int
}

var (
	benchOnce    sync.Once
	benchFixture *benchRepo
)

// benchData generates the repo once per test binary.
func benchData() *benchRepo {
	benchOnce.Do(func() { benchFixture = generateRepo(benchDrafts, benchDocuments, 42) })
	return benchFixture
}

// viewPhrases are sprinkled into new-content drafts.
var viewPhrases = []string{"we think", "should", "great news", "we are delighted", "you must", "we recommend", "unfortunately", "the best"}

// generateRepo builds a deterministic content repo. Documents are
// press-release-like: a title, a date, paragraphs of 300–600 words drawn
// from a vocabulary of benchVocab made-up words with a Zipf distribution
// (a few words are very common, as in real prose). Drafts are ~30% a run of
// sentences copied from a random document, ~30% a link and a few words,
// ~40% new text with some view words.
func generateRepo(nDrafts, nDocs int, seed uint64) *benchRepo {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := vocabulary(benchVocab, rng)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed+1, seed+2)), 1.1, 2, uint64(len(vocab)-1))
	word := func() string { return vocab[zipf.Uint64()] }
	sentence := func(n int) []string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return ws
	}
	writeSentence := func(b *strings.Builder, ws []string) {
		for i, w := range ws {
			if i == 0 {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			} else {
				b.WriteByte(' ')
				b.WriteString(w)
			}
			if i > 0 && i < len(ws)-1 && rng.IntN(12) == 0 {
				b.WriteByte(',')
			}
		}
		b.WriteString(". ")
	}

	r := &benchRepo{tree: policy.MapTree{}}
	r.tree[".github/CODEOWNERS"] = []byte("/posts/ @org/policy-team @org/comms-team\n/replies/ @org/policy-team @org/comms-team\n")
	r.docSents = make([][][]string, nDocs)
	for i := 0; i < nDocs; i++ {
		path := fmt.Sprintf("published/%04d/%02d/release-%05d.md", 2016+i%10, 1+i%12, i)
		var b strings.Builder
		published := benchNow.AddDate(0, 0, -1-rng.IntN(3650))
		fmt.Fprintf(&b, "---\ntitle: %s\npublished_at: %s\nurl: https://www.example.gov.uk/news/%05d\n", strings.Join(sentence(6), " "), published.Format(time.RFC3339), i)
		if i%50 == 0 { // a few under embargo
			fmt.Fprintf(&b, "embargo_until: %s\n", benchNow.AddDate(0, 1, 0).Format(time.RFC3339))
		}
		b.WriteString("---\n")
		target := 300 + rng.IntN(301)
		var body []string
		var sents [][]string
		for len(body) < target {
			para := 2 + rng.IntN(4)
			for s := 0; s < para && len(body) < target; s++ {
				ws := sentence(min(8+rng.IntN(18), target-len(body)))
				if len(ws) == 0 {
					break
				}
				writeSentence(&b, ws)
				body = append(body, ws...)
				sents = append(sents, ws)
			}
			b.WriteString("\n\n")
		}
		r.docSents[i] = sents
		data := []byte(b.String())
		r.tree[path] = data
		r.register = append(r.register, register.File{Path: path, Data: data})
		r.dataBytes += len(data)
	}

	for i := 0; i < nDrafts; i++ {
		dir := "posts"
		if i%4 == 3 {
			dir = "replies/forum"
		}
		path := fmt.Sprintf("%s/draft-%04d.md", dir, i)
		var b strings.Builder
		b.WriteString("---\nchannel: linkedin\nauthor: Press Office\n")
		if dir != "posts" {
			fmt.Fprintf(&b, "in_reply_to: https://forum.example.gov.uk/t/%d\n", i)
		}
		kind := rng.IntN(10)
		if kind < 3 && i%2 == 0 {
			fmt.Fprintf(&b, "sources: [%s]\n", r.register[rng.IntN(nDocs)].Path)
		}
		b.WriteString("---\n")
		switch {
		case kind < 3: // whole sentences copied from a document, sometimes with a few words added
			doc := r.docSents[rng.IntN(nDocs)]
			n := 1 + rng.IntN(3)
			at := rng.IntN(len(doc) - n)
			if rng.IntN(3) == 0 {
				writeSentence(&b, sentence(2+rng.IntN(3)))
			}
			for _, ws := range doc[at : at+n] {
				writeSentence(&b, ws)
			}
		case kind < 6: // a pointer
			writeSentence(&b, sentence(3+rng.IntN(15)))
			fmt.Fprintf(&b, "https://www.example.gov.uk/news/%05d\n", rng.IntN(nDocs))
		default: // new text, often with a view
			for s := 2 + rng.IntN(4); s > 0; s-- {
				ws := sentence(8 + rng.IntN(15))
				if rng.IntN(2) == 0 {
					ws = append(ws[:3], append(strings.Fields(viewPhrases[rng.IntN(len(viewPhrases))]), ws[3:]...)...)
				}
				writeSentence(&b, ws)
			}
		}
		data := []byte(b.String())
		r.tree[path] = data
		r.drafts = append(r.drafts, path)
		r.dataBytes += len(data)
	}
	r.docSents = nil // only needed to write the drafts; do not count it in the heap
	return r
}

// checkAll is what `app check` does: load the base, then evaluate every
// draft on all cores.
func checkAll(tree policy.Tree) (*policy.Base, []*policy.Result) {
	base := policy.LoadBase(tree)
	e := base.Engine(benchNow)
	return base, e.EvaluateAll(tree, e.DraftPaths(tree))
}

// heapMB is the heap in use, garbage included, in MB.
func heapMB() float64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapInuse) / (1 << 20)
}

// fixtureMB is the heap the generated repo itself holds, measured once,
// so the figures can be read net of it.
func fixtureMB() float64 {
	benchData()
	runtime.GC()
	return heapMB()
}

// TestBenchRepoMix checks the generated repo gives the intended mix, so the
// benchmark measures what it claims to.
func TestBenchRepoMix(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a large repo")
	}
	r := generateRepo(200, 500, 7)
	_, results := checkAll(r.tree)
	counts := map[policy.Scenario]int{}
	for _, res := range results {
		counts[res.Scenario]++
	}
	t.Logf("200 drafts: %v", counts)
	if len(results) != 200 || counts[policy.Pointer] < 30 || counts[policy.PublicDomain] < 30 || counts[policy.NewContent] < 50 {
		t.Errorf("mix %v", counts)
	}
}

// TestWriteBenchRepo writes the generated repo to the folder named by
// CLEARANCE_BENCH_REPO, to time `app check` on it from disk:
//
//	CLEARANCE_BENCH_REPO=/tmp/bench-repo go test -run TestWriteBenchRepo ./internal/policy/
//	/usr/bin/time -v go run ./cmd/app check --repo /tmp/bench-repo --now 2026-11-26T12:00:00Z >/dev/null
func TestWriteBenchRepo(t *testing.T) {
	dir := os.Getenv("CLEARANCE_BENCH_REPO")
	if dir == "" {
		t.Skip("set CLEARANCE_BENCH_REPO to a folder to write the benchmark repo there")
	}
	for p, data := range benchData().tree {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reportCPU reports the CPU time per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// liveMB is the heap still reachable, after a collection.
func liveMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

func BenchmarkCheck(b *testing.B) {
	r := benchData()
	fixture := fixtureMB()
	b.ReportAllocs()
	b.SetBytes(int64(r.dataBytes))
	peak := 0.0
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		base, results := checkAll(r.tree)
		peak = max(peak, heapMB())
		if len(results) != benchDrafts || base.Register.Len() != benchDocuments {
			b.Fatalf("%d results, %d documents", len(results), base.Register.Len())
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(peak, "MB-heap")
	b.ReportMetric(fixture, "MB-fixture")
}

func BenchmarkRegisterBuild(b *testing.B) {
	r := benchData()
	before := liveMB()
	b.ReportAllocs()
	peak := 0.0
	b.ResetTimer()
	var reg *register.Register
	cpu := cpuTime()
	for b.Loop() {
		var fs []policy.Finding
		reg, fs = policy.BuildRegister(r.register)
		peak = max(peak, heapMB())
		if reg.Len() != benchDocuments || len(fs) != 0 {
			b.Fatalf("%d documents, %v", reg.Len(), fs)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	// What the built register itself keeps: the live heap net of the fixture.
	b.ReportMetric(liveMB()-before, "MB-register")
	runtime.KeepAlive(reg)
	b.ReportMetric(peak, "MB-heap")
}

func BenchmarkEvaluateDraft(b *testing.B) {
	r := benchData()
	e := policy.LoadBase(r.tree).Engine(benchNow)
	data := make([][]byte, len(r.drafts))
	for i, p := range r.drafts {
		data[i] = r.tree[p]
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		e.Evaluate(r.drafts[i%len(data)], data[i%len(data)])
		i++
	}
	reportCPU(b, cpu)
}

// BenchmarkReadTokenize is the baseline: read every file of the repo and
// split it into words with text.Words, on all cores, as check does.
func BenchmarkReadTokenize(b *testing.B) {
	r := benchData()
	paths := r.tree.Paths()
	runtime.GC()
	b.ReportAllocs()
	b.SetBytes(int64(r.dataBytes))
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		var total int
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan string, len(paths))
		for _, p := range paths {
			next <- p
		}
		close(next)
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := 0
				for p := range next {
					data, err := r.tree.ReadFile(p)
					if err != nil {
						b.Error(err)
						return
					}
					n += len(text.Words(string(data)))
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total == 0 {
			b.Fatal("no words")
		}
	}
	reportCPU(b, cpu)
}
