package apiclient

import (
	"fmt"
	"testing"
)

func TestUnauthenticated(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
		want   bool
	}{
		{401, "APIG.0301", true},
		{401, "APIGW.0301", true},
		{401, "APIG.0303", true},
		{401, "APIG.0307", true}, // an expired token
		{401, "", true},
		{401, "FSS.0401", false}, // FunctionGraph's not-found trap
		{403, "APIG.0302", false},
		{403, "FSS.0403", false},
		{429, "APIG.0308", false},
		{404, "FSS.1051", false},
	} {
		e := &APIError{StatusCode: c.status, Code: c.code}
		if got := e.Unauthenticated(); got != c.want {
			t.Errorf("%d %s: Unauthenticated() = %v, want %v", c.status, c.code, got, c.want)
		}
		if got := IsUnauthenticated(fmt.Errorf("read x: %w", e)); got != c.want {
			t.Errorf("%d %s wrapped: IsUnauthenticated = %v, want %v", c.status, c.code, got, c.want)
		}
	}
	if IsUnauthenticated(nil) || IsUnauthenticated(fmt.Errorf("no")) {
		t.Error("a nil or non-API error is not an authentication failure")
	}
}
