// A small LSP client for end-to-end tests: it starts the real taskls binary
// (`$TASKLS_BIN serve`) over stdio, speaks JSON-RPC through vscode-jsonrpc,
// answers the requests a server sends to its client, and keeps the latest
// diagnostics published for each file.
//
//   const client = await startServer();          // root: examples/
//   await client.initialize();
//   const doc = await client.open('.tasks/tasks/T010-sitemap.md');
//   const diags = await client.waitForDiagnostics(doc.uri, (ds) => ds.length > 0);
//   assert.equal(await client.shutdownAndExit(), 0);

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import lsp from 'vscode-languageserver-protocol/node.js';

const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = lsp;

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (the parent of e2e/). */
export const repoRoot = path.resolve(here, '..');

/** The example workspace every core test runs against. */
export const exampleRoot = realpathSync(path.join(repoRoot, 'examples'));

/** How long a helper waits before it gives up, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

const STDERR_TAIL = 4000;

/** uri returns the file: URI of an absolute path. */
export function uri(absPath) {
  return pathToFileURL(absPath).href;
}

/** pathOf turns a file: URI into a normalised absolute path (the diagnostics key). */
export function pathOf(fileUri) {
  let p = fileURLToPath(fileUri);
  try {
    p = realpathSync(p);
  } catch {
    // a file that does not exist (yet) keeps the path as sent
  }
  return path.normalize(p);
}

/** languageId guesses the LSP language of a file from its name. */
export function languageId(file) {
  switch (path.extname(file).toLowerCase()) {
    case '.md':
    case '.markdown':
      return 'markdown';
    case '.yaml':
    case '.yml':
      return 'yaml';
    case '.json':
      return 'json';
    default:
      return 'plaintext';
  }
}

/**
 * resolveBinary checks the server binary and returns its absolute path. It
 * throws an error that says what to do when the path is unset or wrong.
 */
export function resolveBinary(bin) {
  if (!bin) {
    throw new Error(
      'TASKLS_BIN is not set: build the server and point TASKLS_BIN at it, e.g.\n' +
        '  go build -o .build/taskls ./cmd/taskls && TASKLS_BIN=$PWD/.build/taskls node --test e2e/*.test.mjs\n' +
        '(scripts/test.sh does both)',
    );
  }
  const abs = path.resolve(bin);
  if (!existsSync(abs)) {
    throw new Error(`TASKLS_BIN=${bin}: ${abs} does not exist (build it with: go build -o ${abs} ./cmd/taskls)`);
  }
  if (!statSync(abs).isFile()) {
    throw new Error(`TASKLS_BIN=${bin}: ${abs} is not a file`);
  }
  return abs;
}

/**
 * startServer spawns `<bin> serve` and connects to it. Options:
 *   bin       the server binary (default: process.env.TASKLS_BIN)
 *   args      arguments (default: ['serve'])
 *   root      the workspace folder (default: examples/)
 *   settings  what workspace/configuration answers, by section ({taskls: {...}})
 *   env       extra environment variables for the server
 * The returned client is not initialized yet: call initialize().
 */
export async function startServer(opts = {}) {
  const bin = resolveBinary('bin' in opts ? opts.bin : process.env.TASKLS_BIN);
  const client = new Client(bin, opts);
  try {
    await client.started;
  } catch (err) {
    client.conn.dispose();
    const hint = err.code === 'EACCES' ? ` (is it executable? chmod +x ${bin})` : '';
    throw new Error(`could not start ${bin}: ${err.message}${hint}`);
  }
  return client;
}

export class Client {
  constructor(bin, { args = ['serve'], root = exampleRoot, settings = {}, env = {} } = {}) {
    this.bin = bin;
    this.root = realpathSync(root);
    this.settings = settings;
    /** Everything the server wrote to stderr. */
    this.stderr = '';
    /** window/logMessage and window/showMessage notifications, in order. */
    this.messages = [];
    /** Requests the server sent to the client: {method, params}. */
    this.serverRequests = [];
    /** Latest publishDiagnostics per file path: {uri, version, diagnostics}. */
    this.diagnostics = new Map();
    this.docs = new Map();
    this.waiters = new Set();
    this.exitCode = undefined;
    this.exitSignal = undefined;

    this.proc = spawn(bin, args, {
      cwd: this.root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Resolves once the process runs; rejects if it could not be started.
    this.started = new Promise((resolve, reject) => {
      this.proc.once('spawn', resolve);
      this.proc.once('error', reject);
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk) => {
      this.stderr += chunk;
    });
    // Writing to a server that died raises EPIPE on stdin; the exit is reported instead.
    this.proc.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.proc.on('error', (err) => {
        this.spawnError = err;
        this.exitCode = null;
        this.failWaiters(`could not start ${bin}: ${err.message}`);
        resolve({ code: null, signal: null });
      });
      this.proc.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.failWaiters(`server exited early (code ${code}, signal ${signal})`);
        resolve({ code, signal });
      });
    });

    this.conn = createProtocolConnection(
      new StreamMessageReader(this.proc.stdout),
      new StreamMessageWriter(this.proc.stdin),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (params) => this.onDiagnostics(params));
    this.conn.onNotification('window/logMessage', (params) => this.messages.push({ kind: 'log', ...params }));
    this.conn.onNotification('window/showMessage', (params) => this.messages.push({ kind: 'show', ...params }));
    // Requests from the server to the client. Every one is recorded; any
    // method not listed is answered with null rather than left waiting.
    const answers = {
      'client/registerCapability': () => null,
      'client/unregisterCapability': () => null,
      'window/workDoneProgress/create': () => null,
      'window/showMessageRequest': () => null,
      'workspace/configuration': (params) => (params?.items ?? []).map((item) => this.configuration(item.section)),
      'workspace/workspaceFolders': () => this.workspaceFolders(),
    };
    this.conn.onRequest((method, params) => {
      this.serverRequests.push({ method, params });
      return Object.hasOwn(answers, method) ? answers[method](params) : null;
    });
    this.conn.listen();
  }

  configuration(section) {
    if (!section) return this.settings;
    let v = this.settings;
    for (const part of section.split('.')) {
      if (v === null || typeof v !== 'object' || !(part in v)) return null;
      v = v[part];
    }
    return v;
  }

  workspaceFolders() {
    return [{ uri: uri(this.root), name: path.basename(this.root) }];
  }

  /** stderrTail is the end of the server's stderr, for error messages. */
  stderrTail() {
    const s = this.stderr.length > STDERR_TAIL ? '…' + this.stderr.slice(-STDERR_TAIL) : this.stderr;
    return s.trim() === '' ? '(server stderr is empty)' : `server stderr:\n${s}`;
  }

  /** initialize sends initialize and initialized and returns the InitializeResult. */
  async initialize({ capabilities, initializationOptions } = {}) {
    const rootUri = uri(this.root);
    const params = {
      processId: process.pid,
      clientInfo: { name: 'taskls-e2e', version: '0' },
      locale: 'en',
      rootPath: this.root,
      rootUri,
      workspaceFolders: this.workspaceFolders(),
      initializationOptions,
      capabilities: capabilities ?? clientCapabilities(),
      trace: 'off',
    };
    const result = await this.request('initialize', params);
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** request sends a request and fails clearly if the server dies or does not answer. */
  async request(method, params, timeoutMs = DEFAULT_TIMEOUT_MS) {
    if (this.spawnError) {
      throw new Error(`${method}: could not start ${this.bin}: ${this.spawnError.message}`);
    }
    if (this.exitCode !== undefined) {
      throw new Error(`${method}: server is not running (exit code ${this.exitCode})\n${this.stderrTail()}`);
    }
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${method}: no answer within ${timeoutMs} ms\n${this.stderrTail()}`)),
        timeoutMs,
      );
    });
    const died = this.exited.then(({ code, signal }) => {
      throw new Error(`${method}: server exited (code ${code}, signal ${signal}) before answering\n${this.stderrTail()}`);
    });
    try {
      return await Promise.race([this.conn.sendRequest(method, params), timeout, died]);
    } finally {
      clearTimeout(timer);
    }
  }

  notify(method, params) {
    return this.conn.sendNotification(method, params);
  }

  /**
   * open sends didOpen for a file (absolute, or relative to the workspace
   * root) with its text on disk, and returns {path, uri, text, version}.
   * Opening a file that is already open returns it as it is now.
   */
  async open(file) {
    const abs = path.isAbsolute(file) ? file : path.join(this.root, file);
    const docUri = uri(abs);
    if (this.docs.has(docUri)) return { ...this.docs.get(docUri) };
    const text = readFileSync(abs, 'utf8');
    const doc = { path: pathOf(docUri), uri: docUri, text, version: 1 };
    this.docs.set(docUri, doc);
    await this.notify('textDocument/didOpen', {
      textDocument: { uri: docUri, languageId: languageId(abs), version: 1, text },
    });
    return { ...doc };
  }

  /** change replaces an open document's whole text and returns its new version. */
  async change(docUri, text) {
    const doc = this.docs.get(docUri);
    if (!doc) throw new Error(`change: ${docUri} is not open`);
    doc.version += 1;
    doc.text = text;
    const version = doc.version;
    await this.notify('textDocument/didChange', {
      textDocument: { uri: docUri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(docUri) {
    this.docs.delete(docUri);
    await this.notify('textDocument/didClose', { textDocument: { uri: docUri } });
  }

  onDiagnostics(params) {
    const key = pathOf(params.uri);
    this.diagnostics.set(key, { uri: params.uri, version: params.version, diagnostics: params.diagnostics });
    for (const w of [...this.waiters]) {
      if (w.key === key) w.check();
    }
  }

  /** diagnosticsFor returns the latest diagnostics published for a file ([] if none). */
  diagnosticsFor(docUri) {
    return this.diagnostics.get(pathOf(docUri))?.diagnostics ?? [];
  }

  /**
   * waitForDiagnostics resolves with the diagnostics of docUri as soon as the
   * latest ones published satisfy pred (checked now and on every publish). It
   * rejects after timeoutMs, or when the server exits, saying what it saw.
   */
  waitForDiagnostics(docUri, pred = () => true, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const key = pathOf(docUri);
    return new Promise((resolve, reject) => {
      const waiter = {
        key,
        check: () => {
          const entry = this.diagnostics.get(key);
          if (!entry) return;
          let ok;
          try {
            ok = pred(entry.diagnostics);
          } catch (err) {
            finish();
            reject(err);
            return;
          }
          if (ok) {
            finish();
            resolve(entry.diagnostics);
          }
        },
        fail: (why) => {
          finish();
          reject(new Error(`waiting for diagnostics of ${docUri}: ${why}\n${this.describeDiagnostics(key)}\n${this.stderrTail()}`));
        },
      };
      const timer = setTimeout(() => waiter.fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      waiter.check();
      if (this.waiters.has(waiter) && this.exitCode !== undefined) {
        waiter.fail(`server is not running (exit code ${this.exitCode})`);
      }
    });
  }

  describeDiagnostics(key) {
    const entry = this.diagnostics.get(key);
    if (!entry) {
      const seen = [...this.diagnostics.keys()].map((k) => path.relative(this.root, k));
      return `nothing was published for it; published so far: ${seen.length ? seen.join(', ') : 'nothing'}`;
    }
    return `last published (version ${entry.version}): ${JSON.stringify(entry.diagnostics, null, 2)}`;
  }

  failWaiters(why) {
    for (const w of [...this.waiters]) w.fail(why);
  }

  /**
   * shutdownAndExit sends shutdown then exit, waits for the process to end and
   * returns its exit code (null if it was killed by a signal).
   */
  async shutdownAndExit(timeoutMs = DEFAULT_TIMEOUT_MS) {
    await this.request('shutdown', undefined, timeoutMs);
    await this.notify('exit');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    this.conn.dispose();
    if (outcome === 'timeout') {
      this.proc.kill('SIGKILL');
      throw new Error(`server did not exit within ${timeoutMs} ms after shutdown and exit\n${this.stderrTail()}`);
    }
    return outcome.code;
  }

  /** dispose ends the connection and kills the process if it still runs (for after hooks). */
  async dispose() {
    this.conn.dispose();
    if (this.exitCode === undefined) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** clientCapabilities is what the test client says it supports. */
export function clientCapabilities() {
  return {
    general: { positionEncodings: ['utf-16'] },
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      applyEdit: false,
    },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true, willSave: false },
      publishDiagnostics: {
        relatedInformation: true,
        versionSupport: true,
        codeDescriptionSupport: true,
        dataSupport: true,
      },
      hover: { dynamicRegistration: false, contentFormat: ['markdown', 'plaintext'] },
      definition: { dynamicRegistration: false, linkSupport: false },
      completion: {
        dynamicRegistration: false,
        contextSupport: true,
        completionItem: {
          snippetSupport: false,
          documentationFormat: ['markdown', 'plaintext'],
          labelDetailsSupport: true,
        },
      },
    },
    window: { workDoneProgress: true, showMessage: {} },
  };
}

// --- positions --------------------------------------------------------------
// JavaScript strings are UTF-16, so string offsets are exactly the columns LSP
// uses by default.

/** positionAt converts an offset in text to an LSP position. */
export function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return { line, character };
}

/**
 * locate finds context, a snippet that occurs exactly once in text, then
 * token inside that snippet, and returns the token's range. It throws when
 * context is missing or not unique, or does not contain token.
 */
export function locate(text, context, token = context) {
  const at = text.indexOf(context);
  if (at < 0) throw new Error(`locate: ${JSON.stringify(context)} is not in the text`);
  if (text.indexOf(context, at + 1) >= 0) throw new Error(`locate: ${JSON.stringify(context)} occurs more than once`);
  const rel = context.indexOf(token);
  if (rel < 0) throw new Error(`locate: ${JSON.stringify(token)} is not in ${JSON.stringify(context)}`);
  return { start: positionAt(text, at + rel), end: positionAt(text, at + rel + token.length) };
}

/** inside returns a position within a range (one character after its start). */
export function inside(range) {
  return { line: range.start.line, character: range.start.character + 1 };
}
