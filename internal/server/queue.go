package server

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors of queue.push.
var (
	errQueueFull   = errors.New("the work queue is full")
	errQueueClosed = errors.New("the server is shutting down")
)

// pushResult says what push did with a job.
type pushResult int

const (
	pushQueued    pushResult = iota + 1 // a new entry waits for a worker
	pushCoalesced                       // merged into the entry already waiting
	pushRerun                           // the key is running: it runs once more afterwards
)

func (r pushResult) String() string {
	switch r {
	case pushQueued:
		return "queued"
	case pushCoalesced:
		return "coalesced"
	case pushRerun:
		return "rerun"
	}
	return "?"
}

// queue is a bounded FIFO of jobs that coalesces jobs by key: a key is
// either absent, waiting (once), or running (once), so the same work never
// runs twice at the same time, a burst of jobs for a waiting key costs
// nothing more, and a job for a running key makes it run exactly once more
// when it finishes (the new event may have changed what it reads).
//
// Only waiting entries count against the bound, and only webhooks are held
// to it: a rerun re-enters the queue even when it is full (there are at most
// as many as workers), and so do retries and the evaluations a sweep queues
// (at most one per open pull request).
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	max     int
	pending []*entry
	byKey   map[string]*entry
	running int
	closed  bool // no new jobs; workers drain what waits
	stopped bool // workers take nothing more
	idle    chan struct{}
	// timers hold jobs due later (retries); they count as busy.
	timers map[*time.Timer]job
}

type entry struct {
	job     job
	running bool
	again   *job // merged jobs that arrived while running
}

func newQueue(max int) *queue {
	q := &queue{max: max, byKey: map[string]*entry{}, idle: make(chan struct{}), timers: map[*time.Timer]job{}}
	q.cond = sync.NewCond(&q.mu)
	close(q.idle)
	return q
}

// push adds a job, or merges it into the entry of its key.
func (q *queue) push(j job) (pushResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, errQueueClosed
	}
	return q.pushLocked(j, true)
}

// pushFromSweep is push for the evaluations a sweep queues: the bound does
// not apply (there is at most one entry per pull request, so a sweep adds at
// most as many as there are open pull requests, and a bound would starve
// the pull requests listed last), and when noRerun is set a job whose key is
// running now is dropped rather than run once more afterwards, for work that
// only needs to happen at least once from now (a reconcile's).
func (q *queue) pushFromSweep(j job, noRerun bool) (pushResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, errQueueClosed
	}
	if e := q.byKey[j.key]; e != nil && e.running && noRerun {
		return pushCoalesced, nil
	}
	return q.pushLocked(j, false)
}

// has reports whether a job of this key waits, runs or is due later.
func (q *queue) has(key string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.byKey[key] != nil {
		return true
	}
	for _, j := range q.timers {
		if j.key == key {
			return true
		}
	}
	return false
}

// pushLocked is push; bounded says whether the queue's bound applies.
func (q *queue) pushLocked(j job, bounded bool) (pushResult, error) {
	if e := q.byKey[j.key]; e != nil {
		if e.running {
			if e.again == nil {
				e.again = &j
			} else {
				m := e.again.merge(j)
				e.again = &m
			}
			return pushRerun, nil
		}
		e.job = e.job.merge(j)
		return pushCoalesced, nil
	}
	if bounded && len(q.pending) >= q.max {
		return 0, errQueueFull
	}
	e := &entry{job: j}
	q.byKey[j.key] = e
	q.enqueue(e)
	return pushQueued, nil
}

func (q *queue) enqueue(e *entry) {
	q.markBusy()
	q.pending = append(q.pending, e)
	q.cond.Signal()
}

// markBusy opens a new idle channel if the current one is closed.
func (q *queue) markBusy() {
	select {
	case <-q.idle:
		q.idle = make(chan struct{})
	default:
	}
}

// markIdle closes the idle channel when nothing is left.
func (q *queue) markIdle() {
	if q.busy() > 0 {
		return
	}
	select {
	case <-q.idle:
	default:
		close(q.idle)
	}
}

func (q *queue) busy() int { return len(q.pending) + q.running + len(q.timers) }

// later queues j after d (a retry). It counts as work from now on, so
// waitIdle waits for it; stop hands it back.
func (q *queue) later(j job, d time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errQueueClosed
	}
	q.markBusy()
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if _, ok := q.timers[t]; !ok {
			return // stopped
		}
		delete(q.timers, t)
		// Work accepted earlier: the bound does not apply, and a closed
		// queue still holds it for stop to hand back.
		q.pushLocked(j, false)
	})
	q.timers[t] = j
	return nil
}

// next waits for a job. It returns false when the worker should exit: the
// queue is closed and drained, or stopped.
func (q *queue) next() (*entry, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.pending) == 0 && !q.closed && !q.stopped {
		q.cond.Wait()
	}
	if q.stopped || len(q.pending) == 0 {
		return nil, false
	}
	e := q.pending[0]
	q.pending[0] = nil
	q.pending = q.pending[1:]
	e.running = true
	q.running++
	return e, true
}

// done finishes a job taken with next; the key runs once more when jobs
// arrived for it meanwhile.
func (q *queue) done(e *entry) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.running--
	e.running = false
	if e.again != nil && !q.stopped {
		e.job, e.again = *e.again, nil
		q.pending = append(q.pending, e)
		q.cond.Signal()
		return
	}
	delete(q.byKey, e.job.key)
	q.markIdle()
}

// close refuses new jobs and wakes the workers so they drain and exit.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.cond.Broadcast()
}

// stop makes the workers take nothing more and returns the jobs that were
// still waiting (or due to run again).
func (q *queue) stop() []job {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed, q.stopped = true, true
	q.cond.Broadcast()
	var left []job
	for _, e := range q.pending {
		left = append(left, e.job)
		delete(q.byKey, e.job.key)
	}
	for _, e := range q.byKey {
		if e.again != nil {
			left = append(left, *e.again)
		}
	}
	for t, j := range q.timers {
		t.Stop()
		left = append(left, j)
	}
	clear(q.timers)
	q.pending = nil
	q.markIdle()
	return left
}

// waitIdle waits until nothing waits or runs.
func (q *queue) waitIdle(ctx context.Context) error {
	q.mu.Lock()
	ch := q.idle
	q.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// len is the number of waiting (or due later) and running jobs.
func (q *queue) len() (waiting, running int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending) + len(q.timers), q.running
}

// evaluations is the number of evaluate and recheck jobs waiting, running
// or due later (a rerun shares its running entry's key, so counts once).
func (q *queue) evaluations() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, e := range q.byKey {
		if e.job.kind.evaluates() {
			n++
		}
	}
	for _, j := range q.timers {
		if j.kind.evaluates() {
			n++
		}
	}
	return n
}
