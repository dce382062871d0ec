package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/clearance-dev/clearance/internal/channel"
	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// compile checks the schema against the draft-07 meta-schema (bundled with
// the library: no network) and compiles it.
func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.ConfigJSON))
	if err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schema.ConfigID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schema.ConfigID)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

// yamlToJSON reads YAML into the values encoding/json would give, which
// is what the validator expects.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("YAML: %v", err)
	}
	if v == nil {
		v = map[string]any{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("YAML to JSON: %v", err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchemaIDAndMetaSchema(t *testing.T) {
	compile(t)
	var doc struct {
		ID     string `json:"$id"`
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(schema.ConfigJSON, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ID != schema.ConfigID {
		t.Errorf("$id is %q, ConfigID %q", doc.ID, schema.ConfigID)
	}
	if !strings.Contains(doc.Schema, "draft-07") {
		t.Errorf("$schema is %q; keep draft-07, which editors' YAML support understands", doc.Schema)
	}
}

// field is one leaf key of the config with its JSON type.
type field map[string]string // dotted path ("channels.*.max") -> JSON type

// structFields walks policy.Config by its yaml tags. A map with free keys
// is "*"; labels (keyed by scenario) lists the scenarios.
func structFields() field {
	out := field{}
	var walk func(prefix string, t reflect.Type)
	jsonType := func(t reflect.Type) string {
		if t.Kind() == reflect.Pointer { // optional, with a default when absent
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.String:
			return "string"
		case reflect.Int, reflect.Int64:
			return "integer"
		case reflect.Float64:
			return "number"
		case reflect.Bool:
			return "boolean"
		case reflect.Slice:
			if t.Elem().Kind() == reflect.String {
				return "array of string"
			}
		}
		return "unknown " + t.String()
	}
	walk = func(prefix string, t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			key := prefix + tag
			ft := f.Type
			switch {
			case ft.Kind() == reflect.Struct:
				walk(key+".", ft)
			case ft.Kind() == reflect.Map && ft.Key() == reflect.TypeOf(policy.Scenario("")):
				for _, s := range []policy.Scenario{policy.PublicDomain, policy.Pointer, policy.NewContent} {
					out[key+"."+string(s)] = jsonType(ft.Elem())
				}
			case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
				walk(key+".*.", ft.Elem())
			case ft.Kind() == reflect.Map:
				out[key+".*"] = jsonType(ft.Elem())
			default:
				out[key] = jsonType(ft)
			}
		}
	}
	walk("", reflect.TypeOf(policy.Config{}))
	return out
}

// schemaFields walks the schema's properties the same way.
func schemaFields(t *testing.T) (field, map[string]bool) {
	var root map[string]any
	if err := json.Unmarshal(schema.ConfigJSON, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["definitions"].(map[string]any)
	resolve := func(n map[string]any) map[string]any {
		for {
			ref, ok := n["$ref"].(string)
			if !ok {
				return n
			}
			name, ok := strings.CutPrefix(ref, "#/definitions/")
			if !ok {
				t.Fatalf("unexpected $ref %q", ref)
			}
			def, ok := defs[name].(map[string]any)
			if !ok {
				t.Fatalf("$ref %q names no definition", ref)
			}
			n = def
		}
	}
	out := field{}
	named := map[string]bool{} // channels named in the schema
	var walk func(prefix string, n map[string]any)
	walk = func(prefix string, n map[string]any) {
		n = resolve(n)
		typ, _ := n["type"].(string)
		switch typ {
		case "object":
			props, _ := n["properties"].(map[string]any)
			if ap, ok := n["additionalProperties"].(map[string]any); ok {
				walk(prefix+"*.", ap)
				for name := range props { // named examples of the same shape
					if prefix == "channels." {
						named[name] = true
					}
				}
				if prefix == "channels." {
					return
				}
			} else if n["additionalProperties"] != false {
				t.Errorf("%s: an object must say additionalProperties (false, or a schema), so unknown keys are caught", strings.TrimSuffix(prefix, "."))
			}
			for name, p := range props {
				walk(prefix+name+".", p.(map[string]any))
			}
		case "array":
			items := resolve(n["items"].(map[string]any))
			out[strings.TrimSuffix(prefix, ".")] = "array of " + items["type"].(string)
		case "":
			if _, ok := n["enum"]; ok {
				out[strings.TrimSuffix(prefix, ".")] = "string"
				return
			}
			t.Errorf("%s: no type", prefix)
		default:
			out[strings.TrimSuffix(prefix, ".")] = typ
		}
	}
	walk("", root)
	return out, named
}

// TestSchemaAgreesWithConfigStruct: every key of the config struct is in
// the schema with the same type, and the schema has no key the struct
// lacks.
func TestSchemaAgreesWithConfigStruct(t *testing.T) {
	want := structFields()
	got, named := schemaFields(t)
	if len(want) < 15 {
		t.Fatalf("found only %d keys in policy.Config: %v", len(want), want)
	}
	for _, k := range sortedKeys(want) {
		if got[k] == "" {
			t.Errorf("policy.Config has %s (%s); the schema does not", k, want[k])
		} else if got[k] != want[k] {
			t.Errorf("%s: the schema says %s, policy.Config %s", k, got[k], want[k])
		}
	}
	for _, k := range sortedKeys(got) {
		if want[k] == "" {
			t.Errorf("the schema has %s; policy.Config does not", k)
		}
	}
	// The channels named for completion are the built-in ones.
	for name := range channel.DefaultLengthRules() {
		if !named[name] {
			t.Errorf("the schema does not name the built-in channel %q", name)
		}
	}
	for name := range named {
		if _, ok := channel.DefaultLengthRules()[name]; !ok {
			t.Errorf("the schema names channel %q, which is not built in", name)
		}
	}
}

// TestExamplesValidate: the example config and the one in the README are
// valid for both the schema and ParseConfig.
func TestExamplesValidate(t *testing.T) {
	sch := compile(t)
	examples := map[string][]byte{}
	b, err := os.ReadFile("../examples/content/.github/clearance.yml")
	if err != nil {
		t.Fatal(err)
	}
	examples["examples/content/.github/clearance.yml"] = b
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// The README's config block: the yaml block that follows "**Config**".
	m := regexp.MustCompile("(?s)\\*\\*Config\\*\\*.*?```yaml\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```yaml block after **Config**")
	}
	examples["README.md"] = m[1]
	for name, data := range examples {
		if _, errs := policy.ParseConfig(policy.ConfigPath, data); len(errs) > 0 {
			t.Errorf("%s: ParseConfig: %v", name, errs)
		}
		if err := sch.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s: the schema rejects it: %v", name, err)
		}
	}
}

// TestSchemaAndParserAgree: configs both accept and configs both reject.
func TestSchemaAndParserAgree(t *testing.T) {
	sch := compile(t)
	for _, c := range []struct {
		name, yaml string
		valid      bool
	}{
		{"empty", "", true},
		{"every key", `
drafts: [posts/**/*.md]
register: [published/**/*.md]
roles: {policy: ["@org/policy"], comms: ["@org/comms", "@carol", "press@example.org"]}
required_roles: [policy, comms]
always_review: [statements/**]
thresholds: {public_domain_coverage: 0.75, pointer_max_words: 0, min_match_words: 8}
channels:
  mastodon: {max: 1000}
  intranet-forum: {method: characters, max: 2000, url_length: 20, max_bytes: 9000, max_links: 3}
internal_domains: [intranet.example.org]
labels: {new-content: "needs clearance", pointer: link, public-domain: public}
lexicon: {view: [game-changing], guidance: [you ought to], ignore: [always]}
markings: [PROTECT]
check_name: clearance
`, true},
		{"min_match_words 0 keeps the default", "thresholds: {min_match_words: 0}", true},
		{"unknown key", "draft: [posts/**]", false},
		{"unknown nested key", "thresholds: {coverage: 0.5}", false},
		{"unknown channel key", "channels: {x: {limit: 10}}", false},
		{"drafts not a list", "drafts: posts/**/*.md", false},
		{"coverage above 1", "thresholds: {public_domain_coverage: 1.5}", false},
		{"pointer words negative", "thresholds: {pointer_max_words: -1}", false},
		{"pointer words not whole", "thresholds: {pointer_max_words: 2.5}", false},
		{"min match words 2", "thresholds: {min_match_words: 2}", false},
		{"min match words 51", "thresholds: {min_match_words: 51}", false},
		{"unknown method", "channels: {x: {method: morse}}", false},
		{"negative max", "channels: {x: {max: -5}}", false},
		{"label for no scenario", "labels: {opinion: views}", false},
		{"internal domain is a URL", "internal_domains: [https://intranet.example.org/]", false},
		{"owner with a space", `roles: {policy: ["@org/policy team"]}`, false},
		{"roles not lists", `roles: {policy: "@org/policy"}`, false},
		{"check name a list", "check_name: [a]", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, errs := policy.ParseConfig(policy.ConfigPath, []byte(c.yaml))
			parserOK := len(errs) == 0
			schemaErr := sch.Validate(yamlToJSON(t, []byte(c.yaml)))
			if parserOK != c.valid {
				t.Errorf("ParseConfig valid = %v, want %v (%v)", parserOK, c.valid, errs)
			}
			if (schemaErr == nil) != c.valid {
				t.Errorf("schema valid = %v, want %v (%v)", schemaErr == nil, c.valid, schemaErr)
			}
		})
	}
}

func sortedKeys(m field) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
