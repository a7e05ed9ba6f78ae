package planner

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/manifest"
)

// FingerprintKey is the user_data (environment) key under which fgsdeploy
// keeps the fingerprint of a function's encrypted_environment.
//
// Whether GET config returns encrypted_user_data is left open by the API
// references (docs/api-notes.md rule 1), so a change is never seen by
// reading it back. Instead, every write of encrypted_user_data also
// writes, into the plain environment, a salted PBKDF2-SHA256 hash of the
// canonical JSON of the secret map:
//
//	FGSDEPLOY_SECRETS_FP = v1$<salt, base64url>$<hash, base64url>
//
// A plan recomputes the hash of the declared secrets with the stored salt:
// equal means no change, anything else (including no fingerprint at all, as
// for a function written by another tool) means the secrets are sent again.
// The fingerprint lives with the function, so every machine and every CI
// run agrees (no perpetual diff, no local state to lose), and the slow,
// salted hash makes guessing a weak secret from it expensive. The key is
// hidden from environment diffs and counts toward FunctionGraph's limit of
// 20 environment keys. A secret changed outside fgsdeploy (console, API)
// is not detected: the fingerprint still matches the manifest. The manifest
// loader reserves the key and counts it toward the limit.
const FingerprintKey = manifest.SecretsFingerprintKey

// fingerprintIterations is the PBKDF2 work factor of the v1 fingerprint.
// Changing it changes every stored fingerprint; add a v2 instead.
const fingerprintIterations = 100_000

func canonicalSecrets(m map[string]string) string {
	b, err := json.Marshal(m) // map keys are sorted by encoding/json
	if err != nil {
		panic(err) // a map[string]string always marshals
	}
	return string(b)
}

func fingerprintWithSalt(secrets map[string]string, salt []byte) string {
	h, err := pbkdf2.Key(sha256.New, canonicalSecrets(secrets), salt, fingerprintIterations, 32)
	if err != nil {
		panic(err) // only for invalid parameters, which are constant here
	}
	enc := base64.RawURLEncoding
	return "v1$" + enc.EncodeToString(salt) + "$" + enc.EncodeToString(h)
}

// fingerprintMatches reports whether stored is a fingerprint of secrets.
func fingerprintMatches(stored string, secrets map[string]string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 3 || parts[0] != "v1" {
		return false
	}
	salt, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || len(salt) < 8 {
		return false
	}
	want := fingerprintWithSalt(secrets, salt)
	return subtle.ConstantTimeCompare([]byte(want), []byte(stored)) == 1
}

// functionSalt derives a function's fingerprint salt from the plan's salt,
// so that a saved plan re-planned at apply time writes the same fingerprint.
func functionSalt(planSalt []byte, name string) []byte {
	h := sha256.New()
	h.Write(planSalt)
	h.Write([]byte{0})
	h.Write([]byte(name))
	return h.Sum(nil)[:16]
}

// secretsFingerprint returns the fingerprint to store for f's secrets and
// whether they differ from what the live function holds.
func secretsFingerprint(f *manifest.Function, liveEnv map[string]string, salt []byte) (string, bool) {
	if f.EncryptedEnvironment == nil {
		return "", false
	}
	if stored, ok := liveEnv[FingerprintKey]; ok && fingerprintMatches(stored, f.EncryptedEnvironment) {
		return stored, false
	}
	return fingerprintWithSalt(f.EncryptedEnvironment, functionSalt(salt, f.Name)), true
}
