package githubtest

import "sort"

// RoundTrips is the length of the longest chain of calls among calls in
// which each call arrived after the one before it had been answered: the
// number of sequential round trips the client made, however many calls it
// made side by side. It reads the recorded Start and End times, so it
// measures how the client ordered its calls, not how fast the machine is;
// with Faults.Latency set, calls made side by side overlap for certain.
func RoundTrips(calls []Call) int {
	cs := append([]Call(nil), calls...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Start.Before(cs[j].Start) })
	// chain[i] is the longest chain ending with cs[i].
	chain := make([]int, len(cs))
	best := 0
	for i, c := range cs {
		chain[i] = 1
		for j := range i {
			if !c.Start.Before(cs[j].End) && chain[j]+1 > chain[i] {
				chain[i] = chain[j] + 1
			}
		}
		best = max(best, chain[i])
	}
	return best
}
