package codezip

// Source is one file of a code directory as a build's copy of it holds
// it (Sources).
type Source struct {
	Name string // slash-separated, relative to the code directory
	Path string // where its bytes are read from (a symlink's target)
	Exec bool   // any executable bit is set
	Size int64
}

// Sources lists the files a copy of the code directory src holds for a
// build (code.build), sorted by name: every file Build would consider
// before the .fgsignore rules, which apply to the build's result instead,
// and the .fgsignore files themselves, so that the result is filtered by
// them. What is never packaged is not listed: version control folders,
// .fgsdeploy/, package --out folders, saved plans and opts.Exclude.
// Symlinks are resolved as Build resolves them (they may not leave
// opts.Root).
func Sources(src string, opts Options) ([]Source, error) {
	c, err := collect(src, opts, &collector{sniff: true, all: true})
	if err != nil {
		return nil, err
	}
	out := make([]Source, len(c.files))
	for i, f := range c.files {
		out[i] = Source{Name: f.name, Path: f.abs, Exec: f.exec, Size: f.size}
	}
	return out, nil
}
