// The VS Code side: reads the settings, starts the taskls server through
// vscode-languageclient, and wires the commands. The decisions themselves
// (where the binary is, what the server is told) live in serverPath.ts and
// config.ts, which do not depend on VS Code.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import {
    DOCUMENT_SELECTOR,
    LIVE_SETTINGS,
    RESTART_SETTINGS,
    RawSettings,
    didChangeConfigurationParams,
    initializationOptions,
    normalizeChecks,
    serverArgs,
} from './config';
import { INSTALL_DOCS_URL, SERVER_PATH_SETTING, findServer, isExecutableFile } from './serverPath';

const CLIENT_ID = 'taskls'; // vscode-languageclient reads `${CLIENT_ID}.trace.server`
const CLIENT_NAME = 'Taskls';

let output: vscode.OutputChannel | undefined;
let client: LanguageClient | undefined;
// starts and stops run one after another, never interleaved
let queue: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): void {
    output = vscode.window.createOutputChannel(CLIENT_NAME);
    context.subscriptions.push(output);

    context.subscriptions.push(
        vscode.commands.registerCommand('taskls.restartServer', () => enqueue(async () => {
            log('restart requested');
            await stopClient();
            await startClient();
        })),
        vscode.commands.registerCommand('taskls.showOutput', () => output?.show(true)),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
                enqueue(async () => {
                    log('server settings changed: restarting the server');
                    await stopClient();
                    await startClient();
                });
            } else if (LIVE_SETTINGS.some((s) => e.affectsConfiguration(s))) {
                enqueue(async () => pushSettings());
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => enqueue(async () => {
            // trusted now: workspace values of the server settings count
            await stopClient();
            await startClient();
        })),
    );

    enqueue(startClient);
}

export function deactivate(): Promise<void> {
    return enqueue(stopClient);
}

function enqueue(job: () => Promise<void>): Promise<void> {
    queue = queue.then(job).catch((err) => log(`unexpected error: ${errorText(err)}`));
    return queue;
}

function log(line: string): void {
    output?.appendLine(`[extension] ${line}`);
}

function readSettings(): RawSettings {
    const cfg = vscode.workspace.getConfiguration('taskls');
    return {
        server: { path: cfg.get('server.path'), args: cfg.get('server.args') },
        checks: cfg.get('checks'),
    };
}

async function startClient(): Promise<void> {
    const settings = readSettings();
    const found = findServer({
        setting: typeof settings.server?.path === 'string' ? settings.server.path : undefined,
        env: process.env,
        platform: process.platform,
        homeDir: os.homedir(),
        workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
        isExecutable: (p) => isExecutableFile(p),
    });
    if (!found.ok) {
        log(found.message);
        void showNotFound(found.message);
        return;
    }
    const args = serverArgs(settings.server?.args);
    if (args.problem) {
        log(args.problem);
    }
    for (const problem of normalizeChecks(settings.checks).problems) {
        log(problem);
    }
    log(`starting ${found.path} ${args.args.join(' ')} (found via ${found.source})`);

    const serverOptions: ServerOptions = {
        command: found.path,
        args: args.args,
        transport: TransportKind.stdio,
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: DOCUMENT_SELECTOR.map((f) => ({ ...f })),
        initializationOptions: initializationOptions(settings),
        outputChannel: output,
    };
    const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client = c;
    try {
        await c.start();
    } catch (err) {
        client = undefined;
        const message = `The taskls server (${found.path}) did not start: ${errorText(err)}`;
        log(message);
        void showStartFailure(message);
        await c.dispose().catch(() => undefined);
    }
}

async function stopClient(): Promise<void> {
    const c = client;
    client = undefined;
    if (c === undefined) {
        return;
    }
    try {
        await c.stop();
    } catch (err) {
        log(`stopping the server: ${errorText(err)}`);
    }
}

async function pushSettings(): Promise<void> {
    const settings = readSettings();
    for (const problem of normalizeChecks(settings.checks).problems) {
        log(problem);
    }
    if (client === undefined || !client.isRunning()) {
        return; // the next start sends them as initializationOptions
    }
    await client.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(settings));
}

async function showNotFound(message: string): Promise<void> {
    const install = 'Install instructions';
    const settings = 'Open Settings';
    const pick = await vscode.window.showErrorMessage(message, install, settings);
    if (pick === install) {
        await vscode.env.openExternal(vscode.Uri.parse(INSTALL_DOCS_URL));
    } else if (pick === settings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
    }
}

async function showStartFailure(message: string): Promise<void> {
    const show = 'Show Output';
    const pick = await vscode.window.showErrorMessage(message, show);
    if (pick === show) {
        output?.show(true);
    }
}

function errorText(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
