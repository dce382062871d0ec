package githubtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// docsURL is the documentation_url of error bodies.
const docsURL = "https://docs.github.com/rest"

// response is a fully buffered answer. The pipeline in ServeHTTP adds ETags,
// turns matching conditional GETs into 304s and adds the common headers.
type response struct {
	status int
	header http.Header
	body   []byte // nil: no body
}

func (r *response) hdr() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}

// jsonResp encodes v as GitHub does (no HTML escaping), with the fields
// GitHub always sends even where go-github's structs omit them (shape.go).
func jsonResp(status int, v any) *response {
	body, err := encodeShaped(v)
	if err != nil {
		panic(fmt.Sprintf("githubtest: encoding response: %v", err))
	}
	return &response{status: status, body: body}
}

func noContent() *response { return &response{status: http.StatusNoContent} }

// errorBody is GitHub's error shape.
type errorBody struct {
	Message          string `json:"message"`
	Errors           any    `json:"errors,omitempty"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

// apiError is one entry of a 422 "Validation Failed" errors array.
type apiError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func errResp(status int, msg string) *response {
	return jsonResp(status, errorBody{Message: msg, DocumentationURL: docsURL, Status: strconv.Itoa(status)})
}

// notFound is GitHub's 404: {"message":"Not Found","documentation_url":...}.
func notFound() *response { return errResp(http.StatusNotFound, "Not Found") }

// validationFailed is GitHub's 422 with structured errors.
func validationFailed(errs ...apiError) *response {
	return jsonResp(http.StatusUnprocessableEntity, errorBody{
		Message: "Validation Failed", Errors: errs, DocumentationURL: docsURL, Status: "422",
	})
}

// unprocessable is the other 422 shape GitHub uses, with string errors
// (e.g. review comments on lines outside the diff).
func unprocessable(msgs ...string) *response {
	return jsonResp(http.StatusUnprocessableEntity, errorBody{
		Message: "Unprocessable Entity", Errors: msgs, DocumentationURL: docsURL, Status: "422",
	})
}

// decodeBody decodes a JSON request body into v. An empty body decodes as
// {}. Malformed JSON is GitHub's 400 "Problems parsing JSON".
func decodeBody(c *reqCtx, v any) *response {
	body := trimBody(c.body)
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errResp(http.StatusBadRequest, "Problems parsing JSON")
	}
	return nil
}

// rawFields returns the top-level fields of a JSON object body (nil for
// anything else), to tell an absent field from an empty or null one.
func rawFields(c *reqCtx) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(c.body, &m)
	return m
}

// pageParams reads per_page (default 30, at most 100) and page (default 1).
func pageParams(c *reqCtx) (perPage, page int) {
	perPage, page = 30, 1
	if v, err := strconv.Atoi(c.query("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	if v, err := strconv.Atoi(c.query("page")); err == nil && v > 0 {
		page = v
	}
	return perPage, page
}

// paginate returns the requested page of items and sets the Link header
// (rel="prev", "next", "last", "first", as GitHub does; no header when
// everything fits on one page).
func paginate[T any](s *Server, c *reqCtx, items []T) []T {
	perPage, page := pageParams(c)
	total := len(items)
	last := max(1, (total+perPage-1)/perPage)
	if last > 1 || page > 1 {
		var links []string
		link := func(p int, rel string) {
			q := c.r.URL.Query()
			q.Set("page", strconv.Itoa(p))
			links = append(links, fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.base, c.r.URL.EscapedPath(), q.Encode(), rel))
		}
		if page > 1 {
			link(page-1, "prev")
		}
		if page < last {
			link(page+1, "next")
			link(last, "last")
		}
		if page > 1 {
			link(1, "first")
		}
		c.header.Set("Link", strings.Join(links, ", "))
	}
	start := (page - 1) * perPage
	if start >= total {
		return []T{}
	}
	return items[start:min(total, start+perPage)]
}

// etagFor is a weak ETag over the response body.
func etagFor(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:]) + `"`
}

// etagMatches applies If-None-Match's weak comparison.
func etagMatches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}
