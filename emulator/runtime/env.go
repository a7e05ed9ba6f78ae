package runtime

import (
	"encoding/json"
	"sort"
	"strconv"
)

// processEnv is the environment of a handler process: what FunctionGraph
// gives a function (its environment variables, encrypted ones included,
// and the RUNTIME_ variables the runtimes' context reads), and what the
// bootstrap needs. Nothing of the emulator's own environment is passed.
func processEnv(j Job, binDir string, initTimeout int) []string {
	c := j.Spec
	user := map[string]string{}
	for _, ud := range []string{c.UserData, c.EncryptedUserData} {
		var m map[string]string
		if json.Unmarshal([]byte(ud), &m) == nil {
			for k, v := range m {
				user[k] = v
			}
		}
	}
	ud, _ := json.Marshal(user)
	env := []string{
		"PATH=" + binDir + ":/usr/local/bin:/usr/bin:/bin",
		"LANG=C.UTF-8",
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"RUNTIME_FUNC_NAME=" + j.Function,
		"RUNTIME_PACKAGE=" + j.Package,
		"RUNTIME_PROJECT_ID=" + j.ProjectID,
		"RUNTIME_FUNC_VERSION=" + j.Version,
		"RUNTIME_HANDLER=" + c.Handler,
		"RUNTIME_TIMEOUT=" + strconv.Itoa(c.Timeout),
		"RUNTIME_MEMORY=" + strconv.Itoa(c.MemorySize),
		// FunctionGraph gives a function 200 millicores plus 100 for each
		// 128 MB (300 for 128 MB, as its function model example shows).
		"RUNTIME_CPU=" + strconv.Itoa(200+c.MemorySize/128*100),
		"RUNTIME_USERDATA=" + string(ud),
	}
	keys := make([]string, 0, len(user))
	for k := range user {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+user[k])
	}
	return append(env,
		"FGS_BOOT_HANDLER="+c.Handler,
		"FGS_BOOT_INITIALIZER="+c.InitializerHandler,
		"FGS_BOOT_INIT_TIMEOUT="+strconv.Itoa(initTimeout))
}
