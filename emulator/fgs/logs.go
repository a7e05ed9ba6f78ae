package fgs

import (
	"encoding/json"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ltsLogDetail answers GET .../functions/{urn}/lts-log-detail: the
// function's log group and stream, or 404 FSS.0404 when it does not log
// to LTS (the reference's example: "selectOneLog, group or stream not
// found").
func (s *Service) ltsLogDetail(t *stx, u urn) httpapi.Response {
	_, sn, _, e := s.lookup(t, u)
	if e != nil {
		return httpapi.Fail(e)
	}
	lc := sn.Config.LogConfig
	if lc == nil || lc.GroupID == "" || lc.StreamID == "" {
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
