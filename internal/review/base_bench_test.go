package review_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

// The base branch's register through GitHub (the fake, no added latency):
// the first load of n documents, and the update after one release is
// merged. CLEARANCE_BENCH_DOCS sets n (default 1,000 and 10,000):
//
//	go test -run='^$' -bench=BaseFromGitHub -benchtime=20x ./internal/review/
func BenchmarkBaseFromGitHub(b *testing.B) {
	sizes := []int{1000, 10000}
	if v, err := strconv.Atoi(os.Getenv("CLEARANCE_BENCH_DOCS")); err == nil && v > 0 {
		sizes = []int{v}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			files := pick(exampleContent(b), ".github/")
			for i := 0; i < n; i++ {
				files[fmt.Sprintf("published/%d/r%06d.md", 2016+i%10, i)] = pressRelease(i)
			}
			e := newBudgetEnv(b, files)
			e.gh.Commit(budgetOwner, budgetRepo, "drafts", map[string]string{"posts/a.md": draftQuoting(7)})
			pr := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "A draft", "dana")
			ctx := context.Background()

			e.gh.ResetCalls()
			before := e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst))
			start := time.Now()
			if s := e.rv.Gather(ctx, e.c, e.repo, pr); s.Err != nil || s.Base.Register.Len() != n {
				b.Fatalf("first load: %v, %d documents", s.Err, s.Base.Register.Len())
			}
			firstMS := float64(time.Since(start).Milliseconds())
			firstCalls := float64(before - e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst)))

			i := n
			var calls int
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				e.gh.Commit(budgetOwner, budgetRepo, "main", map[string]string{fmt.Sprintf("published/2026/r%06d.md", i): pressRelease(i)})
				i++
				before := e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst))
				b.StartTimer()
				s := e.rv.Gather(ctx, e.c, e.repo, pr)
				b.StopTimer()
				if s.Err != nil || s.Base.Register.Len() != i {
					b.Fatalf("update: %v, %d documents", s.Err, s.Base.Register.Len())
				}
				calls += before - e.gh.RateLimitRemaining(fmt.Sprintf("installation:%d", budgetInst))
				b.StartTimer()
			}
			b.ReportMetric(float64(calls)/float64(b.N), "calls/update")
			b.ReportMetric(firstMS, "first-load-ms")
			b.ReportMetric(firstCalls, "first-load-calls")
		})
	}
}
