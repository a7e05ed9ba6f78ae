package auth

import (
	"net/http"
	"time"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// Gateway is the API gateway in front of FunctionGraph, IAM and LTS: it
// authenticates requests and answers with codes of its own.
type Gateway struct {
	AccessKey, SecretKey string // signature credentials
	Token                string // also accept X-Auth-Token equal to this when non-empty
	Strict               bool   // APIGW codes instead of APIG
	Now                  func() time.Time
}

// Code is the gateway's error code with the prefix of its mode: APIG (the
// API Gateway FAQ's examples) or, in strict mode, APIGW (the API Request
// Signing Guide's examples, for the same failures).
func (g Gateway) Code(code string) string {
	if g.Strict {
		return "APIGW." + code
	}
	return "APIG." + code
}

// Authenticate checks the token or the signature.
func (g Gateway) Authenticate(r *http.Request, body []byte) *httpapi.Error {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		if g.Token == "" || tok != g.Token {
			return httpapi.Errorf(401, g.Code("0301"), "Incorrect IAM authentication information: decrypt token fail")
		}
		return nil
	}
	if r.Header.Get("Authorization") == "" {
		return httpapi.Errorf(401, g.Code("0301"), "Incorrect IAM authentication information: x-auth-token not found")
	}
	if err := Verify(r, body, g.AccessKey, g.SecretKey, g.Now()); err != nil {
		return httpapi.Errorf(401, g.Code("0301"), "%s", err.Error())
	}
	return nil
}

// NoSuchAPI is the gateway's answer to a method and path it does not
// publish, a wrong method on a known path included.
func (g Gateway) NoSuchAPI(r *http.Request) *httpapi.Error {
	return httpapi.Errorf(404, g.Code("0101"), "The API does not exist or has not been published in the environment: %s %s", r.Method, r.URL.Path)
}
