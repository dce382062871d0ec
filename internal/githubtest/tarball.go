package githubtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Repository tarballs, as GitHub serves them:
//
//	GET /repos/{owner}/{repo}/tarball/{ref}
//
// answers 302 Found with a Location on the download host (codeload.github.com
// on GitHub; here /_codeload/ on the fake itself) that carries a short-lived
// token, so the download needs no credentials. The API call counts against
// the rate limit; the download does not. The download is a gzip'd tar of the
// commit's tree, with a pax global header holding the commit SHA, every
// entry under one top folder "<owner>-<repo>-<sha7>/", folders before their
// files, in git's tree order; a symbolic link is a link, a submodule an
// empty folder.

func init() {
	handle(http.MethodGet, "/repos/{owner}/{repo}/tarball/{ref...}", authToken, (*Server).getTarball)
	handle(http.MethodGet, "/_codeload/{owner}/{repo}/legacy.tar.gz/{sha}", authNone, (*Server).downloadTarball).free = true
	// The download host is not the REST API; the tarball operation itself
	// is checked against GitHub's description like every other.
	offSpecRoutes["GET /_codeload/{owner}/{repo}/legacy.tar.gz/{sha}"] = "stand-in for codeload.github.com, where GET /repos/{owner}/{repo}/tarball/{ref} redirects; not a REST API route"
}

// tarballTTL is how long a download link works (GitHub: five minutes).
const tarballTTL = 5 * time.Minute

// tarballKey signs download links; one per process is enough for a fake.
var tarballKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}()

func tarballMAC(owner, repo, sha string, expires int64) string {
	m := hmac.New(sha256.New, tarballKey)
	m.Write([]byte(strings.ToLower(owner+"/"+repo) + "\x00" + sha + "\x00" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// GET /repos/{owner}/{repo}/tarball/{ref}: 302 to the download.
func (s *Server) getTarball(c *reqCtx) *response {
	r := c.repo
	cm := r.resolve(c.params["ref"])
	if cm == nil {
		return notFound()
	}
	expires := s.now().Add(tarballTTL).Unix()
	token := strconv.FormatInt(expires, 10) + "." + tarballMAC(r.Owner, r.Name, cm.sha, expires)
	loc := s.base + "/_codeload/" + url.PathEscape(r.Owner) + "/" + url.PathEscape(r.Name) + "/legacy.tar.gz/" + cm.sha + "?token=" + token
	return &response{status: http.StatusFound, header: http.Header{"Location": {loc}}}
}

// GET /_codeload/{owner}/{repo}/legacy.tar.gz/{sha}?token=: the tarball.
func (s *Server) downloadTarball(c *reqCtx) *response {
	owner, name, sha := c.params["owner"], c.params["repo"], c.params["sha"]
	r := s.repos[strings.ToLower(owner+"/"+name)]
	exp, mac, _ := strings.Cut(c.query("token"), ".")
	expires, err := strconv.ParseInt(exp, 10, 64)
	if r == nil || err != nil || s.now().Unix() > expires ||
		!hmac.Equal([]byte(mac), []byte(tarballMAC(owner, name, sha, expires))) {
		return &response{status: http.StatusNotFound, body: []byte("404: Not Found"),
			header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}}
	}
	cm := r.commit(sha)
	if cm == nil {
		return notFound()
	}
	body, err := r.tarball(cm)
	if err != nil {
		return errResp(http.StatusInternalServerError, err.Error())
	}
	top := r.Owner + "-" + r.Name + "-" + cm.sha[:7]
	return &response{status: http.StatusOK, body: body, header: http.Header{
		"Content-Type":        {"application/x-gzip"},
		"Content-Disposition": {"attachment; filename=" + top + ".tar.gz"},
	}}
}

// tarball writes the commit's tree as GitHub's legacy tarball.
func (r *Repo) tarball(cm *commitObj) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	when := cm.committer.when
	top := r.Owner + "-" + r.Name + "-" + cm.sha[:7] + "/"
	err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
		PAXRecords: map[string]string{"comment": cm.sha}, Format: tar.FormatPAX})
	if err == nil {
		err = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top, Mode: 0o775, ModTime: when, Format: tar.FormatPAX})
	}
	var walk func(tree, prefix string) error
	walk = func(tree, prefix string) error {
		for _, e := range r.objects[tree].tree {
			if e.typ == "tree" {
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: prefix + e.name + "/", Mode: 0o775, ModTime: when, Format: tar.FormatPAX}); err != nil {
					return err
				}
				if err := walk(e.sha, prefix+e.name+"/"); err != nil {
					return err
				}
				continue
			}
			switch {
			case e.typ == "commit": // a submodule: git archive writes an empty folder
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: prefix + e.name + "/", Mode: 0o775, ModTime: when, Format: tar.FormatPAX}); err != nil {
					return err
				}
				continue
			case e.mode == modeSymlink:
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: prefix + e.name, Linkname: string(r.objects[e.sha].data), Mode: 0o777, ModTime: when, Format: tar.FormatPAX}); err != nil {
					return err
				}
				continue
			}
			data := r.objects[e.sha].data
			mode := int64(0o664)
			if e.mode == "100755" {
				mode = 0o775
			}
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: prefix + e.name, Mode: mode, Size: int64(len(data)), ModTime: when, Format: tar.FormatPAX}); err != nil {
				return err
			}
			if _, err := tw.Write(data); err != nil {
				return err
			}
		}
		return nil
	}
	if err == nil {
		err = walk(cm.tree, top)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = zw.Close()
	}
	return buf.Bytes(), err
}
