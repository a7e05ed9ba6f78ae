package fgsspec

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestRuntimes(t *testing.T) {
	if len(Runtimes) != 26 {
		t.Fatalf("%d runtimes; the SDK's enum has 26", len(Runtimes))
	}
	seen := map[string]bool{}
	for _, r := range Runtimes {
		if seen[r] {
			t.Errorf("%s twice", r)
		}
		seen[r] = true
	}
	for _, r := range []string{"Python3.10", "PHP8.3", "Custom Image", "http", "C#(.NET Core 6.0)", "Cangjie1.0", "Go1.8"} {
		if !IsRuntime(r) {
			t.Errorf("IsRuntime(%q) = false", r)
		}
	}
	// Guessed names the SDK does not have, and wrong case.
	for _, r := range []string{"Python3.12", "Java21", "Node.js20.15", "C#(.NET Core 8.0)", "python3.10", "HTTP", ""} {
		if IsRuntime(r) {
			t.Errorf("IsRuntime(%q) = true", r)
		}
	}
}

func TestValues(t *testing.T) {
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"memory 128", IsMemorySize(128), true},
		{"memory 4096", IsMemorySize(4096), true},
		{"memory 100", IsMemorySize(100), false},
		{"memory 8192", IsMemorySize(8192), false},
		{"timeout 3", Timeout.Contains(3), true},
		{"timeout 2", Timeout.Contains(2), false},
		{"timeout 259200", Timeout.Contains(259200), true},
		{"timeout 259201", Timeout.Contains(259201), false},
		{"initializer 300", InitializerTimeout.Contains(300), true},
		{"initializer 301", InitializerTimeout.Contains(301), false},
		{"pre-stop 90", PreStopTimeout.Contains(90), true},
		{"pre-stop 91", PreStopTimeout.Contains(91), false},
		{"ephemeral 512", IsEphemeralStorageSize(512), true},
		{"ephemeral 10240", IsEphemeralStorageSize(10240), true},
		{"ephemeral 1024", IsEphemeralStorageSize(1024), false},
		{"ephemeral on http", AllowsEphemeralStorage("http"), true},
		{"ephemeral on Custom Image", AllowsEphemeralStorage("Custom Image"), true},
		{"ephemeral on Python", AllowsEphemeralStorage("Python3.10"), false},
		{"concurrent_num on http", AllowsConcurrentNum("http"), true},
		{"concurrent_num on Custom", AllowsConcurrentNum("Custom"), false},
		{"concurrent_num 1000", ConcurrentNum.Contains(1000), true},
		{"concurrent_num 0", ConcurrentNum.Contains(0), false},
		{"max instances -1", MaxInstances.Contains(-1), true},
		{"max instances -2", MaxInstances.Contains(-2), false},
		{"mount type sfsTurbo", IsMountType("sfsTurbo"), true},
		{"mount type nfs", IsMountType("nfs"), false},
		{"share path for ecs", MountSharePathRequired("ecs"), true},
		{"share path for sfs", MountSharePathRequired("sfs"), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if MaxMounts != 5 {
		t.Errorf("MaxMounts = %d", MaxMounts)
	}
}

func TestMountIDs(t *testing.T) {
	for id, want := range map[int]string{
		-1: "", 1: "", 999: "", 1001: "", 1003: "", 65534: "",
		0: "0 is reserved", 1000: "1000 is reserved", 1002: "1002 is reserved",
		-2: "-2 is out of range (-1 to 65534", 65535: "65535 is out of range",
	} {
		err := CheckMountID(id)
		switch {
		case want == "" && err != nil:
			t.Errorf("CheckMountID(%d) = %v", id, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("CheckMountID(%d) = %v, want %q", id, err, want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		check func(string) error
		name  string
		want  string // "" = valid
	}{
		{CheckFunctionName, "hello", ""},
		{CheckFunctionName, "a1", ""},
		{CheckFunctionName, "my_func-2", ""},
		{CheckFunctionName, strings.Repeat("a", 60), ""},
		{CheckFunctionName, "a", "it is 1 character long; 2 to 60 allowed"},
		{CheckFunctionName, strings.Repeat("a", 61), "it is 61 characters long"},
		{CheckFunctionName, "", "it is empty"},
		{CheckFunctionName, "9lives", "it must start with a letter"},
		{CheckFunctionName, "_x", "it must start with a letter"},
		{CheckFunctionName, "hello-", "it must end with a letter or digit"},
		{CheckFunctionName, "hello_", "it must end with a letter or digit"},
		{CheckFunctionName, "he.llo", `'.' is not allowed (only letters, digits, _, -)`},
		{CheckFunctionName, "héllo", `'é' is not allowed`},
		{CheckAliasName, "a", ""},
		{CheckAliasName, "live", ""},
		{CheckAliasName, strings.Repeat("a", 63), ""},
		{CheckAliasName, strings.Repeat("a", 64), "it is 64 characters long; 1 to 63 allowed"},
		{CheckAliasName, "live-", "it must end with a letter or digit"},
		{CheckAliasName, "1live", "it must start with a letter"},
		{CheckVersionName, "v1.2.3", ""},
		{CheckVersionName, "1", ""},
		{CheckVersionName, "v1.", "it must end with a letter or digit"},
		{CheckVersionName, ".v1", "it must start with a letter or digit"},
		{CheckVersionName, strings.Repeat("v", 43), "it is 43 characters long; 1 to 42 allowed"},
		{CheckVersionName, "v 1", `' ' is not allowed (only letters, digits, _, -, .)`},
	} {
		err := c.check(c.name)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want %q", c.name, err, c.want)
		}
	}
}

// The name checks agree with the documented rules written as regular
// expressions, on every input.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"hello", "a", "a-", "9a", "v1.2", "héllo", "", "a\x00b", strings.Repeat("x", 61)} {
		f.Add(s)
	}
	funcRe := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$`)
	aliasRe := regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)
	versionRe := regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_.-]{0,40}[A-Za-z0-9])?$`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			what  string
			check func(string) error
			re    *regexp.Regexp
		}{{"function", CheckFunctionName, funcRe}, {"alias", CheckAliasName, aliasRe}, {"version", CheckVersionName, versionRe}} {
			err := c.check(s)
			if (err == nil) != c.re.MatchString(s) {
				t.Fatalf("%s name %q: check says %v, rule says %v", c.what, s, err, c.re.MatchString(s))
			}
			if err != nil && err.Error() == "" {
				t.Fatalf("%s name %q: empty reason", c.what, s)
			}
		}
	})
}

func TestHandlerFiles(t *testing.T) {
	for _, c := range []struct {
		runtime, handler string
		files            string
		required         bool
	}{
		{"Python3.10", "index.handler", "[index.py]", true},
		{"Python3.9", "src/app.main", "[src/app.py]", true},
		{"Python3.9", "pkg.mod.main", "[pkg.mod.py pkg/mod.py]", true},
		{"Node.js18.15", "index.handler", "[index.js index.mjs index.cjs]", true},
		{"Node.js16.17", "lib/api.run", "[lib/api.js lib/api.mjs lib/api.cjs]", true},
		{"PHP8.3", "index.handler", "[index.php]", true},
		{"http", "bootstrap", "[bootstrap]", false},
		{"Custom", "x", "[bootstrap]", false},
		{"Java17", "com.example.App::handle", "[]", false},
		{"Go1.x", "handler", "[]", false},
		{"C#(.NET Core 6.0)", "A::B.C::D", "[]", false},
		{"Python3.10", "nodot", "[]", false},
	} {
		files, required := HandlerFiles(c.runtime, c.handler)
		if got := fmt.Sprint(files); got != c.files || required != c.required {
			t.Errorf("%s %s: %s %v, want %s %v", c.runtime, c.handler, got, required, c.files, c.required)
		}
	}
}
