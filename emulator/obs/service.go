package obs

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// bucketOBS holds buckets, objects, multipart uploads and their parts:
//
//	"b/" bucket                     -> obsBucket
//	"o/" bucket NUL key             -> obsObject
//	"u/" bucket NUL key NUL upload  -> obsUpload
//	"p/" upload NUL %05d part       -> obsPart
const bucketOBS = "obs"

// Buckets are OBS's buckets of the store, for store.Open.
var Buckets = []string{bucketOBS}

// errRollback makes an update discard a refused request's writes.
var errRollback = errors.New("request failed")

// Options configure the OBS service.
type Options struct {
	AccessKey, SecretKey string // signature credentials
	Region               string // the region of this endpoint
	// OBSDomains are OBS endpoint hosts besides obs.{Region}.myhuaweicloud.com
	// whose object URLs OpenURL takes for this emulator's objects.
	OBSDomains []string
	Now        func() time.Time
	Logf       func(format string, args ...any) // request log; never logs credentials or bodies
	// OnReceive, when set, is told the bytes of each object or part
	// received (Stats.ObjectBytes).
	OnReceive func(n int64)
}

// Service is the OBS object API over a store.
type Service struct {
	opts    Options
	db      store.KV
	objects store.Objects // the bytes of objects and parts
}

// New serves the OBS API with the records of db and the bytes of objects.
func New(opts Options, db store.KV, objects store.Objects) *Service {
	return &Service{opts: opts, db: db, objects: objects}
}

// OBS limits (OBS API reference: PutObject at most 5 GB; multipart parts
// from 100 KB, the last excepted, to 5 GB, numbered 1 to 10000).
const (
	maxObjectPut = 5 << 30
	minPartSize  = 100 << 10
	maxPartSize  = 5 << 30
	maxParts     = 10000
)

var bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

type obsBucket struct {
	Name    string `json:"name"`
	Region  string `json:"region"`
	Created string `json:"created"`
}

type obsObject struct {
	Size         int64             `json:"size"`
	ETag         string            `json:"etag"` // quoted, as on the wire
	ContentType  string            `json:"content_type,omitempty"`
	Meta         map[string]string `json:"meta,omitempty"`
	LastModified string            `json:"last_modified"` // RFC 1123
	Blobs        []string          `json:"blobs"`         // the data, in order
}

type obsUpload struct {
	ID          string            `json:"id"`
	Key         string            `json:"key"`
	Initiated   string            `json:"initiated"` // ISO 8601
	ContentType string            `json:"content_type,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
}

type obsPart struct {
	Number       int    `json:"number"`
	Size         int64  `json:"size"`
	ETag         string `json:"etag"`
	Blob         string `json:"blob"`
	LastModified string `json:"last_modified"`
}

func objectKey(bucket, key string) string { return "o/" + bucket + "\x00" + key }

func uploadKey(bucket, key, id string) string { return "u/" + bucket + "\x00" + key + "\x00" + id }

func partKey(upload string, n int) string { return fmt.Sprintf("p/%s\x00%05d", upload, n) }
