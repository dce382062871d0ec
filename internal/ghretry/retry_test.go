package ghretry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server answers with the given statuses in turn, then 200.
func server(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *int32) {
	var n int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := atomic.AddInt32(&n, 1) - 1
		body, _ := io.ReadAll(r.Body)
		if int(i) < len(steps) {
			steps[i](w, r)
			return
		}
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4321")
		w.Header().Set("X-RateLimit-Reset", "2000000000")
		w.Write([]byte("ok:" + string(body)))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, hdr ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"message":"x"}`))
	}
}

func reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

type recorder struct{ waits []time.Duration }

func (rec *recorder) sleep(ctx context.Context, d time.Duration) error {
	rec.waits = append(rec.waits, d)
	return ctx.Err()
}

func client(rec *recorder, now time.Time) (*http.Client, *Transport) {
	tr := &Transport{Sleep: rec.sleep, Now: func() time.Time { return now }, Base: &http.Transport{DisableKeepAlives: true}}
	return &http.Client{Transport: tr}, tr
}

func TestRetriesTransientFailuresAndResendsTheBody(t *testing.T) {
	srv, n := server(t, status(502), status(503), status(500))
	rec := &recorder{}
	c, tr := client(rec, time.Now())
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != `ok:{"a":1}` || *n != 4 || len(rec.waits) != 3 {
		t.Fatalf("body %q after %d calls, %d waits", b, *n, len(rec.waits))
	}
	if rl := tr.RateLimit(); rl.Remaining != 4321 || rl.Limit != 5000 {
		t.Errorf("rate limit %+v", rl)
	}
}

func TestSecondaryRateLimitWaitsRetryAfter(t *testing.T) {
	srv, _ := server(t, status(403, "Retry-After", "3"), status(429, "Retry-After", "1"))
	rec := &recorder{}
	c, _ := client(rec, time.Now())
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if len(rec.waits) != 2 || rec.waits[0] < 3*time.Second || rec.waits[1] < time.Second {
		t.Fatalf("waits %v", rec.waits)
	}
}

func TestPrimaryRateLimitWaitsForReset(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	srv, _ := server(t, status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Limit", "5000", "X-RateLimit-Reset", strconv.FormatInt(now.Unix()+20, 10)))
	rec := &recorder{}
	c, _ := client(rec, now)
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if len(rec.waits) != 1 || rec.waits[0] < 20*time.Second || rec.waits[0] > 22*time.Second {
		t.Fatalf("waits %v", rec.waits)
	}
	// A reset an hour away is not waited for: the 403 comes back.
	srv2, n := server(t, status(403, "X-RateLimit-Remaining", "0", "X-RateLimit-Limit", "5000", "X-RateLimit-Reset", strconv.FormatInt(now.Unix()+3600, 10)))
	resp, err = c.Get(srv2.URL)
	if err != nil || resp.StatusCode != 403 || *n != 1 {
		t.Fatalf("far reset: %v %v after %d calls", resp, err, *n)
	}
}

func TestDoesNotRetryClientErrors(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 422} {
		srv, n := server(t, status(code))
		rec := &recorder{}
		c, _ := client(rec, time.Now())
		resp, err := c.Get(srv.URL)
		if err != nil || resp.StatusCode != code || *n != 1 {
			t.Errorf("%d: %v %v after %d calls", code, resp, err, *n)
		}
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	steps := make([]func(http.ResponseWriter, *http.Request), 10)
	for i := range steps {
		steps[i] = status(503)
	}
	srv, n := server(t, steps...)
	rec := &recorder{}
	c, tr := client(rec, time.Now())
	tr.MaxAttempts = 3
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 503 || *n != 3 {
		t.Fatalf("%v %v after %d calls", resp, err, *n)
	}
}

func TestStopsAtTheContextDeadline(t *testing.T) {
	srv, n := server(t, status(502), status(502), status(502))
	tr := &Transport{MinBackoff: time.Second, MaxBackoff: 2 * time.Second}
	c := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 502 || *n != 1 {
		t.Fatalf("%v %v after %d calls", resp, err, *n)
	}
	if time.Since(start) > 250*time.Millisecond {
		t.Errorf("waited %v although the deadline could not be met", time.Since(start))
	}
}

func TestBrokenPostIsNotSentTwice(t *testing.T) {
	srv, n := server(t, reset)
	rec := &recorder{}
	c, _ := client(rec, time.Now())
	if _, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"body":"x"}`)); err == nil {
		t.Fatal("a reset POST reported success")
	}
	if atomic.LoadInt32(n) != 1 {
		t.Fatalf("the POST was sent %d times", atomic.LoadInt32(n))
	}
	// A 502 answer is GitHub saying it did not do it: retried.
	srv2, n2 := server(t, status(502))
	if resp, err := c.Post(srv2.URL, "application/json", strings.NewReader(`{}`)); err != nil || resp.StatusCode != 200 || atomic.LoadInt32(n2) != 2 {
		t.Fatalf("502 POST: %v %v after %d calls", resp, err, atomic.LoadInt32(n2))
	}
}

func TestResetGetIsRetried(t *testing.T) {
	srv, n := server(t, reset, reset)
	rec := &recorder{}
	c, _ := client(rec, time.Now())
	resp, err := c.Get(srv.URL)
	if err != nil || resp.StatusCode != 200 || atomic.LoadInt32(n) != 3 {
		t.Fatalf("%v %v after %d calls", resp, err, atomic.LoadInt32(n))
	}
}
