// End-to-end tests of the core features: the real taskls binary ($TASKLS_BIN)
// over stdio, on the example workspace in examples/. Every expected range is
// computed from the files' text, never written down as line numbers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { exampleRoot, inside, locate, pathOf, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 30_000 };

const manifest = JSON.parse(readFileSync(path.join(exampleRoot, '.tasks', 'manifest.json'), 'utf8'));
const titleOf = (id) => manifest.tasks.find((t) => t.id === id).title;

const TASK_FILES = {
  T004: '.tasks/tasks/T004-layout-templates.md',
  T005: '.tasks/tasks/T005-incremental-rebuilds.md',
  T007: '.tasks/tasks/T007-asset-fingerprints.yaml',
  T008: '.tasks/tasks/T008-image-variants.md',
  T010: '.tasks/tasks/T010-sitemap.md',
  T011: '.tasks/tasks/T011-search-index.yaml',
};

/** onlyOne returns the single diagnostic with the given code, failing with all of them otherwise. */
function onlyOne(diags, code) {
  const hits = diags.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `want exactly one ${code} diagnostic, got: ${JSON.stringify(diags, null, 2)}`);
  return hits[0];
}

/** assertDiagnostic checks the parts of a diagnostic a user sees. */
function assertDiagnostic(d, want) {
  assert.deepEqual(
    { source: d.source, code: d.code, message: d.message, range: d.range },
    { source: 'taskls', ...want },
  );
}

/** firstLocation normalises a definition result to {path, range}. */
function firstLocation(result) {
  const list = Array.isArray(result) ? result : result ? [result] : [];
  assert.ok(list.length > 0, `definition returned nothing: ${JSON.stringify(result)}`);
  const loc = list[0];
  if ('targetUri' in loc) return { path: pathOf(loc.targetUri), range: loc.targetSelectionRange };
  return { path: pathOf(loc.uri), range: loc.range };
}

describe('taskls on examples/', () => {
  let client;
  let init;

  before(async () => {
    client = await startServer();
    init = await client.initialize();
  });

  after(async () => {
    await client?.dispose();
  });

  test('initialize advertises the core capabilities', () => {
    const caps = init.capabilities;
    assert.ok(caps.textDocumentSync !== undefined && caps.textDocumentSync !== null, 'textDocumentSync');
    if (typeof caps.textDocumentSync === 'object') {
      assert.equal(caps.textDocumentSync.openClose, true, 'textDocumentSync.openClose');
      assert.ok(caps.textDocumentSync.change >= 1, 'textDocumentSync.change is Full or Incremental');
    } else {
      assert.ok(caps.textDocumentSync >= 1, 'textDocumentSync is Full or Incremental');
    }
    assert.ok(caps.hoverProvider, 'hoverProvider');
    assert.ok(caps.definitionProvider, 'definitionProvider');
    assert.ok(caps.completionProvider, 'completionProvider');
    const triggers = caps.completionProvider.triggerCharacters;
    assert.ok(Array.isArray(triggers) && triggers.length > 0, `completionProvider.triggerCharacters: ${JSON.stringify(triggers)}`);
  });

  test('unknown ID in a dependency list, with a did-you-mean', TIMEOUT, async () => {
    // T011 depends on T014, which is deferred in the manifest: not unknown.
    const deferred = await client.open(TASK_FILES.T011);
    const doc = await client.open(TASK_FILES.T010);
    const diags = await client.waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.code === 'unknown-id'));
    assertDiagnostic(onlyOne(diags, 'unknown-id'), {
      code: 'unknown-id',
      message: 'unknown task ID T099 (did you mean T009?)',
      range: locate(doc.text, 'dependencies: [T004, T099]', 'T099'),
    });
    const aboutDeferred = client.diagnosticsFor(deferred.uri).filter((d) => d.code === 'unknown-id');
    assert.deepEqual(aboutDeferred, [], 'a deferred task ID is not unknown');
  });

  test('a two-task cycle is reported on each edge', TIMEOUT, async () => {
    const a = await client.open(TASK_FILES.T007);
    const b = await client.open(TASK_FILES.T008);
    const hasCycle = (ds) => ds.some((d) => d.code === 'cycle');
    const [da, db] = await Promise.all([client.waitForDiagnostics(a.uri, hasCycle), client.waitForDiagnostics(b.uri, hasCycle)]);
    assertDiagnostic(onlyOne(da, 'cycle'), {
      code: 'cycle',
      message: 'dependency cycle: T007 -> T008 -> T007',
      range: locate(a.text, 'dependencies: [T005, T008]', 'T008'),
    });
    assertDiagnostic(onlyOne(db, 'cycle'), {
      code: 'cycle',
      message: 'dependency cycle: T008 -> T007 -> T008',
      range: locate(b.text, 'dependencies:\n  - T007', 'T007'),
    });
  });

  test('a manifest entry whose file does not exist', TIMEOUT, async () => {
    const doc = await client.open('.tasks/manifest.json');
    const diags = await client.waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.code === 'missing-file'));
    assertDiagnostic(onlyOne(diags, 'missing-file'), {
      code: 'missing-file',
      message: 'file tasks/T013-docs-site.md does not exist',
      range: locate(doc.text, '"file": "tasks/T013-docs-site.md"', 'tasks/T013-docs-site.md'),
    });
  });

  test('completion inside a dependency list offers task IDs with their titles', TIMEOUT, async () => {
    const doc = await client.open(TASK_FILES.T010);
    // The cursor right after "[" in `dependencies: [T004, T099]`.
    const at = locate(doc.text, 'dependencies: [T004, T099]', 'T004').start;
    const result = await client.request('textDocument/completion', {
      textDocument: { uri: doc.uri },
      position: at,
      context: { triggerKind: 1 },
    });
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    // every known task but T010 itself and T004 already in the list;
    // T014 and T015 are deferred (no file), T013 has no file
    assert.deepEqual(items.map((it) => it.label), [
      'T001', 'T002', 'T003', 'T005', 'T006', 'T007', 'T008', 'T009', 'T011', 'T012', 'T013', 'T014', 'T015',
    ]);
    for (const id of ['T002', 'T009', 'T012']) {
      const item = items.find((it) => it.label === id);
      assert.ok(item, `no completion item ${id} among ${JSON.stringify(items.map((it) => it.label))}`);
      assert.equal(item.detail, titleOf(id), `detail of ${id}`);
    }
    assert.equal(titleOf('T012'), '🚀 Ship the release pipeline');
  });

  test('definition goes from a dependency ID to the id: of that task', TIMEOUT, async () => {
    const from = await client.open(TASK_FILES.T005);
    const target = readFileSync(path.join(exampleRoot, TASK_FILES.T004), 'utf8');
    const result = await client.request('textDocument/definition', {
      textDocument: { uri: from.uri },
      position: inside(locate(from.text, 'dependencies:\n  - T004', 'T004')),
    });
    const loc = firstLocation(result);
    assert.equal(loc.path, path.join(exampleRoot, TASK_FILES.T004));
    const idValue = locate(target, 'id: T004', 'T004');
    assert.equal(loc.range.start.line, idValue.start.line, `definition line (want the line of "id: T004")`);
  });

  test('hover on an ID shows title, status and criteria progress', TIMEOUT, async () => {
    const doc = await client.open(TASK_FILES.T007);
    const idRange = locate(doc.text, 'dependencies: [T005, T008]', 'T005');
    const hover = await client.request('textDocument/hover', {
      textDocument: { uri: doc.uri },
      position: inside(idRange),
    });
    assert.ok(hover, 'hover returned nothing');
    assert.equal(hover.contents.kind, 'markdown', `hover contents: ${JSON.stringify(hover.contents)}`);
    // What a reader of tasks/T005-incremental-rebuilds.md sees: 12 criteria,
    // the first 7 checked, and T004 in progress.
    assert.equal(hover.contents.value, [
      `### T005 · ${titleOf('T005')}`,
      '',
      '**Status:** in_progress · **Priority:** P2 · **File:** `tasks/T005-incremental-rebuilds.md`',
      '',
      '**Depends on:** T004 (in_progress)',
      '',
      '**Acceptance criteria:** 7/12 done',
      '',
      '- [x] The cache records inputs and hashes for every output file',
      '- [x] Editing one page re-renders only that page',
      '- [x] Editing a layout re-renders every page that uses it',
      '- [x] Editing a partial re-renders every page whose layout includes it',
      '- [x] Editing `lantern.toml` triggers a full rebuild',
      '- [x] A corrupt cache file is ignored with a warning and rebuilt',
      '- [x] Deleted pages have their outputs removed',
      '- [ ] `lantern build --clean` ignores the cache',
      '- [ ] The cache survives an interrupted build (written atomically)',
      '- [ ] Rebuilding one page of a 1,000-page site takes under 100 ms',
      '',
      '… and 2 more',
      '',
    ].join('\n'));
    assert.deepEqual(hover.range, idRange, 'hover range is the ID');
  });

  test('shutdown and exit end the server with exit code 0', TIMEOUT, async () => {
    assert.equal(await client.shutdownAndExit(), 0);
  });
});
