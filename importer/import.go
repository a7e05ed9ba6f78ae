package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fgsdeploy/fgsdeploy/apiclient"
	"github.com/fgsdeploy/fgsdeploy/codezip"
	"github.com/fgsdeploy/fgsdeploy/planner"
)

// API is what Import reads.
type API interface {
	FunctionURN(pkg, name string) string
	GetConfig(ctx context.Context, urn string) (*apiclient.Function, error)
	GetCode(ctx context.Context, urn string) (*apiclient.Code, error)
	ListTags(ctx context.Context, urn string) (map[string]string, error)
	planner.TriggerReader
}

var _ API = (*apiclient.Client)(nil)

// Imported is the result of Import.
type Imported struct {
	Manifest []byte // function.yaml
	CodePath string // where the code was written, relative to the project ("" for obs)
	Note     string // what the user should know, or ""
}

// maxDownload bounds a code download (FunctionGraph's own limit is 50 MB
// for direct uploads; OBS packages can be larger).
const maxDownload = 512 << 20

// Import reads a live function and writes, into dir, its code and returns
// a manifest that plans as no change against it. The code link is fetched
// with hc; when there is none, obs code stays an obs_url.
func Import(ctx context.Context, api API, hc *http.Client, pkg, name, dir string) (*Imported, error) {
	urn := api.FunctionURN(pkg, name)
	live, err := api.GetConfig(ctx, urn)
	if apiclient.IsNotFound(err) {
		return nil, fmt.Errorf("function %s does not exist in package %s", name, pkg)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	code, err := api.GetCode(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("read code of %s: %w", name, err)
	}
	imp := &Imported{}
	codeNode := map[string]string{}
	switch {
	case code.CodeType == "obs" && code.CodeURL != "":
		codeNode["obs_url"] = code.CodeURL
	case code.FuncCode != nil && code.FuncCode.Link != "":
		p, note, err := downloadCode(ctx, hc, code, live, name, dir)
		if err != nil {
			return nil, err
		}
		codeNode["path"] = "./" + p
		imp.CodePath, imp.Note = p, note
	default:
		return nil, fmt.Errorf("the code of %s has no download link and no OBS URL", name)
	}
	triggers, unwritable, err := planner.LiveTriggers(ctx, api, urn)
	if err != nil {
		return nil, fmt.Errorf("read triggers of %s: %w", name, err)
	}
	if len(unwritable) > 0 {
		note := fmt.Sprintf("triggers are left out of function.yaml (so fgsdeploy does not manage them) and written there as a comment: %s; declare them to manage them", strings.Join(unwritable, "; "))
		imp.Note = strings.TrimPrefix(imp.Note+"; "+note, "; ")
	}
	liveTags, err := api.ListTags(ctx, urn)
	if err != nil {
		return nil, fmt.Errorf("read tags of %s: %w", name, err)
	}
	project, tags, left := planner.DeclarableTags(liveTags)
	if len(left) > 0 {
		note := fmt.Sprintf("tags that a manifest cannot declare as they are are left out (not managed, left as they are): %s", strings.Join(left, ", "))
		imp.Note = strings.TrimPrefix(imp.Note+"; "+note, "; ")
	}
	prod, notes, err := production(ctx, api, live, urn)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	for _, n := range notes {
		imp.Note = strings.TrimPrefix(imp.Note+"; "+n, "; ")
	}
	imp.Manifest = manifestYAML(live, pkg, name, codeNode, triggers, len(unwritable) > 0, prod, project, tags)
	return imp, nil
}

// downloadCode fetches the package, checks its digest and writes it as a
// folder when fgsdeploy's deterministic zip of that folder has the same
// digest; otherwise as the archive itself, so that the next plan is no
// change either way.
func downloadCode(ctx context.Context, hc *http.Client, code *apiclient.Code, live *apiclient.Function, name, dir string) (string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, code.FuncCode.Link, nil)
	if err != nil {
		return "", "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("download code of %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("download code of %s: %s", name, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return "", "", fmt.Errorf("download code of %s: %w", name, err)
	}
	if len(data) > maxDownload {
		return "", "", fmt.Errorf("download code of %s: larger than %d bytes", name, maxDownload)
	}
	sum := sha512.Sum512(data)
	digest := hex.EncodeToString(sum[:])
	if live.Digest != "" && digest != live.Digest {
		return "", "", fmt.Errorf("download code of %s: digest %s does not match the function's %s", name, digest, live.Digest)
	}
	ext := ".zip"
	if code.CodeType == "jar" {
		ext = ".jar"
	}
	folder := filepath.Join(dir, name)
	if _, err := os.Stat(folder); err == nil {
		return "", "", fmt.Errorf("%s already exists: run init in an empty folder", folder)
	}
	if err := unzip(data, folder); err == nil {
		res, err := codezip.Build(ctx, folder, codezip.Options{Root: dir})
		if err == nil {
			defer res.Close()
			if res.Digest == digest || markedFolder(data, res, live, digest) {
				return name, "", nil
			}
		}
	}
	archive := name + ext
	if err := os.WriteFile(filepath.Join(dir, archive), data, 0o644); err != nil {
		return "", "", err
	}
	note := fmt.Sprintf("the deployed package was not built by fgsdeploy, so function.yaml uses it as is (%s); its files are in %s/: point code.path there to deploy them (the first apply then uploads a new package)", archive, name)
	if _, err := os.Stat(folder); err != nil {
		note = fmt.Sprintf("the deployed package is used as is (%s)", archive)
	}
	return archive, note, nil
}

// markedFolder reports whether the package (data, of the given digest)
// is the folder's package with the release marker a plan of the live
// function adds (codezip.ReleaseFile): the folder then plans as no change.
// A marker for another config (latest changed since that release) is
// not: the package is then used as it is.
func markedFolder(data []byte, folder *codezip.Result, live *apiclient.Function, digest string) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	content, err := codezip.ReleaseFileContent(zr)
	if err != nil || content == nil || !bytes.Equal(content, planner.ReleaseMarker(live)) {
		return false
	}
	d, _, err := codezip.ReleaseFileDigest(folder, content)
	return err == nil && d == digest
}

// unzip extracts a package, refusing entries that would land outside dir.
// The release marker a plan adds (codezip.ReleaseFile) is fgsdeploy's,
// not the function's code: it is not written.
func unzip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		clean := filepath.Clean(filepath.FromSlash(f.Name))
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
			return fmt.Errorf("package entry %q escapes the folder", f.Name)
		}
		if clean == codezip.ReleaseFile {
			continue
		}
		p := filepath.Join(dir, clean)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if f.Mode()&0o111 != 0 {
			mode = 0o755
		}
		w, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err != nil {
			rc.Close()
			return err
		}
		_, err = io.Copy(w, io.LimitReader(rc, maxDownload))
		rc.Close()
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// manifestYAML writes every managed field of a live function, in the
// order of the manifest reference, its production settings and its tags
// last, and the project that owns it (project, "" for none) at the top.
func manifestYAML(live *apiclient.Function, pkg, name string, code map[string]string, triggers []planner.LiveTrigger, commentTriggers bool, production []*yaml.Node, project string, tags map[string]string) []byte {
	fn := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v any) {
		var n yaml.Node
		if err := n.Encode(v); err != nil {
			panic(err) // plain values always encode
		}
		fn.Content = append(fn.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &n)
	}
	l := planner.Live(live)
	c := l.Config
	if pkg != "default" {
		add("package", pkg)
	}
	add("runtime", c.Runtime)
	add("handler", c.Handler)
	add("memory_size", c.MemorySize)
	add("timeout", c.Timeout)
	if c.Description != "" {
		add("description", c.Description)
	}
	if c.InitializerHandler != "" {
		add("initializer_handler", c.InitializerHandler)
		add("initializer_timeout", c.InitializerTimeout)
	}
	if c.PreStopHandler != "" {
		add("pre_stop_handler", c.PreStopHandler)
		add("pre_stop_timeout", c.PreStopTimeout)
	}
	if len(l.Environment) > 0 {
		add("environment", l.Environment)
	}
	if c.Xrole != "" {
		add("xrole", c.Xrole)
	}
	if c.AppXrole != "" {
		add("app_xrole", c.AppXrole)
	}
	var ep string
	if raw, ok := live.Unmanaged["enterprise_project_id"]; ok && json.Unmarshal(raw, &ep) == nil && ep != "" && ep != "0" {
		add("enterprise_project_id", ep) // "0" is the default project
	}
	if v := c.FuncVpc; v != nil {
		m := map[string]any{"vpc_id": v.VpcID, "subnet_id": v.SubnetID}
		if len(v.SecurityGroups) > 0 {
			m["security_groups"] = v.SecurityGroups
		}
		add("func_vpc", m)
	}
	if l.Mounts != nil {
		add("mount_config", l.Mounts)
	}
	if c.LogConfig != nil {
		add("log_config", map[string]string{"group_id": c.LogConfig.GroupID, "stream_id": c.LogConfig.StreamID})
	}
	if n := l.ConcurrentNum; n != 1 {
		add("concurrent_num", n)
	}
	if c.EphemeralStorage != 0 && c.EphemeralStorage != 512 {
		add("ephemeral_storage", c.EphemeralStorage)
	}
	if l.HasMaxInstances {
		add("max_instances", l.MaxInstances)
	}
	if len(l.Dependencies) > 0 {
		add("dependencies", l.Dependencies)
	}
	add("code", code)
	if len(fn.Content) > 0 {
		last := fn.Content[len(fn.Content)-2]
		last.HeadComment = "encrypted_environment: its values are secrets and are not written here; declare it to manage it."
	}
	// The triggers it has, exactly, when a manifest can declare them all;
	// none is no key (a function without triggers stays open to those
	// made elsewhere).
	switch list := triggersNode(name, triggers); {
	case commentTriggers:
		fn.Content[len(fn.Content)-2].FootComment = "fgsdeploy cannot declare these triggers as they are (see init's note), so they are not managed:\n" + commented(list)
	case len(triggers) > 0:
		fn.Content = append(fn.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "triggers"}, list)
	}
	fn.Content = append(fn.Content, production...) // production.go
	if len(tags) > 0 {
		add("tags", tags)
	}
	root := document(name, fn, project)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// document is a manifest's top level: the project (when it has one) and
// the one function.
func document(name string, fn *yaml.Node, project string) *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "functions"},
		{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: name}, fn}},
	}}
	if project != "" {
		root.Content = append([]*yaml.Node{{Kind: yaml.ScalarNode, Value: "project"}, {Kind: yaml.ScalarNode, Value: project}}, root.Content...)
	}
	root.HeadComment = fmt.Sprintf("Written by fgsdeploy init from the live function %s.", name)
	return root
}

// triggersNode is the triggers key of a manifest holding triggers; a
// secret field is written as a ${VAR} named after the function and field.
func triggersNode(fn string, ts []planner.LiveTrigger) *yaml.Node {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range ts {
		item := map[string]any{"type": t.Type}
		if t.Qualifier != "latest" {
			item["qualifier"] = t.Qualifier
		}
		if t.Status != "" && t.Status != "ACTIVE" {
			item["status"] = t.Status
		}
		data := map[string]any{}
		for k, v := range t.EventData {
			data[k] = v
		}
		for _, k := range t.Secrets {
			data[k] = "${" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(fn)+"_"+k) + "}"
		}
		item["event_data"] = data
		var n yaml.Node
		if err := n.Encode(item); err != nil {
			panic(err) // plain values always encode
		}
		orderKeys(&n, "type", "qualifier", "status", "event_data")
		if ed := mapValue(&n, "event_data"); ed != nil {
			ed.Style = yaml.FlowStyle
		}
		list.Content = append(list.Content, &n)
	}
	return list
}

// orderKeys puts a mapping's keys in the order given.
func orderKeys(n *yaml.Node, keys ...string) {
	var out []*yaml.Node
	for _, k := range keys {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				out = append(out, n.Content[i], n.Content[i+1])
			}
		}
	}
	n.Content = out
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// commented renders a triggers list as YAML to put in a comment.
func commented(list *yaml.Node) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "triggers"}, list}}
	if err := enc.Encode(root); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
