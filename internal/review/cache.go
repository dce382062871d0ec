package review

import (
	"container/list"
	"sync"
)

// byteLRU caches blob contents by SHA, bounded by total size.
type byteLRU struct {
	mu    sync.Mutex
	max   int
	size  int
	ll    *list.List
	items map[string]*list.Element
}

type byteEntry struct {
	key string
	val []byte
}

func newByteLRU(max int) *byteLRU {
	return &byteLRU{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *byteLRU) get(k string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*byteEntry).val, true
	}
	return nil, false
}

func (c *byteLRU) put(k string, v []byte) {
	if len(v) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		return
	}
	c.items[k] = c.ll.PushFront(&byteEntry{k, v})
	c.size += len(v)
	for c.size > c.max {
		e := c.ll.Back()
		be := e.Value.(*byteEntry)
		c.ll.Remove(e)
		delete(c.items, be.key)
		c.size -= len(be.val)
	}
}

// baseCache keeps the base branches of recently reviewed repositories,
// by repository and branch, least recently used out first. It is bounded
// by the number of bases and by the register documents they hold, counted
// whole even where a derived base shares most of its index with another.
type baseCache struct {
	mu      sync.Mutex
	max     int // bases
	maxDocs int // register documents, over all bases
	docs    int
	ll      *list.List
	items   map[string]*list.Element
}

type baseEntry struct {
	key, repo string
	st        *baseState
	docs      int
}

func newBaseCache(max, maxDocs int) *baseCache {
	return &baseCache{max: max, maxDocs: maxDocs, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *baseCache) get(k string) *baseState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*baseEntry).st
	}
	return nil
}

// anyOf returns the most recently used base of a repository, any branch.
func (c *baseCache) anyOf(repo string) *baseState {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.ll.Front(); e != nil; e = e.Next() {
		if be := e.Value.(*baseEntry); be.repo == repo {
			return be.st
		}
	}
	return nil
}

func (c *baseCache) put(k, repo string, st *baseState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		be := e.Value.(*baseEntry)
		c.docs -= be.docs
		be.st, be.docs = st, st.docs()
		c.docs += be.docs
		c.ll.MoveToFront(e)
	} else {
		be := &baseEntry{key: k, repo: repo, st: st, docs: st.docs()}
		c.items[k] = c.ll.PushFront(be)
		c.docs += be.docs
	}
	// The newest stays, however large.
	for c.ll.Len() > 1 && (c.ll.Len() > c.max || c.docs > c.maxDocs) {
		e := c.ll.Back()
		be := e.Value.(*baseEntry)
		c.ll.Remove(e)
		delete(c.items, be.key)
		c.docs -= be.docs
	}
}

// stats reports the bases kept and their register documents.
func (c *baseCache) stats() (bases, docs int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.docs
}
