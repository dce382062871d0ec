package server

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvAppID          = "CLEARANCE_APP_ID"
	EnvPrivateKey     = "CLEARANCE_PRIVATE_KEY"
	EnvPrivateKeyPath = "CLEARANCE_PRIVATE_KEY_PATH"
	EnvWebhookSecret  = "CLEARANCE_WEBHOOK_SECRET"
	// EnvWebhookSecretPrevious is the webhook secret being replaced, during a
	// rotation: deliveries signed with either are taken (docs/deploy.md).
	EnvWebhookSecretPrevious = "CLEARANCE_WEBHOOK_SECRET_PREVIOUS"
	EnvAPIURL                = "CLEARANCE_GITHUB_API_URL"
	EnvAddr                  = "CLEARANCE_ADDR"
	// EnvPeers is the DNS name of a headless Service whose addresses are
	// the replicas (Kubernetes: its endpoints); with EnvPodIP, each
	// installation is swept by one replica only (see Config.Peers).
	EnvPeers = "CLEARANCE_PEERS"
	// EnvPodIP is this replica's address among the peers (Kubernetes:
	// the downward API's status.podIP).
	EnvPodIP = "CLEARANCE_POD_IP"
	// EnvReconcileInterval is how often open pull requests are checked
	// for a missing or outdated check (a Go duration, like 10m; "off"
	// turns the periodic sweep off, leaving only the one at start-up).
	EnvReconcileInterval = "CLEARANCE_RECONCILE_INTERVAL"
)

// Defaults.
const (
	DefaultAPIURL          = "https://api.github.com/"
	DefaultAddr            = ":8080"
	DefaultWorkers         = 4
	DefaultQueueSize       = 1000
	DefaultMaxBodyBytes    = 25 << 20
	DefaultEvalTimeout     = 2 * time.Minute
	DefaultDeliveryMemory  = 10000
	DefaultShutdownTimeout = 25 * time.Second
	DefaultRetryDelay      = 15 * time.Second
	DefaultMaxAttempts     = 4
	// DefaultReconcileInterval is how often the open pull requests of
	// every installation are checked for a missing or outdated check.
	DefaultReconcileInterval = 10 * time.Minute
	// DefaultFullReconcileEvery makes every sixth periodic reconcile (so
	// hourly by default) evaluate every open pull request, not only those
	// whose check is missing or outdated.
	DefaultFullReconcileEvery = 6
)

// Config is what the server needs. Zero values of the optional fields take
// the defaults above.
type Config struct {
	// AppID is the GitHub App's id.
	AppID int64
	// PrivateKey is the App's private key, PEM.
	PrivateKey []byte
	// WebhookSecret verifies X-Hub-Signature-256.
	WebhookSecret []byte
	// WebhookSecretPrevious, when set, is also accepted: the secret being
	// replaced while GitHub's setting and the replicas change over.
	WebhookSecretPrevious []byte
	// APIURL is GitHub's REST API root, with a trailing slash:
	// https://api.github.com/ or https://HOST/api/v3/ for GitHub Enterprise
	// Server.
	APIURL string
	// Addr is where ListenAndServe listens.
	Addr string

	// Workers evaluate pull requests; QueueSize bounds the work waiting
	// for them (beyond it webhooks are answered 503).
	Workers   int
	QueueSize int
	// MaxBodyBytes caps a webhook's body (GitHub caps payloads at 25 MB).
	MaxBodyBytes int64
	// EvalTimeout bounds one unit of work (an evaluation, a sweep).
	EvalTimeout time.Duration
	// DeliveryMemory is how many X-GitHub-Delivery ids are remembered to
	// recognise a repeated delivery.
	DeliveryMemory int
	// A job that fails (GitHub errors, timeouts) runs again after
	// RetryDelay, then 3× and 9× that (with jitter), MaxAttempts times in
	// all; the check meanwhile says the evaluation will be retried.
	RetryDelay  time.Duration
	MaxAttempts int

	// ReconcileInterval is how often the server lists the open pull
	// requests of every installation and re-evaluates those whose check
	// is missing, not for the current head, or says it could not evaluate
	// (it also does so at start-up, for every open pull request). GitHub
	// does not redeliver failed webhooks, so this is what makes a lost
	// event cost at most one interval. Zero is DefaultReconcileInterval;
	// negative turns reconciling off entirely (tests).
	ReconcileInterval time.Duration
	// FullReconcileEvery makes every Nth periodic reconcile evaluate every
	// open pull request (catching lost review events and config pushes);
	// so does the first one after start-up and any one after the server
	// had to turn work away. Zero is DefaultFullReconcileEvery; negative
	// means never (except at start-up and after lost work).
	FullReconcileEvery int

	// API retries (internal/ghretry): tries per request and the bounds of
	// the backoff between them. Zero values take ghretry's defaults (5
	// tries, 200 ms to 10 s, rate-limit waits up to 60 s).
	APIAttempts   int
	APIMinBackoff time.Duration
	APIMaxBackoff time.Duration
	APIMaxWait    time.Duration

	// Logger receives structured logs; a JSON logger on stderr when nil.
	Logger *slog.Logger
	// Transport is the HTTP transport to GitHub; http.DefaultTransport when
	// nil.
	Transport http.RoundTripper
	// Clients makes the GitHub clients; built from AppID, PrivateKey,
	// APIURL and Transport with ghinstallation when nil. Tests may inject
	// their own.
	Clients Clients
	// Now is the time evaluations see (embargoes); time.Now when nil.
	Now func() time.Time
	// NoCache turns off the reviewer's caches and the ETag revalidation of
	// reads: the naive baseline cmd/loadgen compares with. Not for use.
	NoCache bool
	// Peers, when set, gives the addresses of the replicas now; Self is
	// this replica's. Each reconcile round then sweeps only the
	// installations rendezvous hashing gives this replica (shard.go). Nil:
	// every installation, as on one machine.
	Peers func(context.Context) ([]string, error)
	Self  string
}

// ConfigError is a setting that is missing or wrong. Its message names the
// variable and never contains a secret value.
type ConfigError struct {
	Var string
	Msg string
}

func (e *ConfigError) Error() string { return e.Var + ": " + e.Msg }

// Settings are the raw settings, as strings, before validation: from the
// environment, possibly overridden by flags.
type Settings struct {
	AppID          string
	PrivateKey     string
	PrivateKeyPath string
	WebhookSecret  string
	// WebhookSecretPrevious is the secret being rotated out ("" none).
	WebhookSecretPrevious string
	APIURL                string
	Addr                  string
	// ReconcileInterval is a Go duration ("10m"), or "off".
	ReconcileInterval string
	// Peers is a headless Service's DNS name and PodIP this replica's
	// address: together they shard the reconcile ("" both: no sharding).
	Peers, PodIP string
}

// SettingsFromEnv reads the CLEARANCE_* variables with getenv (os.Getenv
// when nil).
func SettingsFromEnv(getenv func(string) string) Settings {
	if getenv == nil {
		getenv = os.Getenv
	}
	return Settings{
		AppID:          getenv(EnvAppID),
		PrivateKey:     getenv(EnvPrivateKey),
		PrivateKeyPath: getenv(EnvPrivateKeyPath),
		WebhookSecret:  getenv(EnvWebhookSecret),

		WebhookSecretPrevious: getenv(EnvWebhookSecretPrevious),
		APIURL:                getenv(EnvAPIURL),
		Addr:                  getenv(EnvAddr),

		ReconcileInterval: getenv(EnvReconcileInterval),
		Peers:             getenv(EnvPeers),
		PodIP:             getenv(EnvPodIP),
	}
}

// Config validates the settings and returns a Config with them. All
// problems are reported together, each a *ConfigError naming its variable.
func (st Settings) Config() (Config, error) {
	var cfg Config
	var errs []error
	bad := func(v, format string, args ...any) {
		errs = append(errs, &ConfigError{Var: v, Msg: fmt.Sprintf(format, args...)})
	}

	switch id := strings.TrimSpace(st.AppID); {
	case id == "":
		bad(EnvAppID, "not set; give the GitHub App's numeric id (App settings, \"About\")")
	default:
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			bad(EnvAppID, "must be the App's numeric id, a positive integer; got %q", id)
		}
		cfg.AppID = n
	}

	switch {
	case st.PrivateKey != "" && st.PrivateKeyPath != "":
		bad(EnvPrivateKey, "set only one of %s and %s", EnvPrivateKey, EnvPrivateKeyPath)
	case st.PrivateKey != "":
		key := []byte(st.PrivateKey)
		if !strings.Contains(st.PrivateKey, "\n") && strings.Contains(st.PrivateKey, `\n`) {
			// A key pasted into a single-line variable with escaped newlines.
			key = []byte(strings.ReplaceAll(st.PrivateKey, `\n`, "\n"))
		}
		if err := checkKey(key); err != nil {
			bad(EnvPrivateKey, "%v", err)
		}
		cfg.PrivateKey = key
	case st.PrivateKeyPath != "":
		key, err := os.ReadFile(st.PrivateKeyPath)
		if err != nil {
			bad(EnvPrivateKeyPath, "cannot read the private key file: %v", err)
			break
		}
		if err := checkKey(key); err != nil {
			bad(EnvPrivateKeyPath, "%s: %v", st.PrivateKeyPath, err)
		}
		cfg.PrivateKey = key
	default:
		bad(EnvPrivateKey, "not set; give the App's private key (PEM) in %s, or the path of its .pem file in %s", EnvPrivateKey, EnvPrivateKeyPath)
	}

	if st.WebhookSecret == "" {
		bad(EnvWebhookSecret, "not set; give the webhook secret entered in the App's settings")
	}
	cfg.WebhookSecret = []byte(st.WebhookSecret)
	if st.WebhookSecretPrevious != "" {
		if st.WebhookSecretPrevious == st.WebhookSecret {
			bad(EnvWebhookSecretPrevious, "is the same as %s; leave it unset unless a rotation is under way", EnvWebhookSecret)
		}
		cfg.WebhookSecretPrevious = []byte(st.WebhookSecretPrevious)
	}

	api, err := NormalizeAPIURL(st.APIURL)
	if err != nil {
		bad(EnvAPIURL, "%v", err)
	}
	cfg.APIURL = api

	cfg.Addr = st.Addr
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	} else if !strings.Contains(cfg.Addr, ":") {
		bad(EnvAddr, "must be host:port or :port, like :8080; got %q", cfg.Addr)
	}

	switch v := strings.TrimSpace(st.ReconcileInterval); {
	case v == "":
	case strings.EqualFold(v, "off"):
		cfg.ReconcileInterval = reconcileOnlyAtStart
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			bad(EnvReconcileInterval, "must be a duration of at least 1s, like 10m or 1h, or \"off\"; got %q", v)
		}
		cfg.ReconcileInterval = d
	}
	switch peers, self := strings.TrimSpace(st.Peers), strings.TrimSpace(st.PodIP); {
	case peers == "" && self == "":
	case peers == "":
		bad(EnvPeers, "not set, but %s is: give the headless Service's DNS name (like clearance-peers.clearance.svc.cluster.local), or unset both", EnvPodIP)
	case net.ParseIP(self) == nil:
		bad(EnvPodIP, "must be this replica's IP address (the downward API's status.podIP); got %q", self)
	default:
		cfg.Peers, cfg.Self = DNSPeers(peers), strings.ToLower(net.ParseIP(self).String())
	}
	return cfg, errors.Join(errs...)
}

// checkKey tells whether key is a PEM RSA private key, without ever
// quoting it.
func checkKey(key []byte) error {
	block, _ := pem.Decode(key)
	if block == nil {
		return errors.New("not a PEM private key, or its PEM encoding is damaged (it should be the .pem file GitHub gave, starting with -----BEGIN RSA PRIVATE KEY-----)")
	}
	if _, err := jwt.ParseRSAPrivateKeyFromPEM(key); err != nil {
		if _, err2 := x509.ParsePKCS8PrivateKey(block.Bytes); err2 == nil {
			return errors.New("the PEM block is a private key but not an RSA one; GitHub Apps use RSA keys")
		}
		return fmt.Errorf("the PEM block (%s) is not a valid RSA private key", block.Type)
	}
	return nil
}

// NormalizeAPIURL checks a REST API root and gives it a trailing slash;
// "" is DefaultAPIURL.
func NormalizeAPIURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("must be an http(s) URL like %s or https://github.example.com/api/v3/; got %q", DefaultAPIURL, s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("must be a plain URL without credentials, query or fragment")
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

// withDefaults fills the optional fields.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.EvalTimeout <= 0 {
		c.EvalTimeout = DefaultEvalTimeout
	}
	if c.DeliveryMemory <= 0 {
		c.DeliveryMemory = DefaultDeliveryMemory
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = DefaultReconcileInterval
	}
	if c.FullReconcileEvery == 0 {
		c.FullReconcileEvery = DefaultFullReconcileEvery
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// validate checks what New needs.
func (c Config) validate() error {
	var errs []error
	if len(c.WebhookSecret) == 0 {
		errs = append(errs, &ConfigError{Var: EnvWebhookSecret, Msg: "not set"})
	}
	if c.Clients == nil {
		if c.AppID <= 0 {
			errs = append(errs, &ConfigError{Var: EnvAppID, Msg: "not set"})
		}
		if err := checkKey(c.PrivateKey); err != nil {
			errs = append(errs, &ConfigError{Var: EnvPrivateKey, Msg: err.Error()})
		}
		if _, err := NormalizeAPIURL(c.APIURL); err != nil {
			errs = append(errs, &ConfigError{Var: EnvAPIURL, Msg: err.Error()})
		}
	}
	return errors.Join(errs...)
}
