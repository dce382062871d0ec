package githubtest

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestRoundTripsOfIntervals(t *testing.T) {
	at := func(ms int) time.Time { return time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond) }
	call := func(start, end int) Call { return Call{Start: at(start), End: at(end)} }
	for _, tc := range []struct {
		name  string
		calls []Call
		want  int
	}{
		{"none", nil, 0},
		{"one", []Call{call(0, 10)}, 1},
		{"side by side", []Call{call(0, 10), call(1, 11), call(2, 12)}, 1},
		{"one after another", []Call{call(0, 10), call(10, 20), call(21, 30)}, 3},
		{"two phases, the second of three", []Call{call(0, 10), call(1, 10), call(11, 20), call(11, 21), call(12, 22)}, 2},
		{"a long call beside a chain", []Call{call(0, 50), call(1, 10), call(11, 20), call(21, 30), call(51, 60)}, 4},
		{"out of order", []Call{call(21, 30), call(0, 10), call(11, 20)}, 3},
	} {
		if got := RoundTrips(tc.calls); got != tc.want {
			t.Errorf("%s: %d round trips; want %d", tc.name, got, tc.want)
		}
	}
}

// TestRoundTripsOfRealCalls: calls made side by side through real HTTP,
// with latency, count as one round trip; calls made one after another
// count each.
func TestRoundTripsOfRealCalls(t *testing.T) {
	s := NewServer(t)
	s.CreateRepo("acme", "posts", "main", map[string]string{"a.md": "a"})
	s.CreateInstallation(42, "acme", "posts")
	client := s.InstallationClient(42)
	ctx := context.Background()
	client.Repositories.Get(ctx, "acme", "posts") // the token
	s.SetFaults(Faults{Latency: 20 * time.Millisecond})
	s.ResetCalls()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client.Repositories.Get(ctx, "acme", "posts")
		}()
	}
	wg.Wait()
	client.Repositories.Get(ctx, "acme", "posts")
	client.Repositories.Get(ctx, "acme", "posts")
	if got := RoundTrips(s.Calls()); got != 3 {
		t.Errorf("3 calls side by side, then 2 one after another: %d round trips; want 3", got)
	}
}
