// Command app is clearance: it checks planned social-media posts against the
// social-media policy, offline (app check) or as a GitHub App (app serve).
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `clearance checks planned social-media posts and replies against your social-media policy.

Usage:
  app check [--repo DIR] [--format text|json] [PATH...]   check drafts in a content repo on disk
  app serve                                               run the GitHub App (settings from CLEARANCE_* variables)
  app demo [--repo DIR]                                   watch the App review pull requests on a fake GitHub
  app validate [--repo DIR] [--strict]                    check .github/clearance.yml and CODEOWNERS
  app action                                              review a workflow's pull request (GitHub Actions)
  app version                                             print the version

Run "app <command> --help" for a command's options.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stdout, stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "validate":
		return runValidate(args[1:], os.Getenv, stdout, stderr)
	case "action":
		return runAction(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "clearance", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "app: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
