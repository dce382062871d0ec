// Package server is clearance's GitHub App: an HTTP server that receives
// GitHub's webhooks, works out which pull requests they concern, and
// reviews each with internal/review in a bounded pool of workers.
//
// Webhooks are verified (X-Hub-Signature-256), answered at once (202) and
// processed asynchronously. Work is coalesced per pull request: one waiting
// evaluation absorbs any number of further events, an event that arrives
// while the pull request is being evaluated makes it be evaluated once more
// afterwards, and two evaluations of one pull request never run at the same
// time. When the queue is full the webhook is answered 503, so GitHub shows
// the delivery as failed; a repeated delivery id is recognised and skipped.
//
// Nothing is kept between evaluations but caches: GitHub is the source of
// truth, so a restart loses only the work that was waiting, and the
// reconcile (reconcile.go) makes that up: at start-up and every
// ReconcileInterval it evaluates the open pull requests whose check is
// missing or outdated. Writes go through a guard (guard.go) that re-checks
// the pull request has not moved, so replicas converge. docs/reliability.md
// says what the tests inject and what comes out.
package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/clearance-dev/clearance/internal/metrics"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clearance-dev/clearance/internal/review"
)

// Server is the App. Create it with New, Start its workers, serve it (it is
// an http.Handler; ListenAndServe and Serve run an http.Server), and
// Shutdown.
type Server struct {
	cfg        Config
	log        *slog.Logger
	clients    Clients
	reviewer   *review.Reviewer
	metrics    *metrics.Metrics
	q          *queue
	deliveries *deliveries
	mux        *http.ServeMux
	stats      counters

	ctx     context.Context // cancelled when the shutdown deadline passes
	cancel  context.CancelFunc
	workers sync.WaitGroup
	loops   sync.WaitGroup // the reconcile loop
	stop    chan struct{}  // closed when Shutdown starts
	// missed is set when work was turned away or given up: the next
	// reconcile then evaluates every open pull request.
	missed atomic.Bool
	// hooks, set by tests, run in every evaluation: before the guard's
	// read that verifies the head, and before the first write.
	hooks guardHooks

	started  atomic.Bool
	draining atomic.Bool
	stopOnce sync.Once

	bot      atomic.Pointer[string] // set once known
	botMu    sync.Mutex             // one GET /app at a time
	botErr   error
	botTried time.Time

	httpMu  sync.Mutex
	httpSrv *http.Server
}

// botRetry is the least time between two attempts to read GET /app.
const botRetry = 2 * time.Second

// New checks the config and builds the server. Nothing runs until Start.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:        cfg,
		log:        cfg.Logger,
		clients:    cfg.Clients,
		q:          newQueue(cfg.QueueSize),
		deliveries: newDeliveries(cfg.DeliveryMemory),
		mux:        http.NewServeMux(),
		stop:       make(chan struct{}),
	}
	s.metrics = metrics.New()
	s.metrics.ObserveQueue(s.q.len)
	if s.clients == nil {
		c, err := NewAppClients(cfg.AppID, cfg.PrivateKey, cfg.APIURL, s.metrics.Transport(cfg.Transport))
		if err != nil {
			return nil, err
		}
		c.Retry.MaxAttempts, c.Retry.MinBackoff, c.Retry.MaxBackoff, c.Retry.MaxWait =
			cfg.APIAttempts, cfg.APIMinBackoff, cfg.APIMaxBackoff, cfg.APIMaxWait
		c.NoETags = cfg.NoCache
		s.clients = c
	}
	s.reviewer = s.newReviewer()
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mux.HandleFunc("/webhook", s.handleWebhook)
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /readyz", s.handleReady)
	s.mux.Handle("GET "+metrics.Path, s.metrics.Handler())
	return s, nil
}

func (s *Server) newReviewer() *review.Reviewer {
	rv := review.NewReviewer(s.cfg.AppID)
	rv.Now = s.cfg.Now
	rv.NoCache = s.cfg.NoCache
	return rv
}

// ServeHTTP implements http.Handler: POST /webhook, GET /healthz, GET
// /readyz.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Start starts the workers and looks up the bot's login (retrying in the
// background until it is known when GitHub does not answer at once). It
// may be called once.
func (s *Server) Start() error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("server already started")
	}
	for range s.cfg.Workers {
		s.workers.Add(1)
		go s.worker()
	}
	s.log.Info("clearance started", "app_id", s.cfg.AppID, "api_url", s.cfg.APIURL,
		"workers", s.cfg.Workers, "queue_size", s.cfg.QueueSize, "reconcile_interval", s.reconcileText())
	// One attempt now, so a working setup is ready when Start returns;
	// GitHub being unreachable must not stop the server from starting.
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	bot, err := s.botLogin(ctx)
	cancel()
	if err != nil {
		s.log.Warn("cannot read the App from GitHub yet; retrying in the background", "error", err.Error())
		go s.findBot()
	} else {
		s.log.Info("bot login found", "bot", bot)
	}
	if s.cfg.ReconcileInterval > 0 {
		// The first round now (queued before Start returns, so WaitIdle
		// covers it): the pull requests changed while no server ran.
		s.queueReconcile(0)
		s.loops.Add(1)
		go s.reconcileLoop()
	}
	return nil
}

func (s *Server) reconcileText() string {
	switch d := s.cfg.ReconcileInterval; {
	case d < 0:
		return "off"
	case d == reconcileOnlyAtStart:
		return "at start-up only"
	default:
		return d.String()
	}
}

// findBot reads the bot's login until it is known or the server stops.
func (s *Server) findBot() {
	wait := time.Second
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
		ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
		bot, err := s.botLogin(ctx)
		cancel()
		if err == nil {
			s.log.Info("bot login found", "bot", bot)
			return
		}
		s.log.Warn("cannot read the App from GitHub yet; retrying", "error", err.Error(), "retry_in", wait.String())
	}
}

// botLogin is "<app slug>[bot]", read once from GET /app with the App's
// JWT. Until it succeeds, each call (at most one per botRetry) tries again.
func (s *Server) botLogin(ctx context.Context) (string, error) {
	if bot := s.knownBot(); bot != "" {
		return bot, nil
	}
	s.botMu.Lock()
	defer s.botMu.Unlock()
	if bot := s.knownBot(); bot != "" {
		return bot, nil
	}
	if s.botErr != nil && time.Since(s.botTried) < botRetry {
		return "", s.botErr
	}
	s.botTried = time.Now()
	app, _, err := s.clients.App().Apps.Get(ctx, "")
	switch {
	case err != nil:
		s.botErr = fmt.Errorf("reading the App (GET /app): %w", err)
	case app.GetSlug() == "":
		s.botErr = errors.New("reading the App (GET /app): GitHub gave no slug")
	default:
		bot := app.GetSlug() + "[bot]"
		s.bot.Store(&bot)
		s.botErr = nil
		return bot, nil
	}
	return "", s.botErr
}

// knownBot is the bot's login if known, without asking GitHub.
func (s *Server) knownBot() string {
	if p := s.bot.Load(); p != nil {
		return *p
	}
	return ""
}

// WaitIdle waits until no work is waiting or running: the webhooks
// answered so far have been fully processed. For tests and tools.
func (s *Server) WaitIdle(ctx context.Context) error { return s.q.waitIdle(ctx) }

// ReconcileNow queues a reconcile round at once, as the periodic loop does:
// full (every open pull request), or only of those whose check is missing
// or outdated.
func (s *Server) ReconcileNow(full bool) error {
	_, err := s.q.push(reconcileJob(!full))
	return err
}

// ListenAndServe listens on Config.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("%s: %w", EnvAddr, err)
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown; it returns nil after a Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.httpMu.Lock()
	if s.draining.Load() {
		s.httpMu.Unlock()
		return nil
	}
	s.httpSrv = hs
	s.httpMu.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String())
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting webhooks (they are answered 503 meanwhile),
// lets the in-flight requests finish, and drains the queue. When ctx ends
// first, running evaluations are cancelled (an evaluation writes its check
// last, so a cancelled one never leaves a wrong success) and the work still
// waiting is logged and dropped: the next event or sweep redoes it.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.stopOnce.Do(func() {
		s.draining.Store(true)
		close(s.stop)
		s.loops.Wait()
		s.httpMu.Lock()
		hs := s.httpSrv
		s.httpMu.Unlock()
		if hs != nil {
			if e := hs.Shutdown(ctx); e != nil {
				err = fmt.Errorf("closing the HTTP server: %w", e)
			}
		}
		s.q.close()
		done := make(chan struct{})
		go func() { s.workers.Wait(); close(done) }()
		select {
		case <-done:
			// Only work of a server never started can be left.
			if left := s.q.stop(); len(left) > 0 {
				s.logDropped(left)
			} else {
				s.log.Info("shut down: all work finished")
			}
		case <-ctx.Done():
			left := s.q.stop()
			s.cancel()
			<-done
			s.logDropped(left)
			err = errors.Join(err, fmt.Errorf("shutdown deadline passed: cancelled the running work and dropped %d waiting: %w", len(left), ctx.Err()))
		}
		s.cancel()
	})
	return err
}

func (s *Server) logDropped(left []job) {
	for _, j := range left {
		s.log.Warn("shut down before this work ran", j.logAttrs()...)
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	reply(w, http.StatusOK, "ok")
}

// handleReady answers 200 when the server can do its work: started, not
// shutting down, and the App readable on GitHub (the bot's login known).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	switch {
	case !s.started.Load():
		reply(w, http.StatusServiceUnavailable, "not started")
	case s.draining.Load():
		reply(w, http.StatusServiceUnavailable, "shutting down")
	default:
		bot := s.knownBot()
		if bot == "" {
			msg := "the App has not been read from GitHub yet"
			if s.botMu.TryLock() {
				if s.botErr != nil {
					msg += ": " + s.botErr.Error()
				}
				s.botMu.Unlock()
			}
			reply(w, http.StatusServiceUnavailable, msg)
			return
		}
		waiting, running := s.q.len()
		reply(w, http.StatusOK, fmt.Sprintf("ready as %s; %d waiting, %d running", bot, waiting, running))
	}
}

// counters are the server's running totals.
type counters struct {
	received, accepted, duplicates, ignored, rejected, full atomic.Int64
	evaluations, jobErrors, retries                         atomic.Int64
	reconciles, stale, moved, quietSweeps                   atomic.Int64
}

// Stats are the server's running totals.
type Stats struct {
	Received    int64 // webhook requests
	Accepted    int64 // deliveries that queued work
	Duplicates  int64 // deliveries whose id was seen before
	Ignored     int64 // deliveries that need no work
	Rejected    int64 // bad signature, too large, malformed
	QueueFull   int64 // deliveries answered 503
	Evaluations int64 // pull request evaluations started
	JobErrors   int64 // jobs that failed or panicked
	Retries     int64 // failed jobs scheduled to run again
	Reconciles  int64 // reconcile rounds started
	Stale       int64 // pull requests a reconcile found with a missing or outdated check
	Moved       int64 // evaluations redone because the pull request changed under them
	// QuietSweeps counts the reconcile sweeps of a repository that found
	// nothing to do: every open pull request's check current, none being
	// evaluated, nothing failed. A quiet sweep that finished after a point
	// in time, with Evaluating 0, says the work asked for before it is done
	// (what tests wait for, whatever the machine's speed).
	QuietSweeps int64
	Waiting     int // jobs waiting now (or due later: retries)
	Running     int // jobs running now
	// Evaluating is the evaluations (and rechecks) waiting, due later or
	// running now; unlike Waiting and Running it leaves out the reconcile
	// and its sweeps, which only read.
	Evaluating int
}

// Stats returns the running totals.
func (s *Server) Stats() Stats {
	w, r := s.q.len()
	return Stats{
		Received: s.stats.received.Load(), Accepted: s.stats.accepted.Load(), Duplicates: s.stats.duplicates.Load(),
		Ignored: s.stats.ignored.Load(), Rejected: s.stats.rejected.Load(), QueueFull: s.stats.full.Load(),
		Evaluations: s.stats.evaluations.Load(), JobErrors: s.stats.jobErrors.Load(), Retries: s.stats.retries.Load(),
		Reconciles: s.stats.reconciles.Load(), Stale: s.stats.stale.Load(), Moved: s.stats.moved.Load(),
		QuietSweeps: s.stats.quietSweeps.Load(), Waiting: w, Running: r, Evaluating: s.q.evaluations(),
	}
}
