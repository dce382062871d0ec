package githubtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
)

func TestInstallationTokenFlow(t *testing.T) {
	s, client := fixture(t)

	repo, _, err := client.Repositories.Get(ctx, "acme", "posts")
	if err != nil {
		t.Fatal(err)
	}
	if repo.GetFullName() != "acme/posts" || repo.GetDefaultBranch() != "main" || !repo.GetPrivate() {
		t.Fatalf("repo = %v", repo)
	}
	if _, _, err := client.Repositories.Get(ctx, "acme", "posts"); err != nil {
		t.Fatal(err)
	}

	calls := s.Calls()
	if len(calls) != 3 {
		t.Fatalf("calls = %+v, want token + 2 repo calls", calls)
	}
	tok := calls[0]
	if tok.Method != "POST" || tok.Path != "/app/installations/42/access_tokens" || tok.Status != 201 || tok.Principal != "app:1" {
		t.Errorf("token call = %+v", tok)
	}
	for _, c := range calls[1:] {
		if c.Path != "/repos/acme/posts" || c.Status != 200 || c.Principal != "installation:42" {
			t.Errorf("repo call = %+v", c)
		}
	}
	if n := s.CallCount("POST", "/app/installations/42/access_tokens"); n != 1 {
		t.Errorf("token requests = %d, want 1 (token is cached)", n)
	}
}

// TestGhinstallationFromPEM wires ghinstallation the way the App does: from
// a PEM private key and the server URL as BaseURL.
func TestGhinstallationFromPEM(t *testing.T) {
	s, _ := fixture(t)
	atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, DefaultAppID, s.AppPrivateKeyPEM(DefaultAppID))
	if err != nil {
		t.Fatal(err)
	}
	atr.BaseURL = s.URL()
	itr := ghinstallation.NewFromAppsTransport(atr, 42)
	token, err := itr.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(token, "ghs_") || len(token) != 40 {
		t.Errorf("token = %q", token)
	}
	exp, _, err := itr.Expiry()
	if err != nil || time.Until(exp) < 50*time.Minute {
		t.Errorf("expiry = %v, %v", exp, err)
	}

	app := s.wrap(&http.Client{Transport: atr})
	insts, _, err := app.Apps.ListInstallations(ctx, nil)
	if err != nil || len(insts) != 1 || insts[0].GetID() != 42 || insts[0].GetAccount().GetLogin() != "acme" {
		t.Fatalf("installations = %v, %v", insts, err)
	}
	me, _, err := app.Apps.Get(ctx, "")
	if err != nil || me.GetSlug() != DefaultAppSlug {
		t.Fatalf("app = %v, %v", me, err)
	}
	inst, _, err := app.Apps.FindRepositoryInstallation(ctx, "acme", "posts")
	if err != nil || inst.GetID() != 42 {
		t.Fatalf("repo installation = %v, %v", inst, err)
	}
}

func TestSetAppKey(t *testing.T) {
	s := NewServer(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s.SetAppKey(7, &key.PublicKey)
	s.CreateRepo("acme", "posts", "", nil)
	s.CreateInstallation(8, "acme") // all repositories of acme
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	itr, err := ghinstallation.New(http.DefaultTransport, 7, 8, pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = s.URL()
	client := s.wrap(&http.Client{Transport: itr})
	repos, _, err := client.Apps.ListRepos(ctx, nil)
	if err != nil || repos.GetTotalCount() != 1 || repos.Repositories[0].GetFullName() != "acme/posts" {
		t.Fatalf("repos = %v, %v", repos, err)
	}
	// The default App's key does not sign for App 7.
	other := ghinstallation.NewAppsTransportFromPrivateKey(http.DefaultTransport, 7, sharedKey())
	other.BaseURL = s.URL()
	_, _, err = s.wrap(&http.Client{Transport: other}).Apps.ListInstallations(ctx, nil)
	if er := errorResponse(t, err, 401); er.Message != "A JSON web token could not be decoded" {
		t.Errorf("message = %q", er.Message)
	}
}

func TestInstallationScope(t *testing.T) {
	s, client := fixture(t)
	s.CreateRepo("acme", "secret", "main", map[string]string{"x": "y"})
	s.CreateRepo("other", "posts", "main", nil)

	for _, name := range []string{"acme/secret", "other/posts", "acme/missing"} {
		owner, repo, _ := strings.Cut(name, "/")
		_, _, err := client.Repositories.Get(ctx, owner, repo)
		if er := errorResponse(t, err, 404); er.Message != "Not Found" || er.DocumentationURL == "" {
			t.Errorf("%s: %+v", name, er)
		}
	}
	repos, _, err := client.Apps.ListRepos(ctx, nil)
	if err != nil || repos.GetTotalCount() != 1 {
		t.Fatalf("installation repos = %v, %v", repos, err)
	}
	// The personal token sees everything.
	if _, _, err := s.Client(PersonalToken).Repositories.Get(ctx, "acme", "secret"); err != nil {
		t.Fatal(err)
	}
	// Tokens narrowed at creation see only the requested repositories.
	s.CreateInstallation(43, "acme")
	atr := ghinstallation.NewAppsTransportFromPrivateKey(http.DefaultTransport, DefaultAppID, sharedKey())
	atr.BaseURL = s.URL()
	itr := ghinstallation.NewFromAppsTransport(atr, 43)
	itr.InstallationTokenOptions = &github.InstallationTokenOptions{Repositories: []string{"secret"}}
	narrow := s.wrap(&http.Client{Transport: itr})
	if _, _, err := narrow.Repositories.Get(ctx, "acme", "secret"); err != nil {
		t.Fatal(err)
	}
	_, _, err = narrow.Repositories.Get(ctx, "acme", "posts")
	errorResponse(t, err, 404)
}

func TestAuthErrors(t *testing.T) {
	s, _ := fixture(t)
	for _, tc := range []struct {
		name, path, token string
		status            int
		message           string
	}{
		{"missing", "/repos/acme/posts", "", 401, "Requires authentication"},
		{"unknown token", "/repos/acme/posts", "ghs_nope", 401, "Bad credentials"},
		{"installation token on /app", "/app/installations", s.InstallationToken(42), 401, "A JSON web token could not be decoded"},
		{"PAT on /installation", "/installation/repositories", PersonalToken, 403, "You must authenticate with an installation access token in order to list repositories for an installation."},
	} {
		status, hdr, body := rawGet(t, s, tc.path, tc.token, nil)
		if status != tc.status || !strings.Contains(body, `"message":"`+tc.message+`"`) {
			t.Errorf("%s: %d %s", tc.name, status, body)
		}
		if hdr.Get("X-RateLimit-Limit") == "" {
			t.Errorf("%s: no rate-limit headers", tc.name)
		}
	}

	// Tokens expire after an hour.
	token := s.InstallationToken(42)
	if status, _, _ := rawGet(t, s, "/repos/acme/posts", token, nil); status != 200 {
		t.Fatalf("fresh token: %d", status)
	}
	s.SetClock(func() time.Time { return time.Now().Add(TokenTTL + time.Minute) })
	if status, _, body := rawGet(t, s, "/repos/acme/posts", token, nil); status != 401 {
		t.Fatalf("expired token: %d %s", status, body)
	}
}
