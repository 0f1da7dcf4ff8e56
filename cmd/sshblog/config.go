package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// envPrefix names the environment variable of every flag:
// --max-sessions is SSHBLOG_MAX_SESSIONS.
const envPrefix = "SSHBLOG_"

// envName is the environment variable that sets flag name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseFlags applies environment variables, then the command line, so that
// flags win. lookupEnv is os.LookupEnv outside tests.
func parseFlags(fs *flag.FlagSet, args []string, lookupEnv func(string) (string, bool)) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if envErr != nil {
			return
		}
		v, ok := lookupEnv(envName(f.Name))
		if !ok {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			envErr = usageError{fmt.Sprintf("environment variable %s=%q: %v", envName(f.Name), v, err)}
		}
	})
	if envErr != nil {
		return envErr
	}
	fs.SetOutput(io.Discard) // we print errors and usage ourselves
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// printFlags lists a command's flags with their environment variables and
// defaults.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "  --" + f.Name
		if name != "" {
			head += " " + name
		}
		fmt.Fprintf(w, "%s\n      %s\n", head, usage)
		line := "      env " + envName(f.Name)
		if f.DefValue != "" && f.DefValue != "false" {
			line += fmt.Sprintf(", default %s", f.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}
