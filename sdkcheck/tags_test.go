package sdkcheck_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/functiongraph/v2/model"
)

// Tags deployed by fgsdeploy, read back with the SDK's ListFunctionTags
// and ShowResInstanceInfo (the filter, paged with the SDK's string limit
// and offset): the declared tags and the ownership tag, on the project's
// functions only; after a function leaves the manifest it is gone from
// both.
func TestTagsReadBackWithSDK(t *testing.T) {
	modes(t, func(t *testing.T, strict bool) {
		r := newRig(t, strict)
		code := map[string]string{"src/index.py": "def handler(event, context):\n    return 1\n"}
		r.write(t, code)
		r.write(t, map[string]string{"function.yaml": `functions:
  legacy: {runtime: Python3.10, handler: index.handler, code: {path: ./src}}
`})
		r.apply(t, nil)
		manifest := `project: shop
defaults:
  runtime: Python3.10
  handler: index.handler
  code: {path: ./src}
  tags: {team: payments}
functions:
  hello:
    tags: {tier: web}
  world: {}
`
		r.write(t, map[string]string{"function.yaml": manifest})
		if n := r.apply(t, nil); n != 2 {
			t.Fatalf("the first apply changed %d functions", n)
		}
		if n := r.apply(t, nil); n != 0 {
			t.Fatalf("a second apply changed %d functions", n)
		}
		tags, err := r.sdk.ListFunctionTags(&model.ListFunctionTagsRequest{ResourceType: "functions", ResourceId: urn("hello")})
		if err != nil {
			t.Fatalf("ListFunctionTags: %v", err)
		}
		if got := kvs(tags.Tags); got != "fgsdeploy-project=shop team=payments tier=web" {
			t.Errorf("hello's tags through the SDK: %s", got)
		}
		if got := filtered(t, r); got != "hello:fgsdeploy-project=shop team=payments tier=web legacy: world:fgsdeploy-project=shop team=payments" {
			t.Errorf("the filter through the SDK: %s", got)
		}

		r.write(t, map[string]string{"function.yaml": strings.Replace(manifest, "  world: {}\n", "", 1)})
		if n := r.apply(t, nil); n != 1 {
			t.Fatalf("the apply that deletes world changed %d functions", n)
		}
		if _, err := r.sdk.ListFunctionTags(&model.ListFunctionTagsRequest{ResourceType: "functions", ResourceId: urn("world")}); err == nil {
			t.Error("world's tags are still there")
		}
		if got := filtered(t, r); got != "hello:fgsdeploy-project=shop team=payments tier=web legacy:" {
			t.Errorf("the filter after the deletion: %s", got)
		}
	})
}

func kvs(items *[]model.KvItem) string {
	var out []string
	if items != nil {
		for _, it := range *items {
			out = append(out, show(it.Key)+"="+show(it.Value))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// filtered lists every function the filter answers, over pages of 2,
// as "name:tags", sorted.
func filtered(t *testing.T, r *rig) string {
	t.Helper()
	var out []string
	for offset := 0; offset < 100; offset += 2 {
		limit, off := "2", strconv.Itoa(offset)
		res, err := r.sdk.ShowResInstanceInfo(&model.ShowResInstanceInfoRequest{ResourceType: "functions", Action: "filter",
			Body: &model.ListEnterpriseResourceRequestBody{Limit: &limit, Offset: &off}})
		if err != nil {
			t.Fatalf("ShowResInstanceInfo: %v", err)
		}
		if res.Resources == nil || len(*res.Resources) == 0 {
			break
		}
		for _, x := range *res.Resources {
			out = append(out, show(x.ResourceName)+":"+kvs(x.Tags))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
