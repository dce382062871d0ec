package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func testKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
}

func TestSettingsConfig(t *testing.T) {
	key := testKeyPEM(t)
	cfg, err := Settings{AppID: " 42 ", PrivateKey: strings.ReplaceAll(key, "\n", `\n`), WebhookSecret: "s",
		APIURL: "https://ghe.example.com/api/v3"}.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AppID != 42 || cfg.APIURL != "https://ghe.example.com/api/v3/" || cfg.Addr != DefaultAddr || string(cfg.PrivateKey) != key {
		t.Errorf("config %+v", cfg)
	}
	cfg, err = Settings{AppID: "1", PrivateKey: key, WebhookSecret: "s"}.Config()
	if err != nil || cfg.APIURL != DefaultAPIURL {
		t.Errorf("default API URL: %q %v", cfg.APIURL, err)
	}
	if cfg.WebhookSecretPrevious != nil {
		t.Errorf("no rotation: previous secret %q", cfg.WebhookSecretPrevious)
	}
	cfg, err = SettingsFromEnv(func(v string) string {
		return map[string]string{EnvAppID: "1", EnvPrivateKey: key, EnvWebhookSecret: "new", EnvWebhookSecretPrevious: "old"}[v]
	}).Config()
	if err != nil || string(cfg.WebhookSecret) != "new" || string(cfg.WebhookSecretPrevious) != "old" {
		t.Errorf("rotation: %q %q %v", cfg.WebhookSecret, cfg.WebhookSecretPrevious, err)
	}
	cfg, err = Settings{AppID: "1", PrivateKey: key, WebhookSecret: "s", Peers: "clearance-peers", PodIP: "10.1.2.3"}.Config()
	if err != nil || cfg.Peers == nil || cfg.Self != "10.1.2.3" {
		t.Errorf("peers: %v %q %v", cfg.Peers != nil, cfg.Self, err)
	}
	for _, bad := range []Settings{{PodIP: "10.1.2.3"}, {Peers: "clearance-peers", PodIP: "pod-7"}} {
		bad.AppID, bad.PrivateKey, bad.WebhookSecret = "1", key, "s"
		if _, err := bad.Config(); err == nil || !strings.Contains(err.Error(), "CLEARANCE_P") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	_, err = Settings{AppID: "1", PrivateKey: key, WebhookSecret: "s", WebhookSecretPrevious: "s"}.Config()
	if err == nil || !strings.Contains(err.Error(), EnvWebhookSecretPrevious) {
		t.Errorf("previous secret equal to the current one: %v", err)
	}

	_, err = Settings{AppID: "-3", PrivateKey: "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n",
		APIURL: "https://user:pw@github.example.com/", Addr: "nope"}.Config()
	var vars []string
	for _, e := range splitJoined(err) {
		var ce *ConfigError
		if !errors.As(e, &ce) {
			t.Errorf("%v is not a ConfigError", e)
			continue
		}
		vars = append(vars, ce.Var)
	}
	want := []string{EnvAppID, EnvPrivateKey, EnvWebhookSecret, EnvAPIURL, EnvAddr}
	if strings.Join(vars, ",") != strings.Join(want, ",") {
		t.Errorf("errors name %q; want %q", vars, want)
	}
	if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), "pw@") {
		t.Errorf("the error shows a secret: %v", err)
	}
}

func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestNewRejectsIncompleteConfig(t *testing.T) {
	_, err := New(Config{AppID: 1, PrivateKey: []byte(testKeyPEM(t))})
	if err == nil || !strings.Contains(err.Error(), EnvWebhookSecret) {
		t.Errorf("New without a secret: %v", err)
	}
	_, err = New(Config{WebhookSecret: []byte("s")})
	if err == nil || !strings.Contains(err.Error(), EnvAppID) || !strings.Contains(err.Error(), EnvPrivateKey) {
		t.Errorf("New without App credentials: %v", err)
	}
}

func TestValidSignature(t *testing.T) {
	body := []byte(`{"a":1}`)
	good := Sign([]byte("k"), body)
	for sig, want := range map[string]bool{
		good:                                true,
		"":                                  false,
		strings.ToUpper(good):               false,
		good[:len(good)-2]:                  false,
		Sign([]byte("other"), body):         false,
		strings.TrimPrefix(good, "sha256="): false,
	} {
		if got := validSignature(sig, body, []byte("k")); got != want {
			t.Errorf("validSignature(%q) = %v; want %v", sig, got, want)
		}
	}
}

func TestPushTouchesReview(t *testing.T) {
	ev := func(files ...string) *github.PushEvent {
		return &github.PushEvent{Commits: []*github.HeadCommit{{Added: files}}}
	}
	for _, tc := range []struct {
		ev   *github.PushEvent
		want bool
	}{
		{ev(".github/clearance.yml"), true},
		{ev("CODEOWNERS"), true},
		{ev("docs/CODEOWNERS"), true},
		{ev("published/2026-12-01-x.md"), true},
		{ev("tools/build.sh", "README.txt"), false},
		{ev("docs/CODEOWNERS.bak"), false},
		{&github.PushEvent{}, true}, // the payload lists no commits: be safe
		{&github.PushEvent{Forced: github.Bool(true), Commits: []*github.HeadCommit{{Added: []string{"a.txt"}}}}, true},
	} {
		if got := pushTouchesReview(tc.ev); got != tc.want {
			t.Errorf("pushTouchesReview(%v) = %v; want %v", tc.ev.Commits, got, tc.want)
		}
	}
}

func TestIsRecheck(t *testing.T) {
	for body, want := range map[string]bool{
		"/clearance recheck":        true,
		"  /clearance recheck\r\n":  true,
		"/Clearance Recheck":        true,
		"/clearance recheck please": false,
		"> /clearance recheck\nok":  false,
		"please /clearance recheck": false,
	} {
		if got := isRecheck(body); got != want {
			t.Errorf("isRecheck(%q) = %v; want %v", body, got, want)
		}
	}
}

func TestReconcileIntervalSetting(t *testing.T) {
	key := testKeyPEM(t)
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"", 0, false}, {"5m", 5 * time.Minute, false}, {" 1h ", time.Hour, false}, {"OFF", reconcileOnlyAtStart, false},
		{"10", 0, true}, {"500ms", 0, true}, {"-5m", 0, true}, {"soon", 0, true},
	} {
		cfg, err := Settings{AppID: "1", PrivateKey: key, WebhookSecret: "s", ReconcileInterval: tc.in}.Config()
		if tc.bad {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Var != EnvReconcileInterval {
				t.Errorf("%q: %v; want an error naming %s", tc.in, err, EnvReconcileInterval)
			}
			continue
		}
		if err != nil || cfg.ReconcileInterval != tc.want {
			t.Errorf("%q: %v %v; want %v", tc.in, cfg.ReconcileInterval, err, tc.want)
		}
	}
	if d := (Config{}).withDefaults(); d.ReconcileInterval != DefaultReconcileInterval || d.FullReconcileEvery != DefaultFullReconcileEvery {
		t.Errorf("defaults: %v every %d", d.ReconcileInterval, d.FullReconcileEvery)
	}
}
