package apiclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNotFound is matched (errors.Is) by an *APIError that means the
// function, version or alias does not exist.
var ErrNotFound = errors.New("not found")

// APIError is an error response of FunctionGraph or its API gateway.
type APIError struct {
	StatusCode int
	Code       string // error_code, e.g. FSS.1051 or APIG.0308
	Message    string // error_msg
	RequestID  string
	Method     string
	Path       string
}

func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = http.StatusText(e.StatusCode)
	}
	if code == "" {
		code = "HTTP" // a status without a name (a proxy's 520)
	}
	s := fmt.Sprintf("%s (%d): %s", code, e.StatusCode, strings.TrimSpace(e.Message))
	if e.RequestID != "" {
		s += " (request id " + e.RequestID + ")"
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) true for not-found answers. They are
// decided by error code, not status: FSS.1051 function, FSS.1052 version,
// FSS.1053 alias, FSS.0404 and the trigger codes (FSS.1131 trigger,
// 1132 SMN, 1136 OBS, 1138 APIG, 1140 timer, 1174 Kafka trigger), and
// FunctionGraph's traps (docs/api-notes.md, other facts), 401 FSS.0401
// and 500 FSS.0500 whose message says the thing does not exist.
func (e *APIError) Is(target error) bool {
	if target != ErrNotFound {
		return false
	}
	switch e.Code {
	case "FSS.1051", "FSS.1052", "FSS.1053":
		return true
	case "FSS.0404", "FSS.1131", "FSS.1132", "FSS.1136", "FSS.1138", "FSS.1140", "FSS.1174":
		return true
	case "FSS.0401", "FSS.0500":
		m := strings.ToLower(e.Message)
		return strings.Contains(m, "not found") || strings.Contains(m, "not exist")
	}
	return false
}

// Throttled reports whether the request was refused for its rate, before
// it was forwarded (so repeating it is always safe).
func (e *APIError) Throttled() bool {
	switch e.Code {
	case "FSS.0429", "APIG.0308", "APIGW.0308":
		return true
	}
	return e.StatusCode == http.StatusTooManyRequests
}

// Unauthenticated reports whether the request was refused because its
// credentials were: a wrong access or secret key, a bad signature or a
// skewed clock (APIG.0301, APIG.0303, or APIGW.), an expired token
// (APIG.0307), or another 401 but FunctionGraph's not-found trap
// (FSS.0401). Such a refusal is the same for every request of a run.
func (e *APIError) Unauthenticated() bool {
	for _, p := range []string{"APIGW.", "APIG."} {
		if n, ok := strings.CutPrefix(e.Code, p); ok {
			return n == "0301" || n == "0303" || n == "0307" || e.StatusCode == http.StatusUnauthorized
		}
	}
	return e.StatusCode == http.StatusUnauthorized && e.Code != "FSS.0401"
}

// IsUnauthenticated reports whether err holds an *APIError that is
// Unauthenticated.
func IsUnauthenticated(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Unauthenticated()
}

// IsNotFound reports whether err means "does not exist".
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// parseError reads FunctionGraph's {"error_code","error_msg","request_id"}
// body, the gateway's variants, or anything else.
func parseError(status int, body []byte, headerID string) *APIError {
	e := &APIError{StatusCode: status, RequestID: headerID}
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		if inner, ok := m["error"].(map[string]any); ok { // {"error":{"code","message"}}
			m = inner
		}
		e.Code = firstString(m, "error_code", "code", "errorCode")
		e.Message = firstString(m, "error_msg", "message", "msg", "errorMsg")
		if id := firstString(m, "request_id", "requestId"); id != "" && e.RequestID == "" {
			e.RequestID = id
		}
	}
	if e.Message == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if msg == "" {
			msg = http.StatusText(status)
		}
		if msg == "" {
			msg = "an empty answer"
		}
		e.Message = msg
	}
	return e
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
