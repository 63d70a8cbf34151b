// Loads the shipped bundle, dist/extension.js, against a small stand-in for
// the `vscode` module, and drives activate() through the paths that need no
// running server: the commands get registered, and a missing binary is
// reported with working buttons. (Talking to a real server needs the real
// VS Code, which cannot be downloaded here; the e2e tests cover the protocol.)
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { INSTALL_DOCS_URL } from '../src/serverPath';

const bundlePath = path.resolve(__dirname, '..', '..', 'dist', 'extension.js');

interface Recorder {
    settings: Record<string, unknown>;
    commands: Map<string, (...args: unknown[]) => unknown>;
    errors: { message: string; items: string[] }[];
    opened: string[];
    executed: unknown[][];
    lines: string[];
    shown: number;
    /** what the user clicks in the next error notification */
    pick?: string;
}

function fakeVscode(rec: Recorder): object {
    const disposable = { dispose() { /* nothing to undo */ } };
    const target: Record<string, unknown> = {
        window: {
            createOutputChannel: (name: string) => ({
                name,
                append: (s: string) => rec.lines.push(s),
                appendLine: (s: string) => rec.lines.push(s),
                show: () => { rec.shown++; },
                hide: () => undefined,
                clear: () => undefined,
                dispose: () => undefined,
            }),
            showErrorMessage: (message: string, ...items: string[]) => {
                rec.errors.push({ message, items });
                return Promise.resolve(rec.pick);
            },
        },
        commands: {
            registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
                rec.commands.set(id, fn);
                return disposable;
            },
            executeCommand: (...args: unknown[]) => {
                rec.executed.push(args);
                return Promise.resolve();
            },
        },
        workspace: {
            workspaceFolders: undefined,
            getConfiguration: (section: string) => ({
                get: (key: string) => rec.settings[`${section}.${key}`],
            }),
            onDidChangeConfiguration: () => disposable,
            onDidGrantWorkspaceTrust: () => disposable,
        },
        env: {
            openExternal: (uri: { toString(): string }) => {
                rec.opened.push(uri.toString());
                return Promise.resolve(true);
            },
        },
        Uri: { parse: (s: string) => ({ toString: () => s }) },
    };
    // vscode-languageclient subclasses these when it loads
    for (const name of ['CompletionItem', 'CodeLens', 'DocumentLink', 'CodeAction', 'Diagnostic', 'CallHierarchyItem',
        'TypeHierarchyItem', 'SymbolInformation', 'InlayHint', 'CancellationError']) {
        target[name] = class { };
    }
    return target;
}

/** Loads a fresh copy of the bundle with `vscode` resolving to the fake. */
function loadBundle(rec: Recorder): { activate(ctx: unknown): void; deactivate(): Promise<void> } {
    const fake = fakeVscode(rec);
    const proto = Module.prototype as any;
    const original = proto.require;
    proto.require = function (this: unknown, id: string) {
        return id === 'vscode' ? fake : original.apply(this, arguments);
    };
    try {
        delete require.cache[bundlePath];
        return require(bundlePath);
    } finally {
        proto.require = original;
    }
}

async function until(what: string, cond: () => boolean): Promise<void> {
    const deadline = Date.now() + 2000;
    while (!cond()) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 5));
    }
}

describe('dist/extension.js against a stand-in vscode', () => {
    const saved: Record<string, string | undefined> = {};
    let home = '';
    let rec: Recorder;

    before(() => {
        assert.ok(fs.existsSync(bundlePath), 'run `node build.mjs` (or test.sh) first: dist/extension.js is missing');
        // an empty world: no taskls on PATH, in GOBIN/GOPATH or in ~/go/bin
        home = fs.mkdtempSync(path.join(os.tmpdir(), 'taskls-home-'));
        for (const k of ['PATH', 'GOBIN', 'GOPATH', 'HOME']) {
            saved[k] = process.env[k];
        }
        process.env.PATH = path.join(home, 'empty-bin');
        process.env.HOME = home;
        delete process.env.GOBIN;
        delete process.env.GOPATH;
    });

    after(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
        fs.rmSync(home, { recursive: true, force: true });
    });

    beforeEach(() => {
        rec = { settings: {}, commands: new Map(), errors: [], opened: [], executed: [], lines: [], shown: 0 };
    });

    it('registers the contributed commands', async () => {
        const ext = loadBundle(rec);
        ext.activate({ subscriptions: [] });
        assert.deepEqual([...rec.commands.keys()].sort(), ['taskls.restartServer', 'taskls.showOutput']);
        await until('the not-found error', () => rec.errors.length === 1);
        await rec.commands.get('taskls.showOutput')!();
        assert.equal(rec.shown, 1);
        await ext.deactivate();
    });

    it('reports a missing server, and "Install instructions" opens the README install section', async () => {
        rec.pick = 'Install instructions';
        const ext = loadBundle(rec);
        ext.activate({ subscriptions: [] });
        await until('the link to open', () => rec.opened.length === 1);
        assert.equal(rec.errors.length, 1);
        assert.match(rec.errors[0].message, /^Cannot find the taskls language server/);
        assert.ok(rec.errors[0].message.includes(path.join(home, 'go', 'bin')), 'says where it looked');
        assert.deepEqual(rec.errors[0].items, ['Install instructions', 'Open Settings']);
        assert.deepEqual(rec.opened, [INSTALL_DOCS_URL]);
        assert.ok(rec.lines.some((l) => l.includes('Cannot find the taskls language server')), 'the output channel has it too');
        await ext.deactivate();
    });

    it('"Open Settings" opens the server path setting', async () => {
        rec.pick = 'Open Settings';
        const ext = loadBundle(rec);
        ext.activate({ subscriptions: [] });
        await until('the settings to open', () => rec.executed.length === 1);
        assert.deepEqual(rec.executed[0], ['workbench.action.openSettings', 'taskls.server.path']);
        await ext.deactivate();
    });

    it('looks again on Restart Server, and names a bad taskls.server.path', async () => {
        const ext = loadBundle(rec);
        ext.activate({ subscriptions: [] });
        await until('the first error', () => rec.errors.length === 1);
        rec.settings['taskls.server.path'] = path.join(home, 'nothing-here');
        await rec.commands.get('taskls.restartServer')!();
        assert.equal(rec.errors.length, 2);
        assert.match(rec.errors[1].message, /taskls\.server\.path/);
        assert.ok(rec.errors[1].message.includes(path.join(home, 'nothing-here')));
        await ext.deactivate();
    });
});
