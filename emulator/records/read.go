package records

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// ScanStats calls fn with each minute of the statistics of the function
// with key fk from minute from to minute to (minutes since the epoch,
// both included) that keep accepts by version and alias, in key order.
func ScanStats(tx store.KVTx, fk string, from, to int64, keep func(version, alias string) bool, fn func(minute int64, m MinuteStats)) error {
	prefix := store.SubKey(fk)
	return tx.Scan(Stats, prefix, func(k string, v []byte) error {
		parts := strings.Split(strings.TrimPrefix(k, prefix), "\x00")
		if len(parts) != 3 {
			return nil
		}
		minute, err := strconv.ParseInt(parts[0], 16, 64)
		if err != nil || minute < from || minute > to || !keep(parts[1], parts[2]) {
			return nil
		}
		var m MinuteStats
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		fn(minute, m)
		return nil
	})
}

// ScanLines calls fn with each line of the LTS stream group/stream and
// its line_num, in line_num order, until fn returns an error.
func ScanLines(tx store.KVTx, group, stream string, fn func(lineNum int64, l LogLine) error) error {
	prefix := group + "\x00" + stream + "\x00"
	return tx.Scan(Logs, prefix, func(k string, v []byte) error {
		n, _ := strconv.ParseInt(strings.TrimPrefix(k, prefix), 10, 64)
		var l LogLine
		if err := json.Unmarshal(v, &l); err != nil {
			return err
		}
		return fn(n, l)
	})
}
