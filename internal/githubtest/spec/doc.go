// Package spec checks the fake GitHub of package githubtest against
// GitHub's own descriptions of its API, for tests.
//
// testdata/openapi holds GitHub's REST OpenAPI description (from the npm
// package @octokit/openapi) trimmed to the operations the fake serves, and
// testdata/webhooks GitHub's example webhook payloads (@octokit/webhooks-
// examples) for the events the App handles; scripts/update-github-spec
// regenerates both. Validate (or Problems) checks every exchange a
// githubtest.Server recorded: the operation exists, the status is
// documented, the response fits its schema and has no field the
// description lacks, and a request the fake accepted fits the request
// schema. TestSpecConformance drives every route of the fake through
// go-github and checks it. WebhookExample returns an example payload and
// ValidateWebhookPayload checks one against the webhook's schema.
//
// The package is apart from githubtest so that the OpenAPI validator
// (github.com/getkin/kin-openapi) and the embedded descriptions are linked
// into tests only, not into a program that imports githubtest (the App's
// demo mode does).
package spec
