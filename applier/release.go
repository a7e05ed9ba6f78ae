package applier

import (
	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/release"
)

// Describe is release.Describe; apply.go still names it here.
func Describe(a apiclient.Alias) string { return release.Describe(a) }
