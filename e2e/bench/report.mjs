#!/usr/bin/env node
// Puts the results of scripts/bench.sh together into one Markdown table with
// a row for each target of issue 6: target, goal, measured median (and p95
// where the target is a p95), met or not.
//
//   node e2e/bench/report.mjs --go go-bench.txt --check 10000=check-10000.json \
//        --server 10000=server-10000.json [--server 1000=...] [--load "0.1 0.2 0.3"]
//
// --go is the raw output of `go test -bench` (every -count line); --check is
// hyperfine's --export-json (or the same shape written by bench.sh's
// fallback loop); --server is e2e/bench.mjs's --json. Inputs that are
// missing make their rows say "not run".
import { existsSync, readFileSync } from 'node:fs';

import { mb, ms, quantile, table } from './stats.mjs';

function parseArgs(argv) {
  const o = { go: undefined, check: new Map(), server: new Map(), load: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} wants a value`);
    const sized = () => {
      const at = v.indexOf('=');
      if (at < 0) throw new Error(`${a} wants N=FILE, not ${v}`);
      return [Number(v.slice(0, at)), v.slice(at + 1)];
    };
    if (a === '--go') o.go = v;
    else if (a === '--check') o.check.set(...sized());
    else if (a === '--server') o.server.set(...sized());
    else if (a === '--load') o.load = v;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const readJSON = (f) => (f && existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined);

/** goBench reads `go test -bench` output: name -> {nsPerOp: [...], bytesPerOp: [...], allocsPerOp: [...]}. */
export function goBench(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns\/op(.*)$/.exec(line.trim());
    if (!m) continue;
    const e = out.get(m[1]) ?? { nsPerOp: [], bytesPerOp: [], allocsPerOp: [] };
    e.nsPerOp.push(Number(m[2]));
    const b = /([\d.]+) B\/op/.exec(m[3]);
    const al = /([\d.]+) allocs\/op/.exec(m[3]);
    if (b) e.bytesPerOp.push(Number(b[1]));
    if (al) e.allocsPerOp.push(Number(al[1]));
    out.set(m[1], e);
  }
  return out;
}

const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);

function main() {
  const o = parseArgs(process.argv.slice(2));
  const go = o.go && existsSync(o.go) ? goBench(readFileSync(o.go, 'utf8')) : new Map();
  const goMs = (name) => {
    const e = go.get(name);
    return e ? { ms: median(e.nsPerOp) / 1e6, n: e.nsPerOp.length, mb: e.bytesPerOp.length ? median(e.bytesPerOp) / (1 << 20) : undefined } : undefined;
  };
  const server = (n) => readJSON(o.server.get(n));
  const check = (n) => {
    const j = readJSON(o.check.get(n));
    const times = j?.results?.[0]?.times;
    if (!times?.length) return undefined;
    const sorted = times.map((t) => t * 1000).sort((a, b) => a - b);
    return { n: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  };

  const rows = [];
  const verdict = (v, goal) => (v === undefined || !Number.isFinite(v) ? 'not run' : v <= goal ? 'met' : '**not met**');
  const notRun = (why) => [why, 'not run'];

  // cold index
  for (const [n, goal, label] of [[10000, 700, '10k'], [50000, 3500, '50k']]) {
    const g = goMs(`BenchmarkColdIndex/${n}`);
    const s = server(n)?.taskls;
    const extra = s?.progressEnd?.n ? `; server: \`$/progress\` end ${ms(s.progressEnd.median)}, first diagnostics ${ms(s.firstDiag.median)}` : '';
    rows.push([`cold index, ${label} tasks`, `<= ${ms(goal)}`, ...(g ? [`${ms(g.ms)} (BenchmarkColdIndex, median of ${g.n})${extra}`, verdict(g.ms, goal)] : notRun(n === 50000 ? 'not run (BENCH_50K=1 runs it)' : 'not run'))]);
  }
  const latencySize = server(10000) ? 10000 : Math.max(0, ...o.server.keys());
  const sAny = server(latencySize)?.taskls;
  const at = () => (latencySize === 10000 ? '10k' : `at ${latencySize} tasks`);
  const latency = (label, goal, key, field, extraFn) => {
    const s = sAny?.[key];
    if (!s?.n) {
      rows.push([label, `${field === 'p95' ? 'p95 ' : ''}<= ${ms(goal)}`, ...notRun('not run')]);
      return;
    }
    const value = s[field];
    const measured = field === 'p95' ? `p95 ${ms(s.p95)}, median ${ms(s.median)} (n=${s.n}, ${at(sAny)})` : `median ${ms(s.median)}, p95 ${ms(s.p95)} (n=${s.n}, ${at(sAny)})`;
    rows.push([label, `${field === 'p95' ? 'p95 ' : ''}<= ${ms(goal)}`, measured + (extraFn ? extraFn() : ''), verdict(value, goal)]);
  };
  latency('spawn -> initialize response (index in the background)', 20, 'spawnToInit', 'median');
  latency('didOpen -> diagnostics of that file, 10k', 10, 'didOpen', 'p95');
  latency('edit -> diagnostics of the edited file and of its dependent, 10k', 20, 'editBoth', 'p95', () => {
    const q = goMs('BenchmarkEditQuickPass/10000');
    return q ? `; in-process quick pass ${ms(q.ms)}` : '';
  });
  {
    const parts = ['hover', 'definition', 'references'].map((k) => [k, sAny?.[k]]);
    if (parts.every(([, s]) => s?.n)) {
      const worst = Math.max(...parts.map(([, s]) => s.p95));
      rows.push(['hover, definition, references p95, 10k', 'p95 <= 2.00 ms', parts.map(([k, s]) => `${k} p95 ${ms(s.p95)} (median ${ms(s.median)}, n=${s.n})`).join('; '), verdict(worst, 2)]);
    } else rows.push(['hover, definition, references p95, 10k', 'p95 <= 2.00 ms', ...notRun('not run')]);
  }
  latency('completion p95 with 10k IDs (prefix-filtered, isIncomplete past a cap)', 5, 'completion', 'p95', () => {
    const items = sAny?.completionItems?.median;
    return items !== undefined ? `; ${items} items (median), isIncomplete ${sAny.completionIncomplete}/${sAny.completion.n}` : '';
  });
  latency('workspace symbol p95, 10k', 10, 'symbol', 'p95');
  for (const [n, goal, label] of [[10000, 60, '10k'], [50000, 200, '50k']]) {
    const s = server(n)?.taskls?.peakMB;
    if (s?.n) rows.push([`peak RSS, ${label}`, `<= ${goal} MB`, `${mb(s.median)} (VmHWM of the server after a session, median of ${s.n} runs; max ${mb(s.max)})`, verdict(s.median, goal)]);
    else rows.push([`peak RSS, ${label}`, `<= ${goal} MB`, ...notRun(n === 50000 ? 'not run (BENCH_50K=1 runs it)' : 'not run')]);
  }
  {
    const c = check(10000);
    if (c) rows.push(['`taskls check` on 10k, whole process', '<= 1.00 s', `median ${ms(c.median)}, p95 ${ms(c.p95)} (n=${c.n})`, verdict(c.median, 1000)]);
    else rows.push(['`taskls check` on 10k, whole process', '<= 1.00 s', ...notRun('not run')]);
  }
  console.log(table(['target', 'goal', 'measured', 'met'], rows));
  // recall and precision of the first index, against faults.json
  const found = [...o.server.keys()].sort((a, b) => a - b).map((n) => [n, server(n)]).filter(([, r]) => r?.taskls?.startupDiagnostics);
  if (found.length) {
    console.log('');
    for (const [n, r] of found) {
      const { min, max } = r.taskls.startupDiagnostics;
      console.log(`- ${n} tasks: files with injected faults that got diagnostics ${r.taskls.faultFilesPublished}/${r.meta.faultFiles}; diagnostics after the first index ${min === max ? min : `${min}-${max}`}, faults.json lists ${r.meta.faults}.`);
    }
  }

  // the in-process counterparts, for reading the server's numbers
  if (go.size) {
    console.log('');
    console.log('In-process Go benchmarks (internal/gen, medians):');
    console.log('');
    const grows = [...go.entries()].map(([name, e]) => [name, e.nsPerOp.length, ms(median(e.nsPerOp) / 1e6), e.bytesPerOp.length ? mb(median(e.bytesPerOp) / (1 << 20)) : '', e.allocsPerOp.length ? Math.round(median(e.allocsPerOp)) : '']);
    console.log(table(['benchmark', 'n', 'time/op', 'allocated/op', 'allocs/op'], grows));
  }
  // the side-by-side figure
  const ySize = [...o.server.keys()].sort((a, b) => b - a).find((n) => server(n)?.yls && !server(n).yls.skipped);
  if (ySize !== undefined) {
    const r = server(ySize);
    const y = r.yls;
    const t = r.taskls;
    const pair = (k) => [ms(t[k]?.median), ms(t[k]?.p95), ms(y[k]?.median), ms(y[k]?.p95)];
    console.log('');
    console.log(`Side by side with yaml-language-server ${y.version}, same files, same run (${ySize} tasks):`);
    console.log('');
    console.log(table(['metric', 'taskls median', 'taskls p95', 'yaml-language-server median', 'yaml-language-server p95'], [
      ['didOpen -> diagnostics', ...pair('didOpen')],
      ['edit -> diagnostics of the edited file', ...pair('editEdited')],
      ['hover', ...pair('hover')],
      ['completion', ...pair('completion')],
      ['peak RSS', mb(t.peakMB?.median), '', mb(y.peakMB?.median), ''],
      ['diagnostics per opened task file', String(t.diagnosticsPerOpenFile?.median), `mean ${t.diagnosticsPerOpenFile?.mean}`, String(y.diagnosticsPerOpenFile?.median), `mean ${y.diagnosticsPerOpenFile?.mean}`],
    ]));
  } else {
    const skipped = [...o.server.values()].map(readJSON).find((r) => r?.yls?.skipped)?.yls?.skipped;
    console.log('');
    console.log(`yaml-language-server: not measured${skipped ? ` (${skipped})` : ''}.`);
  }
  if (o.load) {
    console.log('');
    console.log(`Load average (1, 5, 15 min): ${o.load}.`);
  }
}

main();
