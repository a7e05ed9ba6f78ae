// Package iam owns the part of IAM the emulator serves on the
// FunctionGraph listener: GET /v3/projects?name=REGION, which clients use
// to find the project id of a region. Another region gives an empty list.
// The gateway authenticates the request first (emulator/auth).
package iam
