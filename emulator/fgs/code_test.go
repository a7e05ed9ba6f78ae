package fgs

import (
	"testing"

	"github.com/fgsdeploy/fgsdeploy/emulator/store"
)

// FSS.1071: a zip over 50 MB decoded is refused with 413 (checked below
// HTTP: 67 MB of base64 through the race detector takes too long).
func TestPackageLimits(t *testing.T) {
	_, blobs, err := store.Open(store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{blobs: blobs}
	big := codeBody{CodeType: "zip", CodeFilename: "c.zip"}
	big.FuncCode = &struct {
		File packageFile `json:"file"`
	}{packageFile{set: true, data: make([]byte, maxZipBytes+1)}}
	if _, e := s.readCode(nil, big); e == nil || e.Status != 413 || e.Code != "FSS.1071" {
		t.Errorf("50 MB + 1 zip: %v", e)
	}
	big.FuncCode.File.data = big.FuncCode.File.data[:maxZipBytes]
	if c, e := s.readCode(nil, big); e != nil || c.CodeSize != maxZipBytes {
		t.Errorf("50 MB zip: %v %+v", e, c)
	}
}
