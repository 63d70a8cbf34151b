package check

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"gopkg.in/yaml.v3"
)

// ParseSeverity reads "error", "warning", "info"/"information", "hint" or
// "off"; ok is false for anything else.
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, true
	case "warning", "warn":
		return Warning, true
	case "info", "information":
		return Info, true
	case "hint":
		return Hint, true
	case "off", "none", "false":
		return 0, true
	}
	return 0, false
}

// ConfigProblem is a mistake in a taskls.yaml.
type ConfigProblem struct {
	Span    text.Span
	Message string
}

var yamlLineRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// ParseConfigFile reads a `.tasks/taskls.yaml`:
//
//	checks:            # severity per check: error, warning, info, hint, off
//	  sections: off
//	sections:
//	  min_criteria: 8
//	  min_scenarios: 6
//	  min_risks: 4
//	  required: [Description, Acceptance Criteria]
//
// What cannot be understood is returned as problems; the rest still applies.
func ParseConfigFile(f *text.File) (*Config, []ConfigProblem) {
	cfg := &Config{Severity: map[string]Severity{}}
	var probs []ConfigProblem
	var doc yaml.Node
	if err := yaml.Unmarshal(f.Bytes(), &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		l := taskfile.TabLine(f, line-1, msg)
		return cfg, []ConfigProblem{{Span: text.Span{Start: f.LineStart(l), End: f.LineEnd(l)}, Message: "invalid YAML: " + msg}}
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	at := func(n *yaml.Node) text.Span {
		s := f.YAMLOffset(0, n.Line, n.Column)
		e := s + len(n.Value)
		if n.Kind != yaml.ScalarNode || e > len(f.Bytes()) {
			e = f.LineEnd(f.LineOf(s))
		}
		return text.Span{Start: s, End: e}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return cfg, []ConfigProblem{{Span: at(root), Message: "taskls.yaml must be a mapping with `checks` and `sections`"}}
	}
	known := map[string]bool{}
	for _, c := range All() {
		known[c.Name] = true
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "checks":
			if v.Kind != yaml.MappingNode {
				probs = append(probs, ConfigProblem{at(v), "`checks` must map check names to severities"})
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				name, sev := v.Content[j], v.Content[j+1]
				if !known[name.Value] {
					probs = append(probs, ConfigProblem{at(name), fmt.Sprintf("unknown check %q (`taskls checks` lists them)", name.Value)})
					continue
				}
				s, ok := ParseSeverity(sev.Value)
				if !ok || sev.Kind != yaml.ScalarNode {
					probs = append(probs, ConfigProblem{at(sev), fmt.Sprintf("unknown severity %q (want error, warning, info, hint or off)", sev.Value)})
					continue
				}
				cfg.Severity[name.Value] = s
			}
		case "sections":
			if v.Kind != yaml.MappingNode {
				probs = append(probs, ConfigProblem{at(v), "`sections` must be a mapping"})
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				name, val := v.Content[j], v.Content[j+1]
				num := func(dst **int) {
					n, err := strconv.Atoi(val.Value)
					if err != nil || n < 0 || val.Kind != yaml.ScalarNode {
						probs = append(probs, ConfigProblem{at(val), fmt.Sprintf("%s must be a whole number", name.Value)})
						return
					}
					*dst = &n
				}
				switch name.Value {
				case "min_criteria":
					num(&cfg.MinCriteria)
				case "min_scenarios":
					num(&cfg.MinScenarios)
				case "min_risks":
					num(&cfg.MinRisks)
				case "required":
					if val.Kind != yaml.SequenceNode {
						probs = append(probs, ConfigProblem{at(val), "required must be a list of section titles"})
						continue
					}
					cfg.Sections = []string{}
					for _, it := range val.Content {
						cfg.Sections = append(cfg.Sections, it.Value)
					}
				default:
					probs = append(probs, ConfigProblem{at(name), fmt.Sprintf("unknown setting sections.%s", name.Value)})
				}
			}
		default:
			probs = append(probs, ConfigProblem{at(k), fmt.Sprintf("unknown setting %q (want checks or sections)", k.Value)})
		}
	}
	return cfg, probs
}

// Merge returns base with over's settings on top (over wins).
func Merge(base, over *Config) *Config {
	if base == nil {
		return over
	}
	if over == nil {
		return base
	}
	out := *base
	out.Severity = map[string]Severity{}
	for k, v := range base.Severity {
		out.Severity[k] = v
	}
	for k, v := range over.Severity {
		out.Severity[k] = v
	}
	if over.MinCriteria != nil {
		out.MinCriteria = over.MinCriteria
	}
	if over.MinScenarios != nil {
		out.MinScenarios = over.MinScenarios
	}
	if over.MinRisks != nil {
		out.MinRisks = over.MinRisks
	}
	if over.Sections != nil {
		out.Sections = over.Sections
	}
	return &out
}

// rootConfig reads the root's taskls.yaml, if any.
func rootConfig(r *workspace.Root) (*workspace.Doc, *Config, []ConfigProblem) {
	for _, name := range []string{"taskls.yaml", "taskls.yml", ".taskls.yaml"} {
		if d := r.Docs.At(r.Abs(name)); d != nil && d.Kind == workspace.KindConfig {
			cfg, probs := ParseConfigFile(d.Text)
			return d, cfg, probs
		}
	}
	return nil, nil, nil
}

// ConfigCheck reports mistakes in `.tasks/taskls.yaml`; the settings that
// could be read still apply.
var ConfigCheck = register(&Check{
	Name:     "config",
	Title:    "a taskls.yaml that cannot be understood",
	Severity: Error,
	Run: func(p *Pass) {
		d, _, probs := rootConfig(p.Root)
		for _, pr := range probs {
			p.Report(d, pr.Span, pr.Message)
		}
	},
})

// ConfigFor is the configuration in force for a root: its taskls.yaml with
// the editor's settings on top.
func ConfigFor(r *workspace.Root, editor *Config) *Config {
	_, fileCfg, _ := rootConfig(r)
	if c := Merge(fileCfg, editor); c != nil {
		return c
	}
	return &Config{}
}
