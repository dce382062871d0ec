package policy

// LengthRule says how a channel counts the length of a post and how long it
// may be. The zero value means "no limit".
type LengthRule struct {
	// Method is "twitter" (twitter-text v3 weighted length), "graphemes"
	// (user-perceived characters) or "characters" (Unicode code points).
	Method string `yaml:"method" json:"method"`
	// Max is the most the channel allows, in the method's units; 0 = no limit.
	Max int `yaml:"max" json:"max"`
	// URLLength, when above 0, is what every http(s) URL counts as, whatever
	// its real length (X and Mastodon count 23). Ignored by "twitter", which
	// always counts URLs as 23.
	URLLength int `yaml:"url_length" json:"url_length,omitempty"`
	// MaxBytes, when above 0, also limits the UTF-8 size (Bluesky: 3000).
	MaxBytes int `yaml:"max_bytes" json:"max_bytes,omitempty"`
	// MaxLinks, when above 0, limits the number of links (Threads: 5).
	MaxLinks int `yaml:"max_links" json:"max_links,omitempty"`
}

// CountLength counts text the way rule.Method says. Placeholder: replaced
// by the real implementation.
func CountLength(text string, rule LengthRule) int {
	return len([]rune(text))
}
