package lsp

import (
	"encoding/json"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Commands the server runs through workspace/executeCommand.
var commands = []string{"taskls.newTask", "taskls.graph", "taskls.next"}

// commandArgs are the arguments all commands take (as their first
// argument): the document that says which .tasks/ folder, and options.
type commandArgs struct {
	URI      string `json:"uri"`
	Title    string `json:"title"`
	Format   string `json:"format"`
	Critical bool   `json:"critical"`
}

// rootFor picks the .tasks/ folder of a document, else the first one.
func rootFor(snap *workspace.Snapshot, uri string) *workspace.Root {
	if uri != "" {
		if r := snap.RootOf(uriToPath(uri)); r != nil {
			return r
		}
	}
	if len(snap.Roots) > 0 {
		return snap.Roots[0]
	}
	return nil
}

func (s *Server) executeCommand(ctx *glsp.Context, p *protocol.ExecuteCommandParams) (any, error) {
	var args commandArgs
	if len(p.Arguments) > 0 {
		b, _ := json.Marshal(p.Arguments[0])
		if err := json.Unmarshal(b, &args); err != nil {
			return nil, ErrInvalidParams("%s takes {uri, title, format, critical}: %v", p.Command, err)
		}
	}
	snap := s.current()
	r := rootFor(snap, args.URI)
	if r == nil {
		return nil, ErrRequestFailed("no .tasks/ folder in the workspace")
	}
	switch p.Command {
	case "taskls.graph":
		if args.Format == "" {
			args.Format = "mermaid"
		}
		out, err := features.Graph(r, args.Format, args.Critical)
		if err != nil {
			return nil, ErrInvalidParams("%v", err)
		}
		return out, nil
	case "taskls.next":
		list := features.Next(r)
		if list == nil {
			list = []features.NextTask{}
		}
		return list, nil
	case "taskls.newTask":
		id, edits := check.NewTask(r, check.ConfigFor(r, s.config()), args.Title)
		we := s.workspaceEdit(snap, edits)
		call := ctx.Call
		go func() {
			// a server->client request: never on the read loop
			var res any
			call("workspace/applyEdit", map[string]any{"label": "New task " + id, "edit": we}, &res)
		}()
		return map[string]any{"id": id}, nil
	}
	return nil, ErrInvalidParams("unknown command %q (taskls runs %v)", p.Command, commands)
}
