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
// or its code, config and max-instances updates (code.go, config.go), then
// its release (release.go). Each concern appends its steps in that order.
func planFunction(ctx context.Context, api API, pk *packager, f *manifest.Function, salt []byte, versionCap int) (*plan.FunctionPlan, error) {
	fp := &plan.FunctionPlan{Name: f.Name, Package: f.Package, URN: api.FunctionURN(f.Package, f.Name)}
	if f.Runtime == "Custom Image" {
		// Its code is a container image (custom_image), not a package: a
		// code update would replace the image with a zip.
		return nil, fmt.Errorf("%s: fgsdeploy does not manage Custom Image functions yet (their code is a container image, not a package): leave it out of the manifest", f.Name)
	}
	code, err := pk.code(ctx, f)
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
	in := releaseInputs{digest: digest(code), pin: digest(code)}
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
		if in.config, err = planUpdate(fp, f, live, code, pk.sourceOf(f, code), salt); err != nil {
			return nil, err
		}
		if code == nil && !fp.Has(plan.StepCode) {
			in.digest = live.Digest
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
	in.dependenciesChange = slices.ContainsFunc(fp.Steps, func(s plan.Step) bool {
		return s.Type() == plan.StepCode && slices.ContainsFunc(s.Changes, func(c plan.Change) bool { return c.Field == "dependencies" })
	})
	in.versionConfig = func(version string) (*apiclient.Function, error) {
		cfg, err := api.GetConfig(ctx, fp.URN+":"+version)
		if err != nil {
			return nil, fmt.Errorf("read %s version %s: %w", f.Name, version, err)
		}
		return cfg, nil
	}
	in.triggers = func(version string) (int, error) {
		if in.reads == nil {
			return 0, nil
		}
		ts, err := in.reads.list(version)
		return len(ts), err
	}
	if err := planRelease(fp, f, st, in, versionCap); err != nil {
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
	if len(fp.Steps) > 0 {
		fp.Action = plan.Update
		if live == nil {
			fp.Action = plan.Create
		}
	}
	fp.DesiredFingerprint = desiredFingerprint(fp.Steps, digest(code))
	return fp, nil
}

// planUpdate plans the updates of an existing function, each with the
// body it sends: code, config, max instances. It returns the config latest
// will have after them.
func planUpdate(fp *plan.FunctionPlan, f *manifest.Function, live *apiclient.Function, code *plan.CodeFile, src codeSource, salt []byte) (*apiclient.UpdateConfigRequest, error) {
	if live.Runtime != f.Runtime {
		return nil, fmt.Errorf("%s: runtime cannot change in place (live %s, declared %s): delete the function or give it another name", f.Name, live.Runtime, f.Runtime)
	}
	if v := f.FunctionGraphVersion; v != nil && live.Type != "" && live.Type != *v {
		return nil, fmt.Errorf("%s: functiongraph_version cannot change in place (live %s, declared %s): delete the function or give it another name", f.Name, live.Type, *v)
	}
	if err := checkEnterpriseProject(f, live); err != nil {
		return nil, err
	}
	fp.Pre = plan.Precondition{Exists: true, Digest: live.Digest, LastModified: live.LastModified, ConfigFingerprint: configFingerprint(live)}
	planCode(fp, f, live, code, src)
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
