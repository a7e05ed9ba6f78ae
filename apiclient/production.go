package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// Production settings: reserved instances per qualifier and the
// asynchronous invocation config (SDK functionGraph_meta.go:
// UpdateFunctionReservedInstancesCount, ListReservedInstanceConfigs,
// UpdateFunctionAsyncInvokeConfig, ShowFunctionAsyncInvokeConfig,
// DeleteFunctionAsyncInvokeConfig).

// TacticsConfig is a reservation's scaling policies (SDK TacticsConfig).
type TacticsConfig struct {
	CronConfigs   []CronConfig   `json:"cron_configs,omitempty"`
	MetricConfigs []MetricConfig `json:"metric_configs,omitempty"`
}

// CronConfig is a scheduled policy (SDK CronConfig): Count instances at the
// times Cron names, from StartTime to ExpiredTime (Unix seconds).
type CronConfig struct {
	Name        string `json:"name"`
	Cron        string `json:"cron"`
	Count       int    `json:"count"`
	StartTime   int64  `json:"start_time"`
	ExpiredTime int64  `json:"expired_time"`
}

// MetricConfig is a metric policy (SDK MetricConfig).
type MetricConfig struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Threshold int    `json:"threshold"`
	Min       int    `json:"min"`
}

// ReservedInstancesRequest is the body of PUT .../reservedinstances (SDK
// UpdateFunctionReservedInstancesCountRequestBody) and its answer. Count 0
// with idle mode off and no policies removes a reservation, as Terraform
// does.
type ReservedInstancesRequest struct {
	Count         int            `json:"count"`
	IdleMode      *bool          `json:"idle_mode,omitempty"`
	TacticsConfig *TacticsConfig `json:"tactics_config,omitempty"`
}

// ReservedInstanceConfig is one reservation of a function, as
// ListReservedInstanceConfigs lists it (SDK ReservedInstanceConfigs):
// QualifierType is "version" or "alias"; latest is the version "latest".
type ReservedInstanceConfig struct {
	FunctionURN   string         `json:"function_urn,omitempty"`
	QualifierType string         `json:"qualifier_type"`
	QualifierName string         `json:"qualifier_name"`
	MinCount      int            `json:"min_count"`
	IdleMode      bool           `json:"idle_mode,omitempty"`
	TacticsConfig *TacticsConfig `json:"tactics_config,omitempty"`
}

// Target is the qualifier as a URN writes it: an alias's name after "!".
func (r ReservedInstanceConfig) Target() string {
	if r.QualifierType == "alias" {
		return "!" + r.QualifierName
	}
	return r.QualifierName
}

// Empty reports whether the entry reserves nothing: a service may keep
// listing a reservation set to 0 (docs/api-notes.md).
func (r ReservedInstanceConfig) Empty() bool {
	return r.MinCount == 0 && !r.IdleMode && (r.TacticsConfig == nil || len(r.TacticsConfig.CronConfigs) == 0 && len(r.TacticsConfig.MetricConfigs) == 0)
}

// ReservedPageSize is the limit the reservation list is asked for: the
// SDK's ListReservedInstanceConfigsRequest says at most 500 (default 100).
const ReservedPageSize = 500

// ListReservedInstanceConfigs lists the reservations of every qualifier
// of the function urn names (unqualified). The list pages with marker and
// limit; the answer's page_info.next_marker and count are both optional
// in the SDK's model, and count is documented as the number of functions,
// not of entries, so the client never stops on count: only on an empty
// page, a page that brings nothing new, or a next_marker that is absent
// or does not move (as listPages, docs/api-notes.md rule 7).
func (c *Client) ListReservedInstanceConfigs(ctx context.Context, urn string) ([]ReservedInstanceConfig, error) {
	var all []ReservedInstanceConfig
	seen := map[string]bool{}
	limit := min(c.pageSize(), ReservedPageSize)
	marker := 0
	for {
		q := url.Values{"function_urn": {urn}, "marker": {strconv.Itoa(marker)}, "limit": {strconv.Itoa(limit)}}
		var page struct {
			ReservedInstances []ReservedInstanceConfig `json:"reserved_instances"`
			PageInfo          *struct {
				NextMarker json.RawMessage `json:"next_marker"`
			} `json:"page_info"`
		}
		if err := c.do(ctx, call{method: "GET", path: "/functions/reservedinstanceconfigs", query: q, out: &page}); err != nil {
			return nil, err
		}
		fresh := 0
		for _, r := range page.ReservedInstances {
			if k := r.QualifierType + "/" + r.QualifierName; !seen[k] {
				seen[k] = true
				all = append(all, r)
				fresh++
			}
		}
		var next int
		hasNext := false
		if page.PageInfo != nil {
			next, hasNext = pageInt(page.PageInfo.NextMarker)
		}
		if fresh == 0 || !hasNext || next <= marker {
			return all, nil
		}
		marker = next
	}
}

// UpdateReservedInstances sets the reservation of one qualifier; urn is
// qualified (":latest", ":v1", ":!live").
func (c *Client) UpdateReservedInstances(ctx context.Context, urn string, req *ReservedInstancesRequest) (*ReservedInstancesRequest, error) {
	out := &ReservedInstancesRequest{}
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/reservedinstances"), in: req, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// AsyncDestination is one target of asynchronous results (SDK
// FuncDestinationConfig): Param is a JSON object as a string.
type AsyncDestination struct {
	Destination string `json:"destination"`
	Param       string `json:"param"`
}

// AsyncDestinationConfig is where results go (SDK
// FuncAsyncDestinationConfig).
type AsyncDestinationConfig struct {
	OnSuccess *AsyncDestination `json:"on_success,omitempty"`
	OnFailure *AsyncDestination `json:"on_failure,omitempty"`
}

// AsyncInvokeConfig is the body of PUT .../async-invoke-config (SDK
// UpdateFunctionAsyncInvokeConfigRequestBody, less the log group and
// stream fields, which the show response does not return and fgsdeploy
// does not set) and the answer of show and update.
type AsyncInvokeConfig struct {
	FuncURN              string                  `json:"func_urn,omitempty"`
	MaxEventAge          *int                    `json:"max_async_event_age_in_seconds,omitempty"`
	MaxRetries           *int                    `json:"max_async_retry_attempts,omitempty"`
	DestinationConfig    *AsyncDestinationConfig `json:"destination_config,omitempty"`
	EnableAsyncStatusLog *bool                   `json:"enable_async_status_log,omitempty"`
	CreatedTime          string                  `json:"created_time,omitempty"`
	LastModified         string                  `json:"last_modified,omitempty"`
}

// AsyncInvokeConfigRequest is what a PUT sends: the settings, none of the
// answer's own fields.
type AsyncInvokeConfigRequest struct {
	MaxEventAge          *int                    `json:"max_async_event_age_in_seconds,omitempty"`
	MaxRetries           *int                    `json:"max_async_retry_attempts,omitempty"`
	DestinationConfig    *AsyncDestinationConfig `json:"destination_config,omitempty"`
	EnableAsyncStatusLog *bool                   `json:"enable_async_status_log,omitempty"`
}

// GetAsyncInvokeConfig reads the function's asynchronous invocation
// config; nil when it has none. The references do not say how the
// service answers a function without one: a not-found error and an answer
// without settings both read as none (docs/api-notes.md).
func (c *Client) GetAsyncInvokeConfig(ctx context.Context, urn string) (*AsyncInvokeConfig, error) {
	var raw map[string]json.RawMessage
	err := c.do(ctx, call{method: "GET", path: fnPath(urn, "/async-invoke-config"), out: &raw})
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	set := false
	for _, k := range []string{"max_async_event_age_in_seconds", "max_async_retry_attempts", "destination_config", "enable_async_status_log"} {
		if v, ok := raw[k]; ok && string(v) != "null" {
			set = true
		}
	}
	if !set {
		return nil, nil
	}
	b, _ := json.Marshal(raw)
	out := &AsyncInvokeConfig{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("GET async-invoke-config: decode: %w", err)
	}
	return out, nil
}

// PutAsyncInvokeConfig sets the function's asynchronous invocation config.
func (c *Client) PutAsyncInvokeConfig(ctx context.Context, urn string, req *AsyncInvokeConfigRequest) (*AsyncInvokeConfig, error) {
	out := &AsyncInvokeConfig{}
	if err := c.do(ctx, call{method: "PUT", path: fnPath(urn, "/async-invoke-config"), in: req, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAsyncInvokeConfig deletes the function's asynchronous invocation
// config; one already gone (a repeat after a lost answer) is no error.
func (c *Client) DeleteAsyncInvokeConfig(ctx context.Context, urn string) error {
	err := c.do(ctx, call{method: "DELETE", path: fnPath(urn, "/async-invoke-config")})
	if IsNotFound(err) {
		return nil
	}
	return err
}
