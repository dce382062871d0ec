package githubtest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// statusRun makes n raw GETs on a fresh connection each and returns the
// statuses ("reset" for a dropped connection).
func statusRun(t *testing.T, s *Server, n int) []string {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var out []string
	for i := 0; i < n; i++ {
		req, _ := http.NewRequest("GET", s.URL()+"/repos/acme/posts", nil)
		req.Header.Set("Authorization", "token "+PersonalToken)
		resp, err := hc.Do(req)
		if err != nil {
			out = append(out, "reset")
			continue
		}
		resp.Body.Close()
		out = append(out, fmt.Sprint(resp.StatusCode))
	}
	return out
}

func TestFaultsDeterministic(t *testing.T) {
	s, _ := fixture(t)
	f := Faults{ErrorRate: 0.3, Reset: true, Seed: 42}
	s.SetFaults(f)
	first := statusRun(t, s, 60)
	s.SetFaults(f) // same seed, same order of calls: same faults
	second := statusRun(t, s, 60)
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("not deterministic:\n%v\n%v", first, second)
	}
	counts := map[string]int{}
	for _, st := range first {
		counts[st]++
	}
	if counts["200"] < 30 || counts["500"] == 0 || counts["502"] == 0 || counts["reset"] == 0 {
		t.Fatalf("fault mix = %v", counts)
	}
	s.SetFaults(Faults{ErrorRate: 0.3, Reset: true, Seed: 43})
	if other := statusRun(t, s, 60); fmt.Sprint(other) == fmt.Sprint(first) {
		t.Error("a different seed gave the same faults")
	}

	// Recorded calls carry the fault.
	var faulted int
	for _, c := range s.Calls() {
		if c.Fault != "" {
			faulted++
			if (c.Fault == "reset") != (c.Status == 0) {
				t.Errorf("call %+v", c)
			}
		}
	}
	if faulted == 0 {
		t.Error("no faults recorded")
	}
	s.SetFaults(Faults{})
	if got := statusRun(t, s, 10); strings.Count(fmt.Sprint(got), "200") != 10 {
		t.Errorf("faults off: %v", got)
	}
}

func TestSecondaryRateLimitFaults(t *testing.T) {
	s, client := fixture(t)
	if _, _, err := client.Repositories.Get(ctx, "acme", "posts"); err != nil { // fetch the token first
		t.Fatal(err)
	}
	s.SetFaults(Faults{RateLimitEvery: 2, RetryAfter: 0})
	var statuses []int
	for i := 0; i < 4; i++ {
		_, resp, err := client.Repositories.Get(ctx, "acme", "posts")
		statuses = append(statuses, resp.StatusCode)
		switch resp.StatusCode {
		case 403:
			var abuse *github.AbuseRateLimitError
			if !errors.As(err, &abuse) || abuse.RetryAfter == nil || resp.Header.Get("Retry-After") != "0" {
				t.Errorf("403: %v (%T)", err, err)
			}
		case 429:
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if fmt.Sprint(statuses) != "[200 403 200 429]" {
		t.Fatalf("statuses = %v", statuses)
	}
}

func TestFaultMatchAndLatency(t *testing.T) {
	s, _ := fixture(t)
	s.SetFaults(Faults{
		ErrorRate: 1, Latency: 30 * time.Millisecond,
		Match: func(method, path string) bool { return method == "POST" },
	})
	if got := statusRun(t, s, 2); fmt.Sprint(got) != "[200 200]" {
		t.Fatalf("unmatched calls = %v", got)
	}
	// A matched POST: delayed and failed (ErrorRate 1, no resets).
	start := time.Now()
	status, _, _ := rawDo(t, s, "POST", "/repos/acme/posts/labels", PersonalToken, `{"name":"x"}`)
	if status != 500 && status != 502 {
		t.Errorf("matched POST = %d", status)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Error("no latency")
	}
}

// TestConnectionReset: a reset POST fails in the client (Go retries only
// idempotent requests on reused connections).
func TestConnectionReset(t *testing.T) {
	s, _ := fixture(t)
	s.SetFaults(Faults{ErrorRate: 1, Reset: true, Seed: 1, Match: func(m, p string) bool { return m == "POST" }})
	var resets int
	for i := 0; i < 12; i++ {
		req, _ := http.NewRequest("POST", s.URL()+"/repos/acme/posts/labels", strings.NewReader(`{"name":"x"}`))
		req.Header.Set("Authorization", "token "+PersonalToken)
		resp, err := s.HTTPClient().Do(req)
		if err != nil {
			resets++
			continue
		}
		resp.Body.Close()
	}
	recorded := 0
	for _, c := range s.Calls() {
		if c.Fault == "reset" {
			recorded++
		}
	}
	if resets == 0 || resets != recorded {
		t.Fatalf("client saw %d resets, server recorded %d", resets, recorded)
	}
}
