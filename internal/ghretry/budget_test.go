package ghretry

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// TestRateLimitOf: the budget a request's context names is tracked apart,
// and Low says when to hold back work that can wait.
func TestRateLimitOf(t *testing.T) {
	srv, _ := server(t)
	tr := &Transport{}
	req, _ := http.NewRequestWithContext(WithBudget(context.Background(), "installation:7"), http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	rl := tr.RateLimitOf("installation:7")
	if rl.Limit != 5000 || rl.Remaining != 4321 || rl.Reset.Unix() != 2000000000 {
		t.Errorf("RateLimitOf = %+v", rl)
	}
	if other := tr.RateLimitOf("installation:8"); other.Limit != 0 {
		t.Errorf("another budget: %+v", other)
	}
	now := time.Unix(1900000000, 0)
	if rl.Low(0.05, now) || !rl.Low(0.9, now) {
		t.Errorf("Low: 4321 of 5000 left")
	}
	if rl.Low(0.9, rl.Reset) {
		t.Errorf("Low after the reset")
	}
	if (RateLimit{}).Low(0.05, now) {
		t.Errorf("Low before any answer")
	}
}
