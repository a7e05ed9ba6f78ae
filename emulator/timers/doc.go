// Package timers owns the emulator's scheduler of TIMER triggers: at each
// pass (Scheduler.Tick, a second apart under fgsdeploy emulator, or when a
// test says) it lists the ACTIVE timers, fires those whose time came, and
// works out when each fires next. Schedules are fgsspec's: Rate (1-60 m,
// 1-24 h, 1-30 d), @every DURATION, or cron fields, seconds first, in the
// zone of CRON_TZ= or else the region's.
//
// A timer seen for the first time (created, enabled again, or at the
// emulator's start) fires at its next time after that pass, not for the
// times it missed; when several of its times passed between two passes it
// fires once. A DISABLED timer is not listed, so it never fires.
//
// Firing invokes the version or alias the trigger is bound to with the
// event FunctionGraph sends a timer, {"version": "v1.0", "time": (the
// scheduled time, RFC 3339, in the timer's zone), "trigger_type":
// "TIMER", "trigger_name", "user_event"}, recorded like any invocation
// (its log in LTS, its statistics). The control plane lists and fires
// (emulator/fgs); this package decides when.
package timers
