// Reads a generated workspace (internal/gen) to find what the benchmark
// needs: task files, the IDs of their dependency lists with LSP positions,
// and pairs (task, dependent) whose edit makes a cycle through both files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const LIST_KEY = /^(\s*)(dependencies|depends_on)\s*:\s*(.*?)\s*$/;
const ID = /[A-Za-z][A-Za-z0-9_]*-?\d+/g;

/**
 * depList finds the dependency lists of a task file's text: front matter,
 * `## Metadata` blocks and YAML documents, flow (`[T1, T2]`) or block
 * (`- T1`) style. Heading-style fields are left out. Columns are UTF-16
 * offsets, as JavaScript strings are.
 * Returns [{flow, line, close, items: [{id, line, character}]}], where close
 * is the column of a flow list's `]`.
 */
export function depLists(text) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = LIST_KEY.exec(lines[i]);
    if (!m) continue;
    const rest = m[3];
    if (rest.startsWith('[')) {
      const open = lines[i].indexOf('[', m[1].length + m[2].length);
      const close = lines[i].indexOf(']', open);
      if (open < 0 || close < 0) continue;
      const inner = lines[i].slice(open + 1, close);
      const items = [...inner.matchAll(ID)].map((x) => ({ id: x[0], line: i, character: open + 1 + x.index }));
      out.push({ flow: true, line: i, close, items });
    } else if (rest === '') {
      const items = [];
      for (let j = i + 1; j < lines.length; j++) {
        const b = /^(\s*-\s+)(["']?)([A-Za-z][A-Za-z0-9_]*-?\d+)\2\s*$/.exec(lines[j]);
        if (!b) break;
        items.push({ id: b[3], line: j, character: b[1].length + b[2].length });
      }
      if (items.length) out.push({ flow: false, line: i, items });
    }
  }
  return out;
}

/** Workspace is a generated workspace as the benchmark sees it. */
export class Workspace {
  constructor(dir) {
    this.dir = path.resolve(dir);
    this.tasksDir = path.join(this.dir, '.tasks');
    const manifestPath = path.join(this.tasksDir, 'manifest.json');
    if (!existsSync(manifestPath)) {
      throw new Error(`${this.dir}: no .tasks/manifest.json (generate one: go run ./internal/gen/cmd/taskls-gen -n 10000 -seed 1 -faults ${dir})`);
    }
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const list = Array.isArray(manifest.tasks) ? manifest.tasks : Object.values(manifest.tasks ?? {});
    this.tasks = list
      .filter((t) => t && typeof t.id === 'string' && typeof t.file === 'string')
      .map((t) => ({ id: t.id, title: String(t.title ?? ''), file: path.join(this.tasksDir, t.file), deps: t.depends_on ?? [] }));
    this.byId = new Map(this.tasks.map((t) => [t.id, t]));
    this.dependents = new Map();
    for (const t of this.tasks) {
      for (const d of t.deps) {
        if (!this.dependents.has(d)) this.dependents.set(d, []);
        this.dependents.get(d).push(t.id);
      }
    }
    // faults.json (written with -faults): files that must get diagnostics
    this.faultFiles = new Set();
    this.faultIds = new Set();
    this.faultCount = 0;
    const faultsPath = path.join(this.dir, 'faults.json');
    this.hasFaults = existsSync(faultsPath);
    if (this.hasFaults) {
      const faults = JSON.parse(readFileSync(faultsPath, 'utf8'));
      this.faultCount = faults.length;
      for (const f of faults) {
        this.faultFiles.add(path.join(this.dir, f.file));
        this.faultIds.add(f.id);
        for (const id of String(f.message).match(ID) ?? []) this.faultIds.add(id);
      }
    }
    this.textCache = new Map();
    // how many files of tasks/ and completed/ name each ID (a task moved to
    // completed/ may have left a copy in tasks/)
    this.filesOf = new Map();
    for (const area of ['tasks', 'completed']) {
      let names = [];
      try {
        names = readdirSync(path.join(this.tasksDir, area));
      } catch {
        continue;
      }
      for (const name of names) {
        const id = /^[A-Za-z][A-Za-z0-9_]*?-?\d+/.exec(name)?.[0];
        if (id) this.filesOf.set(id, (this.filesOf.get(id) ?? 0) + 1);
      }
    }
  }

  text(file) {
    let t = this.textCache.get(file);
    if (t === undefined) {
      t = existsSync(file) ? readFileSync(file, 'utf8') : null;
      this.textCache.set(file, t);
    }
    return t;
  }

  /** lists returns the dependency lists of a task's file ([] when it has none or is missing). */
  lists(task) {
    const t = this.text(task.file);
    return t === null ? [] : depLists(t);
  }

  /**
   * openable picks up to n task files (in rng order, none of exclude) whose
   * dependency lists have at least one ID.
   */
  openable(rand, n, exclude = new Set()) {
    const out = [];
    for (let tries = 0; out.length < n && tries < n * 50; tries++) {
      const t = rand.pick(this.tasks);
      if (exclude.has(t.file) || out.includes(t)) continue;
      if (this.lists(t).some((l) => l.items.length > 0)) out.push(t);
    }
    return out;
  }

  /**
   * editPairs picks up to n pairs {task, dependent} with no injected fault
   * near them: the task's file has a flow dependency list (the edit adds the
   * dependent before its `]`, making a cycle through both files) and the
   * dependent's file lists the task. Tasks with a second file (a copy left in
   * tasks/) are left out: which copy counts depends on the manifest.
   */
  editPairs(rand, n, exclude = new Set()) {
    const out = [];
    const used = new Set(exclude);
    for (const t of rand.shuffle(this.tasks)) {
      if (out.length >= n) break;
      if (used.has(t.id) || this.faultIds.has(t.id) || (this.filesOf.get(t.id) ?? 0) > 1) continue;
      const flow = this.lists(t).find((l) => l.flow && l.items.length > 0);
      if (!flow) continue;
      const deps = (this.dependents.get(t.id) ?? []).filter((d) => !this.faultIds.has(d) && !used.has(d) && d !== t.id && (this.filesOf.get(d) ?? 0) <= 1);
      for (const d of deps) {
        const dt = this.byId.get(d);
        if (!dt || !this.lists(dt).some((l) => l.items.some((it) => it.id === t.id))) continue;
        if (flow.items.some((it) => it.id === d)) continue;
        out.push({ task: t, dependent: dt });
        used.add(t.id);
        used.add(d);
        break;
      }
    }
    return out;
  }
}
