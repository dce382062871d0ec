package review

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readTarball reads a GitHub tarball as it streams: a gzip'd tar whose
// entries are under one top folder. Every regular file is hashed as git
// hashes a blob, so the result says each file's blob SHA without a tree
// listing; the content of the files keep accepts (and no larger than
// maxFile) is kept. It fails once more than maxBytes have been read,
// uncompressed.
func readTarball(r io.Reader, keep func(path string, size int64) bool, maxBytes, maxFile int64) (*Archive, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading the tarball: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	out := &Archive{Blobs: map[string]string{}, Content: map[string][]byte{}, Special: map[string]string{}}
	var total int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the tarball: %w", err)
		}
		// Entries are "<owner>-<repo>-<sha7>/<path>".
		_, rel, ok := strings.Cut(hdr.Name, "/")
		if !ok || rel == "" {
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeReg:
		case tar.TypeSymlink:
			out.Special[rel] = "symbolic link"
			continue
		default: // folders, pax headers
			continue
		}
		if total += hdr.Size; total > maxBytes || hdr.Size < 0 {
			return nil, fmt.Errorf("the tarball is larger than %d bytes", maxBytes)
		}
		h := sha1.New()
		h.Write([]byte("blob " + strconv.FormatInt(hdr.Size, 10) + "\x00"))
		if hdr.Size <= maxFile && (keep == nil || keep(rel, hdr.Size)) {
			data := make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, data); err != nil {
				return nil, fmt.Errorf("reading %s from the tarball: %w", rel, err)
			}
			h.Write(data)
			out.Content[rel] = data
		} else if _, err := io.Copy(h, tr); err != nil {
			return nil, fmt.Errorf("reading %s from the tarball: %w", rel, err)
		}
		out.Blobs[rel] = hex.EncodeToString(h.Sum(nil))
	}
}
