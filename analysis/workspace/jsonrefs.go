package workspace

import (
	"slices"
	"strings"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
)

// jsonTaskRefs finds the task IDs an updates/ or metrics.json file names:
// string values of keys such as task_id, task, id, and string items of
// arrays under task_ids or tasks. In metrics.json only the completion
// records count (under a key that speaks of completion).
func jsonTaskRefs(content []byte, kind Kind) ([]model.Ref, *jsonpos.SyntaxError) {
	v, err := jsonpos.Parse(content)
	if err != nil {
		se, _ := err.(*jsonpos.SyntaxError)
		return nil, se
	}
	rk := model.KindUpdate
	if kind == KindMetrics {
		rk = model.KindMetrics
	}
	var out []model.Ref
	var walk func(v *jsonpos.Value, key string, completion bool, depth int)
	walk = func(v *jsonpos.Value, key string, completion bool, depth int) {
		if v == nil || depth > 64 {
			return
		}
		switch v.Kind {
		case jsonpos.String:
			if isIDKey(key) && model.IsTaskID(v.Str) && (kind != KindMetrics || completion) {
				out = append(out, model.Ref{ID: v.Str, Span: v.Inner(), Kind: rk})
			}
		case jsonpos.Array:
			for _, e := range v.Elems {
				walk(e, key, completion, depth+1)
			}
		case jsonpos.Object:
			for _, m := range v.Members {
				walk(m.Value, m.Key, completion || strings.Contains(strings.ToLower(m.Key), "complet"), depth+1)
			}
		}
	}
	walk(v, "", false, 0)
	if cap(out)-len(out) > len(out)/8 {
		out = slices.Clone(out) // kept with the doc: without the room appends left
	}
	return out, nil
}

func isIDKey(k string) bool {
	switch strings.ToLower(k) {
	case "task_id", "taskid", "task", "id", "task_ids", "taskids", "tasks", "completed_tasks", "blocked_tasks", "unblocked", "unblocked_tasks":
		return true
	}
	return false
}
