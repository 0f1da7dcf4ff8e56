//go:build race

package server_test

// raceEnabled: the race detector slows every key's Update and View many
// times, so latency bounds are looser.
const raceEnabled = true
