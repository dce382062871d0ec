package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/clearance-dev/clearance/internal/metrics"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"github.com/clearance-dev/clearance/internal/review"
	"github.com/google/go-github/v60/github"
)

// RecheckCommand is the comment that asks for a fresh evaluation.
const RecheckCommand = "/clearance recheck"

// Sign computes the X-Hub-Signature-256 of a body, as GitHub does.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// validSignature checks X-Hub-Signature-256 in constant time.
func validSignature(header string, body, secret []byte) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// reply writes a short plain-text answer.
func reply(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// handleWebhook is POST /webhook. Nothing is parsed, queued or called
// before the signature is verified.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	s.stats.received.Add(1)
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(w, http.StatusMethodNotAllowed, "POST webhooks here")
		return
	}
	if s.draining.Load() {
		reply(w, http.StatusServiceUnavailable, "shutting down; deliver again later")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeRejected)
			s.log.Warn("webhook rejected: body too large", "limit_bytes", s.cfg.MaxBodyBytes, "remote", r.RemoteAddr)
			reply(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.cfg.MaxBodyBytes))
			return
		}
		reply(w, http.StatusBadRequest, "could not read the body")
		return
	}
	if sig := r.Header.Get(github.SHA256SignatureHeader); !validSignature(sig, body, s.cfg.WebhookSecret) &&
		(len(s.cfg.WebhookSecretPrevious) == 0 || !validSignature(sig, body, s.cfg.WebhookSecretPrevious)) {
		s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeRejected)
		s.log.Warn("webhook rejected: missing or wrong signature", "remote", r.RemoteAddr,
			"event", clip(github.WebHookType(r)), "delivery", clip(github.DeliveryID(r)))
		reply(w, http.StatusUnauthorized, "missing or wrong X-Hub-Signature-256")
		return
	}
	event, delivery := github.WebHookType(r), github.DeliveryID(r)
	if event == "" || delivery == "" {
		s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeRejected)
		reply(w, http.StatusBadRequest, "missing X-GitHub-Event or X-GitHub-Delivery")
		return
	}
	log := s.log.With("delivery", clip(delivery), "event", clip(event))
	payload, err := formPayload(r.Header.Get("Content-Type"), body)
	if err != nil {
		s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeRejected)
		log.Warn("webhook rejected: unreadable form payload", "error", err.Error())
		reply(w, http.StatusBadRequest, err.Error())
		return
	}
	if !s.deliveries.reserve(delivery) {
		s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeDuplicate)
		log.Info("webhook ignored: delivery already received")
		reply(w, http.StatusOK, "delivery already received")
		return
	}
	defer func() {
		// A payload that trips a bug: answer 500 so the delivery shows
		// as failed, and let a redelivery be tried again.
		if p := recover(); p != nil {
			s.deliveries.release(delivery)
			s.webhookOutcome(r.Header.Get("X-GitHub-Event"), metrics.OutcomeRejected)
			log.Error("webhook handling panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			reply(w, http.StatusInternalServerError, "internal error")
		}
	}()
	status, msg := s.dispatch(r.Context(), log, event, delivery, payload)
	if status == http.StatusServiceUnavailable {
		// Not taken: let a redelivery with the same id be processed.
		s.deliveries.release(delivery)
	}
	reply(w, status, msg)
}

// formPayload returns the JSON payload of a webhook body, which GitHub
// sends either as JSON or as a form with a "payload" field.
func formPayload(contentType string, body []byte) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/x-www-form-urlencoded" {
		return body, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("bad form body: %v", err)
	}
	return []byte(form.Get("payload")), nil
}

// clip bounds a header value before it is logged.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// handledEvents are the events that may cause work.
var handledEvents = map[string]bool{
	"pull_request": true, "pull_request_review": true, "issue_comment": true, "check_run": true,
	"check_suite": true, "push": true, "installation": true, "installation_repositories": true,
	"membership": true, "organization": true,
}

// routed is what an event asks for.
type routed struct {
	inst   int64
	repo   review.Repo
	number int
	sender string
	jobs   []job
	// ignore, when set, says why the event causes no work.
	ignore string
	// forget says the App lost access to the installation.
	forget bool
	// forgetMember is a login whose team memberships changed: what the
	// reviewer's cache holds of them is dropped.
	forgetMember string
}

// dispatch routes a verified event to jobs and queues them. It returns
// the status and message to answer with.
func (s *Server) dispatch(ctx context.Context, log *slog.Logger, event, delivery string, payload []byte) (int, string) {
	if event == "ping" {
		log.Info("ping")
		return http.StatusOK, "pong"
	}
	if !handledEvents[event] {
		s.webhookOutcome(event, metrics.OutcomeIgnored)
		log.Debug("webhook ignored: event not handled")
		return http.StatusOK, "ignored: clearance does not act on " + event + " events"
	}
	parsed, err := github.ParseWebHook(event, payload)
	if err != nil {
		s.webhookOutcome(event, metrics.OutcomeRejected)
		log.Warn("webhook rejected: invalid payload", "error", err.Error())
		return http.StatusBadRequest, "invalid " + event + " payload"
	}
	rt := route(event, parsed)
	log = log.With(rt.logAttrs()...)
	// The bot's own events (its review, its comment) need no work. Until
	// its login is known they are evaluated: harmless, as an evaluation
	// writes only what differs.
	if bot := s.knownBot(); rt.ignore == "" && bot != "" && strings.EqualFold(rt.sender, bot) {
		rt.ignore = "sent by clearance itself"
	}
	if rt.forget {
		// Uninstalled or suspended: the cached token must not be used
		// again, so later events for it find that out and run nothing.
		s.forget(rt.inst)
	}
	if rt.forgetMember != "" {
		s.reviewer.ForgetMember(rt.forgetMember)
	}
	if rt.ignore == "" && rt.inst == 0 {
		rt.ignore = "the event names no installation"
	}
	if rt.ignore != "" {
		s.webhookOutcome(event, metrics.OutcomeIgnored)
		log.Info("webhook ignored", "reason", rt.ignore)
		return http.StatusOK, "ignored: " + rt.ignore
	}
	// An installation the App can no longer get a token for (uninstalled,
	// suspended): nothing can run. Other failures to get a token are left
	// to the job, which logs them.
	ictx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = s.clients.Installation(ictx, rt.inst)
	cancel()
	if errors.Is(err, ErrNoInstallation) {
		s.webhookOutcome(event, metrics.OutcomeIgnored)
		log.Warn("webhook ignored: no access to the installation", "error", err.Error())
		return http.StatusOK, "ignored: clearance has no access to installation " + fmt.Sprint(rt.inst)
	}
	var results []string
	for _, j := range rt.jobs {
		j.deliveries, j.events = []string{delivery}, []string{event}
		res, err := s.q.push(j)
		if err != nil {
			s.webhookOutcome(event, metrics.OutcomeQueueFull)
			// GitHub does not redeliver by itself: the next reconcile
			// evaluates every open pull request.
			s.missed.Store(true)
			log.Error("webhook not taken", "error", err.Error(), "job", j.key)
			return http.StatusServiceUnavailable, "not taken: " + err.Error() + "; deliver again later"
		}
		results = append(results, j.kind.String()+" "+res.String())
	}
	s.webhookOutcome(event, metrics.OutcomeAccepted)
	log.Info("webhook accepted", "work", results)
	return http.StatusAccepted, "accepted: " + strings.Join(results, ", ")
}

func (rt routed) logAttrs() []any {
	var a []any
	if rt.inst != 0 {
		a = append(a, "installation", rt.inst)
	}
	if rt.repo.Owner != "" {
		a = append(a, "repo", rt.repo.String())
	}
	if rt.number != 0 {
		a = append(a, "pr", rt.number)
	}
	if rt.sender != "" {
		a = append(a, "sender", rt.sender)
	}
	return a
}

func repoOf(r interface {
	GetOwner() *github.User
	GetName() string
}) review.Repo {
	return review.Repo{Owner: r.GetOwner().GetLogin(), Name: r.GetName()}
}

// route works out what a parsed event asks for. It is pure.
func route(event string, parsed any) routed {
	var rt routed
	switch ev := parsed.(type) {
	case *github.PullRequestEvent:
		rt.inst, rt.repo, rt.number, rt.sender = ev.GetInstallation().GetID(), repoOf(ev.GetRepo()), ev.GetPullRequest().GetNumber(), ev.GetSender().GetLogin()
		if rt.number == 0 {
			rt.number = ev.GetNumber()
		}
		switch a := ev.GetAction(); {
		case a == "opened" || a == "synchronize" || a == "reopened" || a == "ready_for_review":
		case a == "edited" && ev.GetChanges().GetBase() != nil:
		case a == "":
			rt.ignore = "the pull_request payload names no action (is X-GitHub-Event right?)"
			return rt
		default:
			rt.ignore = "pull_request " + a + " does not change the review"
			return rt
		}
		rt.jobs = []job{evaluateJob(rt.inst, rt.repo, rt.number)}
	case *github.PullRequestReviewEvent:
		rt.inst, rt.repo, rt.number, rt.sender = ev.GetInstallation().GetID(), repoOf(ev.GetRepo()), ev.GetPullRequest().GetNumber(), ev.GetSender().GetLogin()
		switch a := ev.GetAction(); a {
		case "submitted", "edited", "dismissed":
		default:
			rt.ignore = "pull_request_review " + a + " does not change the review"
			return rt
		}
		rt.jobs = []job{evaluateJob(rt.inst, rt.repo, rt.number)}
	case *github.IssueCommentEvent:
		rt.inst, rt.repo, rt.number, rt.sender = ev.GetInstallation().GetID(), repoOf(ev.GetRepo()), ev.GetIssue().GetNumber(), ev.GetSender().GetLogin()
		switch {
		case ev.GetAction() != "created":
			rt.ignore = "only new comments count"
		case !ev.GetIssue().IsPullRequest():
			rt.ignore = "a comment on an issue, not a pull request"
		case !isRecheck(ev.GetComment().GetBody()):
			rt.ignore = "not a " + RecheckCommand + " comment"
		default:
			user := ev.GetComment().GetUser().GetLogin()
			if user == "" {
				user = rt.sender
			}
			if user == "" {
				rt.ignore = "the comment names no author"
				return rt
			}
			rt.jobs = []job{recheckJob(rt.inst, rt.repo, rt.number, user, ev.GetComment().GetID())}
		}
	case *github.CheckRunEvent:
		rt.inst, rt.repo, rt.sender = ev.GetInstallation().GetID(), repoOf(ev.GetRepo()), ev.GetSender().GetLogin()
		if ev.GetAction() != "rerequested" {
			rt.ignore = "check_run " + ev.GetAction() + " does not change the review"
			return rt
		}
		var prs []*github.PullRequest
		if cr := ev.GetCheckRun(); cr != nil {
			prs = cr.PullRequests
		}
		rt.jobs = prJobs(rt, prs)
		if len(rt.jobs) == 0 {
			rt.ignore = "the check run belongs to no open pull request of this repository"
		}
	case *github.CheckSuiteEvent:
		rt.inst, rt.repo, rt.sender = ev.GetInstallation().GetID(), repoOf(ev.GetRepo()), ev.GetSender().GetLogin()
		if a := ev.GetAction(); a != "requested" && a != "rerequested" {
			rt.ignore = "check_suite " + a + " does not change the review"
			return rt
		}
		var prs []*github.PullRequest
		if cs := ev.GetCheckSuite(); cs != nil {
			prs = cs.PullRequests
		}
		rt.jobs = prJobs(rt, prs)
		if len(rt.jobs) == 0 {
			rt.ignore = "the check suite belongs to no open pull request of this repository"
		}
	case *github.PushEvent:
		pr := ev.GetRepo()
		rt.inst, rt.repo, rt.sender = ev.GetInstallation().GetID(), review.Repo{Owner: pr.GetOwner().GetLogin(), Name: pr.GetName()}, ev.GetSender().GetLogin()
		if rt.repo.Owner == "" {
			rt.repo.Owner = pr.GetOwner().GetName() // older payloads
		}
		// A push to any branch may change what its open pull requests
		// are evaluated against (the config, CODEOWNERS, the register of
		// a release branch too): they are evaluated again.
		branch, isBranch := strings.CutPrefix(ev.GetRef(), "refs/heads/")
		switch {
		case !isBranch:
			rt.ignore = "a push to a tag, not a branch"
		case ev.GetDeleted():
			rt.ignore = "the branch was deleted"
		case !pushTouchesReview(ev):
			rt.ignore = "the push changes no config, CODEOWNERS or Markdown file"
		default:
			rt.jobs = []job{sweepJob(rt.inst, rt.repo, branch)}
		}
	case *github.InstallationEvent:
		rt.inst, rt.sender = ev.GetInstallation().GetID(), ev.GetSender().GetLogin()
		switch ev.GetAction() {
		case "created", "unsuspend", "new_permissions_accepted":
			rt.jobs = []job{installationJob(rt.inst)}
		case "deleted", "suspend":
			rt.forget = true
			rt.ignore = "installation " + ev.GetAction() + ": nothing to evaluate"
		default:
			rt.ignore = "installation " + ev.GetAction() + " needs no evaluation"
		}
	case *github.MembershipEvent:
		// Someone joined or left a team: approvals counted through it may
		// count no more (or now count). Every open pull request of the
		// installation is evaluated again, with that person's memberships
		// read afresh. (A success is never written on a cached membership
		// anyway: see review's confirmMembers.)
		rt.inst, rt.sender = ev.GetInstallation().GetID(), ev.GetSender().GetLogin()
		switch login := ev.GetMember().GetLogin(); {
		case ev.GetScope() != "" && ev.GetScope() != "team":
			rt.ignore = "membership " + ev.GetScope() + " needs no evaluation"
		case login == "":
			rt.ignore = "the membership event names nobody"
		default:
			rt.forgetMember, rt.jobs = login, []job{installationJob(rt.inst)}
		}
	case *github.OrganizationEvent:
		rt.inst, rt.sender = ev.GetInstallation().GetID(), ev.GetSender().GetLogin()
		switch login := ev.GetMembership().GetUser().GetLogin(); {
		case ev.GetAction() != "member_removed":
			rt.ignore = "organization " + ev.GetAction() + " needs no evaluation"
		case login == "":
			rt.ignore = "the organization event names nobody"
		default:
			// Leaving the organization takes someone out of its teams.
			rt.forgetMember, rt.jobs = login, []job{installationJob(rt.inst)}
		}
	case *github.InstallationRepositoriesEvent:
		rt.inst, rt.sender = ev.GetInstallation().GetID(), ev.GetSender().GetLogin()
		if ev.GetAction() != "added" {
			rt.ignore = "installation_repositories " + ev.GetAction() + " needs no evaluation"
			return rt
		}
		for _, r := range ev.RepositoriesAdded {
			owner, name, ok := strings.Cut(r.GetFullName(), "/")
			if !ok {
				continue
			}
			rt.jobs = append(rt.jobs, sweepJob(rt.inst, review.Repo{Owner: owner, Name: name}, ""))
		}
		if len(rt.jobs) == 0 {
			rt.ignore = "no repositories added"
		}
	default:
		rt.ignore = "clearance does not act on " + event + " events"
	}
	// A payload without the repository or pull request it is about asks
	// for nothing that can be done.
	for _, j := range rt.jobs {
		if (j.kind != jobInstallation && (j.repo.Owner == "" || j.repo.Name == "")) ||
			((j.kind == jobEvaluate || j.kind == jobRecheck) && j.number <= 0) {
			return routed{inst: rt.inst, sender: rt.sender, ignore: "the payload names no repository or pull request"}
		}
	}
	return rt
}

// isRecheck reports whether a comment is the recheck command.
func isRecheck(body string) bool {
	return strings.EqualFold(strings.TrimSpace(body), RecheckCommand)
}

// prJobs are evaluations of the pull requests of a check run or suite
// whose base is this repository.
func prJobs(rt routed, prs []*github.PullRequest) []job {
	var out []job
	seen := map[int]bool{}
	for _, pr := range prs {
		n := pr.GetNumber()
		if n == 0 || seen[n] {
			continue
		}
		if br := pr.GetBase().GetRepo(); br != nil && br.GetName() != "" && !strings.EqualFold(br.GetName(), rt.repo.Name) {
			continue
		}
		seen[n] = true
		out = append(out, evaluateJob(rt.inst, rt.repo, n))
	}
	return out
}

// maxPushCommits is how many commits GitHub lists in a push payload; a
// push of more may have changed files the payload does not show.
const maxPushCommits = 20

// pushTouchesReview reports whether a push to the default branch may
// change how open pull requests are reviewed: the config, CODEOWNERS, or
// the register. The register's globs are in the config, which the payload
// does not carry, so any Markdown file counts. When the payload may not
// list every file, it counts too.
func pushTouchesReview(ev *github.PushEvent) bool {
	if len(ev.Commits) == 0 || len(ev.Commits) >= maxPushCommits || ev.GetForced() {
		return true
	}
	for _, c := range ev.Commits {
		for _, list := range [][]string{c.Added, c.Modified, c.Removed} {
			for _, p := range list {
				if touchesReview(p) {
					return true
				}
			}
		}
	}
	return false
}

func touchesReview(p string) bool {
	switch {
	case strings.HasPrefix(p, ".github/"), p == "CODEOWNERS", p == "docs/CODEOWNERS":
		return true
	}
	ext := strings.ToLower(path.Ext(p))
	return ext == ".md" || ext == ".markdown"
}

// webhookOutcome counts a webhook's outcome in the stats and the metrics.
func (s *Server) webhookOutcome(event, outcome string) {
	switch outcome {
	case metrics.OutcomeRejected:
		s.stats.rejected.Add(1)
	case metrics.OutcomeDuplicate:
		s.stats.duplicates.Add(1)
	case metrics.OutcomeIgnored:
		s.stats.ignored.Add(1)
	case metrics.OutcomeQueueFull:
		s.stats.full.Add(1)
	case metrics.OutcomeAccepted:
		s.stats.accepted.Add(1)
	}
	s.metrics.Webhook(event, outcome)
}
