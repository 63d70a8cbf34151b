#!/usr/bin/env node
// A stand-in language server for harness.test.mjs: just enough LSP to check
// that the harness starts a server with `serve`, answers the server's own
// requests, collects diagnostics and reports the exit code. Not taskls.
import lsp from 'vscode-languageserver-protocol/node.js';

const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = lsp;

if (process.argv[2] !== 'serve') {
  process.stderr.write(`fake-server: want argument "serve", got ${JSON.stringify(process.argv.slice(2))}\n`);
  process.exit(2);
}
process.stderr.write('fake-server: started\n');

const conn = createProtocolConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
let shutdown = false;
let answers = null;
let rootUri = null;

conn.onRequest('initialize', (params) => {
  rootUri = params.rootUri;
  return { capabilities: { textDocumentSync: 1, hoverProvider: true }, serverInfo: { name: 'fake-server' } };
});

conn.onNotification('initialized', async () => {
  const config = await conn.sendRequest('workspace/configuration', { items: [{ section: 'taskls' }, { section: 'other' }] });
  await conn.sendRequest('client/registerCapability', {
    registrations: [{ id: 'w', method: 'workspace/didChangeWatchedFiles', registerOptions: { watchers: [{ globPattern: '**/*' }] } }],
  });
  await conn.sendRequest('window/workDoneProgress/create', { token: 'index' });
  const folders = await conn.sendRequest('workspace/workspaceFolders');
  answers = { config, folders };
});

conn.onNotification('textDocument/didOpen', async ({ textDocument }) => {
  // Wait for the answers to the requests above, then report them as a diagnostic.
  while (answers === null) await new Promise((r) => setTimeout(r, 5));
  conn.sendNotification('textDocument/publishDiagnostics', {
    uri: textDocument.uri,
    version: textDocument.version,
    diagnostics: [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } },
        severity: 1,
        source: 'fake',
        code: 'answers',
        message: JSON.stringify({ ...answers, rootUri, languageId: textDocument.languageId }),
      },
    ],
  });
});

conn.onRequest('shutdown', () => {
  shutdown = true;
  return null;
});
conn.onNotification('exit', () => process.exit(shutdown ? 0 : 1));
conn.listen();
