package apiclient_test

import (
	"encoding/json"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
)

// Unmanaged config fields are read from a function model and written
// back into an update body; a managed field of the body wins.
func TestUnmanagedConfigFields(t *testing.T) {
	var f apiclient.Function
	in := `{"func_name":"f","memory_size":256,"enable_dynamic_memory":true,"custom_image":{"enabled": true, "image":"x"},"gpu_memory":null,"not_managed_nor_listed":1}`
	if err := json.Unmarshal([]byte(in), &f); err != nil {
		t.Fatal(err)
	}
	if f.FuncName != "f" || f.MemorySize != 256 || len(f.Unmanaged) != 2 ||
		string(f.Unmanaged["enable_dynamic_memory"]) != "true" || string(f.Unmanaged["custom_image"]) != `{"enabled":true,"image":"x"}` {
		t.Fatalf("decoded %+v, unmanaged %s", f, f.Unmanaged)
	}
	req := apiclient.UpdateConfigRequest{FuncName: "f", MemorySize: 512, Unmanaged: f.Unmanaged}
	req.Unmanaged["memory_size"] = json.RawMessage(`1`)
	b, err := json.Marshal(&req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.Unmarshal(b, &out)
	if out["memory_size"] != float64(512) || out["enable_dynamic_memory"] != true || out["custom_image"] == nil {
		t.Fatalf("body %s", b)
	}
}
