package server

import "sync"

// deliveries remembers the most recent X-GitHub-Delivery ids, so a repeated
// delivery (GitHub's "Redeliver" keeps the id) is not processed twice.
// Memory is bounded: the oldest ids are forgotten first.
type deliveries struct {
	mu   sync.Mutex
	max  int
	gen  uint64
	ids  map[string]uint64 // id -> generation of its reservation
	ring []slot            // insertion order, oldest at next
	next int
}

type slot struct {
	id  string
	gen uint64
}

func newDeliveries(max int) *deliveries {
	return &deliveries{max: max, ids: map[string]uint64{}, ring: make([]slot, max)}
}

// reserve records id and reports whether it is new.
func (d *deliveries) reserve(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.ids[id]; ok {
		return false
	}
	if old := d.ring[d.next]; old.id != "" && d.ids[old.id] == old.gen {
		delete(d.ids, old.id)
	}
	d.gen++
	d.ids[id] = d.gen
	d.ring[d.next] = slot{id, d.gen}
	d.next = (d.next + 1) % d.max
	return true
}

// release forgets id, so that a delivery that could not be taken (the
// queue was full) is processed when GitHub delivers it again.
func (d *deliveries) release(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.ids, id)
}
