#!/usr/bin/env node
// Server-level benchmark: drives the real taskls binary ($TASKLS_BIN serve)
// over stdio on a generated workspace and reports medians and p95 of what an
// editor waits for. Optionally runs yaml-language-server on the same files.
//
//   TASKLS_BIN=$PWD/.build/taskls node e2e/bench.mjs .build/bench/ws-n10000-s1
//   TASKLS_BIN=$PWD/.build/taskls node e2e/bench.mjs --quick     # 200 tasks, < 30 s
//
// The workspace is one written by internal/gen (`go run
// ./internal/gen/cmd/taskls-gen -n N -seed 1 -faults DIR`); scripts/bench.sh
// generates and caches them. Every run is a fresh server process:
//   spawn -> initialize response; initialized -> first publishDiagnostics
//   (index + first check), -> $/progress end, -> diagnostics of every file
//   faults.json names; then didOpen of task files -> their diagnostics; edits
//   that add a dependent to a task's flow dependency list (a cycle through
//   both files) and take it out again -> diagnostics of the edited file and of
//   the dependent; hover, definition, references and completion on random IDs
//   of the open files' dependency lists; workspace/symbol with short queries;
//   VmHWM and VmRSS of the server at the end.
// Requests are sent one at a time, each after the server has gone idle from
// the previous edit or open (no CPU used for 200 ms), so that a latency is the
// request's own and not the background full check's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { clientCapabilities, pathOf, repoRoot, startServer, uri } from './harness.mjs';
import { loadavg, memory, waitIdle } from './bench/procfs.mjs';
import { mb, ms, rng, round, summarize, table } from './bench/stats.mjs';
import { Workspace } from './bench/workspace.mjs';

const USAGE = `usage: node e2e/bench.mjs [options] WORKSPACE
       node e2e/bench.mjs --quick [options]    (generates a 200-task workspace)

Needs TASKLS_BIN (the server binary). Options:
  --runs N        server sessions, each a fresh process (default 7; --quick 2)
  --requests N    requests of each kind (hover, definition, references,
                  completion, workspace/symbol), spread over the runs (default 200)
  --opens N       files opened (and measured) per run (default 6; --quick 3)
  --edits N       edit pairs per run, each an edit and its undo (default 2; --quick 1)
  --seed N        picks the files, IDs and queries (default 1)
  --tasks N       with --quick: tasks to generate (default 200)
  --json FILE     write the results as JSON to FILE as well
  --yls PATH|off  yaml-language-server's bin script for the side-by-side column
                  (default: $YLS_BIN, else .build/bench/yls/node_modules/
                  yaml-language-server/bin/yaml-language-server when installed)
  --yls-runs N    yaml-language-server sessions (default: --runs)
  --timeout S     seconds to wait for the first diagnostics (default 300)`;

function parseArgs(argv) {
  const o = { runs: undefined, requests: 200, opens: undefined, edits: undefined, seed: 1, tasks: 200, json: undefined, yls: process.env.YLS_BIN, ylsRuns: undefined, quick: false, timeout: 300, dir: undefined };
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} wants a whole number, not ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} wants a value`);
      return argv[++i];
    };
    switch (a) {
      case '--quick': o.quick = true; break;
      case '--runs': o.runs = num(a, val()); break;
      case '--requests': o.requests = num(a, val()); break;
      case '--opens': o.opens = num(a, val()); break;
      case '--edits': o.edits = num(a, val()); break;
      case '--seed': o.seed = num(a, val()); break;
      case '--tasks': o.tasks = num(a, val()); break;
      case '--json': o.json = val(); break;
      case '--yls': o.yls = val(); break;
      case '--yls-runs': o.ylsRuns = num(a, val()); break;
      case '--timeout': o.timeout = num(a, val()); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
        if (o.dir) throw new Error(`one workspace only (got ${o.dir} and ${a})`);
        o.dir = a;
    }
  }
  o.runs ??= o.quick ? 2 : 7;
  o.opens ??= o.quick ? 3 : 6;
  o.edits ??= o.quick ? 1 : 2;
  o.ylsRuns ??= o.runs;
  if (o.runs < 1) throw new Error('--runs must be at least 1');
  if (!o.dir && !o.quick) throw new Error(`no workspace given\n${USAGE}`);
  return o;
}

/** generate writes a workspace with internal/gen's command (go run) into a temporary folder. */
function generate(tasks, seed) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskls-bench-'));
  const gen = process.env.TASKLS_GEN;
  const cmd = gen ? [gen] : ['go', 'run', './internal/gen/cmd/taskls-gen'];
  const r = spawnSync(cmd[0], [...cmd.slice(1), '-n', String(tasks), '-seed', String(seed), '-faults', dir], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`generating the workspace failed (${cmd.join(' ')}): ${r.error?.message ?? r.stderr}`);
  }
  return dir;
}

function defaultYls() {
  const p = path.join(repoRoot, '.build/bench/yls/node_modules/yaml-language-server/bin/yaml-language-server');
  return existsSync(p) ? p : undefined;
}

// --- the plan: what each run opens, edits and asks ---------------------------

function makePlans(ws, o) {
  const rand = rng(o.seed);
  const perRun = Math.ceil(o.requests / o.runs);
  const usedFiles = new Set();
  const usedIds = new Set();
  const plans = [];
  for (let r = 0; r < o.runs; r++) {
    const pairs = ws.editPairs(rand, o.edits, usedIds);
    for (const p of pairs) usedIds.add(p.task.id).add(p.dependent.id);
    const exclude = new Set([...usedFiles, ...pairs.map((p) => p.task.file)]);
    const opens = ws.openable(rand, o.opens, exclude);
    for (const t of [...opens, ...pairs.map((p) => p.task)]) usedFiles.add(t.file);
    // IDs in the dependency lists of the files this run opens
    const pool = [];
    for (const t of [...opens, ...pairs.map((p) => p.task)]) {
      for (const l of ws.lists(t)) for (const it of l.items) pool.push({ file: t.file, ...it });
    }
    const inside = () => {
      const it = rand.pick(pool);
      return { file: it.file, line: it.line, character: it.character + 1 + rand.int(Math.max(1, it.id.length - 1)), id: it.id };
    };
    const completionAt = () => {
      const it = rand.pick(pool);
      const typed = rand.int(Math.min(3, it.id.length) + 1); // "", "T", "T0", "T01"
      return { file: it.file, line: it.line, character: it.character + typed, id: it.id, prefix: it.id.slice(0, typed) };
    };
    const query = () => {
      if (rand() < 0.5) {
        const id = rand.pick(ws.tasks).id;
        return id.slice(0, 2 + rand.int(2));
      }
      const words = rand.pick(ws.tasks).title.toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 3);
      const w = words.length ? rand.pick(words) : 'task';
      return w.slice(0, 2 + rand.int(3));
    };
    const n = pool.length ? perRun : 0;
    plans.push({
      opens,
      pairs,
      hover: Array.from({ length: n }, inside),
      definition: Array.from({ length: n }, inside),
      references: Array.from({ length: n }, inside),
      completion: Array.from({ length: n }, completionAt),
      symbol: Array.from({ length: perRun }, query),
    });
  }
  return plans;
}

// --- a client that timestamps what the server publishes ----------------------

class Probe {
  constructor(client) {
    this.client = client;
    this.waiters = new Set();
    this.firstPublish = undefined;
    this.published = new Map(); // path -> time of the first publish
    this.progressEnd = undefined;
    this.onFirst = [];
    const orig = client.onDiagnostics.bind(client);
    client.onDiagnostics = (params) => {
      const t = performance.now();
      orig(params);
      const key = pathOf(params.uri);
      if (this.firstPublish === undefined) this.firstPublish = t;
      if (!this.published.has(key)) this.published.set(key, t);
      for (const w of [...this.waiters]) {
        if (w.key === key && w.pred(params)) {
          this.waiters.delete(w);
          w.done(t);
        }
      }
      for (const f of this.onFirst.splice(0)) f();
    };
    // $/progress goes to progress handlers in vscode-jsonrpc, not onNotification
    client.conn.onUnhandledProgress((p) => {
      if (p?.value?.kind === 'end' && this.progressEnd === undefined) this.progressEnd = performance.now();
    });
  }

  /** next resolves with the time of the next publish for fileUri that satisfies pred, or undefined after timeoutMs. */
  next(fileUri, pred = () => true, timeoutMs = 10_000) {
    return new Promise((resolve) => {
      const w = { key: pathOf(fileUri), pred, done: (t) => { clearTimeout(timer); resolve(t); } };
      const timer = setTimeout(() => { this.waiters.delete(w); resolve(undefined); }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** until polls cond every 5 ms; resolves true when it holds, false after timeoutMs. */
  async until(cond, timeoutMs) {
    const end = performance.now() + timeoutMs;
    while (!cond()) {
      if (performance.now() > end || this.client.exitCode !== undefined) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }
}

function initializeParams(root) {
  return {
    processId: process.pid,
    clientInfo: { name: 'taskls-bench', version: '0' },
    locale: 'en',
    rootPath: root,
    rootUri: uri(root),
    workspaceFolders: [{ uri: uri(root), name: path.basename(root) }],
    capabilities: clientCapabilities(),
    trace: 'off',
  };
}

const hasCycle = (diags, a, b) => diags.some((d) => /cycle/.test(d.message) && d.message.includes(`${a} -> ${b}`));

// --- one session --------------------------------------------------------------

async function runSession(server, ws, plan, o) {
  const r = {
    spawnToInit: undefined, firstDiag: undefined, progressEnd: undefined, allFaultDiag: undefined, faultFilesPublished: undefined,
    didOpen: [], editEdited: [], editDependent: [], editBoth: [],
    hover: [], definition: [], references: [], completion: [], symbol: [],
    answered: { hover: 0, definition: 0, references: 0, completion: 0, symbol: 0 },
    completionItems: [], completionIncomplete: 0, diagCounts: [], timeouts: [], errors: [],
    peakMB: undefined, rssMB: undefined,
  };
  const t0 = performance.now();
  const client = await startServer({ bin: server.bin, args: server.args, root: ws.dir, settings: server.settings });
  const pid = client.proc.pid;
  const probe = new Probe(client);
  const idle = async () => {
    if ((await waitIdle(pid)) < 0) r.timeouts.push('server busy for 120 s');
  };
  try {
    await client.request('initialize', initializeParams(client.root), 60_000);
    r.spawnToInit = performance.now() - t0;
    const tReady = performance.now();
    await client.notify('initialized', {});
    if (server.startup) {
      const limit = o.timeout * 1000;
      if (await probe.until(() => probe.firstPublish !== undefined, limit)) r.firstDiag = probe.firstPublish - tReady;
      else r.timeouts.push('no diagnostics after initialized');
      if (ws.faultFiles.size) {
        const all = () => [...ws.faultFiles].every((f) => probe.published.has(f));
        if (await probe.until(all, limit)) r.allFaultDiag = Math.max(...[...ws.faultFiles].map((f) => probe.published.get(f))) - tReady;
        r.faultFilesPublished = [...ws.faultFiles].filter((f) => probe.published.has(f)).length;
      }
      await probe.until(() => probe.progressEnd !== undefined, 2000);
      if (probe.progressEnd !== undefined) r.progressEnd = probe.progressEnd - tReady;
    }
    await idle();
    if (server.startup) {
      // every diagnostic published after the first index, against what faults.json expects
      r.startupDiagnostics = [...client.diagnostics.values()].reduce((a, e) => a + e.diagnostics.length, 0);
    }

    const docs = new Map(); // file -> {uri, text, version}
    const open = async (task) => {
      const text = ws.text(task.file);
      const doc = { uri: uri(task.file), text, version: 1 };
      docs.set(task.file, doc);
      const got = probe.next(doc.uri, () => true);
      const t = performance.now();
      await client.notify('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId: server.languageId(task.file), version: 1, text } });
      const at = await got;
      if (at === undefined) r.timeouts.push(`didOpen ${path.relative(ws.dir, task.file)}: no diagnostics within 10 s`);
      else r.didOpen.push(at - t);
      await idle();
      r.diagCounts.push({ file: path.relative(ws.dir, task.file), n: client.diagnosticsFor(doc.uri).length });
    };
    for (const t of plan.opens) await open(t);

    for (const { task, dependent } of plan.pairs) {
      if (!docs.has(task.file)) await open(task);
      const doc = docs.get(task.file);
      const flow = ws.lists(task).find((l) => l.flow && l.items.length > 0);
      const at = { line: flow.line, character: flow.close };
      const insert = `, ${dependent.id}`;
      const depUri = uri(dependent.file);
      for (const undo of [false, true]) {
        doc.version += 1;
        const v = doc.version;
        const range = undo ? { start: at, end: { line: at.line, character: at.character + insert.length } } : { start: at, end: at };
        const want = (diags, a, b) => hasCycle(diags, a, b) !== undo;
        const edited = probe.next(doc.uri, (p) => (p.version === undefined || p.version === null || p.version >= v) && (!server.graph || want(p.diagnostics, task.id, dependent.id)));
        const dep = server.graph ? probe.next(depUri, (p) => want(p.diagnostics, dependent.id, task.id)) : Promise.resolve(undefined);
        const t = performance.now();
        await client.notify('textDocument/didChange', { textDocument: { uri: doc.uri, version: v }, contentChanges: [{ range, text: undo ? '' : insert }] });
        const [te, td] = await Promise.all([edited, dep]);
        const what = `${undo ? 'undoing' : 'adding'} ${dependent.id} in ${task.id}'s dependencies`;
        if (te === undefined) r.timeouts.push(`${what}: no diagnostics of the edited file within 10 s`);
        else r.editEdited.push(te - t);
        if (server.graph) {
          if (td === undefined) r.timeouts.push(`${what}: no diagnostics of ${dependent.id} within 10 s`);
          else r.editDependent.push(td - t);
          if (te !== undefined && td !== undefined) r.editBoth.push(Math.max(te, td) - t);
        }
        await idle();
      }
    }

    const position = (p) => ({ textDocument: { uri: uri(p.file) }, position: { line: p.line, character: p.character } });
    const timed = async (kind, method, params, answered) => {
      const t = performance.now();
      try {
        const res = await client.request(method, params);
        r[kind].push(performance.now() - t);
        if (answered(res)) r.answered[kind]++;
        return res;
      } catch (err) {
        r.errors.push(`${method}: ${err.message.split('\n')[0]}`);
        return undefined;
      }
    };
    const nonEmpty = (x) => x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0);
    for (const p of plan.hover) await timed('hover', 'textDocument/hover', position(p), nonEmpty);
    if (server.navigation) {
      for (const p of plan.definition) await timed('definition', 'textDocument/definition', position(p), nonEmpty);
      for (const p of plan.references) {
        await timed('references', 'textDocument/references', { ...position(p), context: { includeDeclaration: true } }, nonEmpty);
      }
    }
    for (const p of plan.completion) {
      const res = await timed('completion', 'textDocument/completion', { ...position(p), context: { triggerKind: 1 } }, (x) => {
        const items = Array.isArray(x) ? x : x?.items ?? [];
        return items.length > 0;
      });
      if (res) {
        const items = Array.isArray(res) ? res : res.items ?? [];
        r.completionItems.push(items.length);
        if (res.isIncomplete) r.completionIncomplete++;
      }
    }
    if (server.navigation) {
      for (const q of plan.symbol) await timed('symbol', 'workspace/symbol', { query: q }, nonEmpty);
    }
    const m = memory(pid);
    r.peakMB = m.peakMB;
    r.rssMB = m.rssMB;
    await client.shutdownAndExit(30_000);
  } catch (err) {
    r.errors.push(err.message.split('\n')[0]);
    await client.dispose();
  }
  return r;
}

// --- putting it together ------------------------------------------------------

const METRICS = [
  ['spawnToInit', 'spawn -> initialize response'],
  ['firstDiag', 'initialized -> first publishDiagnostics (index + first check)'],
  ['progressEnd', 'initialized -> $/progress end (index)'],
  ['allFaultDiag', 'initialized -> diagnostics of every faulty file'],
  ['didOpen', 'didOpen -> diagnostics of that file'],
  ['editEdited', 'edit -> diagnostics of the edited file'],
  ['editDependent', 'edit -> diagnostics of its dependent'],
  ['editBoth', 'edit -> both (edited file and dependent)'],
  ['hover', 'hover'],
  ['definition', 'definition'],
  ['references', 'references'],
  ['completion', 'completion in a dependency list'],
  ['symbol', 'workspace/symbol (short queries)'],
];

function aggregate(runs) {
  const pool = (k) => runs.flatMap((r) => (Array.isArray(r[k]) ? r[k] : [r[k]]));
  const out = {};
  out.raw = {};
  for (const [k] of METRICS) {
    out[k] = summarize(pool(k));
    out.raw[k] = pool(k).filter((v) => Number.isFinite(v)).map((v) => round(v, 2));
  }
  out.peakMB = summarize(pool('peakMB'));
  out.rssMB = summarize(pool('rssMB'));
  const counts = runs.flatMap((r) => r.diagCounts.map((d) => d.n));
  out.diagnosticsPerOpenFile = summarize(counts);
  out.diagnosticsPerOpenFile.files = runs.flatMap((r) => r.diagCounts);
  out.answered = {};
  for (const k of ['hover', 'definition', 'references', 'completion', 'symbol']) {
    out.answered[k] = `${runs.reduce((a, r) => a + r.answered[k], 0)}/${runs.reduce((a, r) => a + r[k].length, 0)}`;
  }
  out.completionItems = summarize(runs.flatMap((r) => r.completionItems));
  out.completionIncomplete = runs.reduce((a, r) => a + r.completionIncomplete, 0);
  const ff = runs.map((r) => r.faultFilesPublished).filter((x) => x !== undefined);
  if (ff.length) out.faultFilesPublished = Math.min(...ff);
  const sd = runs.map((r) => r.startupDiagnostics).filter((x) => x !== undefined);
  if (sd.length) out.startupDiagnostics = { min: Math.min(...sd), max: Math.max(...sd) };
  out.timeouts = runs.flatMap((r) => r.timeouts);
  out.errors = runs.flatMap((r) => r.errors);
  return out;
}

function render(result) {
  const { meta, taskls, yls } = result;
  const cell = (s, field) => (s && s.n ? ms(s[field]) : 'n/a');
  const ylsOn = yls && !yls.skipped;
  const header = ['metric', 'n', 'median', 'p95'];
  if (ylsOn) header.push('yaml-language-server n', 'median', 'p95');
  const rows = [];
  for (const [k, label] of METRICS) {
    const s = taskls[k];
    const row = [label, s.n ?? 0, cell(s, 'median'), cell(s, 'p95')];
    if (ylsOn) {
      const y = yls[k];
      row.push(y && y.n ? y.n : '-', cell(y, 'median'), cell(y, 'p95'));
    }
    rows.push(row);
  }
  const memRow = (label, k) => {
    const s = taskls[k];
    const row = [label, s.n ?? 0, s.n ? mb(s.median) : 'n/a', s.n ? `max ${mb(s.max)}` : 'n/a'];
    if (ylsOn) {
      const y = yls[k];
      row.push(y?.n ?? '-', y?.n ? mb(y.median) : 'n/a', y?.n ? `max ${mb(y.max)}` : 'n/a');
    }
    rows.push(row);
  };
  memRow('peak RSS of the server (VmHWM at the end)', 'peakMB');
  memRow('RSS after the session (VmRSS)', 'rssMB');
  const d = taskls.diagnosticsPerOpenFile;
  const dRow = ['diagnostics per opened task file', d.n ?? 0, d.n ? String(d.median) : 'n/a', d.n ? `mean ${d.mean}, max ${d.max}` : 'n/a'];
  if (ylsOn) {
    const y = yls.diagnosticsPerOpenFile;
    dRow.push(y?.n ?? '-', y?.n ? String(y.median) : 'n/a', y?.n ? `mean ${y.mean}, max ${y.max}` : 'n/a');
  }
  rows.push(dRow);
  const lines = [];
  lines.push(`### taskls server, ${meta.tasks} tasks (${meta.workspace})`);
  lines.push('');
  lines.push(`${meta.runs} runs (fresh process each), ${meta.cpus} CPUs, load average ${meta.loadBefore?.join(' ')} before / ${meta.loadAfter?.join(' ')} after, node ${meta.node}, ${meta.date}.`);
  lines.push('');
  lines.push(table(header, rows));
  lines.push('');
  const notes = [];
  notes.push(`answered (non-empty) taskls: ${Object.entries(taskls.answered).map(([k, v]) => `${k} ${v}`).join(', ')}; completion items median ${taskls.completionItems.median ?? 'n/a'}, isIncomplete ${taskls.completionIncomplete} times`);
  if (taskls.faultFilesPublished !== undefined) notes.push(`files with injected faults that got diagnostics: ${taskls.faultFilesPublished}/${meta.faultFiles} (fewest in a run)`);
  if (taskls.startupDiagnostics) {
    const { min, max } = taskls.startupDiagnostics;
    notes.push(`diagnostics published after the first index: ${min === max ? min : `${min}-${max}`} (faults.json lists ${meta.faults})`);
  }
  if (taskls.timeouts.length) notes.push(`taskls timeouts: ${[...new Set(taskls.timeouts)].join('; ')}`);
  if (taskls.errors.length) notes.push(`taskls errors: ${[...new Set(taskls.errors)].slice(0, 5).join('; ')}`);
  if (ylsOn) {
    notes.push(`yaml-language-server ${yls.version} (${yls.runs} runs): task files opened as YAML, schema store off; it has no workspace index, so the rows it cannot answer are n/a; answered (non-empty): ${Object.entries(yls.answered).filter(([k]) => ['hover', 'completion'].includes(k)).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    if (yls.timeouts.length) notes.push(`yaml-language-server timeouts: ${[...new Set(yls.timeouts)].slice(0, 5).join('; ')}`);
    if (yls.errors.length) notes.push(`yaml-language-server errors: ${[...new Set(yls.errors)].slice(0, 5).join('; ')}`);
  } else if (yls?.skipped) {
    notes.push(`yaml-language-server: skipped (${yls.skipped})`);
  }
  for (const n of notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

function countFiles(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else n++;
    }
  };
  walk(dir);
  return n;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const bin = process.env.TASKLS_BIN;
  let generated;
  if (!o.dir) {
    generated = generate(o.tasks, o.seed);
    o.dir = generated;
  }
  const started = performance.now();
  try {
    const ws = new Workspace(o.dir);
    const plans = makePlans(ws, o);
    const meta = {
      workspace: generated ? `generated in ${o.dir}` : path.relative(process.cwd(), ws.dir) || '.',
      tasks: ws.tasks.length,
      files: countFiles(ws.tasksDir),
      faultFiles: ws.faultFiles.size,
      faults: ws.faultCount,
      runs: o.runs,
      requestsPerKind: o.requests,
      seed: o.seed,
      cpus: os.cpus().length,
      node: process.version,
      bin,
      date: new Date().toISOString(),
      loadBefore: loadavg(),
    };
    const taskls = {
      bin,
      args: ['serve'],
      settings: {},
      startup: true,
      graph: true,
      navigation: true,
      languageId: (f) => (f.endsWith('.md') ? 'markdown' : 'yaml'),
    };
    const runs = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await runSession(taskls, ws, plans[i], o);
      runs.push(r);
      process.stderr.write(`taskls run ${i + 1}/${o.runs}: initialize ${ms(r.spawnToInit)}, first diagnostics ${ms(r.firstDiag)}, peak RSS ${mb(r.peakMB)}\n`);
    }
    const result = { meta, taskls: aggregate(runs) };

    const ylsPath = o.yls === 'off' ? undefined : o.yls ?? defaultYls();
    if (o.yls === 'off') {
      result.yls = { skipped: 'turned off with --yls off' };
    } else if (!ylsPath) {
      result.yls = { skipped: 'not installed (scripts/bench.sh installs it from npm into .build/bench/yls when it can)' };
    } else if (!existsSync(ylsPath) || !statSync(ylsPath).isFile()) {
      result.yls = { skipped: `${ylsPath} does not exist` };
    } else {
      const yls = {
        bin: process.execPath,
        args: [ylsPath, '--stdio'],
        settings: { yaml: { validate: true, hover: true, completion: true, format: { enable: false }, schemaStore: { enable: false }, schemas: {} } },
        startup: false,
        graph: false,
        navigation: false,
        languageId: () => 'yaml',
      };
      const yRuns = [];
      for (let i = 0; i < Math.min(o.ylsRuns, plans.length); i++) {
        const r = await runSession(yls, ws, plans[i], o);
        yRuns.push(r);
        process.stderr.write(`yaml-language-server run ${i + 1}/${o.ylsRuns}: initialize ${ms(r.spawnToInit)}, didOpen median ${ms(summarize(r.didOpen).median)}${r.errors.length ? `, error: ${r.errors[0]}` : ''}\n`);
      }
      const agg = aggregate(yRuns);
      let version = '?';
      try {
        const pkg = path.join(path.dirname(ylsPath), '..', 'package.json');
        version = JSON.parse((await import('node:fs')).readFileSync(pkg, 'utf8')).version;
      } catch {
        // unknown version
      }
      if (yRuns.every((r) => r.spawnToInit === undefined)) {
        result.yls = { skipped: `it did not start: ${[...new Set(agg.errors)].slice(0, 2).join('; ')}` };
      } else {
        result.yls = { version, runs: yRuns.length, ...agg };
      }
    }
    meta.loadAfter = loadavg();
    meta.seconds = round((performance.now() - started) / 1000, 1);
    console.log(render(result));
    console.log('');
    console.log('```json');
    console.log(JSON.stringify(result, (k, v) => ((k === 'files' && Array.isArray(v)) || k === 'raw' ? undefined : v), 2));
    console.log('```');
    if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2) + '\n');
    const failed = result.taskls.timeouts.length > 0 || result.taskls.errors.length > 0 || runs.some((r) => r.spawnToInit === undefined);
    process.exitCode = failed ? 1 : 0;
  } finally {
    if (generated) rmSync(generated, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().catch((err) => {
    console.error(`bench.mjs: ${err.message}`);
    process.exit(2);
  });
}
