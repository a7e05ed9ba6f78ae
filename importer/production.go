package importer

import (
	"context"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// production reads what init writes of a function's production settings:
// the framework version, its reservations and its asynchronous invocation
// config, as manifest keys in that order, and notes on what it leaves
// out. A value the manifest cannot declare (outside the range every
// reading of the API accepts) is left out, so unmanaged, and noted.
func production(ctx context.Context, api API, live *apiclient.Function, urn string) ([]*yaml.Node, []string, error) {
	var nodes []*yaml.Node
	var notes []string
	add := func(key string, v any) {
		var n yaml.Node
		if err := n.Encode(v); err != nil {
			panic(err) // plain values always encode
		}
		nodes = append(nodes, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &n)
	}
	if live.Type != "" && live.Type != planner.DefaultFunctionGraphVersion {
		add("functiongraph_version", live.Type)
	}
	papi, ok := api.(planner.ProductionAPI)
	if !ok {
		return nodes, nil, nil
	}
	list, err := papi.ListReservedInstanceConfigs(ctx, urn)
	if err != nil {
		return nil, nil, fmt.Errorf("read reserved instances: %w", err)
	}
	reserved := map[string]any{}
	for _, r := range list {
		if r.Empty() {
			continue
		}
		m := map[string]any{"count": r.MinCount}
		if r.IdleMode {
			m["idle_mode"] = true
		}
		if tc := r.TacticsConfig; tc != nil && len(tc.CronConfigs)+len(tc.MetricConfigs) > 0 {
			t := map[string]any{}
			var crons, metrics []any
			for _, c := range tc.CronConfigs {
				crons = append(crons, map[string]any{"name": c.Name, "cron": c.Cron, "count": c.Count, "start_time": c.StartTime, "expired_time": c.ExpiredTime})
			}
			for _, mc := range tc.MetricConfigs {
				metrics = append(metrics, map[string]any{"name": mc.Name, "type": mc.Type, "threshold": mc.Threshold, "min": mc.Min})
			}
			if len(crons) > 0 {
				t["cron_configs"] = crons
			}
			if len(metrics) > 0 {
				t["metric_configs"] = metrics
			}
			m["tactics_config"] = t
		}
		reserved[r.QualifierName] = m
	}
	if len(reserved) > 0 {
		add("reserved_instances", reserved)
		orderReservations(nodes[len(nodes)-1])
	}
	a, err := papi.GetAsyncInvokeConfig(ctx, urn)
	if err != nil {
		return nil, nil, fmt.Errorf("read the asynchronous invocation config: %w", err)
	}
	if a != nil {
		m, left := planner.LiveAsyncInvoke(a)
		add("async_invoke", m)
		orderKeys(nodes[len(nodes)-1], "max_async_event_age_in_seconds", "max_async_retry_attempts", "destination_config", "enable_async_status_log")
		if len(left) > 0 {
			notes = append(notes, fmt.Sprintf("async_invoke leaves out %s, which a manifest cannot declare as it is (so it is not managed)", joinList(left)))
		}
	}
	return nodes, notes, nil
}

// orderReservations writes each reservation's keys in the manifest
// reference's order, its policies' too.
func orderReservations(n *yaml.Node) {
	for i := 1; i < len(n.Content); i += 2 {
		r := n.Content[i]
		orderKeys(r, "count", "idle_mode", "tactics_config")
		r.Style = yaml.FlowStyle
		if tc := mapValue(r, "tactics_config"); tc != nil {
			orderKeys(tc, "cron_configs", "metric_configs")
			for _, list := range []*yaml.Node{mapValue(tc, "cron_configs"), mapValue(tc, "metric_configs")} {
				if list == nil {
					continue
				}
				for _, p := range list.Content {
					orderKeys(p, "name", "cron", "type", "count", "threshold", "min", "start_time", "expired_time")
				}
			}
		}
	}
}

func joinList(xs []string) string {
	sort.Strings(xs)
	out := ""
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			out += " and "
		default:
			out += ", "
		}
		out += x
	}
	return out
}
