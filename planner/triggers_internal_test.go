package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// The desired fingerprint of a trigger create leaves its passwords out
// (their fingerprint in user_data covers them), and still sees the rest.
func TestDesiredFingerprintLeavesTriggerSecretsOut(t *testing.T) {
	create := func(data string) []plan.Step {
		return []plan.Step{{Request: &plan.CreateTrigger{Target: "latest", Identity: []string{"instance_id", "topic_ids"},
			Body: &apiclient.CreateTriggerRequest{TypeCode: "KAFKA", Status: "ACTIVE", EventData: json.RawMessage(data)}}}}
	}
	a := desiredFingerprint(create(`{"instance_id":"k","topic_ids":["t"],"kafka_password":"one"}`), "")
	b := desiredFingerprint(create(`{"instance_id":"k","topic_ids":["t"],"kafka_password":"two"}`), "")
	c := desiredFingerprint(create(`{"instance_id":"k","topic_ids":["u"],"kafka_password":"one"}`), "")
	if a != b {
		t.Error("the fingerprint depends on the password")
	}
	if a == c {
		t.Error("the fingerprint does not see the topics")
	}
}

// A trigger's secret hash depends on its secrets and identity, and is
// recognised under the salt stored with it; the stored value never holds
// the secret.
func TestTriggerSecretHashes(t *testing.T) {
	f := &manifest.Function{Name: "fn", Triggers: []manifest.Trigger{
		{Type: "KAFKA", Qualifier: "latest", Status: "ACTIVE", EventData: map[string]any{"instance_id": "k", "topic_ids": []string{"t"}}, Secrets: map[string]string{"kafka_password": "pw-1"}},
		{Type: "TIMER", Qualifier: "latest", Status: "ACTIVE", EventData: map[string]any{"name": "n"}, Secrets: map[string]string{}},
	}}
	first := planTriggerSecrets(f, nil, []byte("salt-of-the-plan"))
	if !first.unknown[0] || first.unknown[1] || first.value == "" {
		t.Fatalf("first plan: %+v", first)
	}
	env := map[string]string{TriggersFingerprintKey: first.value}
	if again := planTriggerSecrets(f, env, []byte("another-plan-salt")); len(again.unknown) != 0 || again.value != first.value {
		t.Fatalf("with the stored fingerprint: %+v", again)
	}
	f.Triggers[0].Secrets["kafka_password"] = "pw-2"
	if changed := planTriggerSecrets(f, env, nil); !changed.unknown[0] || changed.value == first.value {
		t.Fatalf("after the password changed: %+v", changed)
	}
	if strings.Contains(first.value, "pw-1") {
		t.Fatalf("stored value %q", first.value)
	}
}
