package render

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/content"
)

// gate stands in for glamour: each render says which width it is on
// started, then waits for the test to let it finish, and gate records how
// many ran at once.
type gate struct {
	started chan int
	finish  chan struct{}

	mu            sync.Mutex
	running, most int
}

func newGate(r *Renderer) *gate {
	g := &gate{started: make(chan int), finish: make(chan struct{})}
	r.render = g.render
	return g
}

func (g *gate) render(_ *content.Doc, width int, _ Style, _ postLinks) (string, error) {
	g.mu.Lock()
	g.running++
	g.most = max(g.most, g.running)
	g.mu.Unlock()
	g.started <- width
	<-g.finish
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	return fmt.Sprint("rendered at ", width), nil
}

func (g *gate) overlapped() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.most > 1
}

var queuePost = &content.Post{Slug: "q", Path: "q.md", Body: "# Queue\n\nSome text.\n"}

// recv receives from c, or fails the test if nothing comes: a guard
// against hanging, not a measurement.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("still waiting for %s", what)
		panic("unreachable")
	}
}

// waitQueued waits until n renders are queued.
func waitQueued(t *testing.T, r *Renderer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.Queued() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d renders queued, want %d", r.Queued(), n)
		}
		runtime.Gosched()
	}
}

type result struct {
	width int
	text  string
	err   error
}

func renderAsync(r *Renderer, ctx context.Context, width int, out chan<- result) {
	go func() {
		text, err := r.RenderContext(ctx, queuePost, width, Dark)
		out <- result{width, text, err}
	}()
}

func TestRenderQueueDefaultsToGOMAXPROCS(t *testing.T) {
	if got, want := New(Options{}).queue.slots, runtime.GOMAXPROCS(0); got != want {
		t.Fatalf("default MaxRenders = %d, want GOMAXPROCS %d", got, want)
	}
}

// With one render at a time, misses render one after another in the order
// they arrived.
func TestRenderQueueIsFIFO(t *testing.T) {
	var renders int
	r := New(Options{MaxRenders: 1, OnRender: func(time.Duration) { renders++ }})
	g := newGate(r)
	done := make(chan result, 16)

	renderAsync(r, context.Background(), 100, done)
	if w := recv(t, g.started, "the first render"); w != 100 {
		t.Fatalf("first render at width %d, want 100", w)
	}
	var arrived []int
	for i := range 8 {
		w := 70 - 3*i // neither sorted by width nor by anything but arrival
		if i%2 == 1 {
			w = 30 + i
		}
		renderAsync(r, context.Background(), w, done)
		waitQueued(t, r, i+1)
		arrived = append(arrived, w)
	}

	want := append([]int{100}, arrived...)
	for i, w := range want {
		g.finish <- struct{}{}
		res := recv(t, done, fmt.Sprint("render ", i, " to return"))
		if res.err != nil || res.width != w || res.text != fmt.Sprint("rendered at ", w) {
			t.Fatalf("render %d returned %+v, want width %d", i, res, w)
		}
		if i+1 < len(want) {
			if next := recv(t, g.started, "the next render"); next != want[i+1] {
				t.Fatalf("render %d started at width %d, want %d (arrival order %v)", i+1, next, want[i+1], want)
			}
			if q := r.Queued(); q != len(want)-i-2 {
				t.Fatalf("after render %d started, %d queued, want %d", i+1, q, len(want)-i-2)
			}
		}
	}
	if g.overlapped() {
		t.Fatal("two renders ran at once with MaxRenders 1")
	}
	if renders != len(want) {
		t.Fatalf("OnRender called %d times, want %d", renders, len(want))
	}
	if st := r.Stats(); st.Misses != int64(len(want)) || st.Entries != len(want) {
		t.Fatalf("stats %+v, want %d misses and entries", st, len(want))
	}
}

// A caller whose context ends while queued leaves at once, and the queue
// goes on without it.
func TestRenderQueueCancelledWaiterLeaves(t *testing.T) {
	r := New(Options{MaxRenders: 1})
	g := newGate(r)
	done := make(chan result, 4)

	renderAsync(r, context.Background(), 100, done)
	recv(t, g.started, "the first render")
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan result, 1)
	renderAsync(r, ctx, 41, gone)
	waitQueued(t, r, 1)
	renderAsync(r, context.Background(), 42, done)
	waitQueued(t, r, 2)

	cancel()
	// It returns while the first render still holds the only slot.
	res := recv(t, gone, "the cancelled render to return")
	if !errors.Is(res.err, context.Canceled) || res.text != "" {
		t.Fatalf("cancelled render returned %+v, want context.Canceled", res)
	}
	if q := r.Queued(); q != 1 {
		t.Fatalf("%d queued after the cancel, want 1", q)
	}

	g.finish <- struct{}{}
	if res := recv(t, done, "the first render to return"); res.width != 100 || res.err != nil {
		t.Fatalf("got %+v, want width 100", res)
	}
	if w := recv(t, g.started, "the render after the cancelled one"); w != 42 {
		t.Fatalf("next render at width %d, want 42", w)
	}
	g.finish <- struct{}{}
	if res := recv(t, done, "the last render to return"); res.width != 42 || res.err != nil {
		t.Fatalf("got %+v, want width 42", res)
	}
	if _, ok := r.Cached(queuePost, 41, Dark); ok {
		t.Fatal("the cancelled render was rendered anyway")
	}
	if r.Queued() != 0 || g.overlapped() {
		t.Fatalf("%d left queued, overlapped %v", r.Queued(), g.overlapped())
	}
}

// A caller waiting for another's render of the same key is not failed by
// that caller giving up: it takes its place in the queue.
func TestRenderQueueFollowerOutlivesCancelledLeader(t *testing.T) {
	r := New(Options{MaxRenders: 1})
	g := newGate(r)
	following := make(chan struct{}, 1)
	r.followed = func() { following <- struct{}{} }
	done := make(chan result, 4)

	renderAsync(r, context.Background(), 100, done)
	recv(t, g.started, "the first render")
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan result, 1)
	renderAsync(r, ctx, 50, gone)
	waitQueued(t, r, 1)
	renderAsync(r, context.Background(), 50, done)
	recv(t, following, "the second caller to wait for the first")

	cancel()
	if res := recv(t, gone, "the cancelled render"); !errors.Is(res.err, context.Canceled) {
		t.Fatalf("cancelled render returned %+v", res)
	}
	waitQueued(t, r, 1) // the follower, queued in its place
	g.finish <- struct{}{}
	recv(t, done, "the first render to return")
	if w := recv(t, g.started, "the follower's render"); w != 50 {
		t.Fatalf("next render at width %d, want 50", w)
	}
	g.finish <- struct{}{}
	if res := recv(t, done, "the follower"); res.width != 50 || res.err != nil || res.text != "rendered at 50" {
		t.Fatalf("follower got %+v", res)
	}
}

// A cached post comes back without queueing, even with every slot taken
// and a context that has already ended.
func TestRenderQueueCacheHitsNeverWait(t *testing.T) {
	r := New(Options{MaxRenders: 1})
	g := newGate(r)
	done := make(chan result, 4)
	renderAsync(r, context.Background(), 60, done)
	recv(t, g.started, "the render to cache")
	g.finish <- struct{}{}
	recv(t, done, "the render to cache")

	renderAsync(r, context.Background(), 100, done)
	recv(t, g.started, "the render holding the slot")
	renderAsync(r, context.Background(), 101, done)
	waitQueued(t, r, 1)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hit := make(chan result, 1)
	renderAsync(r, ctx, 60, hit)
	if res := recv(t, hit, "the cache hit"); res.err != nil || res.text != "rendered at 60" {
		t.Fatalf("cache hit returned %+v", res)
	}
	g.finish <- struct{}{}
	recv(t, done, "the render holding the slot")
	recv(t, g.started, "the queued render")
	g.finish <- struct{}{}
	recv(t, done, "the queued render")
}

// Many misses at once never run more than MaxRenders renders together,
// and all finish.
func TestRenderQueueBoundsConcurrency(t *testing.T) {
	const slots = 3
	r := New(Options{MaxRenders: slots})
	var mu sync.Mutex
	running, most := 0, 0
	r.render = func(_ *content.Doc, width int, _ Style, _ postLinks) (string, error) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		for range 100 {
			runtime.Gosched()
		}
		mu.Lock()
		running--
		mu.Unlock()
		return fmt.Sprint(width), nil
	}
	var wg sync.WaitGroup
	var widths []int
	for w := 40; w < 72; w++ {
		widths = append(widths, w, w) // each key twice: one renders, one shares
	}
	got := make([]string, len(widths))
	for i, w := range widths {
		wg.Go(func() {
			text, err := r.Render(queuePost, w, Light)
			if err != nil {
				t.Error(err)
			}
			got[i] = text
		})
	}
	wg.Wait()
	if most > slots {
		t.Fatalf("%d renders ran at once, MaxRenders %d", most, slots)
	}
	for i, w := range widths {
		if got[i] != fmt.Sprint(w) {
			t.Fatalf("width %d rendered %q", w, got[i])
		}
	}
	if st := r.Stats(); st.Misses != int64(len(widths)/2) || r.Queued() != 0 {
		t.Fatalf("stats %+v, %d queued; want %d misses, none queued", st, r.Queued(), len(widths)/2)
	}
}
