// Package ghcache is an http.RoundTripper that revalidates GitHub GET
// responses with ETags. GitHub answers a matching If-None-Match with 304 Not
// Modified, which does not count against the rate limit; the cached body is
// then handed back as the 200 it stands for. Use one Transport per
// installation (its token decides what may be seen), and put it inside the
// authenticating transport's base so the request carries the token.
package ghcache

import (
	"bufio"
	"bytes"
	"container/list"
	"io"
	"net/http"
	"net/http/httputil"
	"sync"
	"sync/atomic"
)

// Transport caches GET responses that carry an ETag.
type Transport struct {
	// Base does the requests; http.DefaultTransport when nil.
	Base http.RoundTripper
	// MaxBytes bounds the cache (default 32 MiB); least recently used
	// entries go first.
	MaxBytes int

	mu    sync.Mutex
	size  int
	ll    *list.List
	items map[string]*list.Element

	hits, misses atomic.Int64
}

type entry struct {
	key  string
	etag string
	raw  []byte // the whole response, as httputil.DumpResponse wrote it
}

// Stats reports revalidations answered from the cache (hits) and requests
// that went through in full (misses).
func (t *Transport) Stats() (hits, misses int64) { return t.hits.Load(), t.misses.Load() }

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

func cacheKey(r *http.Request) string {
	return r.URL.String() + "\x00" + r.Header.Get("Accept")
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("Range") != "" {
		return t.base().RoundTrip(req)
	}
	key := cacheKey(req)
	cached := t.get(key)
	if cached != nil && req.Header.Get("If-None-Match") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", cached.etag)
	}
	resp, err := t.base().RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotModified && cached != nil {
		old, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(cached.raw)), req)
		if err == nil {
			t.hits.Add(1)
			// Fresh rate-limit headers from the 304, the rest as cached.
			for k, v := range resp.Header {
				if len(k) > 12 && k[:12] == "X-Ratelimit-" {
					old.Header[k] = v
				}
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return old, nil
		}
	}
	t.misses.Add(1)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		return resp, nil
	}
	raw, err := httputil.DumpResponse(resp, true)
	if err != nil {
		return resp, nil // DumpResponse restored the body on error paths it can
	}
	t.put(&entry{key: key, etag: etag, raw: raw})
	return resp, nil
}

func (t *Transport) get(key string) *entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.items == nil {
		return nil
	}
	if e, ok := t.items[key]; ok {
		t.ll.MoveToFront(e)
		return e.Value.(*entry)
	}
	return nil
}

func (t *Transport) put(en *entry) {
	max := t.MaxBytes
	if max <= 0 {
		max = 32 << 20
	}
	if len(en.raw) > max/8 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.items == nil {
		t.items, t.ll = map[string]*list.Element{}, list.New()
	}
	if e, ok := t.items[en.key]; ok {
		t.size -= len(e.Value.(*entry).raw)
		t.ll.Remove(e)
	}
	t.items[en.key] = t.ll.PushFront(en)
	t.size += len(en.raw)
	for t.size > max {
		e := t.ll.Back()
		old := e.Value.(*entry)
		t.ll.Remove(e)
		delete(t.items, old.key)
		t.size -= len(old.raw)
	}
}
