package server

// SetHostKeyHook makes LoadHostKey call f at each stage of generating a
// key ("created": the temporary file exists, empty; "synced": the key is
// written and fsynced, not yet in place), so a test can pause or kill the
// process there. restore puts the previous hook back.
func SetHostKeyHook(f func(stage, tmp string)) (restore func()) {
	old := hostKeyHook
	hostKeyHook = f
	return func() { hostKeyHook = old }
}

// MaxHostKeySize is the largest host key file LoadHostKey reads.
const MaxHostKeySize = maxHostKeySize
