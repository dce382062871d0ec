package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/clearance-dev/clearance/internal/metrics"
	"github.com/clearance-dev/clearance/internal/server"
)

const (
	base    = "kubernetes/base"
	overlay = "kubernetes/overlays/production"
)

// ---------------------------------------------------------------------
// What the server says about itself, read from its source (it exports no
// list of events or routes) and from the running server.

// serverSource parses internal/server's non-test files.
func serverSource(t *testing.T) []*ast.File {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("../internal/server/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// handledEvents are the keys of internal/server's handledEvents map: the
// events that may cause work.
func handledEvents(t *testing.T) []string {
	t.Helper()
	var events []string
	for _, f := range serverSource(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "handledEvents" || len(vs.Values) != 1 {
				return true
			}
			lit, ok := vs.Values[0].(*ast.CompositeLit)
			if !ok {
				return true
			}
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if bl, ok := kv.Key.(*ast.BasicLit); ok && bl.Kind == token.STRING {
						s, _ := strconv.Unquote(bl.Value)
						events = append(events, s)
					}
				}
			}
			return false
		})
	}
	if len(events) == 0 {
		t.Fatal("cannot find the handledEvents map in internal/server; if it moved or was renamed, update this test (or export the list from the server)")
	}
	sort.Strings(events)
	return events
}

// serverRoutes are the patterns internal/server registers on its mux
// (HandleFunc and Handle calls with a string literal), e.g. "GET /readyz".
func serverRoutes(t *testing.T) []string {
	t.Helper()
	var routes []string
	for _, f := range serverSource(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
				return true
			}
			if bl, ok := call.Args[0].(*ast.BasicLit); ok && bl.Kind == token.STRING {
				s, _ := strconv.Unquote(bl.Value)
				routes = append(routes, s)
			}
			return true
		})
	}
	if len(routes) == 0 {
		t.Fatal("found no routes registered in internal/server")
	}
	return routes
}

// serverEnv are the values of internal/server's Env* string constants: the
// environment variables it reads.
func serverEnv(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, f := range serverSource(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Env") || i >= len(vs.Values) {
					continue
				}
				if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
					v, _ := strconv.Unquote(bl.Value)
					out[v] = true
				}
			}
			return true
		})
	}
	for _, v := range []string{server.EnvAppID, server.EnvWebhookSecret, server.EnvPrivateKeyPath} {
		if !out[v] {
			t.Fatalf("reading internal/server's Env* constants found %v, not %s", out, v)
		}
	}
	return out
}

// serves reports whether a route pattern answers method and path.
func serves(routes []string, method, path string) bool {
	for _, r := range routes {
		m, p, ok := strings.Cut(r, " ")
		if !ok {
			m, p = "", r
		}
		if p == path && (m == "" || m == method || (m == "GET" && method == "HEAD")) {
			return true
		}
	}
	return false
}

// alwaysDelivered are events GitHub sends every App without subscribing;
// a manifest cannot list them.
var alwaysDelivered = map[string]bool{"installation": true, "installation_repositories": true}

// eventPermission is the permission an App needs to subscribe to an event.
var eventPermission = map[string]string{
	"check_run":           "checks",
	"check_suite":         "checks",
	"issue_comment":       "issues",
	"membership":          "members",
	"organization":        "members",
	"pull_request":        "pull_requests",
	"pull_request_review": "pull_requests",
	"push":                "contents",
}

// ---------------------------------------------------------------------
// The GitHub App manifest.

type appManifest struct {
	Name           string `json:"name"`
	URL            string `json:"url"`
	Description    string `json:"description"`
	Public         bool   `json:"public"`
	HookAttributes struct {
		URL    string `json:"url"`
		Active bool   `json:"active"`
	} `json:"hook_attributes"`
	RedirectURL           string            `json:"redirect_url"`
	RequestOAuthOnInstall bool              `json:"request_oauth_on_install"`
	SetupOnUpdate         bool              `json:"setup_on_update"`
	DefaultPermissions    map[string]string `json:"default_permissions"`
	DefaultEvents         []string          `json:"default_events"`
}

func readManifest(t *testing.T, data []byte) appManifest {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // only fields GitHub's manifest flow knows
	var m appManifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("the App manifest: %v", err)
	}
	return m
}

func TestAppManifest(t *testing.T) {
	data, err := os.ReadFile("github-app/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, data)

	// The least the App needs, as docs/deploy.md explains.
	want := map[string]string{
		"checks": "write", "contents": "read", "issues": "write",
		"members": "read", "metadata": "read", "pull_requests": "write",
	}
	if !mapsEqual(m.DefaultPermissions, want) {
		t.Errorf("default_permissions = %v, want exactly %v", m.DefaultPermissions, want)
	}

	// The events: what the server handles, less what GitHub always sends.
	var subscribable []string
	for _, e := range handledEvents(t) {
		if !alwaysDelivered[e] {
			subscribable = append(subscribable, e)
		}
	}
	got := slices.Clone(m.DefaultEvents)
	sort.Strings(got)
	if !slices.Equal(got, subscribable) {
		t.Errorf("default_events = %v; the server handles %v (installation events are always sent)", got, subscribable)
	}
	for _, e := range m.DefaultEvents {
		perm, ok := eventPermission[e]
		if !ok {
			t.Errorf("event %q: this test does not know the permission it needs; add it to eventPermission", e)
			continue
		}
		if m.DefaultPermissions[perm] == "" {
			t.Errorf("event %q needs the %s permission, which the manifest does not ask for", e, perm)
		}
	}

	// The webhook goes to the server's webhook route, over HTTPS.
	if !strings.HasPrefix(m.HookAttributes.URL, "https://") || !strings.HasSuffix(m.HookAttributes.URL, "/webhook") || !m.HookAttributes.Active {
		t.Errorf("hook_attributes = %+v; want an active https://…/webhook", m.HookAttributes)
	}
	if !serves(serverRoutes(t), http.MethodPost, "/webhook") {
		t.Error("the server does not serve POST /webhook")
	}
	if m.Public || m.RequestOAuthOnInstall {
		t.Error("the App should be private and need no user authorization")
	}
	if m.Name == "" || m.URL == "" || m.RedirectURL == "" {
		t.Error("name, url and redirect_url are needed by the manifest flow")
	}

	// register.html posts the same manifest.
	html, err := os.ReadFile("github-app/register.html")
	if err != nil {
		t.Fatal(err)
	}
	sm := regexp.MustCompile(`(?s)<script type="application/json" id="manifest">(.*?)</script>`).FindSubmatch(html)
	if sm == nil {
		t.Fatal("register.html has no manifest script block")
	}
	if embedded := readManifest(t, sm[1]); !manifestsEqual(embedded, m) {
		t.Errorf("register.html's manifest differs from manifest.json:\n%+v\n%+v", embedded, m)
	}
}

func manifestsEqual(a, b appManifest) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------
// Kubernetes.

// object is one Kubernetes object, as a generic tree.
type object map[string]any

func (o object) kind() string { s, _ := o["kind"].(string); return s }

func (o object) name() string {
	s, _ := get(o, "metadata", "name").(string)
	return s
}

// get walks maps (by string key) and lists (by int index).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			var m map[string]any
			switch x := v.(type) {
			case object:
				m = x
			case map[string]any:
				m = x
			default:
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// readYAML reads every document of a YAML file.
func readYAML(t *testing.T, data []byte, name string) []object {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []object
	for {
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o != nil {
			out = append(out, o)
		}
	}
}

type kustomization struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Namespace  string `yaml:"namespace"`
	Labels     []struct {
		Pairs            map[string]string `yaml:"pairs"`
		IncludeSelectors bool              `yaml:"includeSelectors"`
	} `yaml:"labels"`
	Resources          []string    `yaml:"resources"`
	ConfigMapGenerator []generator `yaml:"configMapGenerator"`
	SecretGenerator    []generator `yaml:"secretGenerator"`
	Images             []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
		Digest  string `yaml:"digest"`
	} `yaml:"images"`
}

type generator struct {
	Name     string   `yaml:"name"`
	Behavior string   `yaml:"behavior"`
	Type     string   `yaml:"type"`
	Literals []string `yaml:"literals"`
	Files    []string `yaml:"files"`
	Envs     []string `yaml:"envs"`
}

func (g generator) keys() []string {
	var out []string
	for _, l := range g.Literals {
		k, _, _ := strings.Cut(l, "=")
		out = append(out, k)
	}
	for _, f := range g.Files {
		k, _, ok := strings.Cut(f, "=")
		if !ok {
			k = filepath.Base(f)
		}
		out = append(out, k)
	}
	return out
}

func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k kustomization
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	if k.APIVersion != "kustomize.config.k8s.io/v1beta1" || k.Kind != "Kustomization" {
		t.Errorf("%s/kustomization.yaml: apiVersion %q kind %q", dir, k.APIVersion, k.Kind)
	}
	return k
}

// resources reads the objects a kustomization lists from its own files.
func resources(t *testing.T, dir string, k kustomization) map[string]object {
	t.Helper()
	out := map[string]object{}
	for _, r := range k.Resources {
		p := filepath.Join(dir, r)
		info, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: resource %s: %v", dir, r, err)
			continue
		}
		if info.IsDir() {
			continue // another kustomization
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range readYAML(t, data, p) {
			if o["apiVersion"] == nil || o.kind() == "" || o.name() == "" {
				t.Errorf("%s: an object without apiVersion, kind or metadata.name", p)
			}
			// By kind (the first of it: the main one), and by kind/name.
			if _, ok := out[o.kind()]; !ok {
				out[o.kind()] = o
			}
			out[o.kind()+"/"+o.name()] = o
		}
	}
	return out
}

// TestEveryYAMLFileParses: every YAML file under deploy/ and .github/, and
// the Action's metadata.
func TestEveryYAMLFileParses(t *testing.T) {
	var files []string
	for _, root := range []string{".", "../.github"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	files = append(files, "../action.yml", "../.pre-commit-hooks.yaml")
	if len(files) < 10 {
		t.Fatalf("found only %v", files)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var v any
			if err := dec.Decode(&v); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Errorf("%s: %v", p, err)
				break
			}
		}
	}
}

func TestKubernetesManifests(t *testing.T) {
	k := readKustomization(t, base)
	objs := resources(t, base, k)
	for _, kind := range []string{"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceAccount"} {
		if objs[kind] == nil {
			t.Fatalf("the base has no %s", kind)
		}
	}
	dep, svc, pdb, hpa := objs["Deployment"], objs["Service"], objs["PodDisruptionBudget"], objs["HorizontalPodAutoscaler"]
	pod := get(dep, "spec", "template")
	ctr := get(pod, "spec", "containers", 0)
	routes := serverRoutes(t)

	// Two replicas, kept by the PDB and the HPA.
	replicas, _ := get(dep, "spec", "replicas").(int)
	if replicas != 2 {
		t.Errorf("replicas = %v, want 2", get(dep, "spec", "replicas"))
	}
	if min, _ := get(pdb, "spec", "minAvailable").(int); min < 1 || min >= replicas {
		t.Errorf("PodDisruptionBudget minAvailable = %v; want at least 1 and fewer than the replicas", get(pdb, "spec", "minAvailable"))
	}
	if get(hpa, "spec", "scaleTargetRef", "kind") != "Deployment" || get(hpa, "spec", "scaleTargetRef", "name") != dep.name() {
		t.Errorf("the HPA scales %v", get(hpa, "spec", "scaleTargetRef"))
	}
	if min, _ := get(hpa, "spec", "minReplicas").(int); min != replicas {
		t.Errorf("HPA minReplicas = %v; keep it equal to the Deployment's replicas (%d)", get(hpa, "spec", "minReplicas"), replicas)
	}
	if max, _ := get(hpa, "spec", "maxReplicas").(int); max <= replicas {
		t.Errorf("HPA maxReplicas = %v", get(hpa, "spec", "maxReplicas"))
	}

	// The port is the server's default address.
	_, port, _ := strings.Cut(server.DefaultAddr, ":")
	if get(ctr, "ports", 0, "name") != "http" || fmt.Sprint(get(ctr, "ports", 0, "containerPort")) != port {
		t.Errorf("container port %v; the server listens on %s", get(ctr, "ports"), server.DefaultAddr)
	}

	// Probes on the server's routes.
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz"} {
		got := get(ctr, probe, "httpGet", "path")
		if got != path {
			t.Errorf("%s path = %v, want %s", probe, got, path)
		}
		if !serves(routes, http.MethodGet, path) {
			t.Errorf("%s: the server has no GET %s (its routes: %v)", probe, path, routes)
		}
		if get(ctr, probe, "httpGet", "port") != "http" {
			t.Errorf("%s port = %v", probe, get(ctr, probe, "httpGet", "port"))
		}
	}

	// Metrics are scraped where internal/metrics serves them.
	ann := get(pod, "metadata", "annotations")
	if get(ann, "prometheus.io/path") != metrics.Path || get(ann, "prometheus.io/port") != port {
		t.Errorf("prometheus annotations %v; want path %s, port %s", ann, metrics.Path, port)
	}
	if !serves(routes, http.MethodGet, metrics.Path) {
		t.Logf("note: internal/server does not serve %s yet; wire internal/metrics into it", metrics.Path)
	}

	// Resources and a locked-down container.
	for _, r := range []string{"cpu", "memory"} {
		if get(ctr, "resources", "requests", r) == nil {
			t.Errorf("no %s request", r)
		}
	}
	if get(ctr, "resources", "limits", "memory") == nil {
		t.Error("no memory limit")
	}
	for path, want := range map[string]any{
		"spec.securityContext.runAsNonRoot":                          true,
		"spec.securityContext.seccompProfile.type":                   "RuntimeDefault",
		"spec.automountServiceAccountToken":                          false,
		"spec.containers.0.securityContext.runAsNonRoot":             true,
		"spec.containers.0.securityContext.readOnlyRootFilesystem":   true,
		"spec.containers.0.securityContext.allowPrivilegeEscalation": false,
		"spec.containers.0.securityContext.capabilities.drop.0":      "ALL",
		"spec.containers.0.args.0":                                   "serve",
		"spec.containers.0.volumeMounts.0.readOnly":                  true,
		"spec.securityContext.runAsUser":                             65532,
	} {
		var p []any
		for _, s := range strings.Split(path, ".") {
			if n, err := strconv.Atoi(s); err == nil {
				p = append(p, n)
			} else {
				p = append(p, s)
			}
		}
		if got := get(pod, p...); got != want {
			t.Errorf("pod %s = %v, want %v", path, got, want)
		}
	}

	// Settings: every variable set is one the server reads; the secret
	// ones come from the Secret, the key as a file.
	known := serverEnv(t)
	known["GOMEMLIMIT"] = true
	env := map[string]any{}
	for _, e := range get(ctr, "env").([]any) {
		env[get(e, "name").(string)] = e
	}
	var cm, secret generator
	for _, g := range k.ConfigMapGenerator {
		if g.Name == "clearance" {
			cm = g
		}
	}
	for _, g := range k.SecretGenerator {
		if g.Name == "clearance" {
			secret = g
		}
	}
	for _, l := range cm.Literals {
		name, _, _ := strings.Cut(l, "=")
		env[name] = l
	}
	for name := range env {
		if !known[name] {
			t.Errorf("the deployment sets %s, which the server does not read", name)
		}
	}
	for _, name := range []string{server.EnvAppID, server.EnvWebhookSecret, server.EnvPrivateKeyPath} {
		if env[name] == nil {
			t.Errorf("the deployment does not set %s", name)
		}
	}
	if env[server.EnvPrivateKey] != nil {
		t.Errorf("give the key as a file (%s), not in the environment", server.EnvPrivateKeyPath)
	}
	if get(ctr, "envFrom", 0, "configMapRef", "name") != cm.Name {
		t.Errorf("envFrom %v; want the %q ConfigMap", get(ctr, "envFrom"), cm.Name)
	}
	ws := get(env[server.EnvWebhookSecret], "valueFrom", "secretKeyRef")
	if get(ws, "name") != secret.Name || !slices.Contains(secret.keys(), fmt.Sprint(get(ws, "key"))) {
		t.Errorf("%s comes from %v; the Secret %q has keys %v", server.EnvWebhookSecret, ws, secret.Name, secret.keys())
	}
	keyPath, _ := get(env[server.EnvPrivateKeyPath], "value").(string)
	mount := get(ctr, "volumeMounts", 0)
	vol := get(pod, "spec", "volumes", 0)
	if get(vol, "name") != get(mount, "name") || get(vol, "secret", "secretName") != secret.Name {
		t.Errorf("the key volume %v is not the Secret %q mounted at %v", vol, secret.Name, mount)
	}
	item := get(vol, "secret", "items", 0)
	if filepath.Join(fmt.Sprint(get(mount, "mountPath")), fmt.Sprint(get(item, "path"))) != keyPath ||
		!slices.Contains(secret.keys(), fmt.Sprint(get(item, "key"))) {
		t.Errorf("%s=%s, but the Secret's key %v is mounted at %v", server.EnvPrivateKeyPath, keyPath, item, get(mount, "mountPath"))
	}

	// The Service and the PDB select the pods; the Service targets the port.
	podLabels := get(pod, "metadata", "labels").(map[string]any)
	for name, sel := range map[string]any{
		"Service":             get(svc, "spec", "selector"),
		"PodDisruptionBudget": get(pdb, "spec", "selector", "matchLabels"),
		"Deployment":          get(dep, "spec", "selector", "matchLabels"),
	} {
		m, _ := sel.(map[string]any)
		if len(m) == 0 {
			t.Errorf("%s selects nothing", name)
		}
		for k, v := range m {
			if podLabels[k] != v {
				t.Errorf("%s selects %s=%v; the pods have %v", name, k, v, podLabels)
			}
		}
	}
	if get(svc, "spec", "ports", 0, "targetPort") != "http" {
		t.Errorf("Service targetPort %v", get(svc, "spec", "ports", 0, "targetPort"))
	}
	// The replicas find each other through a headless Service of the same
	// pods (the reconcile's shards), named in the ConfigMap.
	peers := objs["Service/clearance-peers"]
	if peers == nil || get(peers, "spec", "clusterIP") != "None" || !reflect.DeepEqual(get(peers, "spec", "selector"), get(svc, "spec", "selector")) {
		t.Errorf("no headless Service clearance-peers selecting the server's pods: %v", peers)
	}
	if d, _ := os.ReadFile(filepath.Join(base, "deployment.yaml")); !strings.Contains(string(d), "name: CLEARANCE_POD_IP") || !strings.Contains(string(d), "fieldPath: status.podIP") {
		t.Error("the Deployment does not give each replica its address (CLEARANCE_POD_IP from status.podIP)")
	}

	// The overlay replaces the placeholders and exposes only /webhook.
	ok := readKustomization(t, overlay)
	oobjs := resources(t, overlay, ok)
	if !slices.Contains(ok.Resources, "../../base") {
		t.Errorf("the overlay does not build on the base: %v", ok.Resources)
	}
	for _, g := range ok.SecretGenerator {
		if g.Name == secret.Name && g.Behavior == "replace" {
			have := map[string]bool{}
			for _, f := range g.Files {
				have[filepath.Base(f)] = true
			}
			if !have["private-key.pem"] || len(g.Envs) == 0 {
				t.Errorf("the overlay's Secret %+v", g)
			}
		}
	}
	ing := oobjs["Ingress"]
	if ing == nil {
		t.Fatal("the overlay has no Ingress")
	}
	paths := get(ing, "spec", "rules", 0, "http", "paths").([]any)
	if len(paths) != 1 || get(paths[0], "path") != "/webhook" || get(paths[0], "backend", "service", "name") != svc.name() {
		t.Errorf("the Ingress routes %v; want only /webhook to the Service", paths)
	}
	gi, err := os.ReadFile(filepath.Join(overlay, ".gitignore"))
	if err != nil || !strings.Contains(string(gi), "private-key.pem") || !strings.Contains(string(gi), "webhook.env") {
		t.Errorf("the overlay's .gitignore must keep the secrets out of git: %q, %v", gi, err)
	}
}

// TestProbesAgainstTheServer: the real server answers the probes' paths as
// the manifests expect: /healthz at once, /readyz only once started.
func TestProbesAgainstTheServer(t *testing.T) {
	gh := githubtest.NewServer(t)
	key := gh.RegisterApp(4242, "clearance")
	srv, err := server.New(server.Config{
		AppID: 4242, PrivateKey: key, WebhookSecret: []byte("s"), APIURL: gh.BaseURL().String(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := httptest.NewServer(srv)
	defer h.Close()
	status := func(path string) int {
		resp, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/healthz"); got != http.StatusOK {
		t.Errorf("GET /healthz before start: %d", got)
	}
	if got := status("/readyz"); got == http.StatusOK {
		t.Errorf("GET /readyz before start: %d; a pod must not get webhooks before it can work", got)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for status("/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("GET /readyz never answered 200 after start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := status("/readyz"); got == http.StatusOK {
		t.Errorf("GET /readyz while shutting down: %d", got)
	}
}

// findTool finds kubectl (kustomize built in) or kustomize.
func findTool() []string {
	if p, err := exec.LookPath("kustomize"); err == nil {
		return []string{p, "build"}
	}
	if p, err := exec.LookPath("kubectl"); err == nil {
		return []string{p, "kustomize"}
	}
	return nil
}

// TestKustomizeBuild renders the base and the overlay (with stand-in
// secrets) and checks what kustomize made of them.
func TestKustomizeBuild(t *testing.T) {
	tool := findTool()
	if tool == nil {
		t.Skip("neither kustomize nor kubectl is installed: the kustomize build is not exercised here (CI runs it)")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("kubernetes")); err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(dir, "overlays", "production")
	if err := os.WriteFile(filepath.Join(ov, "private-key.pem"), []byte("-----BEGIN RSA PRIVATE KEY-----\nstand-in\n-----END RSA PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ov, "webhook.env"), []byte("webhook-secret=stand-in\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	render := func(d string) map[string]object {
		t.Helper()
		cmd := exec.Command(tool[0], append(tool[1:], d)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", strings.Join(tool, " "), d, err, stderr.String())
		}
		objs := map[string]object{}
		for _, o := range readYAML(t, out, d) {
			objs[o.kind()] = o
		}
		return objs
	}
	for _, d := range []string{filepath.Join(dir, "base"), ov} {
		objs := render(d)
		for _, kind := range []string{"Deployment", "Service", "Secret", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler"} {
			if objs[kind] == nil {
				t.Errorf("%s: no %s in the output", d, kind)
			}
		}
		dep := objs["Deployment"]
		secretName, cmName := objs["Secret"].name(), objs["ConfigMap"].name()
		if !strings.HasPrefix(secretName, "clearance-") || !strings.HasPrefix(cmName, "clearance-") {
			t.Errorf("%s: generated names %q, %q carry no content hash", d, secretName, cmName)
		}
		spec := get(dep, "spec", "template", "spec")
		if get(spec, "volumes", 0, "secret", "secretName") != secretName || get(spec, "containers", 0, "envFrom", 0, "configMapRef", "name") != cmName {
			t.Errorf("%s: the Deployment does not use the generated Secret %q and ConfigMap %q", d, secretName, cmName)
		}
		image, _ := get(spec, "containers", 0, "image").(string)
		if !strings.HasPrefix(image, "ghcr.io/clearance-dev/clearance:") {
			t.Errorf("%s: image %q", d, image)
		}
		if d == ov {
			if strings.HasSuffix(image, ":latest") {
				t.Errorf("the overlay runs %q; pin a version", image)
			}
			if data, _ := get(objs["Secret"], "data").(map[string]any); len(data) != 2 || data["webhook-secret"] == nil || data["private-key.pem"] == nil {
				t.Errorf("the overlay's Secret has %v", data)
			}
			if get(dep, "metadata", "namespace") != "clearance" {
				t.Errorf("namespace %v", get(dep, "metadata", "namespace"))
			}
		}
	}
}

// ---------------------------------------------------------------------
// The container image.

// dockerfile is deploy/Dockerfile as instructions (continuations joined).
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		inst, rest, _ := strings.Cut(cur, " ")
		out = append(out, [2]string{strings.ToUpper(inst), strings.TrimSpace(rest)})
		cur = ""
	}
	return out
}

func TestDockerfile(t *testing.T) {
	insts := dockerfile(t)
	var froms []string
	user, entry, build := "", "", ""
	for _, in := range insts {
		switch in[0] {
		case "FROM":
			froms = append(froms, in[1])
			user = "" // per stage
		case "USER":
			user = in[1]
		case "ENTRYPOINT":
			entry = in[1]
		case "ENV", "RUN":
			if strings.Contains(in[1], "CGO_ENABLED=0") || strings.Contains(in[1], "go build") {
				build += in[1] + "\n"
			}
		}
	}
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build; stages: %v", froms)
	}
	// podman and buildah have no default registry: every base image is
	// named in full (registry/path:tag).
	for _, f := range froms {
		img := f
		if fs := strings.Fields(f); len(fs) > 0 {
			img = fs[len(fs)-1]
			for _, w := range fs {
				if !strings.HasPrefix(w, "--") {
					img = w
					break
				}
			}
		}
		if first, _, slash := strings.Cut(img, "/"); img != "scratch" && (!slash || !strings.ContainsAny(first, ".:") && first != "localhost") {
			t.Errorf("base image %q is not fully qualified (podman and buildah need registry/name, like docker.io/library/golang)", img)
		}
	}
	final := froms[len(froms)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("the final stage is %q; want distroless/static or scratch", final)
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "go build") || !strings.Contains(build, "./cmd/app") {
		t.Errorf("want a static (CGO_ENABLED=0) go build of ./cmd/app:\n%s", build)
	}
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("the final stage's USER is %q; want a numeric non-root user (Kubernetes' runAsNonRoot checks the number)", user)
	}
	if !strings.Contains(entry, "/clearance") {
		t.Errorf("ENTRYPOINT %s", entry)
	}
	// The deployment runs as the image's user.
	dep := resources(t, base, readKustomization(t, base))["Deployment"]
	if fmt.Sprint(get(dep, "spec", "template", "spec", "securityContext", "runAsUser")) != uid {
		t.Errorf("the image's user %s differs from the Deployment's runAsUser %v", uid, get(dep, "spec", "template", "spec", "securityContext", "runAsUser"))
	}
}

// TestDockerignoreKeepsTheBuildInputs: every package of the module that
// the binary needs is in a folder the .dockerignore lets through.
func TestDockerignoreKeepsTheBuildInputs(t *testing.T) {
	data, err := os.ReadFile("Dockerfile.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "!"); ok {
			kept[strings.TrimSuffix(p, "/")] = true
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "cmd"} {
		if !kept[f] {
			t.Errorf("the .dockerignore drops %s", f)
		}
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "../cmd/app").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	root, _ := filepath.Abs("..")
	for _, dir := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue // a dependency from the module cache
		}
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if !kept[top] {
			t.Errorf("the binary needs %s, which the .dockerignore drops", rel)
		}
	}
}

// TestContainerBuild builds the image and runs it, where Docker runs.
func TestContainerBuild(t *testing.T) {
	// CLEARANCE_DOCKER_TESTS: 1 requires the build (CI's container job), 0
	// skips it (CI's test job, which need not build the image twice).
	forced := os.Getenv("CLEARANCE_DOCKER_TESTS") == "1"
	if (testing.Short() || os.Getenv("CLEARANCE_DOCKER_TESTS") == "0") && !forced {
		t.Skip("-short or CLEARANCE_DOCKER_TESTS=0: the container build is not exercised")
	}
	docker, err := exec.LookPath("docker")
	if err == nil {
		var out []byte
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err = exec.CommandContext(ctx, docker, "info", "--format", "{{.ServerVersion}}").CombinedOutput()
		cancel()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
		}
	}
	if err != nil {
		msg := fmt.Sprintf("no Docker engine (%v): the container build is not exercised here; CI builds it", err)
		if forced {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	tag := fmt.Sprintf("clearance-test:%d", time.Now().UnixNano())
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(docker, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	cmd := exec.Command(docker, "build", "-f", "deploy/Dockerfile", "--build-arg", "VERSION=test", "-t", tag, ".")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(docker, "rmi", "-f", tag).Run() })

	if got := run("run", "--rm", "--read-only", tag, "version"); got != "clearance test" {
		t.Errorf("version: %q", got)
	}
	user := run("image", "inspect", "--format", "{{.Config.User}}", tag)
	if uid, _, _ := strings.Cut(user, ":"); uid == "" || uid == "0" || uid == "root" {
		t.Errorf("the image runs as %q", user)
	}
	size, _ := strconv.ParseInt(run("image", "inspect", "--format", "{{.Size}}", tag), 10, 64)
	if size > 60<<20 {
		t.Errorf("the image is %d MiB; it should be small", size>>20)
	}
	t.Logf("image %s: %d MiB, user %s", tag, size>>20, user)
	// serve without settings says which are missing, and exits 2.
	c := exec.Command(docker, "run", "--rm", tag)
	out, _ := c.CombinedOutput()
	if c.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), server.EnvAppID) {
		t.Errorf("serve without settings: exit %d\n%s", c.ProcessState.ExitCode(), out)
	}
}

// ---------------------------------------------------------------------
// Action mode, pre-commit, CI.

func readYAMLFile(t *testing.T, p string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return v
}

// actionEvents are the events app action acts on (cmd/app/action.go).
var actionEvents = map[string]bool{
	"pull_request": true, "pull_request_target": true, "pull_request_review": true,
	"issue_comment": true, "push": true, "workflow_dispatch": true, "schedule": true,
}

func TestActionMetadataAndExampleWorkflow(t *testing.T) {
	a := readYAMLFile(t, "../action.yml")
	if get(a, "runs", "using") != "composite" {
		t.Errorf("runs.using = %v", get(a, "runs", "using"))
	}
	for _, k := range []string{"name", "description"} {
		if s, _ := a[k].(string); s == "" {
			t.Errorf("action.yml has no %s", k)
		}
	}
	steps, _ := get(a, "runs", "steps").([]any)
	var script string
	var env map[string]any
	for _, s := range steps {
		if get(s, "id") == "review" {
			script, _ = get(s, "run").(string)
			env, _ = get(s, "env").(map[string]any)
		}
		if r, ok := get(s, "run").(string); ok && get(s, "shell") == nil {
			t.Errorf("a composite step must say its shell: %q", r)
		}
	}
	if !strings.Contains(script, `clearance" action`) {
		t.Errorf("the review step does not run app action:\n%s", script)
	}
	if get(env, "GITHUB_TOKEN") != "${{ inputs.token }}" {
		t.Errorf("GITHUB_TOKEN is %v; want the token input", get(env, "GITHUB_TOKEN"))
	}
	// Inputs reach the script through the environment (never ${{ }} in the
	// script: that would let a value inject shell).
	if strings.Contains(script, "${{") {
		t.Error("the review script interpolates ${{ }}; pass values through env")
	}
	doc, err := os.ReadFile("../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	inputs, _ := a["inputs"].(map[string]any)
	for name := range inputs {
		if name != "token" && !strings.Contains(fmt.Sprint(env), "inputs."+name) {
			t.Errorf("input %q reaches no step", name)
		}
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/deploy.md does not describe the input `%s`", name)
		}
	}
	outputs, _ := a["outputs"].(map[string]any)
	for name, o := range outputs {
		if get(o, "value") != "${{ steps.review.outputs."+name+" }}" {
			t.Errorf("output %s = %v", name, get(o, "value"))
		}
	}

	w := readYAMLFile(t, "action/clearance.yml")
	on, _ := w["on"].(map[string]any)
	if len(on) == 0 {
		t.Fatal("the example workflow has no events")
	}
	for e := range on {
		if !actionEvents[e] {
			t.Errorf("the example workflow runs on %s, which app action does nothing for", e)
		}
	}
	perms, _ := w["permissions"].(map[string]any)
	for p, want := range map[string]string{"contents": "read", "pull-requests": "write", "issues": "write", "checks": "write"} {
		if perms[p] != want {
			t.Errorf("the example workflow's permissions.%s = %v, want %s", p, perms[p], want)
		}
	}
	uses := fmt.Sprint(get(w, "jobs", "review", "steps", 0, "uses"))
	if !strings.HasPrefix(uses, "clearance-dev/clearance@") {
		t.Errorf("the example workflow uses %q", uses)
	}
	if data, _ := os.ReadFile("action/clearance.yml"); bytes.Contains(data, []byte("actions/checkout")) {
		t.Error("the example workflow must not check out the pull request: it runs on pull_request_target")
	}
}

func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile("../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Name          string   `yaml:"name"`
		Description   string   `yaml:"description"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		Files         string   `yaml:"files"`
		Types         []string `yaml:"types"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		RequireSerial bool     `yaml:"require_serial"`
		MinVersion    string   `yaml:"minimum_pre_commit_version"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&hooks); err != nil {
		t.Fatal(err)
	}
	entries := map[string]string{}
	for _, h := range hooks {
		entries[h.ID] = h.Entry
		if h.Language != "golang" || h.Name == "" {
			t.Errorf("hook %s: language %q, name %q", h.ID, h.Language, h.Name)
		}
		if h.Files != "" {
			if _, err := regexp.Compile(h.Files); err != nil {
				t.Errorf("hook %s: files: %v", h.ID, err)
			}
		}
	}
	// pre-commit's golang hooks `go install ./...`: the binary is named
	// after cmd/app.
	if entries["clearance-check"] != "app check" || entries["clearance-validate"] != "app validate" {
		t.Errorf("hooks %v", entries)
	}
	if _, err := os.Stat("../cmd/app/main.go"); err != nil {
		t.Errorf("the hooks run the binary of cmd/app: %v", err)
	}
	// The validate hook runs on the config and CODEOWNERS.
	for _, h := range hooks {
		if h.ID == "clearance-validate" {
			re := regexp.MustCompile(h.Files)
			for _, p := range []string{".github/clearance.yml", ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"} {
				if !re.MatchString(p) {
					t.Errorf("clearance-validate does not run when %s changes", p)
				}
			}
			if h.PassFilenames == nil || *h.PassFilenames {
				t.Error("clearance-validate checks the whole repo: pass_filenames: false")
			}
		}
	}
}

func TestCIWorkflow(t *testing.T) {
	w := readYAMLFile(t, "../.github/workflows/ci.yml")
	jobs, _ := w["jobs"].(map[string]any)
	var all strings.Builder
	for _, j := range jobs {
		steps, _ := get(j, "steps").([]any)
		for _, s := range steps {
			fmt.Fprintln(&all, get(s, "run"), get(s, "uses"), get(s, "with"))
		}
	}
	for _, want := range []string{"go build ./...", "go vet ./...", "go test -race", "-fuzz", "-fuzztime", "deploy/Dockerfile", "gofmt"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the CI workflow does not run %q", want)
		}
	}
	perms, _ := w["permissions"].(map[string]any)
	if perms["contents"] != "read" || len(perms) != 1 {
		t.Errorf("CI permissions %v; want contents: read only", perms)
	}
}
