package policy

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/clearance-dev/clearance/internal/channel"
	"go.yaml.in/yaml/v3"
)

// ConfigPath is where the config lives in a content repo. It is always read
// from the pull request's base branch.
const ConfigPath = ".github/clearance.yml"

// MaxConfigBytes bounds the config file; a larger one is an error.
const MaxConfigBytes = 256 << 10

// Config is .github/clearance.yml. Every key is optional; Defaults fills
// what is missing.
type Config struct {
	// Drafts are glob patterns (with **) of the planned posts and replies.
	Drafts []string `yaml:"drafts" json:"drafts"`
	// Register globs find the published material (press releases, ...).
	Register []string `yaml:"register" json:"register"`
	// Roles maps a role name (policy, comms, ...) to the code owners,
	// "@org/team" or "@user", who act in that role.
	Roles map[string][]string `yaml:"roles" json:"roles"`
	// RequiredRoles are the roles that must approve a new-content draft.
	RequiredRoles []string `yaml:"required_roles" json:"required_roles"`
	// AlwaysReview globs are drafts that are always new-content.
	AlwaysReview []string `yaml:"always_review" json:"always_review"`
	// Thresholds tune the classification.
	Thresholds Thresholds `yaml:"thresholds" json:"thresholds"`
	// Channels override the length rules per channel (merged key by key
	// over the defaults); new channels may be added.
	Channels map[string]channel.LengthRule `yaml:"channels" json:"channels"`
	// InternalDomains are hosts that must never be linked from a post;
	// subdomains are included.
	InternalDomains []string `yaml:"internal_domains" json:"internal_domains"`
	// Labels name the pull-request label for each scenario.
	Labels map[Scenario]string `yaml:"labels" json:"labels"`
	// Lexicon extends (or trims) the view and guidance language.
	Lexicon LexiconConfig `yaml:"lexicon" json:"lexicon"`
	// Markings are extra protective markings or phrases that must never
	// appear in a draft, matched case-insensitively.
	Markings []string `yaml:"markings" json:"markings"`
	// CheckName is the name of the check run the App writes.
	CheckName string `yaml:"check_name" json:"check_name"`
	// DistinctApprovers, true unless set false, makes each required role
	// need a different person: one member of both the policy and the
	// comms team cannot clear a draft alone.
	DistinctApprovers *bool `yaml:"distinct_approvers" json:"distinct_approvers"`
	// FourEyes, true unless set false, keeps a person's approval from
	// counting for a draft whose text they wrote or pushed in the pull
	// request: nobody clears their own words.
	FourEyes *bool `yaml:"four_eyes" json:"four_eyes"`

	// rolesSet records whether roles were configured at all.
	rolesSet bool
	// pointerMaxSet records whether thresholds.pointer_max_words was
	// written, so that an explicit 0 (a bare link only) is kept.
	pointerMaxSet bool
}

// Thresholds are the numbers behind the scenario rules.
type Thresholds struct {
	// PublicDomainCoverage is the share of a draft's words (0–1) that must be
	// found in published register documents for it to be public-domain.
	PublicDomainCoverage float64 `yaml:"public_domain_coverage" json:"public_domain_coverage"`
	// PointerMaxWords is the most prose a pointer may have outside link
	// text and URLs.
	PointerMaxWords int `yaml:"pointer_max_words" json:"pointer_max_words"`
	// MinMatchWords is the shortest run of words that counts as taken from
	// a register document (a shorter sentence or quotation counts when it
	// matches whole).
	MinMatchWords int `yaml:"min_match_words" json:"min_match_words"`
}

// LexiconConfig extends the built-in view and guidance language.
type LexiconConfig struct {
	View     []string `yaml:"view" json:"view"`
	Guidance []string `yaml:"guidance" json:"guidance"`
	// Ignore removes built-in words or phrases.
	Ignore []string `yaml:"ignore" json:"ignore"`
}

// Distinct reports whether each required role needs a different person.
func (c *Config) Distinct() bool { return c.DistinctApprovers == nil || *c.DistinctApprovers }

// FourEyesOn reports whether an approval from someone who changed a
// draft's text in the pull request is left out.
func (c *Config) FourEyesOn() bool { return c.FourEyes == nil || *c.FourEyes }

// DefaultConfig returns the configuration used when the repo has no
// .github/clearance.yml.
func DefaultConfig() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	if len(c.Drafts) == 0 {
		c.Drafts = []string{"posts/**/*.md", "replies/**/*.md"}
	}
	if len(c.Register) == 0 {
		c.Register = []string{"published/**/*.md"}
	}
	if c.Roles == nil {
		c.Roles = map[string][]string{}
	}
	if len(c.RequiredRoles) == 0 {
		c.RequiredRoles = []string{"policy", "comms"}
	}
	if c.Thresholds.PublicDomainCoverage == 0 {
		c.Thresholds.PublicDomainCoverage = 0.8
	}
	if c.Thresholds.PointerMaxWords == 0 && !c.pointerMaxSet {
		c.Thresholds.PointerMaxWords = 30
	}
	if c.Thresholds.MinMatchWords == 0 {
		c.Thresholds.MinMatchWords = 6
	}
	rules := channel.DefaultLengthRules()
	for name, r := range c.Channels {
		base, ok := rules[name]
		if !ok {
			base = channel.LengthRule{Method: "graphemes"}
		}
		if r.Method != "" {
			base.Method = r.Method
		}
		if r.Max != 0 {
			base.Max = r.Max
		}
		if r.URLLength != 0 {
			base.URLLength = r.URLLength
		}
		if r.MaxBytes != 0 {
			base.MaxBytes = r.MaxBytes
		}
		if r.MaxLinks != 0 {
			base.MaxLinks = r.MaxLinks
		}
		rules[name] = base
	}
	c.Channels = rules
	labels := map[Scenario]string{
		PublicDomain: "scenario: public-domain",
		Pointer:      "scenario: pointer",
		NewContent:   "scenario: new-content",
	}
	for s, l := range c.Labels {
		if l != "" {
			labels[s] = l
		}
	}
	c.Labels = labels
	if c.CheckName == "" {
		c.CheckName = "clearance"
	}
}

// ConfigError is a problem in the config file, with its line.
type ConfigError struct {
	Path string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Finding turns the error into a config finding.
func (e *ConfigError) Finding() Finding {
	return Finding{Rule: RuleConfig, Severity: Error, Path: e.Path, Line: e.Line, Message: e.Msg}
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var yamlFieldRE = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
var yamlTypeRE = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")

// friendlyYAMLError turns a yaml.v3 message into plain words.
func friendlyYAMLError(msg string) string {
	if m := yamlFieldRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown key %q: check its spelling and indentation (see docs/configuration.md for the keys)", m[1])
	}
	if m := yamlTypeRE.FindStringSubmatch(msg); m != nil {
		want := m[3]
		switch {
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.HasPrefix(want, "map"):
			want = "a mapping of keys to values"
		case want == "float64":
			want = "a number"
		case want == "int":
			want = "a whole number"
		case want == "string":
			want = "a piece of text"
		case strings.HasPrefix(want, "policy."):
			want = "a mapping of keys to values"
		}
		kind := map[string]string{"str": "text", "seq": "a list", "map": "a mapping", "int": "a number", "float": "a number", "bool": "true/false"}[m[1]]
		if kind == "" {
			kind = m[1]
		}
		if m[2] != "" && len(m[2]) < 60 {
			return fmt.Sprintf("expected %s here, found %s %q", want, kind, m[2])
		}
		return fmt.Sprintf("expected %s here, found %s", want, kind)
	}
	return msg
}

// yamlParserProblems are the messages of yaml.v3's parser errors, whose
// line numbers it gives one too low.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlErrors converts a yaml.v3 error in data into ConfigErrors with lines.
func yamlErrors(path string, data []byte, err error) []*ConfigError {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []*ConfigError
	for _, m := range msgs {
		ce := &ConfigError{Path: path}
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			ce.Line, _ = strconv.Atoi(sm[1])
			m = sm[2]
		}
		if yamlParserProblems[strings.TrimPrefix(m, "yaml: ")] {
			// yaml.v3 numbers the lines of its parser errors from 0
			// (and leaves line 0 out); its scanner errors from 1.
			ce.Line++
		}
		// At the end of a file without a final line break, yaml.v3
		// names the line after the last.
		if last := bytes.Count(data, []byte("\n")) + 1; ce.Line > last {
			ce.Line = last
		}
		ce.Msg = friendlyYAMLError(strings.TrimPrefix(m, "yaml: "))
		out = append(out, ce)
	}
	return out
}

// checkYAMLShape refuses documents that would cost too much to decode:
// alias bombs (many aliases) and deep nesting. yaml.v3 has its own guards;
// these give a clear message first.
func checkYAMLShape(path string, root *yaml.Node) *ConfigError {
	aliases, nodes := 0, 0
	var walk func(n *yaml.Node, depth int) *ConfigError
	walk = func(n *yaml.Node, depth int) *ConfigError {
		nodes++
		if depth > 64 {
			return &ConfigError{Path: path, Line: n.Line, Msg: "nested more than 64 levels deep; flatten it"}
		}
		if n.Kind == yaml.AliasNode {
			aliases++
			if aliases > 100 {
				return &ConfigError{Path: path, Line: n.Line, Msg: "too many YAML aliases (*name); write the values out"}
			}
			return nil
		}
		if nodes > 100000 {
			return &ConfigError{Path: path, Line: n.Line, Msg: "too many values; this file is far larger than a config needs"}
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, 0)
}

// mapValue returns the value node for key in a mapping node.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lineOf finds the line of a key path in the document (0 when absent).
func lineOf(root *yaml.Node, keys ...string) int {
	n := root
	line := 0
	for _, k := range keys {
		n = mapValue(n, k)
		if n == nil {
			return line
		}
		line = n.Line
	}
	return line
}

// ParseConfig reads .github/clearance.yml. An empty file gives the
// defaults. Unknown keys, wrong types and values out of range are errors
// that name the line; all of them are returned, not just the first.
func ParseConfig(path string, data []byte) (*Config, []*ConfigError) {
	if len(data) > MaxConfigBytes {
		return nil, []*ConfigError{{Path: path, Msg: fmt.Sprintf("the file is %d bytes; a config may be at most %d", len(data), MaxConfigBytes)}}
	}
	if !isValidUTF8(data) {
		return nil, []*ConfigError{{Path: path, Line: firstInvalidUTF8Line(data), Msg: "not valid UTF-8 text; save the file as UTF-8"}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return DefaultConfig(), nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlErrors(path, data, err)
	}
	if err := checkYAMLShape(path, &root); err != nil {
		return nil, []*ConfigError{err}
	}
	if len(root.Content) == 0 {
		return DefaultConfig(), nil
	}
	if n := root.Content[0]; n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return DefaultConfig(), nil // "---" or "~" alone: an empty document
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, []*ConfigError{{Path: path, Line: root.Content[0].Line, Msg: "the config must be a mapping of keys to values (key: value)"}}
	}
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, yamlErrors(path, data, err)
	}
	c.rolesSet = mapValue(&root, "roles") != nil
	c.pointerMaxSet = mapValue(mapValue(&root, "thresholds"), "pointer_max_words") != nil
	errs := c.validate(path, &root)
	if len(errs) > 0 {
		return nil, errs
	}
	c.applyDefaults()
	return c, nil
}

var validMethods = map[string]bool{"": true, "twitter": true, "graphemes": true, "characters": true}

func (c *Config) validate(file string, root *yaml.Node) []*ConfigError {
	var errs []*ConfigError
	add := func(line int, format string, args ...any) {
		errs = append(errs, &ConfigError{Path: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	for _, key := range []string{"drafts", "register", "always_review"} {
		var globs []string
		switch key {
		case "drafts":
			globs = c.Drafts
		case "register":
			globs = c.Register
		default:
			globs = c.AlwaysReview
		}
		for _, g := range globs {
			if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil || g == "" {
				add(lineOf(root, key), "%s: %q is not a valid file pattern; use forms like posts/**/*.md", key, g)
			}
		}
	}
	for role, owners := range c.Roles {
		if role == "" {
			add(lineOf(root, "roles"), "roles: a role needs a name")
		}
		for _, o := range owners {
			if !validOwnerHandle(o) {
				add(lineOf(root, "roles", role), "roles.%s: %q is not a GitHub user or team; write @user or @org/team", role, o)
			}
		}
	}
	if mapValue(root, "roles") != nil {
		for _, r := range c.RequiredRoles {
			if _, ok := c.Roles[r]; !ok {
				add(lineOf(root, "required_roles"), "required_roles: %q is not one of the roles defined under roles (%s); add it there or remove it here", r, strings.Join(sortedKeys(c.Roles), ", "))
			}
		}
	}
	// yaml.v3 quietly truncates 2.5 to 2 for a whole-number field.
	for _, k := range []string{"pointer_max_words", "min_match_words"} {
		if n := mapValue(mapValue(root, "thresholds"), k); n != nil && n.Tag == "!!float" {
			add(n.Line, "thresholds.%s must be a whole number; it is %s", k, n.Value)
		}
	}
	if chans := mapValue(root, "channels"); chans != nil && chans.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(chans.Content); i += 2 {
			for _, k := range []string{"max", "url_length", "max_bytes", "max_links"} {
				if n := mapValue(chans.Content[i+1], k); n != nil && n.Tag == "!!float" {
					add(n.Line, "channels.%s.%s must be a whole number; it is %s", chans.Content[i].Value, k, n.Value)
				}
			}
		}
	}
	t := c.Thresholds
	if t.PublicDomainCoverage < 0 || t.PublicDomainCoverage > 1 {
		add(lineOf(root, "thresholds", "public_domain_coverage"), "thresholds.public_domain_coverage must be between 0 and 1 (0.8 means 80%% of the words); it is %v", t.PublicDomainCoverage)
	}
	if t.PointerMaxWords < 0 || t.PointerMaxWords > 1000 {
		add(lineOf(root, "thresholds", "pointer_max_words"), "thresholds.pointer_max_words must be between 0 and 1000; it is %d", t.PointerMaxWords)
	}
	if t.MinMatchWords < 0 || (t.MinMatchWords > 0 && t.MinMatchWords < 3) || t.MinMatchWords > 50 {
		add(lineOf(root, "thresholds", "min_match_words"), "thresholds.min_match_words must be between 3 and 50; it is %d", t.MinMatchWords)
	}
	for name, r := range c.Channels {
		if !validMethods[r.Method] {
			add(lineOf(root, "channels", name, "method"), "channels.%s.method must be twitter, graphemes or characters; it is %q", name, r.Method)
		}
		if r.Max < 0 || r.URLLength < 0 || r.MaxBytes < 0 || r.MaxLinks < 0 {
			add(lineOf(root, "channels", name), "channels.%s: limits cannot be negative", name)
		}
	}
	for s := range c.Labels {
		if !s.Valid() {
			add(lineOf(root, "labels", string(s)), "labels: %q is not a scenario; use public-domain, pointer or new-content", s)
		}
	}
	domains := mapValue(root, "internal_domains")
	for i, d := range c.InternalDomains {
		line := lineOf(root, "internal_domains")
		if domains != nil && domains.Kind == yaml.SequenceNode && i < len(domains.Content) {
			line = domains.Content[i].Line // the entry's own line
		}
		switch {
		case strings.ContainsAny(d, "*?"):
			// A wildcard never matches: hosts are compared as written.
			bare := strings.TrimLeft(d, "*?.")
			if bare == "" || strings.ContainsAny(bare, "*?/ :") || !strings.Contains(bare, ".") {
				bare = "such as example.gov.uk"
			}
			add(line, "internal_domains: %q has a wildcard, which clearance does not understand, so it would never match: write the bare domain, %s: its subdomains are included", d, bare)
		case d == "" || strings.ContainsAny(d, "/ :"):
			add(line, "internal_domains: %q should be a bare host name such as intranet.example.org", d)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return errs
}

var ownerHandleRE = regexp.MustCompile(`^@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$`)

func validOwnerHandle(s string) bool {
	return ownerHandleRE.MatchString(s) || strings.Contains(s, "@") && !strings.HasPrefix(s, "@") && !strings.ContainsAny(s, " \t")
}

// NormalizeOwner makes owner handles comparable: a leading @ and lower
// case ("@Org/Comms" and "org/comms" are the same team).
func NormalizeOwner(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "@") && !strings.Contains(s, "@") {
		s = "@" + s
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// RolesConfigured reports whether the config names the roles explicitly.
// Without it, an owner belongs to a role when the role's name is part of
// its handle (@org/policy-team is policy, @org/comms is comms).
func (c *Config) RolesConfigured() bool { return c.rolesSet }

// RoleOf returns the roles an owner handle plays.
func (c *Config) RoleOf(owner string) []string {
	o := NormalizeOwner(owner)
	var roles []string
	if c.rolesSet {
		for _, role := range sortedKeys(c.Roles) {
			for _, m := range c.Roles[role] {
				if NormalizeOwner(m) == o {
					roles = append(roles, role)
					break
				}
			}
		}
		return roles
	}
	name := o
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for _, role := range c.RequiredRoles {
		r := strings.ToLower(role)
		if strings.Contains(name, r) || r == "comms" && strings.Contains(name, "communications") {
			roles = append(roles, role)
		}
	}
	return roles
}

// LabelFor returns the label of a scenario.
func (c *Config) LabelFor(s Scenario) string { return c.Labels[s] }

func isValidUTF8(b []byte) bool { return bytesValidUTF8(b) }
