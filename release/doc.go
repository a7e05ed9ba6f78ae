// Package release owns what fgsdeploy knows of a function's releases
// beyond one plan: the order of its versions, where its aliases route
// traffic, the record of an alias's previous version kept in the alias's
// description, and the promote and rollback moves that read and write that
// record. The planner, the versions listing and the promote and rollback
// commands all go through it, so that they agree. It imports nothing of
// fgsdeploy but apiclient's types.
package release
