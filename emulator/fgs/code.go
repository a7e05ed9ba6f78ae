package fgs

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/fgsdeploy/fgsdeploy/emulator/httpapi"
)

// codeBody is the code part of create and update-code bodies.
type codeBody struct {
	CodeType     string `json:"code_type"`
	CodeURL      string `json:"code_url"`
	CodeFilename string `json:"code_filename"`
	FuncCode     *struct {
		File packageFile `json:"file"`
	} `json:"func_code"`
	DependVersionList []string `json:"depend_version_list"`
	// CodeEncryptKmsKeyID is the KMS key the code is encrypted with; the
	// emulator stores it (the bytes stay plain) and returns it.
	CodeEncryptKmsKeyID string `json:"code_encrypt_kms_key_id"`
}

// packageFile is func_code.file, decoded from base64 straight out of the
// request bytes: json.Unmarshal hands UnmarshalJSON a slice of the body,
// so a big upload is held as the body plus the decoded package, with no
// intermediate string.
type packageFile struct {
	set  bool
	data []byte
	bad  bool // not a base64 string
}

func (f *packageFile) UnmarshalJSON(raw []byte) error {
	if string(raw) == "null" {
		return nil
	}
	f.set = true
	if len(raw) < 2 || raw[0] != '"' {
		f.bad = true
		return nil
	}
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 { // escapes such as \/: take the slow path
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			f.bad = true
			return nil
		}
		text = []byte(str)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(buf, text)
	if err != nil {
		f.bad = true
		return nil
	}
	f.data = buf[:n]
	return nil
}

// readCode validates and stores the code of a create or update-code body,
// in the request's transaction t (code_type obs reads the object there).
func (s *Service) readCode(t *stx, b codeBody) (Code, *httpapi.Error) {
	c := Code{CodeType: b.CodeType, CodeURL: b.CodeURL, CodeFilename: b.CodeFilename, DependVersionList: b.DependVersionList,
		CodeEncryptKmsKeyID: b.CodeEncryptKmsKeyID}
	var data []byte
	switch b.CodeType {
	case "inline", "zip", "jar":
		if b.FuncCode == nil || !b.FuncCode.File.set {
			return Code{}, httpapi.Errorf(400, "FSS.1012", "func_code.file is required for code_type %s", b.CodeType)
		}
		if b.FuncCode.File.bad {
			return Code{}, httpapi.Errorf(400, "FSS.1011", "func_code.file is not a base64 string")
		}
		data = b.FuncCode.File.data
		if len(data) == 0 {
			return Code{}, httpapi.Errorf(400, "FSS.1012", "func_code.file is empty")
		}
		if b.CodeType == "inline" && len(data) > maxInlineBytes {
			return Code{}, httpapi.Errorf(413, "FSS.1072", "inline code is %d bytes; at most %d", len(data), maxInlineBytes)
		}
		if b.CodeType != "inline" {
			if len(data) > maxZipBytes {
				return Code{}, httpapi.Errorf(413, "FSS.1071", "the package is %d bytes; at most %d for a direct upload: use OBS", len(data), maxZipBytes)
			}
			if b.CodeFilename == "" {
				return Code{}, httpapi.Errorf(400, "FSS.1011", "code_filename is required for code_type %s", b.CodeType)
			}
		}
	case "obs":
		digest, size, e := s.readObject(t, b.CodeURL, maxOBSZipBytes)
		if e != nil {
			return Code{}, e
		}
		c.Digest, c.CodeSize = digest, size
		return c, nil
	default:
		return Code{}, httpapi.Errorf(400, "FSS.1006", "invalid code_type %q", b.CodeType)
	}
	sum := sha512.Sum512(data)
	c.Digest = hex.EncodeToString(sum[:])
	c.CodeSize = int64(len(data))
	if err := s.blobs.Put(c.Digest, data); err != nil {
		return Code{}, httpapi.Errorf(500, "FSS.0500", "store code: %v", err)
	}
	return c, nil
}

// readObject stores the package an OBS URL names, streamed from this
// emulator's OBS, and returns its digest and size (docs/api-notes.md rule
// 9: the digest is of the bytes, whatever the origin). A URL that is not
// https is FSS.1010; an object FunctionGraph cannot read (another OBS, a
// bucket of another region, no such object) is 404 FSS.1054.
func (s *Service) readObject(t *stx, raw string, limit int64) (digest string, size int64, e *httpapi.Error) {
	if !strings.HasPrefix(raw, "https://") {
		return "", 0, httpapi.Errorf(400, "FSS.1010", "code_url must be an https URL for code_type obs")
	}
	rc, size, _, found := s.obs.OpenURL(&t.Tx, raw)
	if !found {
		return "", 0, httpapi.Errorf(404, "FSS.1054", "the code package %s cannot be found in OBS", httpapi.Trunc(raw))
	}
	defer rc.Close()
	switch {
	case size == 0:
		return "", 0, httpapi.Errorf(400, "FSS.1012", "the OBS object %s is empty", httpapi.Trunc(raw))
	case size > limit:
		return "", 0, httpapi.Errorf(413, "FSS.1071", "the OBS object is %d bytes; at most %d", size, limit)
	}
	digest, n, err := s.blobs.PutFrom(rc)
	if err != nil {
		return "", 0, httpapi.Errorf(500, "FSS.0500", "store code: %v", err)
	}
	return digest, n, nil
}
