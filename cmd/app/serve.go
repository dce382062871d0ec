package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/clearance-dev/clearance/internal/server"
)

const serveUsage = `Usage: app serve [flags]

Runs clearance as a GitHub App: receives GitHub's webhooks on POST /webhook
and reviews every pull request of the repositories it is installed on.
GET /healthz answers while the process runs, GET /readyz when it can work.

Settings come from the environment; the flags below override the ones
that are not secret (secrets on a command line show in the process list):

  CLEARANCE_APP_ID            the App's numeric id (required)
  CLEARANCE_PRIVATE_KEY       the App's private key, PEM (or:)
  CLEARANCE_PRIVATE_KEY_PATH  the path of the App's .pem file
  CLEARANCE_WEBHOOK_SECRET    the App's webhook secret (required)
  CLEARANCE_WEBHOOK_SECRET_PREVIOUS  during a rotation only: the secret
                              being replaced, also accepted
  CLEARANCE_GITHUB_API_URL    default https://api.github.com/; GitHub
                              Enterprise Server: https://HOST/api/v3/
  CLEARANCE_ADDR              default :8080
  CLEARANCE_PEERS             a headless Service's DNS name resolving to the
                              replicas; with CLEARANCE_POD_IP (this one's
                              address) each sweeps only its share
  CLEARANCE_POD_IP            see CLEARANCE_PEERS
  CLEARANCE_RECONCILE_INTERVAL  default 10m: how often open pull requests
                              whose check is missing, outdated or failed
                              are evaluated again (also at start-up; every
                              sixth time, all of them); "off": start-up only

It stops on SIGTERM or SIGINT: no new webhooks, and the work already taken
finishes within --shutdown-timeout.

Flags:
`

func runServe(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, args, os.Getenv, stderr, nil)
}

// serve runs the App until ctx ends. listening, when set, is told the
// address once the server listens.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, listening func(addr string)) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fl.PrintDefaults()
	}
	st := server.SettingsFromEnv(getenv)
	fl.StringVar(&st.AppID, "app-id", st.AppID, "the App's numeric id ("+server.EnvAppID+")")
	keyPath := fl.String("private-key-path", "", "the App's .pem file ("+server.EnvPrivateKeyPath+")")
	fl.StringVar(&st.APIURL, "api-url", st.APIURL, "GitHub's REST API root ("+server.EnvAPIURL+")")
	fl.StringVar(&st.Addr, "addr", st.Addr, "listen address ("+server.EnvAddr+", default "+server.DefaultAddr+")")
	fl.StringVar(&st.ReconcileInterval, "reconcile-interval", st.ReconcileInterval,
		"how often to look for pull requests whose check is missing or outdated ("+server.EnvReconcileInterval+", default "+server.DefaultReconcileInterval.String()+"; \"off\": at start-up only)")
	workers := fl.Int("workers", server.DefaultWorkers, "pull requests evaluated at the same time")
	queue := fl.Int("queue-size", server.DefaultQueueSize, "work that may wait for a worker; beyond it webhooks get 503")
	shutdown := fl.Duration("shutdown-timeout", server.DefaultShutdownTimeout, "how long to finish work on SIGTERM")
	level := fl.String("log-level", "info", "debug, info, warn or error")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "app serve: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *keyPath != "" {
		// The flag replaces whichever key the environment gives.
		st.PrivateKeyPath, st.PrivateKey = *keyPath, ""
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "app serve: --log-level must be debug, info, warn or error, not %q\n", *level)
		return 2
	}
	if *workers <= 0 || *queue <= 0 || *shutdown <= 0 {
		fmt.Fprintln(stderr, "app serve: --workers, --queue-size and --shutdown-timeout must be positive")
		return 2
	}

	cfg, err := st.Config()
	if err != nil {
		fmt.Fprintln(stderr, "app serve: the settings are not usable:")
		for _, e := range splitErrors(err) {
			fmt.Fprintf(stderr, "  %v\n", e)
		}
		return 2
	}
	cfg.Workers, cfg.QueueSize = *workers, *queue
	cfg.Logger = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "app serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "app serve: %s=%s: %v\n", server.EnvAddr, cfg.Addr, err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintf(stderr, "app serve: %v\n", err)
		return 1
	}
	if listening != nil {
		listening(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	code := 0
	select {
	case err := <-served:
		if err != nil {
			cfg.Logger.Error("the HTTP server stopped", "error", err.Error())
			code = 1
		}
	case <-ctx.Done():
		cfg.Logger.Info("shutting down", "deadline", shutdown.String())
	}
	sctx, cancel := context.WithTimeout(context.Background(), *shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		cfg.Logger.Error("shutdown", "error", err.Error())
		code = 1
	}
	return code
}

// splitErrors lists the errors joined in err.
func splitErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
