package fgs

import (
	"encoding/json"
	"regexp"
	"unicode/utf8"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
	"github.com/fgsdeploy/fgsdeploy/fgsspec"
)

// The value rules of FunctionGraph, one small function each, with their
// sources in docs/api-notes.md. They come from fgsspec, the same facts
// the manifest checks offline, so the emulator and the tool cannot
// disagree on them. fgsspec holds plain facts, no wire types: the
// emulator still keeps its own model of the API.

func isRuntime(r string) bool { return fgsspec.IsRuntime(r) }

func isMemorySize(mb int) bool { return fgsspec.IsMemorySize(mb) }

func isFunctionName(n string) bool { return fgsspec.CheckFunctionName(n) == nil }

func isAliasName(n string) bool { return fgsspec.CheckAliasName(n) == nil }

// multiConcurrent tells whether instances of runtime r take more than one
// request at a time, the only runtimes concurrent_num above 1 is for.
func multiConcurrent(r string) bool { return fgsspec.AllowsConcurrentNum(r) }

// ephemeralStorageOK tells whether a function of runtime r may have mb of
// ephemeral storage: the default 512 for all (GET config reports it for
// every function, and clients send it back), a larger size only where
// fgsspec allows ephemeral_storage at all.
func ephemeralStorageOK(r string, mb int) bool {
	return mb == 512 || (fgsspec.IsEphemeralStorageSize(mb) && fgsspec.AllowsEphemeralStorage(r))
}

// maxMounts is the most func_mounts a function may have (FSS.1049).
const maxMounts = fgsspec.MaxMounts

// mountIDOK tells whether id may be a mount user or group id (FSS.1075).
func mountIDOK(id int) bool { return fgsspec.CheckMountID(id) == nil }

var (
	pkgRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	versionRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]{0,40}[A-Za-z0-9])?$`)
)

const (
	maxZipBytes    = 50 << 20  // FSS.1071
	maxOBSZipBytes = 300 << 20 // through OBS: 300 MB compressed (Notes and Constraints)
	maxInlineBytes = 10 << 10  // FSS.1072
	maxAliases     = 10
	maxUserData    = 4096 // FSS.1018; the Notes and Constraints page says 4,096 characters
	maxDescription = 512  // FSS.1019
)

// validateConfig applies FunctionGraph's rules to a config.
func (s *Service) validateConfig(c *Config) *httpapi.Error {
	switch {
	case !isRuntime(c.Runtime):
		return httpapi.Errorf(400, "FSS.1005", "invalid runtime %q", c.Runtime)
	case c.Handler == "":
		return httpapi.Errorf(400, "FSS.1003", "handler is required")
	case !isMemorySize(c.MemorySize):
		return httpapi.Errorf(400, "FSS.1007", "invalid memory_size %d", c.MemorySize)
	case c.Timeout < 3 || c.Timeout > 259200:
		return httpapi.Errorf(400, "FSS.1008", "timeout %d is out of range (3 to 259200)", c.Timeout)
	}
	for _, ud := range []string{c.UserData, c.EncryptedUserData} {
		if ud == "" {
			continue
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(ud), &m); err != nil {
			return httpapi.Errorf(400, "FSS.1009", "user data must be a JSON object of strings")
		}
		if len(m) > 20 {
			return httpapi.Errorf(400, "FSS.1017", "user data has %d keys; at most 20", len(m))
		}
		if len(ud) > maxUserData {
			return httpapi.Errorf(400, "FSS.1018", "user data is %d bytes; at most %d", len(ud), maxUserData)
		}
	}
	if utf8.RuneCountInString(c.Description) > maxDescription {
		return httpapi.Errorf(400, "FSS.1019", "description is %d characters; at most %d", utf8.RuneCountInString(c.Description), maxDescription)
	}
	if sc := c.StrategyConfig; sc != nil && sc.ConcurrentNum != nil {
		n := *sc.ConcurrentNum
		switch {
		case n < -1 || n > 1000:
			return httpapi.Errorf(400, "FSS.1026", "concurrent_num %d is out of range (1 to 1000)", n)
		case n > 1 && !multiConcurrent(c.Runtime):
			return httpapi.Errorf(400, "FSS.1026", "concurrent_num %d: only http and Custom Image functions take more than one request per instance", n)
		}
	}
	if c.EphemeralStorage != 0 && !ephemeralStorageOK(c.Runtime, c.EphemeralStorage) {
		return httpapi.Errorf(400, "FSS.0400", "ephemeral_storage %d: 512, or 10240 for http and Custom Image functions", c.EphemeralStorage)
	}
	if v := c.FuncVpc; v != nil && (v.VpcID == "" || v.SubnetID == "") {
		return httpapi.Errorf(400, "FSS.0400", "func_vpc needs vpc_id and subnet_id")
	}
	if c.FuncVpc != nil && c.Xrole == "" {
		// A VPC needs an agency with VPC permissions (docs/api-notes.md).
		return httpapi.Errorf(400, "FSS.0400", "func_vpc needs xrole, an agency with VPC permissions")
	}
	return s.checkMounts(c.MountConfig)
}

// checkMounts applies the mount rules: at most 5 mounts (403 FSS.1049),
// user and group ids -1 to 65534 but not 0, 1000 or 1002 (FSS.1075), each
// mount with its type, resource and path. mount_user is mandatory in the
// reference; strict mode refuses a mount_config without it.
func (s *Service) checkMounts(mc *mountConfig) *httpapi.Error {
	if mc == nil {
		return nil
	}
	if len(mc.FuncMounts) > maxMounts {
		return httpapi.Errorf(403, "FSS.1049", "%d mounts; at most %d", len(mc.FuncMounts), maxMounts)
	}
	if mc.MountUser == nil {
		if s.opts.Strict {
			return httpapi.Errorf(400, "FSS.0400", "mount_config.mount_user is required")
		}
	} else if !mountIDOK(mc.MountUser.UserID) || !mountIDOK(mc.MountUser.UserGroupID) {
		return httpapi.Errorf(400, "FSS.1075", "the user ID and user group ID must be an integer from -1 to 65,534, excluding 0, 1000, and 1002")
	}
	for _, m := range mc.FuncMounts {
		switch {
		case m.MountType != "sfs" && m.MountType != "sfsTurbo" && m.MountType != "ecs":
			return httpapi.Errorf(400, "FSS.0400", "invalid mount_type %q", httpapi.Trunc(m.MountType))
		case m.MountResource == "":
			return httpapi.Errorf(400, "FSS.0400", "mount_resource is required")
		case m.LocalMountPath == "":
			return httpapi.Errorf(400, "FSS.1039", "local_mount_path is required")
		case m.MountType == "ecs" && m.MountSharePath == "":
			return httpapi.Errorf(400, "FSS.0400", "mount_share_path is required for mount_type ecs")
		}
	}
	return nil
}
