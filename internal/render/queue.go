package render

import (
	"container/list"
	"context"
	"sync"
)

// renderQueue admits at most slots renders at once and makes the others
// wait their turn, first come first served. Each waiter has its own channel,
// closed when a finishing render hands its slot over, so the order is the
// queue's and not the scheduler's, and a waiter that gives up just leaves.
type renderQueue struct {
	slots int

	mu      sync.Mutex
	running int
	waiting list.List // of chan struct{}, oldest first
}

// acquire waits for a slot, or for ctx to end, in which case it returns
// ctx.Err() and holds no slot. A caller that gets nil must release.
func (q *renderQueue) acquire(ctx context.Context) error {
	q.mu.Lock()
	if q.running < q.slots && q.waiting.Len() == 0 {
		q.running++
		q.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	el := q.waiting.PushBack(turn)
	q.mu.Unlock()

	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	select {
	case <-turn:
		// The slot was handed over as ctx ended: pass it on.
		q.mu.Unlock()
		q.release()
	default:
		q.waiting.Remove(el)
		q.mu.Unlock()
	}
	return ctx.Err()
}

// release gives the slot to the longest waiter, or frees it.
func (q *renderQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if el := q.waiting.Front(); el != nil {
		q.waiting.Remove(el)
		close(el.Value.(chan struct{})) // the slot changes hands: running stays
		return
	}
	q.running--
}

// queued returns the number of waiters.
func (q *renderQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting.Len()
}
