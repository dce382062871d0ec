package spec

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// GitHub's own example webhook payloads (npm package
// @octokit/webhooks-examples; scripts/update-github-spec refreshes them),
// one per event and action the App handles. testdata/webhooks/SOURCES.json
// says which example each file is; the two the package lacks (pull_request
// edited, pull_request_review edited) are derived from an example of the
// same event, as it also says.
//
//go:embed testdata/webhooks/*.json
var webhookFS embed.FS

// WebhookExample returns GitHub's example payload for an event and action
// (action "" for push), e.g. WebhookExample("pull_request", "opened"), for
// tests that send real-shaped webhooks. It panics for an event or action
// with no committed example; WebhookExamples lists them.
func WebhookExample(event, action string) []byte {
	name := event
	if action != "" {
		name += "." + action
	}
	b, err := webhookFS.ReadFile("testdata/webhooks/" + name + ".json")
	if err != nil {
		panic(fmt.Sprintf("spec: no example webhook payload %s (have: %s)", name, strings.Join(WebhookExamples(), ", ")))
	}
	return bytes.Clone(b)
}

// WebhookExamples lists the committed example payloads as "event.action"
// ("push" for push), sorted.
func WebhookExamples() []string {
	entries, err := fs.ReadDir(webhookFS, "testdata/webhooks")
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && name != "SOURCES" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}
