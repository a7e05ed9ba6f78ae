// Package obs owns the emulator's OBS: the object API, buckets, objects
// and multipart uploads on the FunctionGraph listener, path-style
// (/BUCKET/KEY), its own verifier of the V2 signature (sign.go), and what
// FunctionGraph reads from it (OpenURL: code_url and depend_link). Object
// records live in the store's "obs" bucket; their bytes are files under
// objects/ (in memory without a state directory), streamed to and from
// disk, never held whole.
//
// # OBS
//
// The OBS object API is served on the same listener, path-style
// (/BUCKET/KEY): a request whose first path segment is a bucket name and
// that is not signed or authenticated as FunctionGraph's (serve.go). Its
// signatures are verified by the emulator's own V2 verifier (sign.go):
// "AWS AK:SIG" with x-amz- headers, as the official OBS Go client sends
// them, or "OBS AK:SIG" with x-obs- headers; HMAC-SHA1 of the method,
// Content-MD5, Content-Type, Date (empty with x-amz-date), the prefixed
// headers and the resource with its sub-resources; 403
// SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed (15
// minutes), AccessDenied. Buckets come from Options.Buckets (emulator
// --bucket NAME, NAME@REGION for another region, which answers 301
// PermanentRedirect) and Server.PutObject; a missing one is 404
// NoSuchBucket. Objects: PUT (5 GB), HEAD, GET, DELETE, with x-amz-meta-
// or x-obs-meta- metadata and the MD5 as ETag; multipart: initiate
// (?uploads), parts (?partNumber&uploadId, 1 to 10,000, up to 5 GB),
// list parts, list uploads (?uploads&prefix=), complete (InvalidPart,
// InvalidPartOrder, EntityTooSmall below 100 KB but the last; ETag the MD5
// of the parts' MD5s and -N), abort. Records are in the store's obs
// bucket; the bytes are files under objects/ (memory without a state
// directory), written as they arrive and never copied: a completed object
// is its parts' files. Faults: 503 SlowDown, 500 InternalError, dropped
// connections. Stats.ObjectBytes counts the bytes received.
package obs
