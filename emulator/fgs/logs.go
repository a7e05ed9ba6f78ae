package fgs

import (
	"encoding/json"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ltsLogDetail answers GET .../functions/{urn}/lts-log-detail: the log
// group and stream of the version the URN names (an alias's: its main
// version), or, when it does not log to LTS, 404 FSS.0404 (the
// reference's example: "selectOneLog, group or stream not found"), in
// strict mode 200 with no ids.
func (s *Service) ltsLogDetail(t *stx, u urn) httpapi.Response {
	_, sn, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	lc := sn.Config.LogConfig
	if lc == nil || lc.GroupID == "" || lc.StreamID == "" {
		if s.opts.Strict {
			// The SDK's model has every field optional: an answer that
			// names nothing is the other way to say it.
			return httpapi.OK(map[string]string{})
		}
		return httpapi.Failf(404, "FSS.0404", "selectOneLog, group or stream not found")
	}
	return httpapi.OK(map[string]string{"group_id": lc.GroupID, "group_name": lc.GroupName, "stream_id": lc.StreamID, "stream_name": lc.StreamName})
}

// StreamNamed tells whether a function's log_config names the stream: a
// stream no invocation wrote to yet exists all the same.
func StreamNamed(tx store.KVTx, group, stream string) bool {
	found := false
	tx.Scan(bucketFunctions, "", func(_ string, v []byte) error {
		var f Function
		if json.Unmarshal(v, &f) == nil {
			if lc := f.Latest.Config.LogConfig; lc != nil && lc.GroupID == group && lc.StreamID == stream {
				found = true
				return store.ErrStopScan
			}
		}
		return nil
	})
	return found
}

// tenantLTSKey, in the meta bucket, records EnableLtsLogs.
const tenantLTSKey = "tenant_lts_enabled"

// tenantLogs tells whether the tenant's LTS logging is on: new functions
// that do not say log by default. It is on unless Options.LTSDisabled,
// and then once EnableLtsLogs turned it on.
func (s *Service) tenantLogs(t *stx) bool {
	return !s.opts.LTSDisabled || t.KV.Get(bucketMeta, tenantLTSKey) != nil
}

// enableLTSLogs answers EnableLtsLogs (POST .../fgs/functions/enable-lts-logs):
// the tenant switch of FunctionGraph's LTS logging. From then on a new
// function logs by default; existing functions keep what they have. The
// reference answers 200 with an empty body.
func (s *Service) enableLTSLogs(t *stx) httpapi.Response {
	t.Put(bucketMeta, tenantLTSKey, true)
	return httpapi.Response{Status: 200, Raw: []byte{}}
}
