package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

// TestShardedReconcile: with the replicas' addresses known, each
// installation is swept by one replica a round, not by every one; a
// replica that cannot see its peers, or is not among them yet, sweeps all.
func TestShardedReconcile(t *testing.T) {
	h := newHarness(t, nil, unstarted())
	const more = 12
	for i := range more {
		org := fmt.Sprintf("org%d", i)
		h.gh.CreateRepo(org, "content", "main", pick(h.files, ".github/", "published/"))
		h.gh.CreateInstallation(int64(1000+i), org, "content")
	}
	peers := []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"}
	listed := func(gh *githubtest.Server) map[string]int {
		out := map[string]int{}
		for _, c := range gh.Calls() {
			if c.Method == http.MethodGet && c.Path == "/installation/repositories" {
				out[c.Principal]++
			}
		}
		return out
	}
	round := func(name string, cfg func(c *server.Config)) map[string]int {
		t.Helper()
		h.gh.ResetCalls()
		var rs []*replica
		for _, self := range peers {
			rs = append(rs, h.newReplica(unstarted(), withReconcile(time.Hour), withConfig(func(c *server.Config) {
				c.Peers = func(context.Context) ([]string, error) { return peers, nil }
				c.Self = self
				if cfg != nil {
					cfg(c)
				}
			})))
		}
		for _, r := range rs { // each runs its start-up round
			if err := r.srv.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range rs {
			waitIdle(t, r.srv)
		}
		got := listed(h.gh)
		t.Logf("%s: installations swept %v", name, got)
		return got
	}

	got := round("three replicas", nil)
	if len(got) != more+1 {
		t.Errorf("%d of %d installations swept", len(got), more+1)
	}
	for inst, n := range got {
		if n != 1 {
			t.Errorf("%s swept %d times in one round by 3 replicas; want once", inst, n)
		}
	}

	got = round("peers unknown", func(c *server.Config) {
		c.Peers = func(context.Context) ([]string, error) { return nil, errors.New("no such host") }
	})
	for inst, n := range got {
		if n != len(peers) {
			t.Errorf("peers unknown: %s swept %d times; want by every replica (%d)", inst, n, len(peers))
		}
	}
	got = round("not among the peers yet", func(c *server.Config) { c.Self = "10.9.9.9" })
	for inst, n := range got {
		if n != len(peers) {
			t.Errorf("not among the peers: %s swept %d times; want by every replica (%d)", inst, n, len(peers))
		}
	}
}
