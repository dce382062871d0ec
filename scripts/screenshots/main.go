// Command screenshots renders clearance's pull request comment and check,
// as GitHub shows them, for the situations of the demo, and takes a
// picture of each with headless Chromium: the pictures in docs/screenshots
// are how a comms officer sees the bot.
//
// The comments are the real ones: review.Decide on the example content
// repo (examples/content), with reviews given as plain values. They are
// rendered with goldmark and GitHub's Markdown extensions, and a style
// sheet modelled on GitHub's (written for this script). Run from the
// repository's root:
//
//	go run ./scripts/screenshots [-out docs/screenshots] [-chromium chromium] [-html-only]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/clearance-dev/clearance/internal/fstree"
	"github.com/clearance-dev/clearance/internal/policy"
	"github.com/clearance-dev/clearance/internal/review"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

const (
	repoURL  = "https://github.com/northbridge/content"
	head     = "c0ffee0000000000000000000000000000000001"
	gritting = "posts/2026-12-02-winter-gritting.md"
)

// situation is one pull request to picture.
type situation struct {
	name, title string
	height      int // of the window, in pixels
	snap        func() *review.Snapshot
	// expand opens the closed sections, as a reader who clicks them.
	expand bool
}

func main() {
	out := flag.String("out", "docs/screenshots", "where the pictures go")
	repo := flag.String("repo", "examples/content", "the content repo")
	chromium := flag.String("chromium", "chromium", "the Chromium binary")
	htmlOnly := flag.Bool("html-only", false, "write the HTML pages only, take no pictures")
	flag.Parse()
	if err := run(*repo, *out, *chromium, *htmlOnly); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(repo, out, chromium string, htmlOnly bool) error {
	files, err := fstree.ReadAll(repo)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "clearance-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := writePicture(filepath.Join(work, "gritter.png")); err != nil {
		return err
	}
	for _, sit := range situations(files) {
		s := sit.snap()
		d := review.Decide(s)
		if sit.expand {
			d.Comment = strings.ReplaceAll(d.Comment, "<details>", "<details open>")
		}
		page, err := render(sit.title, s.PR.Number, d, "file://"+filepath.Join(work, "gritter.png"))
		if err != nil {
			return fmt.Errorf("%s: %w", sit.name, err)
		}
		htmlPath := filepath.Join(work, sit.name+".html")
		if err := os.WriteFile(htmlPath, page, 0o644); err != nil {
			return err
		}
		if htmlOnly {
			if err := os.WriteFile(filepath.Join(out, sit.name+".html"), page, 0o644); err != nil {
				return err
			}
			continue
		}
		png := filepath.Join(out, sit.name+".png")
		if err := shoot(chromium, htmlPath, png, sit.height); err != nil {
			return fmt.Errorf("%s: %w", sit.name, err)
		}
		fmt.Println("wrote", png)
	}
	return nil
}

// shoot takes the picture with headless Chromium.
func shoot(chromium, htmlPath, pngPath string, height int) error {
	profile, err := os.MkdirTemp("", "chromium-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	abs, err := filepath.Abs(pngPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+profile, "--screenshot="+abs, fmt.Sprintf("--window-size=1100,%d", height), "file://"+htmlPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", chromium, err, stderr.String())
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("%s wrote no picture:\n%s", chromium, stderr.String())
	}
	return nil
}

// writePicture draws a stand-in for a photo: a lorry on a road at night.
func writePicture(path string) error {
	img := image.NewRGBA(image.Rect(0, 0, 400, 220))
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.Set(x, y, c)
			}
		}
	}
	fill(0, 0, 400, 220, color.RGBA{22, 34, 64, 255})        // night sky
	fill(0, 150, 400, 220, color.RGBA{70, 70, 76, 255})      // road
	fill(0, 182, 400, 188, color.RGBA{230, 230, 230, 255})   // line
	fill(90, 95, 260, 160, color.RGBA{240, 160, 30, 255})    // body
	fill(260, 115, 320, 160, color.RGBA{240, 190, 60, 255})  // cab
	fill(275, 122, 310, 138, color.RGBA{160, 200, 230, 255}) // window
	for _, x := range []int{120, 220, 290} {
		fill(x-14, 152, x+14, 176, color.RGBA{20, 20, 20, 255}) // wheels
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return png.Encode(f, img)
}

// changed is a draft the pull request adds.
func changed(path, content string) review.ChangedFile {
	return review.ChangedFile{Path: path, Status: "added", SHA: review.GitBlobSHA([]byte(content)), Content: []byte(content), Commit: head}
}

func pick(files map[string]string, paths ...string) []review.ChangedFile {
	var out []review.ChangedFile
	for _, p := range paths {
		c, ok := files[p]
		if !ok {
			panic("examples/content has no " + p)
		}
		out = append(out, changed(p, c))
	}
	return out
}

func approval(user string, at int) review.Review {
	return review.Review{ID: int64(at), User: user, State: "APPROVED", CommitID: head, SubmittedAt: now.Add(time.Duration(at) * time.Minute)}
}

func situations(files map[string]string) []situation {
	baseTree := policy.MapTree{}
	for p, c := range files {
		if strings.HasPrefix(p, ".github/") || strings.HasPrefix(p, "published/") {
			baseTree[p] = []byte(c)
		}
	}
	snap := func(number int, fs ...review.ChangedFile) *review.Snapshot {
		return &review.Snapshot{
			Repo: review.Repo{Owner: "northbridge", Name: "content"},
			PR: review.PullRequest{Number: number, Author: "dana", State: "open", HeadSHA: head, BaseRef: "main", DefaultBranch: "main",
				HTMLURL: fmt.Sprintf("%s/pull/%d", repoURL, number), ChangedFiles: len(fs)},
			Base:    policy.LoadBase(baseTree),
			Files:   fs,
			Members: map[string]map[string]bool{"northbridge/policy-team": {"alice": true}, "northbridge/comms-team": {"carol": true}},
			Now:     now,
		}
	}
	several := []string{gritting, "posts/2026-12-05-wend-crossing.md", "posts/2026-12-04-recycling-week.md",
		"replies/forum/2026-11-27-bin-collections.md", "posts/2026-11-30-flood-defences-open.md", "posts/2026-12-01-library-hours-link.md"}
	image := "---\nchannel: x\nauthor: Northbridge City Council\npublish_at: 2026-12-02T18:00:00Z\n---\nOur gritters are out on the main roads tonight: https://www.northbridge.gov.uk/roads/gritting\n\n![A gritting lorry on a main road at night](gritter.png)\n"
	edited := strings.Replace(files[gritting], "if you can.", "if you can, and check on elderly neighbours.", 1)
	return []situation{
		{name: "new-content", title: "Winter posts for the first week of December", height: 2400, snap: func() *review.Snapshot {
			s := snap(12, pick(files, several...)...)
			s.Reviews = []review.Review{approval("alice", 1)}
			return s
		}},
		{name: "free", title: "Flood defences and library hours", height: 1500, snap: func() *review.Snapshot {
			return snap(1, pick(files, "posts/2026-11-30-flood-defences-open.md", "posts/2026-12-01-library-hours-link.md")...)
		}},
		{name: "free-opened", title: "Flood defences and library hours", height: 1700, expand: true, snap: func() *review.Snapshot {
			return snap(1, pick(files, "posts/2026-11-30-flood-defences-open.md", "posts/2026-12-01-library-hours-link.md")...)
		}},
		{name: "waiting", title: "Winter gritting advice", height: 1300, snap: func() *review.Snapshot { return snap(2, pick(files, gritting)...) }},
		{name: "changes-requested", title: "Winter gritting advice", height: 1400, snap: func() *review.Snapshot {
			s := snap(2, pick(files, gritting)...)
			s.Reviews = []review.Review{approval("alice", 1), {ID: 2, User: "carol", State: "CHANGES_REQUESTED", CommitID: head, SubmittedAt: now.Add(2 * time.Minute),
				Body: "Please say which main roads are gritted, or link to the gritting map, so people can plan.", Paths: []string{gritting}}}
			return s
		}},
		{name: "approved", title: "Winter gritting advice", height: 1000, snap: func() *review.Snapshot {
			s := snap(2, pick(files, gritting)...)
			s.Reviews = []review.Review{approval("alice", 1), approval("carol", 2)}
			return s
		}},
		{name: "stale", title: "Winter gritting advice", height: 1450, snap: func() *review.Snapshot {
			s := snap(2, changed(gritting, edited))
			old := map[string]string{gritting: review.GitBlobSHA([]byte(files[gritting]))}
			s.Reviews = []review.Review{
				{ID: 1, User: "alice", State: "APPROVED", CommitID: "0ld", SubmittedAt: now, FileSHAs: old},
				{ID: 2, User: "carol", State: "APPROVED", CommitID: "0ld", SubmittedAt: now, FileSHAs: old},
			}
			s.Earlier = map[string][]byte{old[gritting]: []byte(files[gritting])}
			return s
		}},
		{name: "errors", title: "Housing and consultation replies", height: 1900, snap: func() *review.Snapshot {
			return snap(3, pick(files, "posts/2026-12-03-consultation.md", "replies/housing/2026-11-28-damp-and-mould.md")...)
		}},
		{name: "config-error", title: "Winter gritting advice", height: 700, snap: func() *review.Snapshot {
			s := snap(2, pick(files, gritting)...)
			s.Base = policy.LoadBase(policy.MapTree{".github/clearance.yml": []byte("roles: [policy\n")})
			return s
		}},
		{name: "could-not-evaluate", title: "Winter gritting advice", height: 700, snap: func() *review.Snapshot {
			s := snap(2, pick(files, gritting)...)
			s.Err = fmt.Errorf("listing reviews: GET https://api.github.com/repos/northbridge/content/pulls/2/reviews: 502 Bad Gateway")
			return s
		}},
		{name: "draft-pull-request", title: "Winter gritting advice (draft)", height: 1300, snap: func() *review.Snapshot {
			s := snap(2, pick(files, gritting)...)
			s.PR.Draft = true
			return s
		}},
		{name: "image-post", title: "Gritters out tonight", height: 1500, snap: func() *review.Snapshot {
			return snap(4, changed("posts/2026-12-02-gritters-tonight.md", image))
		}},
		{name: "reply", title: "Reply about missed bins", height: 1300, snap: func() *review.Snapshot {
			return snap(5, pick(files, "replies/forum/2026-11-27-bin-collections.md")...)
		}},
	}
}

var md = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))

// render is a page showing the comment, then the check, as GitHub would.
func render(title string, number int, d *review.Decision, picture string) ([]byte, error) {
	body := strings.ReplaceAll(d.Comment, repoURL+"/blob/"+head+"/posts/gritter.png?raw=true", picture)
	var comment, summary, text bytes.Buffer
	if err := md.Convert([]byte(body), &comment); err != nil {
		return nil, err
	}
	if err := md.Convert([]byte(d.Check.Summary), &summary); err != nil {
		return nil, err
	}
	if err := md.Convert([]byte(d.Check.Text), &text); err != nil {
		return nil, err
	}
	mark := "✗"
	if d.Check.Conclusion == review.ConclusionSuccess {
		mark = "✓"
	}
	var out bytes.Buffer
	err := page.Execute(&out, map[string]any{
		"Title": title, "Number": number, "Comment": template.HTML(comment.String()),
		"CheckName": d.Check.Name, "Conclusion": d.Check.Conclusion, "Mark": mark, "CheckTitle": d.Check.Title,
		"Summary": template.HTML(summary.String()), "Text": template.HTML(text.String()),
	})
	return out.Bytes(), err
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title><style>
body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.wrap { max-width: 1012px; margin: 16px auto; padding: 0 16px; }
h1.pr { font-size: 26px; font-weight: 400; margin: 0 0 16px; }
h1.pr span { color: #59636e; }
.box { border: 1px solid #d1d9e0; border-radius: 6px; margin-bottom: 16px; }
.box > header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; border-radius: 6px 6px 0 0; color: #59636e; }
.box > header b { color: #1f2328; }
.md { padding: 16px; }
.md h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 0 0 16px; font-weight: 600; }
.md h3 { font-size: 1.25em; margin: 24px 0 16px; font-weight: 600; }
.md p, .md blockquote, .md ul, .md ol, .md table, .md details { margin: 0 0 16px; }
.md blockquote { padding: 0 1em; color: #1f2328; border-left: .25em solid #d1d9e0; }
.md table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
.md th, .md td { padding: 6px 13px; border: 1px solid #d1d9e0; vertical-align: top; }
.md th { font-weight: 600; }
.md tr:nth-child(2n) { background: #f6f8fa; }
.md code { padding: .2em .4em; font-size: 85%; background: #eff1f3; border-radius: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.md pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; }
.md pre code { background: none; padding: 0; }
.md a { color: #0969da; text-decoration: none; }
.md sub { font-size: 85%; color: #59636e; vertical-align: baseline; }
.md details { border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px 16px 0; }
.md details summary { cursor: pointer; margin: 0 -16px 0; padding: 0 16px 8px; }
.md details[open] summary { border-bottom: 1px solid #d1d9e0; margin-bottom: 16px; }
.md img { max-width: 100%; }
.md ul { padding-left: 2em; }
.check header .mark { font-weight: 700; }
.check header .mark.fail { color: #d1242f; }
.check header .mark.ok { color: #1a7f37; }
</style></head><body><div class="wrap">
<h1 class="pr">{{.Title}} <span>#{{.Number}}</span></h1>
<div class="box"><header><b>clearance</b> <span>bot</span> commented</header><div class="md">{{.Comment}}</div></div>
<div class="box check"><header><span class="mark {{if eq .Mark "✓"}}ok{{else}}fail{{end}}">{{.Mark}}</span> <b>{{.CheckName}}</b> — {{.Conclusion}}: {{.CheckTitle}}</header><div class="md">{{.Summary}}{{.Text}}</div></div>
</div></body></html>
`))
