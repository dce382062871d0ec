package githubtest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/google/go-github/v60/github"
)

// The fake builds its answers from go-github's structs, whose fields are all
// omitempty. GitHub itself never omits a field: an empty one is null (or []
// for lists), and some fields go-github has no struct field for at all. The
// fillers below add those fields to the encoded JSON of each go-github type,
// wherever it appears in a response, so that every answer carries what
// GitHub's REST description lists as required (see package spec and its
// TestSpecConformance, which check it).

// fillers maps a go-github struct type to the function that completes its
// encoded form. A filler sees the object after its children were filled.
var fillers = map[reflect.Type]func(m map[string]any){
	reflect.TypeOf(github.Repository{}):            fillRepo,
	reflect.TypeOf(github.PullRequest{}):           fillPull,
	reflect.TypeOf(github.PullRequestReview{}):     fillReview,
	reflect.TypeOf(github.PullRequestComment{}):    fillReviewComment,
	reflect.TypeOf(github.Installation{}):          fillInstallation,
	reflect.TypeOf(github.Team{}):                  fillTeam,
	reflect.TypeOf(github.Organization{}):          fillOrganization,
	reflect.TypeOf(github.RepoStatus{}):            fillStatus,
	reflect.TypeOf(github.RepositoryCommit{}):      fillRepoCommit,
	reflect.TypeOf(github.Commit{}):                fillGitCommit,
	reflect.TypeOf(github.SignatureVerification{}): fillVerification,
	reflect.TypeOf(github.RepositoryContent{}):     fillContent,
	reflect.TypeOf(github.CheckRun{}):              fillCheckRun,
	reflect.TypeOf(github.CheckRunOutput{}):        fillCheckRunOutput,
	reflect.TypeOf(github.CheckRunAnnotation{}):    fillAnnotation,
}

// nulls sets absent keys to null.
func nulls(m map[string]any, keys ...string) {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			m[k] = nil
		}
	}
}

// lists sets absent keys to [].
func lists(m map[string]any, keys ...string) {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			m[k] = []any{}
		}
	}
}

// links builds a _links object of {"href": ...} from fields of m.
func links(m map[string]any, rels map[string]string) map[string]any {
	out := map[string]any{}
	for rel, field := range rels {
		if v, ok := m[field].(string); ok {
			out[rel] = map[string]any{"href": v}
		}
	}
	return out
}

func fillRepo(m map[string]any) {
	if _, full := m["full_name"]; !full {
		return // a minimal repository reference (check runs' pull_requests)
	}
	nulls(m, "description", "homepage", "language", "mirror_url", "license")
	if _, ok := m["forks"]; !ok {
		m["forks"] = m["forks_count"]
	}
	lists(m, "topics")
}

func fillPull(m map[string]any) {
	if _, full := m["state"]; !full {
		return // a pull-request-minimal (check runs' pull_requests)
	}
	nulls(m, "assignee", "milestone", "auto_merge", "active_lock_reason", "closed_at", "merged_at", "merge_commit_sha", "body")
	lists(m, "assignees", "labels", "requested_reviewers", "requested_teams")
	if _, full := m["merged"]; full {
		nulls(m, "merged_by")
	}
	m["_links"] = links(m, map[string]string{
		"self": "url", "html": "html_url", "issue": "issue_url", "comments": "comments_url",
		"review_comments": "review_comments_url", "review_comment": "review_comment_url",
		"commits": "commits_url", "statuses": "statuses_url",
	})
}

func fillReview(m map[string]any) {
	m["_links"] = links(m, map[string]string{"html": "html_url", "pull_request": "pull_request_url"})
}

func fillReviewComment(m map[string]any) {
	m["_links"] = links(m, map[string]string{"self": "url", "html": "html_url", "pull_request": "pull_request_url"})
}

func fillInstallation(m map[string]any) {
	nulls(m, "single_file_name", "suspended_by", "suspended_at")
}

func fillTeam(m map[string]any) {
	nulls(m, "parent")
	if _, ok := m["type"]; !ok {
		m["type"] = "organization" // an organization's team (not an enterprise's)
	}
}

func fillOrganization(m map[string]any) {
	nulls(m, "description", "archived_at")
}

func fillStatus(m map[string]any) {
	nulls(m, "description", "target_url")
}

func fillRepoCommit(m map[string]any) {
	// author and committer are the GitHub accounts matched by the commit's
	// e-mail addresses; the fake's commits match none.
	nulls(m, "author", "committer")
	lists(m, "parents")
}

func fillGitCommit(m map[string]any) {
	if _, full := m["tree"]; !full {
		return // a parent reference
	}
	if _, ok := m["sha"]; ok {
		lists(m, "parents") // not in a repository commit's "commit"
	}
	// go-github's Tree has no url; derive it from the commit's.
	tree, _ := m["tree"].(map[string]any)
	self, _ := m["url"].(string)
	if base, _, ok := strings.Cut(self, "/git/commits/"); ok && tree != nil && tree["url"] == nil {
		tree["url"] = base + "/git/trees/" + tree["sha"].(string)
	}
}

func fillVerification(m map[string]any) {
	nulls(m, "payload", "signature", "verified_at")
}

func fillContent(m map[string]any) {
	nulls(m, "download_url", "git_url", "html_url")
	m["_links"] = map[string]any{"self": m["url"], "git": m["git_url"], "html": m["html_url"]}
}

func fillCheckRun(m map[string]any) {
	nulls(m, "conclusion", "completed_at", "details_url", "external_id")
	lists(m, "pull_requests")
}

func fillCheckRunOutput(m map[string]any) {
	nulls(m, "title", "summary", "text")
}

func fillAnnotation(m map[string]any) {
	nulls(m, "start_column", "end_column", "title", "raw_details")
}

// nonEmpty is nil for "": fields GitHub sends as null when unset.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// shapeJSON walks a Go value and its decoded JSON together and applies the
// fillers to every go-github object found.
func shapeJSON(v reflect.Value, j any) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			shapeJSON(v.Elem(), j)
		}
	case reflect.Struct:
		if m, ok := j.(map[string]any); ok {
			shapeStruct(v, m)
		}
	case reflect.Slice, reflect.Array:
		if a, ok := j.([]any); ok {
			for i := 0; i < v.Len() && i < len(a); i++ {
				shapeJSON(v.Index(i), a[i])
			}
		}
	case reflect.Map:
		if m, ok := j.(map[string]any); ok && v.Type().Key().Kind() == reflect.String {
			iter := v.MapRange()
			for iter.Next() {
				if x, ok := m[iter.Key().String()]; ok {
					shapeJSON(iter.Value(), x)
				}
			}
		}
	}
}

// shapeStruct fills the fields of a struct, then the struct itself. An
// embedded struct shares its JSON object with the outer one.
func shapeStruct(v reflect.Value, m map[string]any) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			for fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				shapeStruct(fv, m)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if x, ok := m[name]; ok {
			shapeJSON(fv, x)
		}
	}
	if fill := fillers[t]; fill != nil {
		fill(m)
	}
}

// encodeShaped encodes v as GitHub would send it: go-github's encoding plus
// the fields GitHub always sends.
func encodeShaped(v any) ([]byte, error) {
	raw, err := encodeJSON(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	shapeJSON(reflect.ValueOf(v), tree)
	return encodeJSON(tree)
}

// encodeJSON encodes without HTML escaping and without the final newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
