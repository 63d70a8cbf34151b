package lsp

import (
	"encoding/json"

	"github.com/taskls/taskls/analysis/check"
)

// settings is what editors send: as initializationOptions, or under
// `taskls` in workspace/didChangeConfiguration (or directly).
type settings struct {
	Checks   map[string]string `json:"checks"`
	Sections *struct {
		MinCriteria  *int     `json:"min_criteria"`
		MinScenarios *int     `json:"min_scenarios"`
		MinRisks     *int     `json:"min_risks"`
		Required     []string `json:"required"`
	} `json:"sections"`
}

// parseSettings reads editor settings into a check configuration; unknown
// checks and severities are reported back as log lines, never as errors.
func parseSettings(raw json.RawMessage) (*check.Config, []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var wrapper struct {
		Taskls   *json.RawMessage `json:"taskls"`
		Settings *json.RawMessage `json:"settings"`
	}
	if json.Unmarshal(raw, &wrapper) == nil {
		switch {
		case wrapper.Settings != nil:
			return parseSettings(*wrapper.Settings)
		case wrapper.Taskls != nil:
			raw = *wrapper.Taskls
		}
	}
	var st settings
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, []string{"settings ignored: " + err.Error()}
	}
	cfg := &check.Config{Severity: map[string]check.Severity{}}
	var notes []string
	known := map[string]bool{}
	for _, c := range check.All() {
		known[c.Name] = true
	}
	for name, sev := range st.Checks {
		s, ok := check.ParseSeverity(sev)
		switch {
		case !known[name]:
			notes = append(notes, "settings: unknown check "+name)
		case !ok:
			notes = append(notes, "settings: unknown severity "+sev+" for "+name)
		default:
			cfg.Severity[name] = s
		}
	}
	if st.Sections != nil {
		cfg.MinCriteria, cfg.MinScenarios, cfg.MinRisks = st.Sections.MinCriteria, st.Sections.MinScenarios, st.Sections.MinRisks
		cfg.Sections = st.Sections.Required
	}
	return cfg, notes
}
