package timers

import (
	"strings"
	"time"
)

// regionZones are the time zones of Huawei Cloud's regions ("if CRON_TZ
// is not set, the region's time zone is used", FunctionGraph's cron
// page), by region id or its prefix.
var regionZones = map[string]string{
	"cn-":            "Asia/Shanghai",
	"ap-southeast-1": "Asia/Hong_Kong",
	"ap-southeast-2": "Asia/Bangkok",
	"ap-southeast-3": "Asia/Singapore",
	"ap-southeast-4": "Asia/Jakarta",
	"af-south-1":     "Africa/Johannesburg",
	"af-north-1":     "Africa/Cairo",
	"la-north-2":     "America/Mexico_City",
	"la-south-2":     "America/Santiago",
	"sa-brazil-1":    "America/Sao_Paulo",
	"tr-west-1":      "Europe/Istanbul",
	"me-east-1":      "Asia/Riyadh",
	"ru-moscow-1":    "Europe/Moscow",
	"eu-west-0":      "Europe/Paris",
	"eu-west-101":    "Europe/Dublin",
}

// RegionZone is the time zone of region, UTC for a region it does not
// know (such as the embedded emulator's local-1).
func RegionZone(region string) *time.Location {
	name, ok := regionZones[region]
	if !ok && strings.HasPrefix(region, "cn-") {
		name, ok = regionZones["cn-"], true
	}
	if !ok {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
