// Package model holds the vocabulary shared by the task-file and manifest
// parsers and the workspace: references to task IDs, ID lists, and the
// normalisation of the loosely written status and priority values.
package model

import (
	"strings"

	"github.com/taskls/taskls/analysis/text"
)

// RefKind says where a task ID was written.
type RefKind uint8

const (
	KindDependency        RefKind = iota // task file `dependencies` / `depends_on`
	KindBlockedBy                        // task file `blocked_by`
	KindBlocks                           // task file `blocks`
	KindMention                          // task ID in Markdown body prose
	KindEntryID                          // manifest tasks[].id
	KindManifestDependsOn                // manifest tasks[].depends_on / dependencies
	KindManifestBlocks                   // manifest tasks[].blocks
	KindManifestBlockedBy                // manifest tasks[].blocked_by
	KindGraphKey                         // manifest dependency_graph key
	KindGraphDependsOn                   // manifest dependency_graph.*.depends_on
	KindGraphBlocks                      // manifest dependency_graph.*.blocks
	KindCriticalPath                     // manifest critical_path*
	KindPhase                            // manifest phase / category `tasks` list
	KindDeferred                         // manifest deferred_tasks.*.tasks
	KindUpdate                           // updates/*.json task id
	KindMetrics                          // metrics.json task id
)

var kindNames = [...]string{
	"dependency", "blocked_by", "blocks", "mention", "manifest entry",
	"manifest depends_on", "manifest blocks", "manifest blocked_by",
	"dependency_graph key", "dependency_graph depends_on", "dependency_graph blocks",
	"critical path", "phase list", "deferred list", "update", "metrics",
}

func (k RefKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "reference"
}

// IsDependency reports whether the reference is an edge "this task depends on ID".
func (k RefKind) IsDependency() bool {
	return k == KindDependency || k == KindManifestDependsOn || k == KindGraphDependsOn
}

// Ref is one occurrence of a task ID.
type Ref struct {
	ID   string
	Span text.Span
	Kind RefKind
}

// List is a written list of task IDs (a YAML sequence, a JSON array, or a
// heading field's comma list), kept so that completion knows where lists are
// and what they already hold.
type List struct {
	Key   string    // the key as written: "dependencies", "depends_on", ...
	Span  text.Span // from the opening bracket to past the closing one, or the block list's extent
	Items []Ref
	// Owner is the dependency_graph node a graph list belongs to ("" for
	// other lists, and for lists under keys that are not task IDs).
	Owner string
	Kind  RefKind // kind of the items
	// Style of the list: '[' flow or JSON array, '-' YAML block list, ','
	// heading-field comma list.
	Style byte
	// (the two bytes last: 80 bytes a list, not 88; a 50k manifest has
	// about 190,000 lists)
}

// Statuses known after normalisation.
const (
	StatusPending    = "pending"
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
	StatusBlocked    = "blocked"
)

// AllStatuses lists the normalised statuses in their natural order.
var AllStatuses = []string{StatusPending, StatusInProgress, StatusCompleted, StatusBlocked}

var statusSep = strings.NewReplacer("-", "_", " ", "_")

// StatusTrim holds what NormStatus strips from both ends of a status after
// dropping a note: an emoji, Markdown emphasis, code ticks and quotes.
const StatusTrim = "✅❌🚧⏳🔄 *_`\"'"

// StatusWords maps every spelling NormStatus accepts, once lower-cased,
// trimmed and with dashes and spaces turned into underscores, to its status.
// The JSON Schema of task files (analysis/schema) is generated from it.
var StatusWords = map[string]string{
	"pending": StatusPending, "todo": StatusPending, "to_do": StatusPending,
	"open": StatusPending, "not_started": StatusPending, "planned": StatusPending,
	"new": StatusPending, "ready": StatusPending, "backlog": StatusPending,
	"in_progress": StatusInProgress, "inprogress": StatusInProgress, "in_review": StatusInProgress,
	"wip": StatusInProgress, "started": StatusInProgress, "active": StatusInProgress,
	"doing": StatusInProgress, "review": StatusInProgress, "in_development": StatusInProgress,
	"completed": StatusCompleted, "complete": StatusCompleted, "done": StatusCompleted,
	"finished": StatusCompleted, "closed": StatusCompleted, "resolved": StatusCompleted, "verified": StatusCompleted,
	"blocked": StatusBlocked, "on_hold": StatusBlocked, "waiting": StatusBlocked,
}

// NormStatus maps a loosely written status ("Completed", "complete", "done",
// "In Progress", "in-progress", "todo") to one of the four statuses. ok is
// false when the value means nothing known.
func NormStatus(raw string) (string, bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	// drop an emoji or note: "✅ completed", "completed (verified)"
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.Trim(s, StatusTrim)
	s = statusSep.Replace(s)
	st, ok := StatusWords[s]
	return st, ok
}

// PriorityTrim holds what NormPriority strips from both ends of a priority.
const PriorityTrim = "\"'`*_ "

// PriorityWords maps the words NormPriority accepts (the first word of the
// value, lower-cased) to their priority. The JSON Schema of task files
// (analysis/schema) is generated from it.
var PriorityWords = map[string]int{
	"critical": 0, "blocker": 0, "urgent": 0, "high": 1, "medium": 2, "normal": 2, "low": 3,
}

// NormPriority maps "P1", "1", "p1", "P1-MVP", "P0 (Blocker)", "P1 (Critical
// Path)" to 0..4. Words (critical, high, medium, low) map to 0..3. ok is
// false for anything else.
func NormPriority(raw string) (int, bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	s = strings.Trim(s, PriorityTrim)
	if s == "" {
		return 0, false
	}
	if s[0] == 'p' && len(s) > 1 && s[1] >= '0' && s[1] <= '9' {
		s = s[1:]
	}
	if s[0] >= '0' && s[0] <= '4' && (len(s) == 1 || s[1] < '0' || s[1] > '9') {
		return int(s[0] - '0'), true
	}
	if i := strings.IndexAny(s, " (-"); i > 0 {
		s = s[:i]
	}
	p, ok := PriorityWords[s]
	return p, ok
}

// PriorityLabel spells a normalised priority the way most workspaces do.
func PriorityLabel(p int) string { return "P" + string(rune('0'+p)) }

// IsTaskID reports whether s has the shape of a task ID: one to four ASCII
// capital letters, an optional dash, then at least one digit and nothing else
// (T001, T00123, TASK-12).
func IsTaskID(s string) bool {
	p, d := SplitID(s)
	return p != "" && d != ""
}

// SplitID splits a task ID into its letter prefix (with the dash, if any) and
// its digits; both are empty when s is not of the ID shape.
func SplitID(s string) (prefix, digits string) {
	i := 0
	for i < len(s) && i < 4 && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 {
		return "", ""
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	if j == len(s) {
		return "", ""
	}
	for k := j; k < len(s); k++ {
		if s[k] < '0' || s[k] > '9' {
			return "", ""
		}
	}
	return s[:j], s[j:]
}
