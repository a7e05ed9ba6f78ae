package apiclient

import (
	"context"
	"fmt"
	"io"

	"github.com/huaweicloud/huaweicloud-sdk-go-obs/obs"
)

// ReplacePartForTest uploads body as part n of the multipart upload of l that
// a run left, as another writer could: for tests of resuming.
func ReplacePartForTest(ctx context.Context, o *OBS, l Location, n int, body io.Reader, size int64) error {
	id, _, err := o.resumable(ctx, l)
	if err != nil {
		return err
	}
	if id == "" {
		return fmt.Errorf("no pending upload of %s", l)
	}
	cl, err := o.sdk(ctx, l)
	if err != nil {
		return err
	}
	_, err = cl.UploadPart(&obs.UploadPartInput{Bucket: l.Bucket, Key: l.Key, UploadId: id, PartNumber: n, Body: body, PartSize: size})
	return err
}
