package review

import "github.com/clearance-dev/clearance/internal/policy"

// factDiff shows a changed fact as a word diff, the published words struck
// through and the post's in bold ("~~£45 million~~ **£54 million**"), so
// that a reviewer sees the change before reading the message; "" for other
// findings.
func factDiff(f policy.Finding) string {
	if f.Published == "" && f.Posted == "" {
		return ""
	}
	diff := ""
	if f.Published != "" {
		diff = "~~" + escapeMD(f.Published, false) + "~~"
	}
	if f.Posted != "" {
		if diff != "" {
			diff += " "
		}
		diff += "**" + escapeMD(f.Posted, false) + "**"
	}
	return " (published → posted: " + diff + ")"
}
