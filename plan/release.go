package plan

import "github.com/fgsdeploy/fgsdeploy/apiclient"

// The requests of a release: publish a version, move aliases, delete old
// versions.

// PendingVersion stands for the name FunctionGraph gives an unnamed
// publish. Requests that follow the publish (an alias on the new version)
// name it so; the applier puts the name the publish got in its place.
const PendingVersion = "(to be published)"

// PublishVersion publishes latest as a version (POST .../versions). Digest
// is the code latest must hold when it is published ("" when the plan
// cannot know it: obs code); the applier checks it before publishing and
// on the version it finds.
type PublishVersion struct {
	Body   *apiclient.PublishRequest
	Digest string
}

// Type implements Request.
func (*PublishVersion) Type() StepType { return StepPublish }

// Version is what the plan calls the version it publishes: the name asked
// for, or PendingVersion when FunctionGraph names it.
func (r *PublishVersion) Version() string {
	if r.Body.Version == "" {
		return PendingVersion
	}
	return r.Body.Version
}

// WriteAlias creates (Create) or updates one alias to Alias. Its version,
// or a version it weights, is PendingVersion when it goes to the version
// an unnamed publish of the same apply makes. The planner orders a
// function's alias steps so that each is valid when it runs (one alias
// per version, FSS.1066).
type WriteAlias struct {
	Create bool
	Alias  apiclient.Alias
}

// Type implements Request.
func (*WriteAlias) Type() StepType { return StepAliases }

// DeleteVersion deletes one published version (DELETE .../{urn}:{version}).
// Versions deleted before a publish make room under the version cap;
// those after the aliases moved are pruned.
type DeleteVersion struct {
	Version string
}

// Type implements Request.
func (*DeleteVersion) Type() StepType { return StepPrune }
