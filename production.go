package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// What versions shows of a function's production settings: the reserved
// instances of each qualifier and the asynchronous invocation config.

// production is what versions reads of the production settings.
type production struct {
	Reserved []apiclient.ReservedInstanceConfig // entries that reserve something
	Async    *apiclient.AsyncInvokeConfig       // nil: none
}

func readProduction(ctx context.Context, c *apiclient.Client, urn string) (*production, error) {
	list, err := c.ListReservedInstanceConfigs(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("list reserved instances: %w", err)
	}
	p := &production{}
	for _, r := range list {
		if !r.Empty() {
			p.Reserved = append(p.Reserved, r)
		}
	}
	if p.Async, err = c.GetAsyncInvokeConfig(ctx, urn); err != nil {
		return nil, fmt.Errorf("read the asynchronous invocation config: %w", err)
	}
	return p, nil
}

// writeProduction prints the reservations (a table, when there are any)
// and the asynchronous invocation config (a line, when there is one).
func writeProduction(w io.Writer, p *production) error {
	if len(p.Reserved) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RESERVED ON\tINSTANCES\tIDLE MODE\tPOLICIES")
		for _, r := range p.Reserved {
			q := r.QualifierName
			if r.QualifierType == "alias" {
				q += " (alias)"
			}
			idle := "no"
			if r.IdleMode {
				idle = "yes"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", q, r.MinCount, idle, policies(r.TacticsConfig))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if a := p.Async; a != nil {
		var parts []string
		if a.MaxEventAge != nil {
			parts = append(parts, fmt.Sprintf("events kept %d s", *a.MaxEventAge))
		}
		if a.MaxRetries != nil {
			parts = append(parts, fmt.Sprintf("%d retries", *a.MaxRetries))
		}
		if d := a.DestinationConfig; d != nil {
			if d.OnSuccess != nil {
				parts = append(parts, "on success "+d.OnSuccess.Destination)
			}
			if d.OnFailure != nil {
				parts = append(parts, "on failure "+d.OnFailure.Destination)
			}
		}
		if a.EnableAsyncStatusLog != nil && *a.EnableAsyncStatusLog {
			parts = append(parts, "status log on")
		}
		fmt.Fprintf(w, "\nasynchronous invocation: %s\n", strings.Join(parts, ", "))
	}
	return nil
}

func policies(tc *apiclient.TacticsConfig) string {
	if tc == nil || len(tc.CronConfigs)+len(tc.MetricConfigs) == 0 {
		return "-"
	}
	var out []string
	for _, c := range tc.CronConfigs {
		out = append(out, fmt.Sprintf("%s: %d at %q", c.Name, c.Count, c.Cron))
	}
	for _, m := range tc.MetricConfigs {
		out = append(out, fmt.Sprintf("%s: %s above %d%%, at least %d", m.Name, m.Type, m.Threshold, m.Min))
	}
	return strings.Join(out, "; ")
}

// productionJSON is what versions --format json adds: reserved_instances
// (a list, empty for none) and async_invoke (left out when there is none),
// param as the map it holds.
func productionJSON(p *production) map[string]any {
	type reserved struct {
		Qualifier     string                   `json:"qualifier"`
		QualifierType string                   `json:"qualifier_type"`
		Count         int                      `json:"count"`
		IdleMode      bool                     `json:"idle_mode"`
		TacticsConfig *apiclient.TacticsConfig `json:"tactics_config,omitempty"`
	}
	rs := []reserved{}
	for _, r := range p.Reserved {
		rs = append(rs, reserved{r.QualifierName, r.QualifierType, r.MinCount, r.IdleMode, r.TacticsConfig})
	}
	out := map[string]any{"reserved_instances": rs}
	if a := p.Async; a != nil {
		m := map[string]any{}
		if a.MaxEventAge != nil {
			m["max_async_event_age_in_seconds"] = *a.MaxEventAge
		}
		if a.MaxRetries != nil {
			m["max_async_retry_attempts"] = *a.MaxRetries
		}
		if a.EnableAsyncStatusLog != nil {
			m["enable_async_status_log"] = *a.EnableAsyncStatusLog
		}
		if d := a.DestinationConfig; d != nil {
			dc := map[string]any{}
			for name, t := range map[string]*apiclient.AsyncDestination{"on_success": d.OnSuccess, "on_failure": d.OnFailure} {
				if t == nil {
					continue
				}
				var param any = t.Param
				var pm map[string]any
				if json.Unmarshal([]byte(t.Param), &pm) == nil && pm != nil {
					param = pm
				}
				dc[name] = map[string]any{"destination": t.Destination, "param": param}
			}
			m["destination_config"] = dc
		}
		out["async_invoke"] = m
	}
	return out
}
