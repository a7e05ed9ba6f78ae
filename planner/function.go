package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/manifest"
	"github.com/fgsdeploy/fgsdeploy/plan"
)

// planFunction plans one function: its package, then its create (create.go)
// or its config and max-instances updates (config.go), then whether it
// publishes and so what latest's code becomes (publish.go, marker.go: the
// code step goes before the others), then its release (release.go).
func planFunction(ctx context.Context, api API, pk *packager, f *manifest.Function, salt []byte, versionCap int) (*plan.FunctionPlan, error) {
	fp := &plan.FunctionPlan{Name: f.Name, FuncName: f.FuncName, Package: f.Package, URN: api.FunctionURN(f.Package, f.FuncName)}
	if f.Runtime == "Custom Image" {
		// Its code is a container image (custom_image), not a package: a
		// code update would replace the image with a zip.
		return nil, f.Errorf("runtime", "fgsdeploy does not manage Custom Image functions yet (their code is a container image, not a package): leave it out of the manifest")
	}
	code, err := pk.functionCode(ctx, fp, f)
	if err != nil {
		return nil, err
	}
	live, err := api.GetConfig(ctx, fp.URN)
	switch {
	case apiclient.IsNotFound(err):
		live = nil
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	st := &versionState{aliases: map[string]apiclient.Alias{}}
	in := &releaseInputs{live: live, code: code, mark: &marker{pk: pk, code: code}}
	var liveEnv map[string]string
	if live != nil {
		liveEnv = parseEnv(live.UserData)
	}
	in.secrets = planTriggerSecrets(f, liveEnv, salt)
	if live == nil {
		if in.config, err = planCreate(fp, f, code, pk.sourceOf(f, code), salt); err != nil {
			return nil, err
		}
	} else {
		if err := readDependencies(ctx, api, fp.URN, f, live, code); err != nil {
			return nil, err
		}
		if in.config, err = planUpdate(fp, f, live, salt); err != nil {
			return nil, err
		}
		in.reads = newTriggerReads(ctx, api, fp.URN, f.Name)
		if f.Publish != nil || len(f.Aliases) > 0 || f.Triggers != nil || f.ReservedInstances != nil {
			if st, err = readVersionState(ctx, api, fp.URN); err != nil {
				return nil, fmt.Errorf("read %s: %w", f.Name, err)
			}
			fp.Pre.Release = st.fingerprint()
			if f.Triggers != nil {
				in.reads.start(liveTargets(st)) // while the release is planned
			}
		}
	}
	in.latestChanges = len(fp.Steps) > 0
	asyncFP, err := planAsync(ctx, api, fp, f, live != nil)
	if err != nil {
		return nil, err
	}
	setTriggersFingerprint(fp, f, in.config, in.secrets.value)
	in.versionHeld = versionHeldReader(ctx, api, fp.URN, f.Name, func() bool { return len(in.after.deps) > 0 })
	in.triggers = func(version string) (int, error) {
		if in.reads == nil {
			return 0, nil
		}
		ts, err := in.reads.list(version)
		return len(ts), err
	}
	in.pin = digest(code)
	if live != nil {
		deps := live.DependVersionList
		if f.Dependencies != nil {
			deps = f.Dependencies
		}
		in.dependenciesChange = !slices.Equal(sortedCopy(deps), sortedCopy(live.DependVersionList))
		in.after, in.now = heldOf(in.config, deps), heldOf(liveConfig(live), live.DependVersionList)
		in.pin = live.Digest
	}
	dec, err := decidePublish(f, st, in)
	if err != nil {
		return nil, err
	}
	if live != nil && dec.code != nil {
		in.pin = dec.code.Digest
		planCode(fp, f, live, dec.code, pk.sourceOf(f, dec.code), dec.marker)
	}
	if err := planRelease(fp, f, st, in, dec, versionCap); err != nil {
		return nil, err
	}
	if err := finishProduction(ctx, api, fp, f, st, live != nil, asyncFP); err != nil {
		return nil, err
	}
	if f.Triggers != nil && in.reads != nil {
		// A saved plan is refused when the live triggers moved, as when
		// the versions or aliases did.
		tfp, err := in.reads.fingerprint(liveTargets(st))
		if err != nil {
			return nil, err
		}
		fp.Pre.Release = hashStrings(fp.Pre.Release, tfp)
	}
	if err := planTags(ctx, api, fp, f, pk.proj.Project, pk.proj.Env, live != nil); err != nil {
		return nil, err
	}
	if len(fp.Steps) > 0 {
		fp.Action = plan.Update
		if live == nil {
			fp.Action = plan.Create
		}
	}
	fp.DesiredFingerprint = desiredFingerprint(fp.Steps, digest(code))
	return fp, nil
}

// versionHeldReader reads what a published version holds, once per
// version: its config, and its dependencies. When its config carries none
// and latest will have some, they are read from its code (GET config
// carries them in current API versions, GET code in all of them).
func versionHeldReader(ctx context.Context, api API, urn, name string, latestHasDeps func() bool) func(version string) (held, error) {
	cache := map[string]held{}
	return func(version string) (held, error) {
		if h, ok := cache[version]; ok {
			return h, nil
		}
		cfg, err := api.GetConfig(ctx, urn+":"+version)
		if err != nil {
			return held{}, fmt.Errorf("read %s version %s: %w", name, version, err)
		}
		deps := cfg.DependVersionList
		if len(deps) == 0 && latestHasDeps() {
			c, err := api.GetCode(ctx, urn+":"+version)
			if err != nil {
				return held{}, fmt.Errorf("read the code of %s version %s: %w", name, version, err)
			}
			deps = c.DependVersionList
		}
		h := heldOf(liveConfig(cfg), deps)
		cache[version] = h
		return h, nil
	}
}

// planUpdate plans the updates of an existing function's config and max
// instances, each with the body it sends (the code step, decided with the
// release, goes before them). It returns the config latest will have
// after them.
func planUpdate(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, salt []byte) (*apiclient.UpdateConfigRequest, error) {
	if live.Runtime != f.Runtime {
		return nil, f.Errorf("runtime", "cannot change in place (live %s, declared %s): delete the function or give it another name", live.Runtime, f.Runtime)
	}
	if v := f.FunctionGraphVersion; v != nil && live.Type != "" && live.Type != *v {
		return nil, fmt.Errorf("%s: functiongraph_version cannot change in place (live %s, declared %s): delete the function or give it another name", f.Name, live.Type, *v)
	}
	if err := checkEnterpriseProject(f, live); err != nil {
		return nil, err
	}
	fp.Pre = plan.Precondition{Exists: true, Digest: live.Digest, LastModified: live.LastModified, ConfigFingerprint: configFingerprint(live)}
	config, err := planConfig(fp, f, live, salt)
	if err != nil {
		return nil, err
	}
	planMaxInstances(fp, f, live)
	return config, nil
}

// readDependencies makes sure live carries the dependencies a code update
// must send back: GET config carries them in current API versions, GET
// code in all of them. Only when config shows none and they matter is
// code read too.
func readDependencies(ctx context.Context, api API, urn string, f *manifest.Function, live *apiclient.Function, code *plan.CodeFile) error {
	if len(live.DependVersionList) > 0 || (f.Dependencies == nil && !codeDiffers(f, live, code)) {
		return nil
	}
	c, err := api.GetCode(ctx, urn)
	if err != nil {
		return fmt.Errorf("read code of %s: %w", f.Name, err)
	}
	live.DependVersionList = c.DependVersionList
	return nil
}
