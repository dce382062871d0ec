package policy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clearance-dev/clearance/internal/policy"
)

func TestConfigDefaults(t *testing.T) {
	for _, src := range []string{"", "\n  \n", "# only a comment\n", "\ufeff", "---\n", "~\n"} {
		c, errs := policy.ParseConfig(policy.ConfigPath, []byte(src))
		if len(errs) > 0 {
			t.Fatalf("%q: %v", src, errs)
		}
		if !slices.Equal(c.Drafts, []string{"posts/**/*.md", "replies/**/*.md"}) ||
			!slices.Equal(c.Register, []string{"published/**/*.md"}) ||
			!slices.Equal(c.RequiredRoles, []string{"policy", "comms"}) ||
			c.Thresholds != (policy.Thresholds{PublicDomainCoverage: 0.8, PointerMaxWords: 30, MinMatchWords: 6}) ||
			c.CheckName != "clearance" || c.RolesConfigured() || len(c.AlwaysReview) != 0 {
			t.Errorf("%q: defaults %+v", src, c)
		}
		for _, ch := range policy.Channels {
			if _, ok := c.Channels[ch]; !ok {
				t.Errorf("%q: no default channel %s", src, ch)
			}
		}
		if c.LabelFor(policy.NewContent) != "scenario: new-content" || c.LabelFor(policy.Pointer) != "scenario: pointer" || c.LabelFor(policy.PublicDomain) != "scenario: public-domain" {
			t.Errorf("%q: labels %v", src, c.Labels)
		}
	}
	d := policy.DefaultConfig()
	if d.Thresholds.PointerMaxWords != 30 || len(d.Channels) != len(policy.Channels) {
		t.Errorf("DefaultConfig %+v", d)
	}
}

func TestConfigFull(t *testing.T) {
	src := `drafts: [social/**/*.md]
register: [press/**/*.md, "./archive/*.md"]
roles:
  policy: ["@org/policy"]
  comms: ["@org/press-office", "alice"]
  legal: ["@org/legal"]
required_roles: [policy, comms, legal]
always_review: [statements/**, "**/urgent-*.md"]
thresholds:
  public_domain_coverage: 0.9
  pointer_max_words: 12
  min_match_words: 8
channels:
  x:
    max: 25000
  intranet-forum:
    method: characters
    max: 1000
internal_domains: [intranet.example.org, corp.example.org]
labels:
  new-content: "needs sign-off"
lexicon:
  view: [splendid]
  guidance: [kindly]
  ignore: [best]
markings: [PROJECT NIGHTJAR]
check_name: policy check
`
	c, errs := policy.ParseConfig(policy.ConfigPath, []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !slices.Equal(c.Drafts, []string{"social/**/*.md"}) || !slices.Equal(c.RequiredRoles, []string{"policy", "comms", "legal"}) ||
		c.Thresholds != (policy.Thresholds{PublicDomainCoverage: 0.9, PointerMaxWords: 12, MinMatchWords: 8}) ||
		c.CheckName != "policy check" || !c.RolesConfigured() {
		t.Errorf("%+v", c)
	}
	if x := c.Channels["x"]; x.Max != 25000 || x.Method != "twitter" {
		t.Errorf("x merged over the default: %+v", x)
	}
	if f := c.Channels["intranet-forum"]; f.Max != 1000 || f.Method != "characters" {
		t.Errorf("new channel: %+v", f)
	}
	if c.Channels["bluesky"].Max != 300 {
		t.Errorf("bluesky default lost: %+v", c.Channels["bluesky"])
	}
	if c.LabelFor(policy.NewContent) != "needs sign-off" || c.LabelFor(policy.Pointer) != "scenario: pointer" {
		t.Errorf("labels %v", c.Labels)
	}
	for owner, want := range map[string][]string{
		"@org/policy":       {"policy"},
		"@ORG/Press-Office": {"comms"},
		"@alice":            {"comms"},
		"org/legal":         {"legal"},
		"@org/policy-team":  nil, // the naming convention does not apply
		"@bob":              nil,
	} {
		if got := c.RoleOf(owner); !slices.Equal(got, want) {
			t.Errorf("RoleOf(%s) = %v, want %v", owner, got, want)
		}
	}
}

// TestConfigExplicitZero: a threshold written as 0 is what the config says,
// not "use the default".
func TestConfigExplicitZero(t *testing.T) {
	c, errs := policy.ParseConfig(policy.ConfigPath, []byte("thresholds:\n  pointer_max_words: 0\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if c.Thresholds.PointerMaxWords != 0 {
		t.Errorf("pointer_max_words: 0 became %d", c.Thresholds.PointerMaxWords)
	}
	e := policy.NewEngine(c, nil, nil, testNow)
	const link = "https://www.northbridge.gov.uk/buses"
	if r := e.Evaluate("posts/a.md", []byte(draftSrc(std, link+"\n"))); r.Scenario != policy.Pointer {
		t.Errorf("a bare link: %s", r.Scenario)
	}
	if r := e.Evaluate("posts/a.md", []byte(draftSrc(std, "Buses: "+link+"\n"))); r.Scenario != policy.NewContent {
		t.Errorf("one word and a link: %s", r.Scenario)
	}
}

func TestRoleOfNamingConvention(t *testing.T) {
	c := policy.DefaultConfig()
	for owner, want := range map[string][]string{
		"@org/policy-team":      {"policy"},
		"@org/Policy":           {"policy"},
		"@org/comms":            {"comms"},
		"@org/communications":   {"comms"},
		"@org/policy-and-comms": {"policy", "comms"},
		"@policy-org/press":     nil, // the org's name does not count
		"@alice":                nil,
		"alice@example.org":     nil,
	} {
		if got := c.RoleOf(owner); !slices.Equal(got, want) {
			t.Errorf("RoleOf(%s) = %v, want %v", owner, got, want)
		}
	}
}

func TestNormalizeOwner(t *testing.T) {
	for in, want := range map[string]string{
		"@Org/Comms":      "@org/comms",
		"org/comms":       "@org/comms",
		" @alice ":        "@alice",
		"Bob@Example.org": "bob@example.org",
	} {
		if got := policy.NormalizeOwner(in); got != want {
			t.Errorf("NormalizeOwner(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // "line: message part", one per error, in order
	}{
		{"unknown top-level key", "drafts: [a/*.md]\n\ndraft: [b/*.md]\n",
			[]string{`3: unknown key "draft": check its spelling and indentation`}},
		{"unknown nested key", "thresholds:\n  coverage: 0.5\n",
			[]string{`2: unknown key "coverage"`}},
		{"unknown channel key", "channels:\n  x:\n    limit: 10\n",
			[]string{`3: unknown key "limit"`}},
		{"list expected", "drafts: posts/*.md\n",
			[]string{`1: expected a list here, found text "posts/*.md"`}},
		{"number expected", "thresholds:\n  public_domain_coverage: most\n",
			[]string{`2: expected a number here, found text "most"`}},
		{"whole number expected", "thresholds:\n  pointer_max_words: 2.5\n",
			[]string{`2: thresholds.pointer_max_words must be a whole number; it is 2.5`}},
		{"whole number expected for a channel", "channels:\n  x:\n    max: 280.5\n",
			[]string{`3: channels.x.max must be a whole number; it is 280.5`}},
		{"whole number expected, found text", "thresholds:\n  min_match_words: six\n",
			[]string{`2: expected a whole number here, found text "six"`}},
		{"long text is shortened", "drafts: a-very-long-pattern/**/*.md\n",
			[]string{"1: expected a list here, found text \"a-very-...\""}},
		{"mapping expected", "roles: [policy, comms]\n",
			[]string{`1: expected a mapping of keys to values here, found a list`}},
		{"text expected", "check_name: [a]\n",
			[]string{`1: expected a piece of text here, found a list`}},
		{"two wrong types, both reported", "drafts: 5\ncheck_name: {a: b}\n",
			[]string{`1: expected a list here`, `2: expected a piece of text here`}},
		{"not a mapping", "- drafts\n",
			[]string{`1: the config must be a mapping`}},
		{"a scalar", "hello\n",
			[]string{`1: the config must be a mapping`}},
		{"syntax error in a flow list", "drafts: [a, b\nregister: [c]\n",
			[]string{`2: did not find expected ',' or ']'`}},
		{"syntax error: bad indentation", "roles:\n  policy: ['@a']\n comms: ['@b']\n",
			[]string{`3: did not find expected key`}},
		{"syntax error: tab", "roles:\n\tpolicy: ['@a']\n",
			[]string{`2: found character that cannot start any token`}},
		{"duplicate key", "drafts: [a]\ndrafts: [b]\n",
			[]string{`2: mapping key "drafts" already defined at line 1`}},
		{"required role not in roles", "roles:\n  policy: ['@org/p']\n  comms: ['@org/c']\nrequired_roles: [policy, legal]\n",
			[]string{`4: required_roles: "legal" is not one of the roles defined under roles (comms, policy)`}},
		{"bad owner handle", "roles:\n  policy: ['@org/p']\n  comms: ['the comms team']\n",
			[]string{`3: roles.comms: "the comms team" is not a GitHub user or team`}},
		{"coverage above 1", "thresholds:\n  public_domain_coverage: 80\n",
			[]string{`2: thresholds.public_domain_coverage must be between 0 and 1 (0.8 means 80% of the words); it is 80`}},
		{"coverage below 0", "thresholds:\n  public_domain_coverage: -0.5\n",
			[]string{`2: thresholds.public_domain_coverage must be between 0 and 1`}},
		{"pointer words negative", "thresholds:\n  pointer_max_words: -1\n",
			[]string{`2: thresholds.pointer_max_words must be between 0 and 1000; it is -1`}},
		{"pointer words too many", "thresholds:\n  pointer_max_words: 5000\n",
			[]string{`2: thresholds.pointer_max_words must be between 0 and 1000`}},
		{"min match too small", "\nthresholds:\n  min_match_words: 2\n",
			[]string{`3: thresholds.min_match_words must be between 3 and 50; it is 2`}},
		{"min match too large", "thresholds:\n  min_match_words: 51\n",
			[]string{`2: thresholds.min_match_words must be between 3 and 50`}},
		{"bad channel method", "channels:\n  x:\n    method: words\n",
			[]string{`3: channels.x.method must be twitter, graphemes or characters; it is "words"`}},
		{"negative channel limit", "channels:\n  forum:\n    max: -5\n",
			[]string{`3: channels.forum: limits cannot be negative`}},
		{"unknown scenario label", "labels:\n  opinion: needs review\n",
			[]string{`2: labels: "opinion" is not a scenario`}},
		{"internal domain with a scheme", "internal_domains:\n  - https://intranet.example.org\n",
			[]string{`2: internal_domains: "https://intranet.example.org" should be a bare host name`}},
		{"bad glob", "drafts: ['posts/[a.md']\n",
			[]string{`1: drafts: "posts/[a.md" is not a valid file pattern`}},
		{"empty glob", "always_review: ['']\n",
			[]string{`1: always_review: "" is not a valid file pattern`}},
		{"several range errors sorted by line", "thresholds:\n  min_match_words: 1\n  pointer_max_words: -3\n  public_domain_coverage: 7\n",
			[]string{`2: thresholds.min_match_words`, `3: thresholds.pointer_max_words`, `4: thresholds.public_domain_coverage`}},
		{"invalid UTF-8", "drafts: [a]\ncheck_name: \xff\n",
			[]string{`2: not valid UTF-8 text`}},
		{"too large", "# " + strings.Repeat("x", policy.MaxConfigBytes) + "\n",
			[]string{`0: the file is`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, errs := policy.ParseConfig(policy.ConfigPath, []byte(c.src))
			if cfg != nil {
				t.Errorf("config returned with errors: %+v", cfg)
			}
			var got []string
			for _, e := range errs {
				got = append(got, fmt.Sprintf("%d: %s", e.Line, e.Msg))
				if e.Path != policy.ConfigPath {
					t.Errorf("path %q", e.Path)
				}
				if lines := strings.Count(c.src, "\n") + 1; e.Line > lines {
					t.Errorf("line %d beyond the file's %d lines", e.Line, lines)
				}
				if e.Line > 0 && !strings.HasPrefix(e.Error(), fmt.Sprintf("%s:%d: ", policy.ConfigPath, e.Line)) {
					t.Errorf("Error() = %q does not name file:line", e.Error())
				}
				if f := e.Finding(); f.Rule != policy.RuleConfig || f.Severity != policy.Error || f.Line != e.Line || f.Path != e.Path {
					t.Errorf("Finding() = %v", f)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("errors:\n%s\nwant %d:\n%s", strings.Join(got, "\n"), len(c.want), strings.Join(c.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("error %d = %q\nwant prefix %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestConfigHostile: alias bombs and deep nesting are refused quickly.
func TestConfigHostile(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 13; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [", i, i)
		for j := range 9 {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "*a%d", i-1)
		}
		bomb.WriteString("]\n")
	}
	cases := []struct {
		name, src, want string
	}{
		{"billion laughs", bomb.String(), "too many YAML aliases"},
		{"aliases under known keys", knownKeyBomb(), ""},
		{"billion laughs under a known key", "lexicon:\n  view: &v [a, b]\n  guidance: [" + strings.TrimSuffix(strings.Repeat("*v, ", 500), ", ") + "]\n", "too many YAML aliases"},
		{"deep flow nesting", "drafts: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "nested more than 64 levels"},
		{"deep block nesting", deepBlock(200), "nested more than 64 levels"},
		{"huge flat list", "drafts: [" + strings.TrimSuffix(strings.Repeat("a, ", 120000), ", ") + "]\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			cfg, errs := policy.ParseConfig(policy.ConfigPath, []byte(c.src))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if cfg != nil || len(errs) == 0 {
				t.Fatalf("accepted")
			}
			if c.want != "" && !strings.Contains(errs[0].Msg, c.want) {
				t.Errorf("error %v, want %q", errs[0], c.want)
			}
		})
	}
}

// knownKeyBomb nests 99 aliases (9 per level), under keys the config knows.
func knownKeyBomb() string {
	var b strings.Builder
	b.WriteString("markings:\n  - &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "  - &a%d [", i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("lexicon:\n  view: *a11\nroles:\n  policy: *a11\n")
	return b.String()
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", i), i)
	}
	return b.String()
}

// TestConfigInRepo: a bad config stops LoadBase; no engine is made.
func TestConfigInRepo(t *testing.T) {
	base := policy.LoadBase(policy.MapTree{policy.ConfigPath: []byte("drafts: [a]\nthreshold:\n  x: 1\n")})
	if base.Config != nil || len(base.ConfigErrors) != 1 || base.ConfigErrors[0].Line != 2 || base.Engine(testNow) != nil {
		t.Errorf("%+v %v", base, base.ConfigErrors)
	}
	base = policy.LoadBase(policy.MapTree{})
	if base.Config == nil || len(base.ConfigErrors) != 0 || base.Engine(testNow) == nil {
		t.Errorf("no config: %+v", base)
	}
}

// TestConfigInternalDomainWildcard: a wildcard in internal_domains never
// matches, so it is an error on the entry's line that says what to write.
func TestConfigInternalDomainWildcard(t *testing.T) {
	cases := []struct {
		src  string
		want string
	}{
		{`internal_domains: ["*.example.gov.uk"]` + "\n",
			`1: internal_domains: "*.example.gov.uk" has a wildcard, which clearance does not understand, so it would never match: write the bare domain, example.gov.uk: its subdomains are included`},
		{"drafts: [posts/**/*.md]\ninternal_domains:\n  - intranet.example.gov.uk\n  - '*.corp.example.gov.uk'\n",
			`4: internal_domains: "*.corp.example.gov.uk" has a wildcard, which clearance does not understand, so it would never match: write the bare domain, corp.example.gov.uk: its subdomains are included`},
		{"internal_domains: ['intranet.*.gov.uk']\n",
			`1: internal_domains: "intranet.*.gov.uk" has a wildcard, which clearance does not understand, so it would never match: write the bare domain, such as example.gov.uk: its subdomains are included`},
		{"internal_domains:\n  - ok.example.gov.uk\n  - https://intranet.example.org\n",
			`3: internal_domains: "https://intranet.example.org" should be a bare host name`},
	}
	for _, c := range cases {
		cfg, errs := policy.ParseConfig(policy.ConfigPath, []byte(c.src))
		if cfg != nil || len(errs) != 1 {
			t.Errorf("%q: config %v, errors %v; want one error", c.src, cfg != nil, errs)
			continue
		}
		if got := fmt.Sprintf("%d: %s", errs[0].Line, errs[0].Msg); !strings.HasPrefix(got, c.want) {
			t.Errorf("%q:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	// A leading dot is no wildcard: it is read as the bare domain.
	if _, errs := policy.ParseConfig(policy.ConfigPath, []byte("internal_domains: [.example.gov.uk]\n")); len(errs) != 0 {
		t.Errorf("leading dot: %v", errs)
	}
	// validate (LoadBase) reports it too, so nothing is checked.
	base := policy.LoadBase(policy.MapTree{policy.ConfigPath: []byte(`internal_domains: ["*.example.gov.uk"]` + "\n")})
	if base.Engine(testNow) != nil || len(base.ConfigErrors) != 1 || base.ConfigErrors[0].Line != 1 {
		t.Errorf("LoadBase: %v", base.ConfigErrors)
	}
}
