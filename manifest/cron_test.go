package manifest_test

import (
	"strings"
	"testing"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// A five-field cron is refused at its line: FunctionGraph takes it, but
// reads seconds first, so a Unix line like */5 * * * * would fire every
// five seconds. The message shows both six-field forms (issue 24, item 3).
func TestFiveFieldCronRefused(t *testing.T) {
	timer := func(schedule string) string {
		return fn + "    triggers:\n      - type: TIMER\n        event_data:\n          name: tick\n          schedule_type: Cron\n          schedule: \"" + schedule + "\"\n"
	}
	for _, c := range []struct{ schedule, want string }{
		{"*/5 * * * *", `11:21: functions.hello.triggers[0].event_data.schedule: "*/5 * * * *" has 5 fields, and FunctionGraph reads them as seconds minutes hours day-of-month month (a Unix cron line starts with minutes): write all six fields, "0 */5 * * * *" for the Unix meaning (minutes first), or "*/5 * * * * *" for the one FunctionGraph would read`},
		{"CRON_TZ=Asia/Shanghai 0 2 * * 1", `"CRON_TZ=Asia/Shanghai 0 0 2 * * 1" for the Unix meaning`},
		{"0 */5 * * * *", ""},
		{"0 0 2 * * ?", ""},
		{"@every 5m", ""},
		{"CRON_TZ=Europe/Berlin 0 0 12 * * *", ""},
	} {
		_, errs, _ := load(t, timer(c.schedule), manifest.Options{})
		got := ""
		if len(errs) > 0 {
			got = list(errs)
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) || len(errs) > 1 {
			t.Errorf("schedule %q: got %s\nwant %q", c.schedule, got, c.want)
		}
	}
}
