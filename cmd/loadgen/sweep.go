package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

// The reconcile's cost per installation (issue 12, "more replicas without
// more API calls"): installations of one repository with open pull
// requests whose checks are current, swept by 1, 2 or 6 replicas, with and
// without sharding (server/shard.go). One round of each kind is measured
// on the fake and turned into calls per hour at the default interval (10
// minutes: five rounds of stale checks and one full round an hour).

const (
	roundsPerHour = 6 // DefaultReconcileInterval
	fullPerHour   = 1 // DefaultFullReconcileEvery
)

type sweepCost struct {
	calls, counted float64 // per installation per round
}

func runSweep(o options, files map[string]string, out io.Writer) error {
	gh := githubtest.New()
	defer gh.Close()
	gh.SetRateLimit(1 << 30)
	key := gh.RegisterApp(appID, "clearance")
	base := pick(files, ".github/", "published/")
	var post string
	for p, c := range files {
		if strings.HasPrefix(p, "posts/") && strings.Contains(p, "library") {
			post = c // a pointer: free to post, so no team look-ups
		}
	}
	if post == "" {
		return fmt.Errorf("%s has no posts/*library* draft to open pull requests with", o.repo)
	}
	for i := range o.installations {
		org := fmt.Sprintf("org%03d", i)
		gh.CreateRepo(org, "content", "main", base)
		for n := range o.prs {
			branch := fmt.Sprintf("post-%d", n)
			gh.Commit(org, "content", branch, map[string]string{fmt.Sprintf("posts/pointer-%d.md", n): post})
			gh.OpenPR(org, "content", branch, "main", branch, "dana")
		}
		gh.CreateInstallation(int64(1000+i), org, "content")
	}
	peers := []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}
	start := func(n int, sharded bool) ([]*server.Server, error) {
		var srvs []*server.Server
		for i := range n {
			cfg := server.Config{AppID: appID, PrivateKey: key, WebhookSecret: []byte(secret), APIURL: gh.BaseURL().String(),
				Workers: o.workers, QueueSize: 100000, ReconcileInterval: -1,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return evalNow }}
			if sharded {
				cfg.Peers = func(context.Context) ([]string, error) { return peers[:n], nil }
				cfg.Self = peers[i]
			}
			srv, err := server.New(cfg)
			if err != nil {
				return nil, err
			}
			if err := srv.Start(); err != nil {
				return nil, err
			}
			srvs = append(srvs, srv)
		}
		return srvs, nil
	}
	stop := func(srvs []*server.Server) {
		for _, s := range srvs {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			s.Shutdown(ctx)
			cancel()
		}
	}
	waitAll := func(srvs []*server.Server) {
		for _, s := range srvs {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			s.WaitIdle(ctx)
			cancel()
		}
	}
	// Every check current first: one server's full round evaluates all.
	first, err := start(1, false)
	if err != nil {
		return err
	}
	first[0].ReconcileNow(true)
	waitAll(first)
	stop(first)

	round := func(srvs []*server.Server, full bool) sweepCost {
		gh.ResetCalls()
		for _, s := range srvs {
			s.ReconcileNow(full)
		}
		waitAll(srvs)
		var c sweepCost
		for _, call := range gh.Calls() {
			if !strings.HasPrefix(call.Principal, "installation:") {
				continue // the App's own calls (its JWT): not an installation's limit
			}
			c.calls++
			if call.Status != http.StatusNotModified {
				c.counted++
			}
		}
		c.calls /= float64(o.installations)
		c.counted /= float64(o.installations)
		return c
	}
	fmt.Fprintf(out, "\nreconcile cost: %d installations × %d open pull requests (checks current), interval 10m (5 rounds of stale checks and 1 full round an hour)\n", o.installations, o.prs)
	fmt.Fprintf(out, "%-9s %-8s %14s %14s %16s %16s %18s\n", "replicas", "sharded", "calls/round", "counted/round", "calls/h/inst", "counted/h/inst", "counted/h, 1,000 inst")
	for _, n := range []int{1, 2, 6} {
		for _, sharded := range []bool{false, true} {
			if n == 1 && sharded {
				continue
			}
			srvs, err := start(n, sharded)
			if err != nil {
				return err
			}
			waitAll(srvs)      // their start-up rounds
			round(srvs, false) // warm: each replica's ETags, as after an hour of rounds
			stale, full := round(srvs, false), round(srvs, true)
			stop(srvs)
			perHour := stale.calls*(roundsPerHour-fullPerHour) + full.calls*fullPerHour
			countedHour := stale.counted*(roundsPerHour-fullPerHour) + full.counted*fullPerHour
			fmt.Fprintf(out, "%-9d %-8v %6.0f + %-6.0f %6.0f + %-6.0f %16.0f %16.0f %18.0f\n", n, sharded,
				stale.calls, full.calls, stale.counted, full.counted, perHour, countedHour, countedHour*1000)
		}
	}
	fmt.Fprintf(out, "(per round: a round of stale checks + a full round; GitHub allows 5,000 counted requests an hour per installation; a 304 is not counted)\n")
	return nil
}
