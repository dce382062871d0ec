package server

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
)

// Sharding the reconcile. Every replica takes webhooks, but the periodic
// sweep of an installation's open pull requests needs doing once a round,
// not once per replica: six replicas each listing every pull request would
// spend six times the installation's rate limit on it. With Config.Peers
// set (the addresses of the replicas now, as the endpoints of a headless
// Kubernetes Service resolve) each installation is swept only by the
// replica that rendezvous hashing gives it to. Replicas agree as long as
// they see the same peers; while a rollout changes them, an installation
// may be swept twice or be left to the next round. When the peers cannot
// be read, or this replica is not among them (not ready yet), it sweeps
// every installation: more calls, never a missed sweep. Webhook-driven work
// is not sharded.

// owner is the peer that rendezvous (highest random weight) hashing gives
// key to: the one with the highest hash of peer and key. It is stable: a
// peer joining or leaving moves only the keys it wins or held.
func owner(peers []string, key string) string {
	best, bestScore := "", uint64(0)
	for _, p := range peers {
		sum := sha256.Sum256([]byte(p + "\x00" + key))
		if sc := binary.BigEndian.Uint64(sum[:8]); best == "" || sc > bestScore || sc == bestScore && p < best {
			best, bestScore = p, sc
		}
	}
	return best
}

// shard keeps the installations this replica sweeps.
func (s *Server) shard(ctx context.Context, log *slog.Logger, insts []int64) []int64 {
	if s.cfg.Peers == nil {
		return insts
	}
	peers, err := s.cfg.Peers(ctx)
	switch {
	case err != nil:
		log.Warn("reconcile: the other replicas could not be found; sweeping every installation", "error", err.Error())
		return insts
	case !slices.Contains(peers, s.cfg.Self):
		log.Info("reconcile: this replica is not among the peers yet; sweeping every installation", "self", s.cfg.Self, "peers", len(peers))
		return insts
	}
	var mine []int64
	for _, id := range insts {
		if owner(peers, fmt.Sprint(id)) == s.cfg.Self {
			mine = append(mine, id)
		}
	}
	log.Info("reconcile: sharded", "peers", len(peers), "installations", len(insts), "mine", len(mine))
	return mine
}

// DNSPeers returns a Config.Peers that resolves host (a headless
// Service's name) to the replicas' addresses, sorted.
func DNSPeers(host string) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		addrs, err := net.DefaultResolver.LookupHost(ctx, host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, errors.New(host + " has no addresses")
		}
		for i, a := range addrs {
			addrs[i] = strings.ToLower(a)
		}
		slices.Sort(addrs)
		return slices.Compact(addrs), nil
	}
}
