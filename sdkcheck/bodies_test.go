package sdkcheck_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"

	"github.com/fgsdeploy/fgsdeploy/emulator/fgs"
)

// The emulator's statement of each request body (the fields its strict
// mode takes) is the SDK's request body model, field by field, nested
// objects included: neither can change without the other.
func TestEmulatorBodiesAreTheSDKs(t *testing.T) {
	models := map[string]any{
		"CreateFunction":                       model.CreateFunctionRequestBody{},
		"UpdateFunctionCode":                   model.UpdateFunctionCodeRequestBody{},
		"UpdateFunctionConfig":                 model.UpdateFunctionConfigRequestBody{},
		"UpdateFunctionMaxInstanceConfig":      model.UpdateFunctionMaxInstanceConfigRequestBody{},
		"CreateFunctionVersion":                model.CreateFunctionVersionRequestBody{},
		"CreateVersionAlias":                   model.CreateVersionAliasRequestBody{},
		"UpdateVersionAlias":                   model.UpdateVersionAliasRequestBody{},
		"CreateFunctionTrigger":                model.CreateFunctionTriggerRequestBody{},
		"UpdateTrigger":                        model.UpdateTriggerRequestBody{},
		"CreateDependencyVersion":              model.CreateDependencyRequestBody{},
		"UpdateFunctionReservedInstancesCount": model.UpdateFunctionReservedInstancesCountRequestBody{},
		"UpdateFunctionAsyncInvokeConfig":      model.UpdateFunctionAsyncInvokeConfigRequestBody{},
		"CreateTags":                           model.UpdateFunctionTagsRequestBody{},
		"DeleteTags":                           model.UpdateFunctionTagsRequestBody{},
	}
	stated := fgs.RequestBodyFields()
	var names []string
	for op := range stated {
		names = append(names, op)
	}
	sort.Strings(names)
	for _, op := range names {
		m, ok := models[op]
		if !ok {
			t.Errorf("the emulator states %s, which this test does not map to an SDK model", op)
			continue
		}
		want := sdkFields(reflect.TypeOf(m), map[reflect.Type]bool{})
		if diff := diffFields(stated[op], want, op); diff != "" {
			t.Errorf("%s", diff)
		}
	}
	for op := range models {
		if _, ok := stated[op]; !ok {
			t.Errorf("the emulator does not state %s", op)
		}
	}
}

// sdkFields reads a model's fields by their JSON tags: structs of the
// model package are objects (through pointers, slices and maps), their
// enum types (a struct of one unexported value) leaves.
func sdkFields(t reflect.Type, seen map[reflect.Type]bool) fgs.Fields {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map {
		return fgs.Fields{"*": sdkFields(t.Elem(), seen)}
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != reflect.TypeOf(model.StrategyConfig{}).PkgPath() ||
		t.NumField() == 1 && !t.Field(0).IsExported() || seen[t] {
		return nil
	}
	seen[t] = true
	defer delete(seen, t)
	out := fgs.Fields{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if tag != "" && tag != "-" {
			out[tag] = sdkFields(t.Field(i).Type, seen)
		}
	}
	return out
}

func diffFields(got, want fgs.Fields, path string) string {
	var diffs []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, path+"."+k+": in the SDK's model, not in the emulator's statement")
		case (g == nil) != (w == nil):
			diffs = append(diffs, path+"."+k+": an object in one, a leaf in the other")
		case w != nil:
			if d := diffFields(g, w, path+"."+k); d != "" {
				diffs = append(diffs, d)
			}
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, path+"."+k+": in the emulator's statement, not in the SDK's model")
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}
