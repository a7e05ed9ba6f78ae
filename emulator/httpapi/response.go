package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error is an error answer: its HTTP status, the service's error code and
// message. It is written as {"error_code", "error_msg", "request_id"}.
type Error struct {
	Status int
	Code   string
	Msg    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

// Errorf makes an error answer.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{status, code, fmt.Sprintf(format, args...)}
}

// Response is what a handler produced; it is written after any injected
// fault has been decided.
type Response struct {
	Status int
	Body   any // nil = no body
	Err    *Error
	Header map[string]string // set on the answer, error or not
	Raw    []byte            // with Body nil: the body as it is
}

// OK answers 200 with body as JSON.
func OK(body any) Response { return Response{Status: 200, Body: body} }

// Fail answers with an error.
func Fail(e *Error) Response { return Response{Err: e} }

// Failf answers with the error Errorf makes.
func Failf(status int, code, format string, args ...any) Response {
	return Fail(Errorf(status, code, format, args...))
}

// NoContent answers 204.
func NoContent() Response { return Response{Status: 204} }

// Failed tells whether the response is an error.
func (r Response) Failed() bool { return r.Err != nil }

// Write writes resp, and logs it with logf when set (method, path, status,
// error code, request id: never credentials or bodies).
func Write(w http.ResponseWriter, r *http.Request, reqID string, resp Response, logf func(string, ...any)) {
	status := resp.Status
	var body any = resp.Body
	if resp.Err != nil {
		status = resp.Err.Status
		body = map[string]string{"error_code": resp.Err.Code, "error_msg": resp.Err.Msg, "request_id": reqID}
	}
	if logf != nil {
		if resp.Err != nil {
			logf("%s %s -> %d %s (%s)", r.Method, r.URL.Path, status, resp.Err.Code, reqID)
		} else {
			logf("%s %s -> %d (%s)", r.Method, r.URL.Path, status, reqID)
		}
	}
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	if body == nil && resp.Raw != nil {
		w.WriteHeader(status)
		w.Write(resp.Raw)
		return
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		status, b = 500, []byte(`{"error_code":"FSS.0500","error_msg":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// MaxBody bounds a request body: a 50 MB package (FSS.1071) is about
// 67 MB of base64, so anything beyond 80 MB cannot be a valid request.
const MaxBody = 80 << 20

// ReadBody reads the whole body (the signature covers its SHA-256), sized
// by Content-Length up front so a big upload is held once, not regrown.
func ReadBody(w http.ResponseWriter, r *http.Request) (body []byte, tooBig bool, err error) {
	if r.ContentLength > MaxBody {
		return nil, true, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err = buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, true, nil
	}
	return buf.Bytes(), false, err
}

// DecodeJSON reads a request body strictly enough to catch bad JSON: 406
// FSS.0406, as FunctionGraph's error table lists it.
func DecodeJSON(body []byte, v any) *Error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return Errorf(406, "FSS.0406", "the request body is not valid JSON: %v", err)
	}
	return nil
}

// Trunc shortens what a client sent to 200 bytes for an error message.
func Trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
