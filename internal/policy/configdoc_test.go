package policy

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestConfigDocCoversEveryKey keeps docs/configuration.md in step with the
// Config struct: every yaml key (nested ones as parent.key) must appear.
func TestConfigDocCoversEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			key := prefix + tag
			switch {
			case f.Type.Kind() == reflect.Struct:
				walk(key+".", f.Type)
			case f.Type.Kind() == reflect.Map && f.Type.Elem().Kind() == reflect.Struct:
				walk(key+".<name>.", f.Type.Elem())
			default:
				keys = append(keys, key)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	if len(keys) < 10 {
		t.Fatalf("found only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		if k == "labels" {
			k = "labels.<scenario>"
		}
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/configuration.md does not describe `%s`", k)
		}
	}
}
