package main

// Errors as users see them: one "fgsdeploy: error:" line and a hint; a
// JSON document under --format json; annotations under GitHub Actions.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/ghactions"
	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// hinted is an error with a hint for the user.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }

func (h *hinted) Unwrap() error { return h.err }

func withHint(err error, format string, args ...any) error {
	return &hinted{err: err, hint: fmt.Sprintf(format, args...)}
}

func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "fgsdeploy: error: %v\n", err)
	if hint := hintOf(err); hint != "" {
		fmt.Fprintf(w, "fgsdeploy: hint: %s\n", hint)
	}
}

// hintOf is what to do about err, or "".
func hintOf(err error) string {
	var h *hinted
	var ae *apiclient.APIError
	var oe *apiclient.OBSError
	switch {
	case errors.As(err, &h) && h.hint != "":
		return h.hint
	case errors.As(err, &ae):
		return apiHint(ae)
	case errors.As(err, &oe):
		return obsHint(oe)
	}
	return ""
}

// obsHint says what to do about the OBS errors people meet first: a
// bucket that does not exist, or is in another region, or that these
// credentials may not write to.
func obsHint(e *apiclient.OBSError) string {
	b := e.Object.Bucket
	switch {
	case e.Code == "NoSuchBucket":
		return fmt.Sprintf("bucket %s does not exist at %s: create it in the functions' region, or fix code.obs.bucket", b, e.Object.Host)
	case e.Code == "PermanentRedirect" || e.StatusCode == 301:
		return fmt.Sprintf("bucket %s is in another region than %s: FunctionGraph reads packages from a bucket of its own region, so use one there (or set code.obs.endpoint to the bucket's region, if the functions are there)", b, e.Object.Host)
	case e.Code == "SignatureDoesNotMatch" || e.Code == "InvalidAccessKeyId":
		return "OBS refused the credentials: check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (temporary keys also need HUAWEICLOUD_SDK_SECURITY_TOKEN)"
	case e.Code == "RequestTimeTooSkewed":
		return "this machine's clock is more than 15 minutes off: OBS refuses the requests until it is right"
	case e.Code == "AccessDenied" || e.StatusCode == 403:
		return fmt.Sprintf("access to bucket %s is denied: the IAM user needs OBS permissions on it (obs:object:PutObject, GetObject, ListMultipartUploads, AbortMultipartUpload; obs:bucket:HeadBucket), and the bucket policy must not refuse them", b)
	}
	return ""
}

// apiHint says what to do about the API errors people meet first;
// docs/troubleshooting.md has the rest.
func apiHint(e *apiclient.APIError) string {
	gw, isGateway := gatewayCode(e.Code)
	switch {
	case gw == "0307":
		return "the token expired (tokens last 24 hours): get a new HW_AUTH_TOKEN, or new temporary keys and HUAWEICLOUD_SDK_SECURITY_TOKEN"
	case gw == "0301" || gw == "0303" || (e.StatusCode == 401 && e.Code != "FSS.0401"):
		return "the credentials were refused: check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (temporary keys also need HUAWEICLOUD_SDK_SECURITY_TOKEN), and that this machine's clock is right"
	case e.Code == "FSS.0403" || gw == "0302" || gw == "0304" || (e.StatusCode == 403 && isGateway):
		return "these credentials may not do this in this project: check --project-id and the IAM user's FunctionGraph permissions"
	case e.Code == "FSS.1309":
		return "the URN does not match the region or project of the endpoint: check --region, --project-id and --endpoint"
	case e.Throttled():
		return "still throttled after the retries: lower --parallelism, or try again later"
	}
	return ""
}

// gatewayCode returns the number of an API Gateway error code, written
// APIG.NNNN or APIGW.NNNN, and whether code is one.
func gatewayCode(code string) (string, bool) {
	for _, p := range []string{"APIGW.", "APIG."} {
		if n, ok := strings.CutPrefix(code, p); ok {
			return n, true
		}
	}
	return "", false
}

// writeJSONErrors prints err as the JSON document of a command run with
// --format json that failed before it printed its own:
//
//	{"format_version": "1", "errors": [{"message", "file", "line", "col", "path"}], "hint"}
//
// file, line, col and path are there for manifest errors; file is relative
// to the directory fgsdeploy was started in (before -C).
func writeJSONErrors(w io.Writer, err error, startDir string) {
	doc := struct {
		FormatVersion string      `json:"format_version"`
		Errors        []jsonError `json:"errors"`
		Hint          string      `json:"hint,omitempty"`
	}{FormatVersion: "1", Errors: []jsonError{}, Hint: hintOf(err)}
	for _, e := range errorList(err) {
		doc.Errors = append(doc.Errors, jsonErrorOf(e, startDir))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(doc)
}

// jsonError is one error (or warning) in JSON: file, line, col and path
// for manifest problems, file relative to where fgsdeploy was started.
type jsonError struct {
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Path    string `json:"path,omitempty"`
}

func jsonErrorOf(e error, startDir string) jsonError {
	var m *manifest.Error
	if errors.As(e, &m) {
		return jsonError{Message: m.Detail(), File: ghactions.RelPath(startDir, m.File), Line: m.Line, Col: m.Col, Path: m.Path}
	}
	return jsonError{Message: e.Error()}
}

// manifestErrors is every problem of a manifest, printed one per line
// after the usual prefix. It unwraps to the *manifest.Error values, so
// that each is annotated (and reported in JSON) on its own.
type manifestErrors []error

func (m manifestErrors) Error() string {
	lines := make([]string, len(m))
	for i, e := range m {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("manifest has %d error%s:\n%s", len(lines), plural(len(lines)), strings.Join(lines, "\n"))
}

func (m manifestErrors) Unwrap() []error { return m }

// manifestError returns the manifest's problems as manifestErrors, or err
// as it is when it holds none.
func manifestError(err error) error {
	var me *multierror.Error
	if errors.As(err, &me) && len(me.Errors) > 0 {
		return manifestErrors(me.Errors)
	}
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// reportToGitHub annotates each error err holds and, unless the step
// summary names them already, adds a section naming them to it.
func reportToGitHub(gh *ghactions.Step, stderr io.Writer, command string, err error) {
	gh.Annotate(stderr, errorList(err))
	var done *summarized
	if errors.As(err, &done) {
		return
	}
	if serr := gh.SummarizeFailure(command, errorList(err)); serr != nil {
		printError(stderr, serr)
	}
}

// summarized marks an error whose failures the step summary names already
// (the apply report), so that SummarizeFailure is not called for it again.
type summarized struct{ err error }

func (s *summarized) Error() string { return s.err.Error() }

func (s *summarized) Unwrap() error { return s.err }

// errorList returns the errors err holds, each to be reported once: the
// members of a *multierror.Error, of errors.Join or of any error with
// Unwrap() []error. Wrappers that add nothing to the message (a hint, an
// exit status) are looked through; one that adds context keeps err whole.
func errorList(err error) []error {
	for e := err; e != nil; {
		if me, ok := e.(*multierror.Error); ok {
			return nonNil(me.Errors, err)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return nonNil(j.Unwrap(), err)
		}
		u := errors.Unwrap(e)
		if u == nil || u.Error() != e.Error() {
			break
		}
		e = u
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func nonNil(errs []error, whole error) []error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return []error{whole}
	}
	return out
}
