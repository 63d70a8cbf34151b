// Tests of the harness itself, against a stand-in server (testdata/fake-server.mjs),
// so that a broken harness is told apart from a broken taskls.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { exampleRoot, locate, positionAt, startServer, uri } from './harness.mjs';

const fake = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'fake-server.mjs');

describe('harness', () => {
  test('fails clearly when TASKLS_BIN is not set', async () => {
    await assert.rejects(startServer({ bin: undefined }), /TASKLS_BIN is not set/);
    await assert.rejects(startServer({ bin: '' }), /TASKLS_BIN is not set/);
  });

  test('fails clearly when TASKLS_BIN points at nothing', async () => {
    await assert.rejects(startServer({ bin: '/nonexistent/taskls' }), /TASKLS_BIN=\/nonexistent\/taskls: .* does not exist/);
  });

  test('fails clearly when TASKLS_BIN cannot be run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskls-e2e-'));
    try {
      const bin = path.join(dir, 'taskls');
      writeFileSync(bin, '#!/bin/sh\n', { mode: 0o644 });
      await assert.rejects(startServer({ bin }), /could not start .*EACCES.*chmod \+x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('runs a server through its whole life', { timeout: 20_000 }, async () => {
    const client = await startServer({ bin: fake, settings: { taskls: { checks: { cycle: true } } } });
    try {
      const init = await client.initialize();
      assert.equal(init.serverInfo.name, 'fake-server');

      const doc = await client.open('.tasks/manifest.json');
      const [d] = await client.waitForDiagnostics(doc.uri, (ds) => ds.length === 1);
      const answers = JSON.parse(d.message);
      assert.deepEqual(answers.config, [{ checks: { cycle: true } }, null]);
      assert.deepEqual(answers.folders, [{ uri: uri(exampleRoot), name: 'examples' }]);
      assert.equal(answers.rootUri, uri(exampleRoot));
      assert.equal(answers.languageId, 'json');
      assert.deepEqual(
        client.serverRequests.map((r) => r.method),
        ['workspace/configuration', 'client/registerCapability', 'window/workDoneProgress/create', 'workspace/workspaceFolders'],
      );
      assert.match(client.stderr, /fake-server: started/);

      await assert.rejects(client.waitForDiagnostics(doc.uri, (ds) => ds.length === 2, 100), /timed out after 100 ms[\s\S]*fake-server: started/);

      assert.equal(await client.shutdownAndExit(), 0);
    } finally {
      await client.dispose();
    }
  });

  test('reports a server that exits without shutdown', { timeout: 20_000 }, async () => {
    const client = await startServer({ bin: fake, args: ['bogus'] });
    try {
      await assert.rejects(client.initialize(), /server exited \(code 2[\s\S]*want argument "serve"/);
    } finally {
      await client.dispose();
    }
  });

  test('positions count UTF-16 code units', () => {
    const text = 'title: "🚀 Ship"\ndeps: [T001, T002]\n';
    assert.deepEqual(positionAt(text, text.indexOf('Ship')), { line: 0, character: 11 });
    assert.deepEqual(locate(text, 'deps: [T001, T002]', 'T002'), {
      start: { line: 1, character: 13 },
      end: { line: 1, character: 17 },
    });
    assert.throws(() => locate(text, 'T00'), /occurs more than once/);
  });
});
