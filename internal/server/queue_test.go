package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/review"
)

func testJob(key string) job { return job{key: key, kind: jobEvaluate} }

func TestQueueRerunsARunningKeyOnce(t *testing.T) {
	q := newQueue(10)
	if r, err := q.push(testJob("a")); err != nil || r != pushQueued {
		t.Fatalf("push: %v %v", r, err)
	}
	if r, _ := q.push(testJob("a")); r != pushCoalesced {
		t.Errorf("second push while waiting: %v; want coalesced", r)
	}
	e, ok := q.next()
	if !ok || e.job.key != "a" {
		t.Fatalf("next: %v %v", e, ok)
	}
	for range 5 {
		if r, _ := q.push(testJob("a")); r != pushRerun {
			t.Errorf("push while running: %v; want rerun", r)
		}
	}
	if w, r := q.len(); w != 0 || r != 1 {
		t.Errorf("len %d waiting %d running; want 0, 1", w, r)
	}
	q.done(e)
	if w, r := q.len(); w != 1 || r != 0 {
		t.Errorf("after done: %d waiting %d running; want 1, 0", w, r)
	}
	e, _ = q.next()
	q.done(e)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := q.waitIdle(ctx); err != nil {
		t.Errorf("not idle after the rerun: %v", err)
	}
}

func TestQueueBoundAndClose(t *testing.T) {
	q := newQueue(2)
	q.push(testJob("a"))
	q.push(testJob("b"))
	if _, err := q.push(testJob("c")); err != errQueueFull {
		t.Errorf("third key: %v; want errQueueFull", err)
	}
	if r, err := q.push(testJob("a")); err != nil || r != pushCoalesced {
		t.Errorf("a waiting key needs no room: %v %v", r, err)
	}
	q.close()
	if _, err := q.push(testJob("d")); err != errQueueClosed {
		t.Errorf("after close: %v; want errQueueClosed", err)
	}
	// Closed: what waits is still handed out, then workers are told to exit.
	for _, want := range []string{"a", "b"} {
		e, ok := q.next()
		if !ok || e.job.key != want {
			t.Fatalf("next: %v %v; want %s", e, ok, want)
		}
		q.done(e)
	}
	if _, ok := q.next(); ok {
		t.Error("next on a closed, drained queue returned work")
	}
}

func TestQueueStopHandsBackWork(t *testing.T) {
	q := newQueue(10)
	q.push(testJob("a"))
	q.push(testJob("b"))
	e, _ := q.next()
	q.push(testJob("a")) // rerun
	left := q.stop()
	if len(left) != 2 {
		t.Errorf("stop handed back %d jobs; want 2 (b waiting, a's rerun)", len(left))
	}
	if _, ok := q.next(); ok {
		t.Error("next after stop returned work")
	}
	q.done(e)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := q.waitIdle(ctx); err != nil {
		t.Errorf("not idle after stop: %v", err)
	}
}

// TestQueueConcurrent hammers the queue from many goroutines and checks
// that a key never runs twice at the same time and that no push is lost:
// each key's last run starts after its last push.
func TestQueueConcurrent(t *testing.T) {
	const keys, pushers, pushes, workers = 7, 16, 300, 8
	q := newQueue(1000)
	var (
		mu      sync.Mutex
		pushed  = map[string]int{}
		seen    = map[string]int{}
		running = map[string]*atomic.Int32{}
		runs    atomic.Int64
	)
	for k := range keys {
		running[fmt.Sprint(k)] = &atomic.Int32{}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				e, ok := q.next()
				if !ok {
					return
				}
				k := e.job.key
				if n := running[k].Add(1); n != 1 {
					t.Errorf("key %s running %d times at once", k, n)
				}
				mu.Lock()
				seen[k] = pushed[k]
				mu.Unlock()
				runs.Add(1)
				time.Sleep(50 * time.Microsecond) // work
				running[k].Add(-1)
				q.done(e)
			}
		}()
	}
	var pw sync.WaitGroup
	for p := range pushers {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for i := range pushes {
				k := fmt.Sprint((p + i) % keys)
				mu.Lock()
				pushed[k]++
				mu.Unlock()
				if _, err := q.push(job{key: k, kind: jobEvaluate, repo: review.Repo{Owner: "o", Name: "r"}}); err != nil {
					t.Errorf("push: %v", err)
				}
			}
		}()
	}
	pw.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.waitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	q.close()
	wg.Wait()
	for k, n := range pushed {
		if seen[k] != n {
			t.Errorf("key %s: last run saw push %d of %d: a push was lost", k, seen[k], n)
		}
	}
	if r := runs.Load(); r >= pushers*pushes {
		t.Errorf("%d runs for %d pushes: nothing coalesced", r, pushers*pushes)
	}
}

func TestDeliveriesBounded(t *testing.T) {
	d := newDeliveries(3)
	for _, id := range []string{"a", "b", "c"} {
		if !d.reserve(id) {
			t.Fatalf("%s not new", id)
		}
	}
	if d.reserve("a") {
		t.Error("a repeated")
	}
	d.reserve("d") // forgets a, the oldest
	if !d.reserve("a") {
		t.Error("a still remembered beyond the bound")
	}
	d.release("c")
	if !d.reserve("c") {
		t.Error("a released id is still remembered")
	}
	if len(d.ids) > 3 {
		t.Errorf("%d ids remembered; bound 3", len(d.ids))
	}
}

// TestQueueCountsEvaluations: Evaluating counts the evaluations waiting,
// running and due later, and none of the sweeps that only list them.
func TestQueueCountsEvaluations(t *testing.T) {
	q := newQueue(10)
	q.push(testJob("pr:a#1"))
	q.push(job{key: "sweep:a:", kind: jobSweep})
	q.push(reconcileJob(true))
	if n := q.evaluations(); n != 1 {
		t.Errorf("one evaluation waiting: counted %d", n)
	}
	e, _ := q.next() // the evaluation runs
	q.push(e.job)    // and will run once more: still one
	if n := q.evaluations(); n != 1 {
		t.Errorf("one evaluation running, to run again: counted %d", n)
	}
	if err := q.later(job{key: "recheck:a#1:9", kind: jobRecheck}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := q.evaluations(); n != 2 {
		t.Errorf("and a recheck due later: counted %d; want 2", n)
	}
	q.stop()
	if n := q.evaluations(); n != 1 {
		t.Errorf("after stop only the running one is left: counted %d", n)
	}
}

// TestOwnerSpreadsAndStays: rendezvous hashing gives each key to one peer,
// spreads keys across peers, and when a peer leaves only its keys move.
func TestOwnerSpreadsAndStays(t *testing.T) {
	peers := []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}
	count := map[string]int{}
	before := map[string]string{}
	for i := range 6000 {
		k := fmt.Sprint(i)
		o := owner(peers, k)
		count[o]++
		before[k] = o
	}
	for _, p := range peers {
		if count[p] < 800 || count[p] > 1200 {
			t.Errorf("%s owns %d of 6000 keys; want about 1000", p, count[p])
		}
	}
	left := peers[:5] // 10.0.0.6 leaves
	for k, o := range before {
		if now := owner(left, k); o != "10.0.0.6" && now != o {
			t.Fatalf("key %s moved from %s to %s though its owner stayed", k, o, now)
		}
	}
	if owner(nil, "1") != "" {
		t.Error("no peers: an owner")
	}
}
