package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"

	"github.com/clearance-dev/clearance/internal/ghcache"
	"github.com/clearance-dev/clearance/internal/ghretry"
)

// Clients makes GitHub API clients. AppClients is the real one; tests may
// inject another.
type Clients interface {
	// App returns a client authenticated as the App itself (a JWT), for
	// GET /app.
	App() *github.Client
	// Installation returns a client authenticated as an installation,
	// having made sure a token can be had. It fails with an error wrapping
	// ErrNoInstallation when GitHub refuses one (the App was uninstalled,
	// or the installation suspended).
	Installation(ctx context.Context, id int64) (*github.Client, error)
}

// Forgetter is implemented by Clients that cache per-installation clients:
// Forget drops an installation's client and token (uninstalled, suspended,
// or its token refused), so the next use asks GitHub for a new token.
type Forgetter interface {
	Forget(id int64)
}

// ErrNoInstallation is returned when GitHub refuses an installation token.
var ErrNoInstallation = errors.New("GitHub refuses a token for this installation")

// AppClients authenticates with ghinstallation: one AppsTransport for the
// App, one Transport (which caches and renews its token) per installation.
type AppClients struct {
	apiURL *url.URL
	atr    *ghinstallation.AppsTransport
	app    *github.Client
	appID  int64
	key    []byte
	// Retry retries every request to GitHub that failed for a passing
	// reason (5xx, resets, rate limits); it also reports the rate limit.
	Retry *ghretry.Transport
	// NoETags turns the ETag revalidation off (Config.NoCache).
	NoETags bool

	mu    sync.Mutex
	insts map[int64]*instClient
}

type instClient struct {
	tr *ghinstallation.Transport
	gh *github.Client
}

// NewAppClients builds the clients of App appID with its PEM private key,
// against the REST API root apiURL (trailing slash; GHES: .../api/v3/),
// over base (http.DefaultTransport when nil).
func NewAppClients(appID int64, privateKeyPEM []byte, apiURL string, base http.RoundTripper) (*AppClients, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	retry := &ghretry.Transport{Base: base}
	base = retry
	api, err := NormalizeAPIURL(apiURL)
	if err != nil {
		return nil, &ConfigError{Var: EnvAPIURL, Msg: err.Error()}
	}
	u, _ := url.Parse(api)
	atr, err := ghinstallation.NewAppsTransport(base, appID, privateKeyPEM)
	if err != nil {
		// ghinstallation's message does not contain the key.
		return nil, &ConfigError{Var: EnvPrivateKey, Msg: err.Error()}
	}
	// ghinstallation wants the root without the trailing slash.
	atr.BaseURL = strings.TrimSuffix(api, "/")
	c := &AppClients{apiURL: u, atr: atr, insts: map[int64]*instClient{}, appID: appID, key: privateKeyPEM, Retry: retry}
	c.app = c.wrap(&http.Client{Transport: atr})
	return c, nil
}

func (c *AppClients) wrap(hc *http.Client) *github.Client {
	gh := github.NewClient(hc)
	gh.BaseURL = c.apiURL
	gh.UploadURL = c.apiURL
	return gh
}

// App implements Clients.
func (c *AppClients) App() *github.Client { return c.app }

// Installation implements Clients.
func (c *AppClients) Installation(ctx context.Context, id int64) (*github.Client, error) {
	c.mu.Lock()
	ic := c.insts[id]
	if ic == nil {
		// Each installation revalidates its GETs with ETags through its
		// own cache (its token decides what it may see); 304s cost no
		// rate limit. Token requests go through the same retrying base.
		var base http.RoundTripper = &ghcache.Transport{Base: c.Retry}
		if c.NoETags {
			base = c.Retry
		}
		iatr, err := ghinstallation.NewAppsTransport(base, c.appID, c.key)
		if err != nil {
			c.mu.Unlock()
			return nil, err
		}
		iatr.BaseURL = c.atr.BaseURL
		tr := ghinstallation.NewFromAppsTransport(iatr, id)
		// Send "{}" rather than the "null" body ghinstallation sends for
		// no options, which GitHub's description does not allow.
		tr.InstallationTokenOptions = &github.InstallationTokenOptions{}
		ic = &instClient{tr: tr, gh: c.wrap(&http.Client{Transport: tr})}
		c.insts[id] = ic
	}
	c.mu.Unlock()
	// Token is cached by the transport until a minute before it expires.
	if _, err := ic.tr.Token(ctx); err != nil {
		var he *ghinstallation.HTTPError
		if errors.As(err, &he) && he.Response != nil {
			if he.Response.Body != nil {
				he.Response.Body.Close()
			}
			switch he.Response.StatusCode {
			case http.StatusNotFound, http.StatusForbidden: // uninstalled; suspended
				c.mu.Lock()
				delete(c.insts, id)
				c.mu.Unlock()
				return nil, fmt.Errorf("%w: installation %d: GitHub answered %s", ErrNoInstallation, id, he.Response.Status)
			}
		}
		return nil, fmt.Errorf("getting a token for installation %d: %w", id, err)
	}
	return ic.gh, nil
}

// Forget implements Forgetter.
func (c *AppClients) Forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.insts, id)
}
