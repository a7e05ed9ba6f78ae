// Package plan is the vocabulary of a plan: what fgsdeploy will do to each
// function (Action), the steps it takes (Step, StepType), the changes each
// step makes (Change) and the preconditions the plan was made against, with
// the plan's text, Markdown and JSON views. A plan is computed by the
// planner, only read afterwards, and executed by the applier. It imports
// nothing of fgsdeploy but apiclient's types.
package plan
