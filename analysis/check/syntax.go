package check

import (
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// YAMLSyntax reports metadata that does not parse as YAML: front matter,
// a `## Metadata` block or a YAML task document, at the parser's line; and a
// front matter whose closing `---` is missing. The task keeps the ID of its
// file name (and whatever `key: value` lines could be read) so that
// references to it stay valid while it is being fixed.
var YAMLSyntax = register(&Check{
	Name:     "yaml-syntax",
	Title:    "task metadata that is not valid YAML",
	Severity: Error,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if d.Kind != workspace.KindTask || d.Task == nil {
				continue
			}
			for _, pr := range d.Task.Problems() {
				p.Report(d, pr.Span, pr.Message)
			}
		}
	},
})

// JSONSyntax reports a manifest.json that does not parse, at the byte where
// parsing stopped. Until it parses, the manifest contributes no tasks.
var JSONSyntax = register(&Check{
	ManifestOnly: true,
	Name:         "json-syntax",
	Title:        "manifest.json that is not valid JSON",
	Severity:     Error,
	Run: func(p *Pass) {
		d := p.Root.Manifest
		if d == nil || d.Manifest == nil || d.Manifest.Err == nil {
			return
		}
		off := d.Manifest.Err.Offset
		end := off + 1
		if end > len(d.Text.Bytes()) {
			end = len(d.Text.Bytes())
		}
		if off > end {
			off = end
		}
		p.Report(d, text.Span{Start: off, End: end}, "invalid JSON: "+d.Manifest.Err.Msg)
	},
})

// Unreadable reports a workspace file that taskls did not read: larger than
// its size limit, binary, or not readable.
var Unreadable = register(&Check{
	Name:     "unreadable",
	Title:    "a workspace file that could not be read",
	Severity: Warning,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if d.Skipped() != "" {
				p.Report(d, text.Span{}, d.Skipped())
			}
		}
	},
})
