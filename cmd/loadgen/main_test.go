package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestLoadgenSmall runs the driver on a small load: it must finish and
// print the comparison.
func TestLoadgenSmall(t *testing.T) {
	var out bytes.Buffer
	o := options{repo: "../../examples/content", prs: 3, register: 40, rate: 50, duration: 200 * time.Millisecond,
		latency: 5 * time.Millisecond, samples: 2, workers: 2, calls: true}
	if err := run(o, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"counted calls per evaluation, synchronize", "webhook ack p99", "webhook to check p50", "caches off", "ratio"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())
}
