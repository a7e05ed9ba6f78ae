package apiclient_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

func md5File(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// A dependency's versions: created from a package in the request or from
// OBS, listed, shown, and deleted unless a function uses them.
func TestDependencyVersions(t *testing.T) {
	for _, strict := range []bool{false, true} {
		e, o := obsEnv(t, emulator.Options{Strict: strict})
		ctx := context.Background()
		p, _ := zipFile(t, "import pandas")
		v1, err := e.client.CreateDependencyVersion(ctx, &apiclient.CreateDependencyRequest{DependType: "zip", DependFile: p, Runtime: "Python3.9", Name: "pandas", Description: "pandas 2.2"}, md5File(t, p))
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.Etag != md5File(t, p) || v1.ID == "" || v1.DepID == "" {
			t.Fatalf("first version: %+v", v1)
		}
		// A second version through OBS, of a multipart object.
		u := packageFile(t, 300<<10)
		l := apiclient.Location{Host: deployLoc.Host, Bucket: "deploy", Key: "dependencies/pandas/" + u.Digest + ".zip"}
		if _, err := o.Put(ctx, l, u); err != nil {
			t.Fatal(err)
		}
		v2, err := e.client.CreateDependencyVersion(ctx, &apiclient.CreateDependencyRequest{DependType: "obs", DependLink: l.URL(), Runtime: "Python3.9", Name: "pandas"}, "")
		if err != nil {
			t.Fatal(err)
		}
		info, _ := o.Head(ctx, l)
		wantEtag := md5File(t, u.File)
		if strict {
			wantEtag = info.ETag // the object's multipart ETag, not an MD5 of the bytes
		}
		if v2.Version != 2 || v2.DepID != v1.DepID || v2.Etag != wantEtag || v2.Size != u.Size {
			t.Errorf("strict %v: OBS version %+v, want etag %s", strict, v2, wantEtag)
		}
		deps, err := e.client.ListDependencies(ctx, "pandas")
		if err != nil || len(deps) != 1 || deps[0].ID != v1.DepID {
			t.Fatalf("list: %+v %v", deps, err)
		}
		vs, err := e.client.ListDependencyVersions(ctx, v1.DepID)
		if err != nil || len(vs) != 2 || vs[1].ID != v2.ID {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		if sh, err := e.client.ShowDependencyVersion(ctx, v1.DepID, 1); err != nil || sh.DownloadLink == "" {
			t.Errorf("show: %+v %v", sh, err)
		}
		// In use by a function: refused.
		f, _ := create(t, e, "uses")
		if _, err := e.client.UpdateCode(ctx, f.FuncURN, &apiclient.UpdateCodeRequest{CodeType: "zip", CodeFilename: "c.zip", CodeFile: p, DependVersionList: []string{v1.ID}}); err != nil {
			t.Fatal(err)
		}
		err = e.client.DeleteDependencyVersion(ctx, v1.DepID, 1)
		var ae *apiclient.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 412 || ae.Code != "FSS.1033" {
			t.Errorf("delete of a version in use: %v", err)
		}
		if err := e.client.DeleteDependencyVersion(ctx, v1.DepID, 2); err != nil {
			t.Errorf("delete: %v", err)
		}
		// depend_file: 40 MB by the SDK, 10 MB in strict mode.
		big := packageFile(t, 11<<20)
		_, err = e.client.CreateDependencyVersion(ctx, &apiclient.CreateDependencyRequest{DependType: "zip", DependFile: big.File, Runtime: "Python3.9", Name: "big"}, "")
		if strict != (err != nil) {
			t.Errorf("strict %v: an 11 MB depend_file: %v", strict, err)
		}
		if _, err := e.client.CreateDependencyVersion(ctx, &apiclient.CreateDependencyRequest{DependType: "obs", DependLink: "https://nosuch.obs.cn-north-4.myhuaweicloud.com/x.zip", Runtime: "Python3.9", Name: "gone"}, ""); !errors.As(err, &ae) || ae.Code != "FSS.1046" {
			t.Errorf("an unreadable link: %v", err)
		}
	}
}
