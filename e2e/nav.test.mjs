// End-to-end tests of navigation through the real binary over stdio:
// references, rename, inlay hints and the dependency hierarchy (call
// hierarchy), on the example workspace.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { clientCapabilities, exampleRoot, inside, locate, pathOf, startServer } from './harness.mjs';

const TIMEOUT = { timeout: 30_000 };
const tasksDir = path.join(exampleRoot, '.tasks');

/** grep lists "file:line" of every whole-word occurrence of word under dir. */
function grep(dir, word) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) { walk(p); continue; }
      readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
        if (new RegExp(`(^|[^A-Za-z0-9_])${word}($|[^A-Za-z0-9_])`).test(line)) out.push(`${path.relative(tasksDir, p)}:${i + 1}`);
      });
    }
  };
  walk(dir);
  return out.sort();
}

const where = (loc) => `${path.relative(tasksDir, pathOf(loc.uri))}:${loc.range.start.line + 1}`;

describe('navigation on examples/', () => {
  let client;
  before(async () => {
    client = await startServer();
    const caps = clientCapabilities();
    caps.workspace.workspaceEdit = { documentChanges: true, resourceOperations: ['create', 'rename'] };
    await client.initialize({ capabilities: caps });
  });
  after(async () => { await client?.dispose(); });

  test('references of T004 are every line a whole-word search finds', TIMEOUT, async () => {
    const doc = await client.open('.tasks/tasks/T005-incremental-rebuilds.md');
    const refs = await client.request('textDocument/references', {
      textDocument: { uri: doc.uri },
      position: inside(locate(doc.text, 'dependencies:\n  - T004', 'T004')),
      context: { includeDeclaration: true },
    });
    const got = [...new Set(refs.map(where))].sort();
    assert.deepEqual(got, grep(tasksDir, 'T004'));
  });

  test('rename T009 to T090: every occurrence and the file name', TIMEOUT, async () => {
    const doc = await client.open('.tasks/tasks/T010-sitemap.md');
    const at = inside(locate(doc.text, 'dependencies: [T004, T099]', 'T004'));
    const prep = await client.request('textDocument/prepareRename', { textDocument: { uri: doc.uri }, position: at });
    assert.equal(prep.placeholder, 'T004');
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: doc.uri }, position: at, newName: 'T005' }),
      (err) => err.code === -32803 && err.message === 'T005 is already a task of this workspace',
    );
    const t9 = await client.open('.tasks/tasks/T009-permalinks.yaml');
    const edit = await client.request('textDocument/rename', {
      textDocument: { uri: t9.uri },
      position: inside(locate(t9.text, 'id: T009', 'T009')),
      newName: 'T090',
    });
    const lines = [];
    for (const change of edit.documentChanges) {
      if (change.kind === 'rename') {
        lines.push(`rename ${path.relative(tasksDir, pathOf(change.oldUri))} -> ${path.relative(tasksDir, pathOf(change.newUri))}`);
        continue;
      }
      for (const e of change.edits) {
        assert.equal(e.newText, 'T090');
        lines.push(`${path.relative(tasksDir, pathOf(change.textDocument.uri))}:${e.range.start.line + 1}`);
      }
    }
    const renames = lines.filter((l) => l.startsWith('rename'));
    assert.deepEqual(renames, ['rename tasks/T009-permalinks.yaml -> tasks/T090-permalinks.yaml']);
    // every whole-word T009 in the workspace is edited (the did-you-mean in
    // no file: messages are not text)
    assert.deepEqual([...new Set(lines.filter((l) => !l.startsWith('rename')))].sort(), grep(tasksDir, 'T009'));
  });

  test('inlay hints give each dependency its status', TIMEOUT, async () => {
    const doc = await client.open('.tasks/tasks/T010-sitemap.md');
    const hints = await client.request('textDocument/inlayHint', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    });
    const t004 = locate(doc.text, 'dependencies: [T004, T099]', 'T004');
    const h = hints.find((x) => x.position.line === t004.end.line && x.position.character === t004.end.character);
    assert.ok(h, `no hint after T004 in ${JSON.stringify(hints)}`);
    assert.equal(h.label, 'in_progress');
    // T099 is unknown: no hint
    const t099 = locate(doc.text, 'dependencies: [T004, T099]', 'T099');
    assert.equal(hints.some((x) => x.position.line === t099.end.line && x.position.character === t099.end.character), false);
  });

  test('the call hierarchy is the dependency tree', TIMEOUT, async () => {
    const doc = await client.open('.tasks/tasks/T005-incremental-rebuilds.md');
    const [item] = await client.request('textDocument/prepareCallHierarchy', {
      textDocument: { uri: doc.uri },
      position: inside(locate(doc.text, 'id: T005', 'T005')),
    });
    assert.equal(item.name, 'T005');
    const incoming = await client.request('callHierarchy/incomingCalls', { item });
    const outgoing = await client.request('callHierarchy/outgoingCalls', { item });
    assert.deepEqual(incoming.map((c) => c.from.name), ['T006', 'T007']);
    assert.deepEqual(outgoing.map((c) => c.to.name), ['T004']);
  });
});
