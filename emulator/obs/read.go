package obs

import (
	"io"
	"net/url"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ---------------------------------------------------------------------------
// What FunctionGraph reads from OBS

// ownObject parses a code_url (or depend_link) that names an object of
// this emulator's OBS: https://BUCKET.obs.REGION.myhuaweicloud.com/KEY
// (virtual-hosted, as OBS gives object URLs) or
// https://obs.REGION.myhuaweicloud.com/BUCKET/KEY, REGION being the
// emulator's, or the same with a host of Options.OBSDomains.
func (s *Service) ownObject(raw string) (bucket, key string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.RawQuery != "" {
		return "", "", false
	}
	domains := append([]string{"obs." + s.opts.Region + ".myhuaweicloud.com"}, s.opts.OBSDomains...)
	path := strings.TrimPrefix(u.Path, "/")
	for _, d := range domains {
		if b, found := strings.CutSuffix(u.Host, "."+d); found && path != "" {
			return b, path, true
		}
		if u.Host == d {
			if b, k, found := strings.Cut(path, "/"); found && k != "" {
				return b, k, true
			}
		}
	}
	return "", "", false
}

// OpenURL opens the object a code_url names in this emulator's OBS, in
// the caller's transaction t, with its size and its ETag as OBS reports it
// (unquoted); found is false for a URL of another OBS, a bucket of another
// region, or no such object.
func (s *Service) OpenURL(t *store.Tx, raw string) (rc io.ReadCloser, size int64, etag string, found bool) {
	bucket, key, ok := s.ownObject(raw)
	if !ok {
		return nil, 0, "", false
	}
	var b obsBucket
	var obj obsObject
	if !t.Get(bucketOBS, "b/"+bucket, &b) || b.Region != s.opts.Region || !t.Get(bucketOBS, objectKey(bucket, key), &obj) {
		return nil, 0, "", false
	}
	return store.NewReader(s.objects, obj.Blobs), obj.Size, strings.Trim(obj.ETag, `"`), true
}
