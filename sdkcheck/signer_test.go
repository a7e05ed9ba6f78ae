package sdkcheck_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	fg "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/emulator"
)

// tokens are security tokens as a user may paste them.
var tokens = []string{"sts-token", "sts-token ", " sts-token", "sts-token\t", "  sts token  "}

// The SDK's signer and fgsdeploy's sign a request alike when a signed
// header's value has spaces around it (a security token pasted with a
// trailing space): both over the trimmed value, which is what arrives,
// since net/http trims header values on the wire.
func TestSignersTrimHeaderValues(t *testing.T) {
	const date = "20240101T000000Z"
	when, _ := time.Parse(apiclient.DateFormat, date)
	host := "functiongraph." + region + ".myhuaweicloud.com"
	path := "/v2/" + pid + "/fgs/functions/" + urn("hello") + ":!live/config"
	for _, tok := range tokens {
		sreq := request.NewHttpRequestBuilder().WithMethod("GET").WithEndpoint("https://"+host).WithPath(path).
			AddHeaderParam("Host", host).AddHeaderParam("X-Project-Id", pid).AddHeaderParam("X-Sdk-Date", date).
			AddHeaderParam("X-Security-Token", tok).Build()
		sdk, err := signer.Sign(sreq, ak, sk)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest("GET", "https://"+host, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path = path
		req.Header.Set("X-Project-Id", pid)
		req.Header.Set("X-Security-Token", tok)
		(&apiclient.Signer{AccessKey: ak, SecretKey: sk, Now: func() time.Time { return when }}).Sign(req, apiclient.EmptyBodyHash)
		if got := req.Header.Get("Authorization"); got != sdk["Authorization"] {
			t.Errorf("token %q:\nfgsdeploy %s\nSDK       %s", tok, got, sdk["Authorization"])
		}
	}
}

// The SDK's client, given a security token with spaces around it, passes
// the emulator's verifier, as fgsdeploy's client does (apiclient's
// TestErrors): the emulator reads signed header values as the service
// does.
func TestSDKTokenWithSpaces(t *testing.T) {
	srv, err := emulator.New(emulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: pid, Region: region})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	for _, tok := range tokens {
		auth, err := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(pid).WithSecurityToken(tok).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hc, err := fg.FunctionGraphClientBuilder().WithEndpoints([]string{hs.URL}).WithCredential(auth).
			WithHttpConfig(config.DefaultHttpConfig().WithRetries(0)).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fg.NewFunctionGraphClient(hc).ListFunctions(&model.ListFunctionsRequest{}); err != nil {
			t.Errorf("token %q: %v", tok, err)
		}
	}
	c, err := apiclient.New(apiclient.Config{Endpoint: hs.URL, Region: region, ProjectID: pid, AccessKey: ak, SecretKey: sk, SecurityToken: tokens[1]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFunctions(context.Background(), "", ""); err != nil {
		t.Errorf("fgsdeploy's client, token %q: %v", tokens[1], err)
	}
}
