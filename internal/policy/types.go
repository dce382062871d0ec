// Package policy is clearance's pure engine: it reads drafts, the register of
// published material, the config and CODEOWNERS, and decides for each draft
// which scenario of the social-media policy it falls under, what is wrong with
// it, and who must approve it.
//
// Nothing here touches the network, the file system or GitHub types: callers
// hand in bytes and get back plain values, so the same engine serves the
// offline `check` command and the GitHub App.
package policy

import "fmt"

// Scenario is one of the three cases of the social-media policy. The string
// values are part of clearance's interface (labels, JSON output).
type Scenario string

const (
	// PublicDomain: the information is already public, e.g. in a published
	// press release. Post it without discussion.
	PublicDomain Scenario = "public-domain"
	// Pointer: the draft merely points to another online resource.
	Pointer Scenario = "pointer"
	// NewContent: new guidance or content, or a view. Policy and
	// communications officials must check it first.
	NewContent Scenario = "new-content"
)

// Scenarios lists the scenarios from the laxest to the strictest.
var Scenarios = []Scenario{Pointer, PublicDomain, NewContent}

// Valid reports whether s is one of the three scenarios.
func (s Scenario) Valid() bool {
	return s == PublicDomain || s == Pointer || s == NewContent
}

// NeedsReview reports whether drafts of this scenario need approval.
func (s Scenario) NeedsReview() bool { return s == NewContent }

// strictness orders scenarios: a higher number needs more review.
func (s Scenario) strictness() int {
	switch s {
	case Pointer:
		return 0
	case PublicDomain:
		return 1
	default:
		return 2
	}
}

// Severity of a finding.
type Severity string

const (
	// Error findings keep the check red and make `check` exit 1.
	Error Severity = "error"
	// Warning findings are shown but do not block.
	Warning Severity = "warning"
)

// Finding is one problem with a file, tied to a line where there is one.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Path is the repo-relative file the finding is about, with forward
	// slashes. It may differ from the draft (a bad config file, say).
	Path string `json:"path,omitempty"`
	// Line is 1-based; 0 means the finding concerns the whole file.
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Published and Posted are, for a changed fact, the words as the
	// register document has them and as the draft has them ("" where one
	// side has none): what a reviewer sees as a word diff.
	Published string `json:"published,omitempty"`
	Posted    string `json:"posted,omitempty"`
}

func (f Finding) String() string {
	loc := f.Path
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	return fmt.Sprintf("%s: %s [%s] %s", loc, f.Severity, f.Rule, f.Message)
}

// Rule identifiers. They are stable: users may filter on them.
const (
	RuleFrontMatter    = "front-matter"       // front matter unreadable or malformed
	RuleConfig         = "config"             // .github/clearance.yml unreadable or invalid
	RuleCodeowners     = "codeowners"         // a CODEOWNERS line GitHub would skip
	RuleRegister       = "register"           // a register document that cannot be read
	RuleMissingReplyTo = "reply-to-missing"   // kind: reply without in_reply_to
	RuleMissingAuthor  = "author-missing"     // no author: who it is posted as
	RuleMarking        = "protective-marking" // OFFICIAL-SENSITIVE, not for publication, ...
	RuleEmbargoed      = "embargoed-text"     // text taken from a register document under embargo
	RuleLength         = "length"             // over the channel's length limit
	RuleInsecureLink   = "link-insecure"      // http:// link
	RuleInternalLink   = "link-internal"      // link to an internal host
	RuleEmptyBody      = "empty-body"         // nothing to post
	RuleScenarioClaim  = "scenario-claim"     // declared scenario laxer than detected
	RuleMissingSource  = "source-missing"     // sources entry that does not exist
	RuleNoApprover     = "no-approver"        // a required role has no code owner for the draft
	RuleUnknownField   = "front-matter-field" // unknown or mistyped front matter field
	RuleChannel        = "channel"            // unknown channel
	RuleUnreadable     = "unreadable"         // binary, invalid UTF-8, too large, not a regular file
)
