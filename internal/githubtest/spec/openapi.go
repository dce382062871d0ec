package spec

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/clearance-dev/clearance/internal/githubtest"
	"github.com/getkin/kin-openapi/openapi3"
)

// GitHub's REST description, trimmed to the operations the fake serves and
// the webhooks the App handles. scripts/update-github-spec regenerates it
// from the npm package @octokit/openapi; testdata/openapi/VERSION says
// which version it is.
//
//go:embed testdata/openapi/api.github.com.trimmed.json
var specJSON []byte

// apiSpec is the loaded description.
type apiSpec struct {
	doc      *openapi3.T
	ops      []*specOp
	webhooks map[string]*openapi3.SchemaRef // "pull-request-opened" -> payload schema
	errorSch *openapi3.SchemaRef            // basic-error
	// validation-error or validation-error-simple, for 422s
	validationSch *openapi3.SchemaRef
}

// errorSchema is the schema of GitHub's error body for a status.
func (sp *apiSpec) errorSchema(status int) *openapi3.SchemaRef {
	if status == http.StatusUnprocessableEntity {
		return sp.validationSch
	}
	return sp.errorSch
}

// specOp is one operation of the description.
type specOp struct {
	method   string // upper case
	template string // "/repos/{owner}/{repo}/pulls/{pull_number}"
	segs     []string
	literals int
	item     *openapi3.PathItem
	op       *openapi3.Operation
}

func (o *specOp) String() string { return o.method + " " + o.template }

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(specJSON)
	if err != nil {
		return nil, fmt.Errorf("spec: loading GitHub's OpenAPI description: %w", err)
	}
	sp := &apiSpec{doc: doc, webhooks: map[string]*openapi3.SchemaRef{}}
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &specOp{method: method, template: template, item: item, op: op,
				segs: strings.Split(strings.TrimPrefix(template, "/"), "/")}
			for _, seg := range o.segs {
				if !strings.HasPrefix(seg, "{") {
					o.literals++
				}
			}
			sp.ops = append(sp.ops, o)
		}
	}
	sort.Slice(sp.ops, func(i, j int) bool { return sp.ops[i].String() < sp.ops[j].String() })
	for _, p := range specPatches {
		var op *specOp
		for _, o := range sp.ops {
			if o.String() == p.op {
				op = o
			}
		}
		if op == nil {
			return nil, fmt.Errorf("spec: spec patch for %s: no such operation", p.op)
		}
		if err := p.patch(op.op); err != nil {
			return nil, fmt.Errorf("spec: spec patch for %s no longer applies (%v): remove it if GitHub fixed its description", p.op, err)
		}
	}

	// x-webhooks is an extension in OpenAPI 3.0, so the loader leaves it
	// alone: read each webhook's payload $ref and take the component.
	var raw struct {
		Webhooks map[string]struct {
			Post struct {
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Ref string `json:"$ref"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			} `json:"post"`
		} `json:"x-webhooks"`
	}
	if err := json.Unmarshal(specJSON, &raw); err != nil {
		return nil, err
	}
	for key, w := range raw.Webhooks {
		ref := w.Post.RequestBody.Content["application/json"].Schema.Ref
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if sch := doc.Components.Schemas[name]; ok && sch != nil {
			sp.webhooks[key] = sch
		} else {
			return nil, fmt.Errorf("spec: webhook %s: payload schema %q not found", key, ref)
		}
	}
	sp.errorSch = doc.Components.Schemas["basic-error"]
	ve, vs := doc.Components.Schemas["validation-error"], doc.Components.Schemas["validation-error-simple"]
	if sp.errorSch == nil || ve == nil || vs == nil {
		return nil, errors.New("spec: basic-error or validation-error schemas missing from the description")
	}
	sp.validationSch = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: openapi3.SchemaRefs{ve, vs}}}
	return sp, nil
})

// specPatches correct mistakes in GitHub's description, each with the
// reason. A patch that no longer applies fails loudly, so it is removed once
// GitHub fixes its description.
var specPatches = []struct {
	op, reason string
	patch      func(*openapi3.Operation) error
}{
	{"GET /app/installations",
		"the list inlines the installation schema with account as allOf(simple-user, enterprise), which no account can satisfy; " +
			"components/schemas/installation, used by GET /app/installations/{installation_id}, has anyOf",
		func(op *openapi3.Operation) error {
			rsp := op.Responses.Status(http.StatusOK)
			if rsp == nil || rsp.Value == nil || rsp.Value.Content.Get("application/json") == nil {
				return errors.New("no 200 JSON response")
			}
			list := rsp.Value.Content.Get("application/json").Schema
			if list == nil || list.Value == nil || list.Value.Items == nil || list.Value.Items.Value == nil {
				return errors.New("200 is not a list")
			}
			acct := list.Value.Items.Value.Properties["account"]
			if acct == nil || acct.Value == nil || len(acct.Value.AllOf) != 2 {
				return errors.New("account is not allOf of two schemas")
			}
			acct.Value.AnyOf, acct.Value.AllOf = acct.Value.AllOf, nil
			return nil
		}},
}

// match finds the operation for a method and escaped path. Parameters match
// one segment; when nothing matches that way, a parameter may span several
// segments (contents paths, refs such as heads/feature/x). The candidate
// with the most literal segments wins.
func (sp *apiSpec) match(method, escapedPath string) (*specOp, map[string]string) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		segs[i] = r
		if v, err := url.PathUnescape(r); err == nil {
			segs[i] = v
		}
	}
	for _, multi := range []bool{false, true} {
		var best *specOp
		var bestParams map[string]string
		for _, o := range sp.ops {
			if o.method != method {
				continue
			}
			params := map[string]string{}
			if !matchTemplate(o.segs, segs, multi, params) {
				continue
			}
			if best == nil || o.literals > best.literals {
				best, bestParams = o, params
			}
		}
		if best != nil {
			return best, bestParams
		}
	}
	return nil, nil
}

// matchTemplate matches path segments against template segments; with multi
// a parameter may take more than one segment.
func matchTemplate(tmpl, segs []string, multi bool, params map[string]string) bool {
	if len(tmpl) == 0 {
		return len(segs) == 0
	}
	t := tmpl[0]
	if !strings.HasPrefix(t, "{") {
		return len(segs) > 0 && segs[0] == t && matchTemplate(tmpl[1:], segs[1:], multi, params)
	}
	name := t[1 : len(t)-1]
	if name == "path" && len(tmpl) == 1 && len(segs) == 1 && segs[0] == "" {
		// "If you omit the path parameter, you will receive the contents of
		// the repository's root directory" (GET .../contents/{path}).
		params[name] = ""
		return true
	}
	maxTake := 1
	if multi && multiSegmentParams[name] {
		maxTake = len(segs) - (len(tmpl) - 1)
	}
	for take := 1; take <= maxTake && take <= len(segs); take++ {
		for _, seg := range segs[:take] {
			if seg == "" {
				return false
			}
		}
		if matchTemplate(tmpl[1:], segs[take:], multi, params) {
			params[name] = strings.Join(segs[:take], "/")
			return true
		}
	}
	return false
}

// multiSegmentParams are the path parameters whose values may contain "/"
// unescaped, as GitHub serves them: file paths, refs (heads/feature/x) and
// base...head comparisons of such refs.
var multiSegmentParams = map[string]bool{"path": true, "ref": true, "basehead": true, "tree_sha": true}

// Problems checks every exchange s recorded (see githubtest.Server.Exchanges)
// against GitHub's REST OpenAPI description and returns one line per
// problem:
//
//   - the call must match an operation of the description by method and
//     path template (calls to the fake's off-spec helpers such as /raw/ are
//     accepted with their reason; see githubtest.Server.AllowOffSpec);
//   - its path and query parameters must be declared by the operation and
//     fit their schemas;
//   - a request body (POST, PATCH, PUT, DELETE) must fit the operation's
//     requestBody schema, and a required one must be there;
//   - the status must be one the operation documents, and the response body
//     must fit that response's schema, in a documented media type.
//
// Statuses GitHub documents for every endpoint rather than per operation
// are accepted with a basic-error body: 401 (missing or bad credentials),
// 403 and 429 rate-limit answers (X-RateLimit-Remaining 0 or Retry-After)
// and 304 to a conditional request (with no body). Calls whose answer was
// an injected fault (githubtest.Server.SetFaults) are not checked.
func Problems(s *githubtest.Server) []string {
	sp, err := loadSpec()
	if err != nil {
		return []string{err.Error()}
	}
	offSpec := func(method, escapedPath string) bool {
		_, ok := s.OffSpec(method, escapedPath)
		return ok
	}
	var out []string
	for _, x := range s.Exchanges() {
		for _, p := range sp.check(x, offSpec) {
			out = append(out, fmt.Sprintf("call %d %s %s -> %d: %s", x.Seq, x.Method, x.EscapedPath, x.Status, p))
		}
	}
	return out
}

// Validate reports every problem Problems finds in s through t.Errorf.
// Call it at the end of a test (or from t.Cleanup) to check that every
// request the code under test sent, and every answer the fake gave, is one
// GitHub's description allows.
func Validate(t testing.TB, s *githubtest.Server) {
	t.Helper()
	problems := Problems(s)
	for _, p := range problems {
		t.Errorf("spec: not as GitHub describes it: %s", p)
	}
	if len(problems) == 0 {
		t.Logf("spec: %d recorded calls match GitHub's REST description", len(s.Exchanges()))
	}
}

// check returns the problems of one exchange. offSpec reports whether a
// call with no operation in the description is allowed.
func (sp *apiSpec) check(x githubtest.Exchange, offSpec func(method, escapedPath string) bool) []string {
	if x.Fault != "" || x.Status == 0 {
		return nil // injected: a simulation of GitHub failing, not an answer
	}
	o, params := sp.match(x.Method, x.EscapedPath)
	if o == nil {
		if offSpec != nil && offSpec(x.Method, x.EscapedPath) {
			return nil
		}
		return []string{"no operation in GitHub's REST description has this method and path"}
	}
	var probs []string
	add := func(format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s: ", o)+fmt.Sprintf(format, args...))
	}
	// A request the fake rejected (4xx) may be invalid on purpose: that is
	// how tests reach the error paths. A request it accepted must be one
	// GitHub's description allows, or the fake is more lenient than GitHub.
	if x.Status >= 200 && x.Status < 300 {
		sp.checkParams(o, params, x, add)
		sp.checkRequestBody(o, x, add)
	}
	sp.checkResponse(o, x, add)
	return probs
}

// statusGaps are answers GitHub gives that the description does not list
// for the operation, each with the reason it is accepted. The body is still
// checked, against GitHub's error schemas.
var statusGaps = map[string]string{
	"POST /repos/{owner}/{repo}/statuses/{sha} 422":               "GitHub answers 422 Validation Failed for an unknown SHA or an invalid state; the description lists only 201",
	"POST /repos/{owner}/{repo}/check-runs 422":                   "GitHub answers 422 for an unknown head_sha or invalid fields (status, conclusion, more than 50 annotations); the description lists only 201",
	"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id} 422":   "GitHub answers 422 for invalid fields; the description lists only 200",
	"POST /repos/{owner}/{repo}/check-runs 403":                   "only GitHub Apps may write check runs: GitHub answers 403 to other callers; the description lists only 201",
	"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id} 403":   "only the App that created a check run may update it: GitHub answers 403; the description lists only 200",
	"GET /repos/{owner}/{repo}/commits/{ref}/check-runs 422":      "GitHub answers 422 \"No commit found for SHA\" for an unknown ref; the description lists only 200",
	"POST /repos/{owner}/{repo}/pulls/{pull_number}/comments 404": "GitHub answers 404 for an in_reply_to comment that does not exist; the description lists 201, 403, 422",
}

// requestForms are request bodies GitHub's description documents in an
// operation's prose rather than its schema; they are rewritten to the
// schema's form before the check.
var requestForms = map[string]struct {
	reason  string
	rewrite func(any) any
}{
	"POST /repos/{owner}/{repo}/issues/{issue_number}/labels": {
		"\"You can also pass an array of labels directly\" (go-github sends [\"a\",\"b\"])", wrapLabels},
	"PUT /repos/{owner}/{repo}/issues/{issue_number}/labels": {
		"\"you can pass a single label as a string or an array of labels directly\"", wrapLabels},
	"POST /repos/{owner}/{repo}/pulls/{pull_number}/comments": {
		"in_reply_to: \"When specified, all parameters other than body in the request body are ignored\", so commit_id and path are not required", fillReply},
}

func wrapLabels(v any) any {
	switch v := v.(type) {
	case []any:
		return map[string]any{"labels": v}
	case string:
		return map[string]any{"labels": []any{v}}
	}
	return v
}

func fillReply(v any) any {
	m, ok := v.(map[string]any)
	if !ok || m["in_reply_to"] == nil {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		out[k] = x
	}
	for _, k := range []string{"commit_id", "path"} {
		if _, ok := out[k]; !ok {
			out[k] = "(ignored with in_reply_to)"
		}
	}
	return out
}

func (sp *apiSpec) parameters(o *specOp) map[string]*openapi3.Parameter {
	ps := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{o.item.Parameters, o.op.Parameters} {
		for _, p := range list {
			if p != nil && p.Value != nil {
				ps[p.Value.In+":"+p.Value.Name] = p.Value
			}
		}
	}
	return ps
}

// checkParams checks path and query parameters against their declarations.
func (sp *apiSpec) checkParams(o *specOp, pathParams map[string]string, x githubtest.Exchange, add func(string, ...any)) {
	declared := sp.parameters(o)
	for name, v := range pathParams {
		p := declared["path:"+name]
		if p == nil {
			add("path parameter %q is not declared", name)
			continue
		}
		if err := paramValue(p, []string{v}); err != nil {
			add("path parameter %s=%q: %v", name, v, err)
		}
	}
	q, err := url.ParseQuery(x.Query)
	if err != nil {
		add("query %q: %v", x.Query, err)
		return
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		p := declared["query:"+name]
		if p == nil {
			add("query parameter %q is not declared by the operation", name)
			continue
		}
		if err := paramValue(p, q[name]); err != nil {
			add("query parameter %s=%q: %v", name, q[name], err)
		}
	}
	for _, p := range declared {
		if p.In == "query" && p.Required && !q.Has(p.Name) {
			add("required query parameter %q missing", p.Name)
		}
	}
}

// paramValue converts a parameter's text to the JSON type its schema wants
// and validates it.
func paramValue(p *openapi3.Parameter, vals []string) error {
	if p.Schema == nil || p.Schema.Value == nil {
		return nil
	}
	sch := p.Schema.Value
	conv := func(sch *openapi3.Schema, s string) (any, error) {
		switch {
		case sch.Type.Is("integer"):
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("not an integer")
			}
			return float64(n), nil
		case sch.Type.Is("number"):
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("not a number")
			}
			return f, nil
		case sch.Type.Is("boolean"):
			b, err := strconv.ParseBool(s)
			if err != nil {
				return nil, fmt.Errorf("not a boolean")
			}
			return b, nil
		}
		return s, nil
	}
	var v any
	if sch.Type.Is("array") && sch.Items != nil && sch.Items.Value != nil {
		var items []any
		for _, val := range vals {
			for _, part := range strings.Split(val, ",") {
				it, err := conv(sch.Items.Value, part)
				if err != nil {
					return err
				}
				items = append(items, it)
			}
		}
		v = items
	} else {
		if len(vals) != 1 {
			return fmt.Errorf("given %d times", len(vals))
		}
		var err error
		if v, err = conv(sch, vals[0]); err != nil {
			return err
		}
	}
	return schemaErr(p.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableFormatValidation()))
}

// checkRequestBody checks what the client sent.
func (sp *apiSpec) checkRequestBody(o *specOp, x githubtest.Exchange, add func(string, ...any)) {
	body := bytes.TrimSpace(x.RequestBody)
	if string(body) == "null" {
		// ghinstallation posts "null" for a token without options; GitHub
		// takes it as no body.
		body = nil
	}
	rb := o.op.RequestBody
	if len(body) == 0 {
		if rb != nil && rb.Value != nil && rb.Value.Required {
			add("request body required by the operation, none sent")
		}
		return
	}
	if rb == nil || rb.Value == nil {
		add("request body sent, the operation takes none: %s", clip(body))
		return
	}
	ct := x.RequestHeader.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	media := rb.Value.Content.Get(mt)
	if media == nil {
		add("request Content-Type %q not documented (documented: %s)", ct, strings.Join(slices.Sorted(maps.Keys(rb.Value.Content)), ", "))
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		add("request body is not JSON: %v", err)
		return
	}
	if media.Schema == nil || media.Schema.Value == nil {
		return
	}
	if f, ok := requestForms[o.String()]; ok {
		v = f.rewrite(v)
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest(), openapi3.EnableFormatValidation()); err != nil {
		add("request body: %v", schemaErr(err))
	}
}

// checkResponse checks the fake's answer.
func (sp *apiSpec) checkResponse(o *specOp, x githubtest.Exchange, add func(string, ...any)) {
	body := bytes.TrimSpace(x.ResponseBody)
	h := x.ResponseHeader
	var rsp *openapi3.Response
	switch {
	case x.Status == http.StatusNotModified && (x.RequestHeader.Get("If-None-Match") != "" || x.RequestHeader.Get("If-Modified-Since") != ""):
		if len(body) > 0 {
			add("304 with a body")
		}
		return
	case x.Status == http.StatusUnauthorized,
		(x.Status == http.StatusForbidden || x.Status == http.StatusTooManyRequests) && (h.Get("X-RateLimit-Remaining") == "0" || h.Get("Retry-After") != ""),
		x.Status == http.StatusBadRequest && !json.Valid(bytes.TrimSpace(x.RequestBody)),
		x.Status == http.StatusNotFound && o.op.Responses.Status(x.Status) == nil && errorMessage(body) == "Not Found":
		// Answers GitHub documents for every endpoint rather than per
		// operation: missing or bad credentials, rate limits, "Problems
		// parsing JSON", and 404 Not Found for a resource that does not
		// exist or that the caller cannot see.
		rsp = &openapi3.Response{Content: openapi3.NewContentWithJSONSchemaRef(sp.errorSch)}
	default:
		ref := o.op.Responses.Status(x.Status)
		if ref == nil || ref.Value == nil {
			if _, ok := statusGaps[fmt.Sprintf("%s %d", o, x.Status)]; ok {
				rsp = &openapi3.Response{Content: openapi3.NewContentWithJSONSchemaRef(sp.errorSchema(x.Status))}
				break
			}
			add("status %d is not documented (documented: %s)", x.Status, strings.Join(o.op.Responses.Keys(), ", "))
			return
		}
		rsp = ref.Value
		if len(rsp.Content) == 0 && x.Status >= 400 && len(body) > 0 {
			// An error documented without a body: GitHub's error bodies
			// are all basic-error (validation errors for 422).
			rsp = &openapi3.Response{Content: openapi3.NewContentWithJSONSchemaRef(sp.errorSchema(x.Status))}
		}
	}
	if len(body) == 0 {
		if len(rsp.Content) > 0 {
			add("empty response body, documented as %s", strings.Join(slices.Sorted(maps.Keys(rsp.Content)), ", "))
		}
		return
	}
	if len(rsp.Content) == 0 {
		add("response has a body, documented without one: %s", clip(body))
		return
	}
	ct := h.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	media := rsp.Content.Get(mt)
	if media == nil {
		// GitHub's custom media types (raw, html, diff, ...) are listed in
		// the operation's prose (kept as x-githubtest-media-types): accept
		// one the client asked for.
		if customMediaType(o, x.RequestHeader.Get("Accept"), mt) {
			return
		}
		add("response Content-Type %q not documented (documented: %s)", ct, strings.Join(slices.Sorted(maps.Keys(rsp.Content)), ", "))
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		add("response body is not JSON: %v", err)
		return
	}
	if media.Schema == nil || media.Schema.Value == nil {
		return
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse(), openapi3.EnableFormatValidation()); err != nil {
		add("response body: %v", schemaErr(err))
	}
	var extra []string
	undocumented(v, []*openapi3.Schema{media.Schema.Value}, "", &extra)
	if x.Status >= 400 {
		// GitHub sends "status" in every error body; basic-error defines
		// it, validation-error and validation-error-simple do not.
		extra = slices.DeleteFunc(extra, func(p string) bool { return p == "/status" })
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		add("response body has fields GitHub's description does not define (a private dialect): %s", strings.Join(dedupe(extra), ", "))
	}
}

// undocumented collects the JSON pointers of object fields in v that none of
// the schemas (with their allOf, anyOf and oneOf branches) defines. Objects
// whose schemas define no properties, or allow additional ones explicitly,
// are free-form. It is lenient on purpose (a field any branch defines
// counts): it looks for names GitHub never sends, not for shape errors,
// which VisitJSON reports.
func undocumented(v any, schemas []*openapi3.Schema, ptr string, out *[]string) {
	var flat []*openapi3.Schema
	var walk func(*openapi3.Schema)
	walk = func(sch *openapi3.Schema) {
		if sch == nil {
			return
		}
		flat = append(flat, sch)
		for _, list := range []openapi3.SchemaRefs{sch.AllOf, sch.AnyOf, sch.OneOf} {
			for _, r := range list {
				if r != nil {
					walk(r.Value)
				}
			}
		}
	}
	for _, sch := range schemas {
		walk(sch)
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string][]*openapi3.Schema{}
		open := false
		for _, sch := range flat {
			for name, r := range sch.Properties {
				if r != nil && r.Value != nil {
					props[name] = append(props[name], r.Value)
				}
			}
			ap := sch.AdditionalProperties
			if (ap.Has != nil && *ap.Has) || ap.Schema != nil {
				open = true
			}
		}
		if len(props) == 0 {
			return
		}
		for name, x := range v {
			if sub, ok := props[name]; ok {
				undocumented(x, sub, ptr+"/"+name, out)
			} else if !open {
				*out = append(*out, ptr+"/"+name)
			}
		}
	case []any:
		var items []*openapi3.Schema
		for _, sch := range flat {
			if sch.Items != nil && sch.Items.Value != nil {
				items = append(items, sch.Items.Value)
			}
		}
		if len(items) == 0 {
			return
		}
		for i, x := range v {
			undocumented(x, items, ptr+"/"+strconv.Itoa(i), out)
		}
	}
}

// customMediaType reports whether the response media type mt answers a
// custom media type the client asked for in accept and the operation
// documents.
func customMediaType(o *specOp, accept, mt string) bool {
	norm := func(t string) string {
		t = strings.TrimSpace(t)
		if i := strings.IndexByte(t, ';'); i >= 0 {
			t = t[:i]
		}
		return strings.TrimSuffix(strings.Replace(t, "vnd.github.v3.", "vnd.github.", 1), "+json")
	}
	documented := map[string]bool{}
	if list, ok := o.op.Extensions["x-githubtest-media-types"].([]any); ok {
		for _, v := range list {
			if s, ok := v.(string); ok {
				documented[norm(s)] = true
			}
		}
	}
	for _, a := range strings.Split(accept, ",") {
		if a := norm(a); documented[a] && a == norm(mt) {
			return true
		}
	}
	return false
}

// errorMessage is the message of a GitHub error body, or "".
func errorMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Message
}

// ValidateWebhookPayload checks a webhook payload against the schema GitHub's
// description gives for the event and action (action "" for push). Tests
// that build payloads by hand can use it to keep them GitHub's shape.
func ValidateWebhookPayload(event, action string, payload []byte) error {
	sp, err := loadSpec()
	if err != nil {
		return err
	}
	key := strings.ReplaceAll(event, "_", "-")
	if action != "" {
		key += "-" + strings.ReplaceAll(action, "_", "-")
	}
	sch := sp.webhooks[key]
	if sch == nil {
		return fmt.Errorf("spec: no webhook schema for %s (known: %s)", key, strings.Join(slices.Sorted(maps.Keys(sp.webhooks)), ", "))
	}
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		return fmt.Errorf("spec: %s payload is not JSON: %w", key, err)
	}
	return schemaErr(sch.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableFormatValidation()))
}

// schemaErr flattens kin-openapi's errors into "at /json/pointer: reason"
// lines, without the schema dumps.
func schemaErr(err error) error {
	if err == nil {
		return nil
	}
	var lines []string
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case errors.As(err, &me):
			for _, e := range me {
				walk(e)
			}
		case errors.As(err, &se):
			ptr := "/" + strings.Join(se.JSONPointer(), "/")
			lines = append(lines, fmt.Sprintf("at %s: %s", ptr, se.Reason))
		default:
			lines = append(lines, err.Error())
		}
	}
	walk(err)
	sort.Strings(lines)
	lines = dedupe(lines)
	return errors.New(strings.Join(lines, "; "))
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
