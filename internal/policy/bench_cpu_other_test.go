//go:build !unix

package policy_test

import "time"

// cpuTime is not measured here; the cpu-ms/op figures read 0.
func cpuTime() time.Duration { return 0 }
