// Package importer is what fgsdeploy init does: it reads a deployed
// function, downloads its code into the project and writes a manifest
// that plans as no change against it (the planner's reading of the live
// function, planner.Live, decides what that manifest holds).
package importer
