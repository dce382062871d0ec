// Package githubtest is an in-process fake of the GitHub REST API for tests.
//
// A Server is an httptest.Server on loopback that answers the subset of the
// GitHub REST API the clearance App uses, with GitHub's JSON shapes (encoded
// with go-github's own structs), GitHub's status codes and error bodies,
// Link-header pagination, rate-limit headers, ETag/If-None-Match handling and
// GitHub App authentication (RS256 JWTs and installation tokens). Tests talk
// to it through go-github and ghinstallation exactly as the App talks to
// api.github.com, and then inspect what happened through plain Go accessors.
//
// # Data model
//
// Repositories hold real git objects. Blobs, trees and commits are hashed the
// way git hashes them, so a blob SHA returned by the fake equals the output of
// `git hash-object` for the same content, and tree and commit SHAs equal what
// `git write-tree` / `git commit-tree` produce for the same inputs. Commits get
// their timestamps from a logical clock (2024-01-01T00:00:00Z plus one minute
// per event), so every SHA and every ID is deterministic for a given sequence
// of test calls. Tokens and rate-limit windows use the wall clock (see
// SetClock), because clients compare them against time.Now.
//
// IDs are small per-kind counters starting at 1 (repository 1, 2, ...;
// review 1, 2, ...), as deterministic as the test that creates them.
//
// # Authentication
//
// Three kinds of principals exist:
//
//   - a GitHub App, authenticating with an RS256 JWT whose "iss" is the App ID
//     (served routes: /app, /app/installations, /app/installations/{id},
//     POST /app/installations/{id}/access_tokens, GET /repos/{o}/{r}/installation);
//   - an installation, authenticating with a token from the access_tokens
//     endpoint; it sees only the installation's repositories (others are 404,
//     as private repositories are on GitHub) and acts as "<app-slug>[bot]";
//   - a user with a personal token (PersonalToken is always registered, for
//     PersonalLogin; AddPersonalToken adds more); it sees every repository.
//
// Missing credentials are 401 "Requires authentication", unknown or expired
// ones 401 "Bad credentials". GET /rate_limit accepts anonymous calls.
//
// # Rate limits and conditional requests
//
// Every response carries X-RateLimit-Limit/Remaining/Used/Reset/Resource for
// the caller's budget (per installation, per App, per user; anonymous callers
// share one budget of 60). Every call counts except GET /rate_limit and 304
// answers: every 200 GET carries an ETag, and an If-None-Match that matches
// it gets 304 with no body and no charge, as on GitHub. An exhausted budget
// answers 403 with GitHub's primary rate-limit message and Remaining 0, which
// go-github turns into a *github.RateLimitError.
//
// # Faults
//
// SetFaults injects latency, 500/502 answers, secondary rate limits (403 and
// 429 with Retry-After) and connection resets, chosen deterministically from
// a seed and the order of calls. Note that Go's http.Transport transparently
// retries an idempotent request (GET) whose reused connection is reset, so a
// reset GET may show up as two recorded calls and no client error.
//
// # Calls
//
// Every request is recorded (Calls, CallCount, ResetCalls) with its method,
// path, query, status, principal and injected fault, in arrival order;
// Exchanges adds the request and response headers and bodies.
//
// # Checked against GitHub's own descriptions
//
// Package spec (internal/githubtest/spec) checks the fake against GitHub's
// REST OpenAPI description and holds GitHub's example webhook payloads; it
// is a package of its own so that the validator and the descriptions are
// linked into tests only, not into a binary that imports githubtest.
// spec.Validate (or spec.Problems) checks every recorded exchange: the
// operation exists, the status is documented, the response fits its schema
// and has no field the description lacks, and a request the fake accepted
// fits the request schema. Routes, RouteOf and OffSpec tell it which route
// served a call and which calls the description need not describe (the
// fake's stand-ins for other hosts, and paths allowed with AllowOffSpec).
// go-github's structs omit empty fields; shape.go adds back the ones GitHub
// always sends (null or []).
package githubtest
