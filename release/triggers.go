package release

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Triggers as the versions listing shows them, and the key that tells a
// trigger from the others of its type in plans and listings.

// TriggerKey is what tells a trigger from the others of its type: a
// timer's or a notification's name, an API's method and path, a bucket
// and its filter, a topic, a stream... ("nightly", "GET /hello",
// "uploads in/*.csv").
func TriggerKey(typ string, data map[string]any) string {
	s := func(k string) string { v, _ := data[k].(string); return v }
	list := func(k string) string {
		var items []string
		if xs, ok := data[k].([]any); ok {
			for _, x := range xs {
				items = append(items, fmt.Sprint(x))
			}
		}
		if xs, ok := data[k].([]string); ok {
			items = append(items, xs...)
		}
		sort.Strings(items)
		return strings.Join(items, ",")
	}
	switch typ {
	case "TIMER", "CTS":
		return s("name")
	case "APIG", "DEDICATEDGATEWAY":
		return s("req_method") + " " + s("path")
	case "OBS":
		return s("bucket") + " " + s("prefix") + "*" + s("suffix")
	case "SMN":
		return s("topic_urn")
	case "DMS":
		return s("queue_id") + " " + s("consumer_group_id")
	case "KAFKA":
		return s("instance_id") + " " + list("topic_ids")
	case "LTS":
		return s("log_group_id") + " " + s("log_topic_id")
	case "DIS":
		return s("stream_name")
	case "RABBITMQ":
		return s("exchange_name")
	case "DDS":
		return s("db_name") + "." + s("collection_name")
	}
	if n := s("name"); n != "" {
		return n
	}
	return ""
}

// DescribeTrigger names a live trigger: "TIMER nightly (DISABLED)", or
// its type and id when its type has no key.
func DescribeTrigger(t apiclient.Trigger) string {
	var data map[string]any
	json.Unmarshal(t.EventData, &data)
	s := t.TypeCode + " " + TriggerKey(t.TypeCode, data)
	if strings.TrimSpace(s) == t.TypeCode {
		s = t.TypeCode + " " + t.ID
	}
	if t.Status != "" && t.Status != "ACTIVE" {
		s += " (" + t.Status + ")"
	}
	return s
}

// TriggerAPI reads triggers.
type TriggerAPI interface {
	ListTriggers(ctx context.Context, urn string) ([]apiclient.Trigger, error)
}

// ReadTriggers reads the triggers of latest, of every version and of
// every alias of the listing (urn unqualified) into it.
func (l *Listing) ReadTriggers(ctx context.Context, api TriggerAPI, urn string) error {
	l.AliasTriggers = map[string][]apiclient.Trigger{}
	for i := range l.Versions {
		v := l.Versions[i].Version.Version
		ts, err := api.ListTriggers(ctx, urn+":"+v)
		if err != nil {
			return fmt.Errorf("read triggers of %s: %w", v, err)
		}
		l.Versions[i].Triggers = ts
	}
	for _, a := range l.Aliases {
		ts, err := api.ListTriggers(ctx, urn+":!"+a.Name)
		if err != nil {
			return fmt.Errorf("read triggers of alias %s: %w", a.Name, err)
		}
		l.AliasTriggers[a.Name] = ts
	}
	return nil
}
