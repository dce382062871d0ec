// Package schema holds the JSON Schema of .github/clearance.yml, for
// editors (completion and validation as you type) and for tools.
//
// The schema describes the file's shape; policy.ParseConfig remains the
// judge (it also checks what a schema cannot, such as required_roles
// naming roles defined under roles). A test keeps the two in step.
package schema

import _ "embed"

// ConfigJSON is schema/clearance.schema.json.
//
//go:embed clearance.schema.json
var ConfigJSON []byte

// ConfigID is the schema's $id: the URL editors load it from.
const ConfigID = "https://raw.githubusercontent.com/clearance-dev/clearance/main/schema/clearance.schema.json"
