package review_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/review"
)

// pressRelease is a register document whose words are its own: number i's
// sentences are found in no other document.
func pressRelease(i int) string {
	return fmt.Sprintf("---\ntitle: Release %d\npublished_at: 2026-01-%02d\n---\nThe council confirmed that project number %d in ward %d will receive funding of %d pounds for repairs to roads bridges and pavements across the district this winter.\n", i, 1+i%28, i, i*7, 1000+i)
}

// draftQuoting is a post that repeats release i word for word.
func draftQuoting(i int) string {
	return fmt.Sprintf("---\nchannel: x\nauthor: Northbridge City Council\n---\nThe council confirmed that project number %d in ward %d will receive funding of %d pounds for repairs to roads bridges and pavements across the district this winter.\n", i, i*7, 1000+i)
}

func callsTo(c cost, part string) int {
	n := 0
	for _, call := range c.calls {
		if strings.Contains(call.Path, part) {
			n++
		}
	}
	return n
}

func draftScenarios(dec *review.Decision) map[string]policy.Scenario {
	out := map[string]policy.Scenario{}
	for _, d := range dec.Drafts {
		out[d.File.Path] = d.Result.Scenario
	}
	return out
}

// TestLargeRegister: a first look at a large register reads the tarball
// (one call) rather than each document; a release merged into the base
// branch later costs a compare and its own blob, and is in the index.
func TestLargeRegister(t *testing.T) {
	files := pick(exampleContent(t), ".github/")
	const docs = 300
	for i := 0; i < docs; i++ {
		files[fmt.Sprintf("published/2026/r%04d.md", i)] = pressRelease(i)
	}
	e := newBudgetEnv(t, files)
	e.gh.Commit(budgetOwner, budgetRepo, "drafts", map[string]string{
		"posts/a.md": draftQuoting(7),
		"posts/b.md": draftQuoting(docs), // not published yet
	})
	n := e.gh.OpenPR(budgetOwner, budgetRepo, "drafts", "main", "Two drafts", "dana")
	c, dec := e.evaluate(n)
	t.Logf("first look: %s", c)
	if got := callsTo(c, "/tarball/"); got != 1 {
		t.Errorf("%d tarball calls; want 1", got)
	}
	if c.blobs > 2 {
		t.Errorf("%d blob reads on a first look at %d documents; want the tarball instead", c.blobs, docs)
	}
	if c.reads() > 12 {
		t.Errorf("first look: %d counted reads", c.reads())
	}
	got := draftScenarios(dec)
	if got["posts/a.md"] != policy.PublicDomain || got["posts/b.md"] != policy.NewContent {
		t.Fatalf("scenarios %v", got)
	}
	if bases, ndocs := e.rv.BaseStats(); bases != 1 || ndocs != docs {
		t.Errorf("%d bases, %d documents held", bases, ndocs)
	}

	// The release that b.md quotes is published: one compare, one blob.
	e.gh.Commit(budgetOwner, budgetRepo, "main", map[string]string{fmt.Sprintf("published/2026/r%04d.md", docs): pressRelease(docs)})
	c, dec = e.evaluate(n)
	t.Logf("after one release: %s", c)
	if callsTo(c, "/tarball/")+callsTo(c, "/git/trees/") != 0 || callsTo(c, "/compare/") != 1 || c.blobs != 1 {
		t.Errorf("updating the base read the whole tree again, or more than the new release")
	}
	if got := draftScenarios(dec); got["posts/b.md"] != policy.PublicDomain {
		t.Errorf("after the release: %v", got)
	}
	if _, ndocs := e.rv.BaseStats(); ndocs != docs+1 {
		t.Errorf("%d documents held, want %d", ndocs, docs+1)
	}

	// A release withdrawn, and an unrelated file: b.md is new again.
	e.gh.Commit(budgetOwner, budgetRepo, "main", map[string]string{"README.md": "hello\n"}, fmt.Sprintf("published/2026/r%04d.md", docs))
	c, dec = e.evaluate(n)
	t.Logf("after a withdrawal: %s", c)
	if got := draftScenarios(dec); got["posts/b.md"] != policy.NewContent || got["posts/a.md"] != policy.PublicDomain {
		t.Errorf("after the withdrawal: %v", got)
	}
	if c.blobs != 0 || callsTo(c, "/compare/") != 1 {
		t.Errorf("a withdrawal read blobs")
	}
}

// TestNoCacheBaseline: with caches off, every evaluation reads everything
// again, and still writes nothing when nothing changed.
func TestNoCacheBaseline(t *testing.T) {
	files := exampleContent(t)
	e := newBudgetEnvWith(t, pick(files, ".github/", "published/", "posts/"), true)
	n := budgetScenario(e, files)
	c, _ := e.evaluate(n)
	t.Logf("synchronize, no caches: %s", c)
	if c.reads() < 10 {
		t.Errorf("the baseline read only %d", c.reads())
	}
	c, _ = e.evaluate(n)
	if len(c.writes) != 0 {
		t.Errorf("the baseline wrote %d times when nothing changed", len(c.writes))
	}
}
