package policy

import (
	"strings"
)

// Emoji of judgement. An emoji is not a word, so the lexicon never sees it,
// yet "😡" or "🙄" after a published sentence says what the organisation
// thinks of it as plainly as "disgraceful" would. The ones below mock,
// scorn, condemn or applaud; a draft that uses one states a view (praise is
// a view too: "👏👏👏" after a minister's announcement cheers it). Warm or
// festive emoji (💙, 🎉, 🎄) and pictures of things (🚌, 📅) are not
// judgements. The line is debatable (see docs/accuracy.md).
var judgementEmoji = map[rune]string{
	'😡': "anger", '🤬': "anger", '😠': "anger", '😤': "anger", '👿': "anger",
	'👎': "disapproval", '😒': "disapproval", '😑': "disapproval", '🤨': "doubt",
	'🙄': "scorn", '😏': "scorn", '🙃': "sarcasm", '🤡': "mockery", '💩': "scorn", '🖕': "insult",
	'🤮': "disgust", '🤢': "disgust",
	'😂': "laughter at it", '🤣': "laughter at it",
	'🤦': "exasperation", '🤷': "dismissal",
	'👏': "applause", '🙌': "applause", '👍': "approval", '👌': "approval", '💯': "approval",
}

// judgements lists the emoji of judgement in the posted text, each once,
// with what it expresses.
func judgements(plain string) []string {
	var out []string
	seen := map[rune]bool{}
	for _, r := range plain {
		if what, ok := judgementEmoji[r]; ok && !seen[r] {
			seen[r] = true
			out = append(out, string(r)+" ("+what+")")
		}
	}
	return out
}

// explainJudgements gives the reason for a draft whose emoji state a view.
func (ev *evaluation) explainJudgements(em []string) {
	ev.reason("It expresses a view with %s: %s. An emoji can mock or condemn as plainly as words.",
		map[bool]string{true: "an emoji", false: "emoji"}[len(em) == 1], strings.Join(em, ", "))
	ev.reason("Views and guidance must be checked by policy and communications officials before they are posted.")
}
