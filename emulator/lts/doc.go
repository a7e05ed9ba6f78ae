// Package lts owns the emulator's LTS, the log service, which lives at
// another host than FunctionGraph (lts.{region}.myhuaweicloud.com): the
// part of its API that reads a function's logs, served on a listener of
// its own (Running.LTSURL; Server.LTSHandler for tests). POST
// /v2/{project_id}/groups/{group}/streams/{stream}/content/query, the
// SDK's ListLogs, over the lines invocations wrote (emulator/records),
// with LTS's error codes. It answers in pages, as LTS defines them: an
// answer with more lines to come says isQueryComplete false and gives a
// scroll id, which the next query sends back as scroll_id to go on where
// it stopped (line_num with search_type pages too). Lenient: pages of the
// limit asked (at most 5000), the id as scroll_id; strict: pages of at
// most 100 lines whatever the limit, the id as scrollId
// (docs/api-notes.md, rule 43). FunctionGraph's lts-log-detail, on the
// FunctionGraph listener, names a function's group and stream; it is the
// control plane's (emulator/fgs). Fault injection and Options.Latency
// apply to the FunctionGraph listener only.
package lts
