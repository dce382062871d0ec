package review

import (
	"container/list"
	"sync"

	"github.com/clearance-dev/clearance/internal/policy"
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

// baseCache keeps the parsed base state (config, CODEOWNERS, register
// index) of recently seen base trees, least recently used out first.
type baseCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type baseEntry struct {
	key  string
	base *policy.Base
}

func newBaseCache(max int) *baseCache {
	return &baseCache{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *baseCache) get(k string) *policy.Base {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*baseEntry).base
	}
	return nil
}

func (c *baseCache) put(k string, b *policy.Base) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value.(*baseEntry).base = b
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&baseEntry{k, b})
	for c.ll.Len() > c.max {
		e := c.ll.Back()
		c.ll.Remove(e)
		delete(c.items, e.Value.(*baseEntry).key)
	}
}
