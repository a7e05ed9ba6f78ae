package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
)

// Invocation is the answer of a synchronous invocation, the SDK's
// InvokeFunctionResponse (X-CFF-Request-Version v1).
type Invocation struct {
	RequestID string `json:"request_id"`
	Result    string `json:"result"` // the function's return value, as its runtime encodes it
	Log       string `json:"log"`    // the log's last 4 KB, when asked for
	Status    int    `json:"status"` // the execution status: 200 when the function succeeded
	ErrorCode string `json:"error_code,omitempty"`
}

// Failed reports whether the function failed or timed out. The references
// document status as the execution status without listing its values;
// fgsdeploy reads any status but 200 (or an error code) as a failure
// (docs/api-notes.md, invoke).
func (i *Invocation) Failed() bool {
	return (i.Status != 0 && i.Status != 200) || i.ErrorCode != ""
}

// TimedOut reports whether the function ran past its timeout.
func (i *Invocation) TimedOut() bool {
	return i.Status == 408 || i.ErrorCode == "FSS.0408"
}

// FunctionError is the error a failed invocation's result describes, in
// the shape FunctionGraph's runtimes write: errorType and errorMessage.
// It is empty when the result is not that shape.
func (i *Invocation) FunctionError() (errorType, message string) {
	var e struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(i.Result), &e) != nil {
		return "", ""
	}
	return e.ErrorType, e.ErrorMessage
}

// Invoke runs a function synchronously (POST .../invocations) with the
// event payload, a JSON document; tail asks for the log's last 4 KB
// (X-Cff-Log-Type: tail). urn may name a version (":v1") or an alias
// (":!live"). A function that failed is no error: see
// Invocation.Failed. An invocation is never repeated after a failure that
// may have reached the function, only after a throttle.
func (c *Client) Invoke(ctx context.Context, urn string, payload []byte, tail bool) (*Invocation, error) {
	h := map[string]string{"X-CFF-Request-Version": "v1"}
	if tail {
		h["X-Cff-Log-Type"] = "tail"
	}
	out := &Invocation{}
	err := c.do(ctx, call{method: "POST", path: fnPath(urn, "/invocations"), in: json.RawMessage(payloadOrEmpty(payload)), header: h, out: out})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// InvokeAsync queues an invocation (POST .../invocations-async) and
// returns its request id.
func (c *Client) InvokeAsync(ctx context.Context, urn string, payload []byte) (string, error) {
	var out struct {
		RequestID string `json:"request_id"`
	}
	if err := c.do(ctx, call{method: "POST", path: fnPath(urn, "/invocations-async"), in: json.RawMessage(payloadOrEmpty(payload)), out: &out}); err != nil {
		return "", err
	}
	if out.RequestID == "" {
		return "", errors.New("POST " + fnPath(urn, "/invocations-async") + ": the answer has no request_id")
	}
	return out.RequestID, nil
}

func payloadOrEmpty(p []byte) []byte {
	if len(p) == 0 {
		return []byte("{}")
	}
	return p
}

// MetricPoint is one value of a metric (the SDK's SlaReportsValue).
type MetricPoint struct {
	Timestamp int64   `json:"timestamp"` // milliseconds
	Value     float64 `json:"value"`
}

// Statistics are a function's metrics over a period, one point per
// interval (the SDK's ListFunctionStatisticsResponse).
type Statistics struct {
	Count              []MetricPoint `json:"count"`
	Duration           []MetricPoint `json:"duration"` // average, ms
	FailCount          []MetricPoint `json:"fail_count"`
	MaxDuration        []MetricPoint `json:"max_duration"`
	MinDuration        []MetricPoint `json:"min_duration"`
	RejectCount        []MetricPoint `json:"reject_count"`
	FunctionErrorCount []MetricPoint `json:"function_error_count"`
	SystemErrorCount   []MetricPoint `json:"system_error_count"`
}

// Sum adds the values of the points at or after since (milliseconds).
func Sum(points []MetricPoint, since int64) float64 {
	n := 0.0
	for _, p := range points {
		if p.Timestamp >= since {
			n += p.Value
		}
	}
	return n
}

// FunctionStatistics reads a function's metrics over the last period
// minutes (GET .../statistics/{period}); urn may name a version or an
// alias.
func (c *Client) FunctionStatistics(ctx context.Context, urn string, period int) (*Statistics, error) {
	out := &Statistics{}
	if err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/statistics/"+strconv.Itoa(period)), out: out}); err != nil {
		return nil, err
	}
	return out, nil
}
