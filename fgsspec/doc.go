// Package fgsspec holds FunctionGraph's documented value rules: runtimes,
// memory sizes, timeout ranges, name rules, ephemeral storage, per-instance
// concurrency and mounts. Manifest validation and the emulator both read
// them from here, so the two cannot disagree.
//
// Every rule names its source. The sources, as read in April 2026:
//
//   - [SDK]: the official Go SDK, github.com/huaweicloud/huaweicloud-sdk-go-v3
//     at commit 1cd70eb6 (2026-03-13), services/functiongraph/v2/model;
//   - [TF]: the huaweicloud Terraform provider, docs/resources/fgs_function.md
//     at commit 3648ac34;
//   - [OTC]: Open Telekom Cloud's FunctionGraph API reference,
//     github.com/opentelekomcloud-docs/function-graph at commit b1f75951
//     (2026-04-22), api-ref/source;
//   - [HW]: Huawei Cloud's FunctionGraph API reference and user guide at
//     support.huaweicloud.com (pages named by their document id).
//
// Where the sources disagree, the rule is the harshest documented reading,
// so that whatever passes here passes the real service; each such rule says
// which reading it took.
//
// The package imports nothing of fgsdeploy's and has no state.
package fgsspec
