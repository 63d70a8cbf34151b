package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// checkpoint stops editing, saves and closes every open document (so that
// the disk holds what the server saw), waits for the diagnostics to settle
// and compares them with a cold `taskls check --format json`.
func (a *abuser) checkpoint() error {
	a.drainApply()
	if err := a.c.waitIdle(60 * time.Second); err != nil {
		return err
	}
	var rels []string
	for rel := range a.open {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		a.saveAndClose(rel)
	}
	// a manifest that does not parse keeps the IDs of the last one that did
	// (by design); a cold check cannot know them, so compare with one that parses
	if m, err := os.ReadFile(a.abs("manifest.json")); err == nil && !manifestParses(m) {
		a.writeDisk("manifest.json", a.good)
		a.watched(change("manifest.json", 2))
		a.record("checkpoint", "manifest.json restored to the last one that parsed")
	}
	t0 := time.Now()
	if err := a.settle(); err != nil {
		return err
	}
	t1 := time.Now()
	a.sum.Checkpoints = append(a.sum.Checkpoints, a.step)
	cold, err := a.coldState()
	if err != nil {
		return err
	}
	server := a.serverState()
	files := map[string]bool{}
	for f := range cold {
		files[f] = true
	}
	for f := range server {
		files[f] = true
	}
	a.sum.Files += len(files)
	var names []string
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		s, c := server[f], cold[f]
		if strings.Join(s, "\n") == strings.Join(c, "\n") {
			continue
		}
		key := f + "\x00" + strings.Join(s, "\n") + "\x00" + strings.Join(c, "\n")
		if a.seen[key] {
			continue
		}
		a.seen[key] = true
		a.fail("the published diagnostics of %s differ from a cold `taskls check` of the same files\n  server (last publishDiagnostics):\n    %s\n  cold (taskls check --format json):\n    %s\n  rerun: %s",
			f, strings.Join(orNone(s), "\n    "), strings.Join(orNone(c), "\n    "), a.rerun())
	}
	nd := 0
	for _, l := range cold {
		nd += len(l)
	}
	a.sum.Diags += nd
	a.record("checkpoint", fmt.Sprintf("compared %d files, %d diagnostics (settled in %v, cold check %v)", len(files), nd,
		t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond)))
	return nil
}

func orNone(l []string) []string {
	if len(l) == 0 {
		return []string{"(none)"}
	}
	return l
}

// rerun is the command that repeats this run up to here.
func (a *abuser) rerun() string {
	steps := append([]int(nil), a.sum.Checkpoints[1:]...)
	if len(steps) == 0 || steps[len(steps)-1] != a.step {
		steps = append(steps, a.step)
	}
	var s []string
	for _, n := range steps {
		s = append(s, fmt.Sprint(n))
	}
	return fmt.Sprintf("go run ./internal/cmd/abuse -seed %d -tasks %d -check-at %s", a.cfg.Seed, a.cfg.Tasks, strings.Join(s, ","))
}

// saveAndClose writes an open document to disk, as an editor saving it,
// and closes it.
func (a *abuser) saveAndClose(rel string) {
	b := a.open[rel]
	// huge lines are edited, not kept: drop them first (a large document
	// of ordinary lines, such as a manifest, is saved as it is)
	for len(b.content) > 256<<10 {
		st := lineStarts(b.content)
		best, bl := 0, -1
		for i := range st {
			e := len(b.content)
			if i+1 < len(st) {
				e = st[i+1]
			}
			if e-st[i] > bl {
				best, bl = i, e-st[i]
			}
		}
		if bl < 8<<10 {
			break
		}
		e := len(b.content)
		if best+1 < len(st) {
			e = st[best+1]
		}
		r := rangeOf(b.content, st[best], e)
		b.content = append(b.content[:st[best]:st[best]], b.content[e:]...)
		b.version++
		a.c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": a.uri(rel), "version": b.version},
			"contentChanges": []any{map[string]any{"range": r, "text": ""}},
		})
		a.record("change", fmt.Sprintf("%s v%d: delete the longest line (%d bytes) before saving", rel, b.version, bl))
	}
	a.writeDisk(rel, b.content)
	a.c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}})
	a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}})
	a.watched(change(rel, 2))
	delete(a.open, rel)
	a.record("save+close", rel)
}

// settle waits until the server has taken in every change and published
// what follows: a request answered after them, then no publishDiagnostics
// for a second and no CPU used for half a second.
func (a *abuser) settle() error {
	if _, rerr, err := a.c.request("workspace/symbol", map[string]any{"query": ""}, 60*time.Second); err != nil {
		return fmt.Errorf("settling: %v", err)
	} else if rerr != nil {
		return fmt.Errorf("settling: workspace/symbol: %v", rerr)
	}
	synced := time.Now()
	pid := a.cmd.Process.Pid
	type sample struct {
		at  time.Time
		cpu int64
	}
	var samples []sample
	deadline := time.Now().Add(3 * time.Minute)
	for {
		time.Sleep(50 * time.Millisecond)
		now := time.Now()
		samples = append(samples, sample{now, cpuTicks(pid)})
		for len(samples) > 1 && now.Sub(samples[1].at) >= 500*time.Millisecond {
			samples = samples[1:]
		}
		a.c.mu.Lock()
		last := a.c.lastPublish
		a.c.mu.Unlock()
		if last.Before(synced) {
			last = synced
		}
		idle := len(samples) > 1 && now.Sub(samples[0].at) >= 500*time.Millisecond &&
			(samples[0].cpu < 0 || samples[len(samples)-1].cpu-samples[0].cpu <= 2)
		if now.Sub(last) >= time.Second && idle {
			return nil
		}
		if now.After(deadline) {
			return errors.New("the diagnostics did not settle within 3 minutes")
		}
		if err := a.health(); err != nil {
			return err
		}
	}
}

var severityNames = map[int]string{1: "error", 2: "warning", 3: "info", 4: "hint"}

// serverState renders the last published diagnostics of every file, by path
// relative to the workspace folder; files whose last diagnostics are empty
// are left out.
func (a *abuser) serverState() map[string][]string {
	a.c.mu.Lock()
	defer a.c.mu.Unlock()
	out := map[string][]string{}
	for uri, p := range a.c.diags {
		var params struct {
			Diagnostics []struct {
				Range    lspRange        `json:"range"`
				Severity int             `json:"severity"`
				Code     json.RawMessage `json:"code"`
				Message  string          `json:"message"`
				Related  []struct {
					Location struct {
						URI   string   `json:"uri"`
						Range lspRange `json:"range"`
					} `json:"location"`
					Message string `json:"message"`
				} `json:"relatedInformation"`
			} `json:"diagnostics"`
		}
		json.Unmarshal(p.raw, &params)
		var lines []string
		for _, d := range params.Diagnostics {
			var code string
			json.Unmarshal(d.Code, &code)
			l := fmt.Sprintf("%s %s %s %s", renderRange(d.Range), severityNames[d.Severity], code, d.Message)
			for _, r := range d.Related {
				l += fmt.Sprintf(" | %s %s %s", a.relOfURI(r.Location.URI), renderRange(r.Location.Range), r.Message)
			}
			lines = append(lines, l)
		}
		if len(lines) > 0 {
			sort.Strings(lines)
			out[a.relOfURI(uri)] = lines
		}
	}
	return out
}

func renderRange(r lspRange) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// relOfURI is a URI's path relative to the workspace folder.
func (a *abuser) relOfURI(uri string) string {
	p := uriPath(uri)
	if p == "" {
		return uri
	}
	rel, err := filepath.Rel(a.root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}

// coldState runs `taskls check --format json .` in the workspace folder and
// renders its diagnostics as serverState does (0-based positions).
func (a *abuser) coldState() (map[string][]string, error) {
	cmd := exec.Command(a.bin, "check", "--format", "json", ".")
	cmd.Dir = a.root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("taskls check: %v: %s", err, stderr.String())
	}
	type pos1 struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	}
	type rng1 struct {
		Start pos1 `json:"start"`
		End   pos1 `json:"end"`
	}
	var rep struct {
		Diagnostics []struct {
			Path     string `json:"path"`
			Range    rng1   `json:"range"`
			Severity string `json:"severity"`
			Check    string `json:"check"`
			Message  string `json:"message"`
			Related  []struct {
				Path    string `json:"path"`
				Range   rng1   `json:"range"`
				Message string `json:"message"`
			} `json:"related"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		return nil, fmt.Errorf("taskls check --format json printed something that is not its JSON report: %v", err)
	}
	zero := func(r rng1) lspRange {
		return lspRange{Start: lspPos{r.Start.Line - 1, r.Start.Column - 1}, End: lspPos{r.End.Line - 1, r.End.Column - 1}}
	}
	out := map[string][]string{}
	for _, d := range rep.Diagnostics {
		l := fmt.Sprintf("%s %s %s %s", renderRange(zero(d.Range)), d.Severity, d.Check, d.Message)
		for _, r := range d.Related {
			l += fmt.Sprintf(" | %s %s %s", r.Path, renderRange(zero(r.Range)), r.Message)
		}
		out[d.Path] = append(out[d.Path], l)
	}
	for _, l := range out {
		sort.Strings(l)
	}
	return out, nil
}
