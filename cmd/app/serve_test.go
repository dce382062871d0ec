package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/server"
)

// lockedBuffer is a goroutine-safe io.Writer.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestServeSettingsErrorsNameTheVariable(t *testing.T) {
	const secretBody = "TOPSECRETKEYMATERIAL"
	const hookSecret = "hook-secret-value-123"
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"nothing set", nil, nil, []string{server.EnvAppID, server.EnvPrivateKey, server.EnvWebhookSecret}},
		{"bad values", map[string]string{
			server.EnvAppID:         "twelve",
			server.EnvPrivateKey:    "-----BEGIN RSA PRIVATE KEY-----\n" + secretBody + "\n-----END RSA PRIVATE KEY-----\n",
			server.EnvWebhookSecret: hookSecret,
			server.EnvAPIURL:        "ftp://github.example.com",
			server.EnvAddr:          "8080",
		}, nil, []string{server.EnvAppID, server.EnvPrivateKey, server.EnvAPIURL, server.EnvAddr}},
		{"both keys", map[string]string{
			server.EnvAppID: "1", server.EnvPrivateKey: "x", server.EnvPrivateKeyPath: "/k.pem", server.EnvWebhookSecret: hookSecret,
		}, nil, []string{"set only one of"}},
		{"missing key file", map[string]string{server.EnvAppID: "1", server.EnvWebhookSecret: hookSecret},
			[]string{"--private-key-path", filepath.Join(dir, "nope.pem")}, []string{server.EnvPrivateKeyPath, "nope.pem"}},
		{"not a key file", map[string]string{server.EnvAppID: "1", server.EnvWebhookSecret: hookSecret,
			server.EnvPrivateKeyPath: writeFile(t, dir, "k.pem", secretBody)}, nil, []string{server.EnvPrivateKeyPath, "not a PEM"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr lockedBuffer
			code := serve(context.Background(), tc.args, envOf(tc.env), &stderr, nil)
			out := stderr.String()
			if code != 2 {
				t.Errorf("exit %d; want 2\n%s", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, out)
				}
			}
			for _, s := range []string{secretBody, hookSecret} {
				if strings.Contains(out, s) {
					t.Errorf("stderr shows a secret:\n%s", out)
				}
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServeRunsAndStopsOnSignal(t *testing.T) {
	gh := githubtest.NewServer(t)
	key := gh.RegisterApp(31, "clearance")
	env := map[string]string{
		server.EnvAppID:         "31",
		server.EnvPrivateKey:    strings.ReplaceAll(string(key), "\n", `\n`), // one-line form
		server.EnvWebhookSecret: "s3cret",
		server.EnvAPIURL:        gh.URL(), // no trailing slash: normalised
		server.EnvAddr:          "127.0.0.1:0",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	var stderr lockedBuffer
	go func() {
		done <- serve(ctx, []string{"--workers", "2", "--shutdown-timeout", "5s"}, envOf(env), &stderr, func(a string) { addrc <- a })
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("serve exited %d:\n%s", code, stderr.String())
	}
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "clearance[bot]") {
		t.Errorf("/readyz: %d %s", code, body)
	}
	body := []byte(`{"zen":"Keep it logically awesome.","hook_id":1}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", "ping")
	req.Header.Set("X-GitHub-Delivery", "d-1")
	req.Header.Set("X-Hub-Signature-256", server.Sign([]byte("s3cret"), body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ping: %d", resp.StatusCode)
	}

	cancel() // as SIGTERM does
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d; want 0\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(stderr.String(), "s3cret") || strings.Contains(stderr.String(), "PRIVATE KEY") {
		t.Errorf("logs show a secret:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"shutting down"`) {
		t.Errorf("no shutdown log:\n%s", stderr.String())
	}
}
