// Finding the taskls binary. Nothing here imports 'vscode': the extension
// passes in its settings, the environment and a file check, so the search
// order can be tested with plain node.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The name of the setting that overrides the search. */
export const SERVER_PATH_SETTING = 'taskls.server.path';

/** Where the install section of the project's README lives. */
export const INSTALL_DOCS_URL = 'https://github.com/taskls/taskls#install';

export interface LookupInput {
    /** Value of taskls.server.path; empty or undefined means "search". */
    setting?: string;
    /** Environment variables (PATH, GOBIN, GOPATH, HOME, PATHEXT). */
    env: Record<string, string | undefined>;
    /** process.platform of the extension host. */
    platform: string;
    /** The user's home folder (os.homedir()). */
    homeDir: string;
    /** First workspace folder: relative setting values are taken from it. */
    workspaceFolder?: string;
    /** True when p names an existing file that can be executed. */
    isExecutable: (p: string) => boolean;
}

/** Where a found binary came from. */
export type Source = 'setting' | 'PATH' | 'GOBIN' | 'GOPATH' | 'home';

export type LookupResult =
    | { ok: true; path: string; source: Source }
    | { ok: false; message: string; searched: string[] };

/** Finds the server: the setting when it is set, else PATH, else Go's bin folders. */
export function findServer(input: LookupInput): LookupResult {
    const p = input.platform === 'win32' ? path.win32 : path.posix;
    const setting = (input.setting ?? '').trim();

    if (setting !== '') {
        const resolved = expandSetting(setting, input, p);
        if (typeof resolved !== 'string') {
            return { ok: false, message: resolved.error, searched: [] };
        }
        if (input.isExecutable(resolved)) {
            return { ok: true, path: resolved, source: 'setting' };
        }
        const shown = resolved === setting ? `"${setting}"` : `"${setting}" (${resolved})`;
        return {
            ok: false,
            searched: [resolved],
            message: `The setting ${SERVER_PATH_SETTING} is ${shown}, but there is no executable file there. ` +
                `Fix the setting, or clear it to look for taskls on PATH and in Go's bin folders.`,
        };
    }

    const names = executableNames(input.platform, input.env);
    const searched: string[] = [];
    const tryIn = (dir: string, source: Source): LookupResult | undefined => {
        if (dir === '' || searched.includes(dir)) {
            return undefined;
        }
        searched.push(dir);
        for (const name of names) {
            const candidate = p.join(dir, name);
            if (input.isExecutable(candidate)) {
                return { ok: true, path: candidate, source };
            }
        }
        return undefined;
    };

    const pathVar = getEnv(input.env, 'PATH', input.platform) ?? '';
    for (const dir of pathVar.split(p.delimiter)) {
        // an empty PATH entry means the current folder, which says nothing
        // useful about an editor's process: skip it
        const found = dir.trim() === '' ? undefined : tryIn(unquote(dir.trim()), 'PATH');
        if (found) {
            return found;
        }
    }

    const gobin = getEnv(input.env, 'GOBIN', input.platform);
    if (gobin) {
        const found = tryIn(gobin, 'GOBIN');
        if (found) {
            return found;
        }
    }
    const gopath = getEnv(input.env, 'GOPATH', input.platform);
    if (gopath) {
        for (const root of gopath.split(p.delimiter)) {
            const found = root.trim() === '' ? undefined : tryIn(p.join(root.trim(), 'bin'), 'GOPATH');
            if (found) {
                return found;
            }
        }
    }
    if (input.homeDir) {
        const found = tryIn(p.join(input.homeDir, 'go', 'bin'), 'home');
        if (found) {
            return found;
        }
    }

    return { ok: false, searched, message: notFoundMessage(searched) };
}

/** The message shown when no binary was found anywhere. */
export function notFoundMessage(searched: string[]): string {
    const where = searched.length > 0 ? ` Looked in: ${searched.join(', ')}.` : '';
    return 'Cannot find the taskls language server: it is not on PATH nor in $GOBIN, $GOPATH/bin or ~/go/bin, ' +
        `and the setting ${SERVER_PATH_SETTING} is empty.${where} ` +
        `Install it with "go install ./cmd/taskls" from a checkout of taskls, or set ${SERVER_PATH_SETTING} to the binary.`;
}

/** File names to try in each folder: on Windows the PATHEXT extensions. */
export function executableNames(platform: string, env: Record<string, string | undefined>): string[] {
    if (platform !== 'win32') {
        return ['taskls'];
    }
    const pathext = getEnv(env, 'PATHEXT', platform) ?? '.COM;.EXE;.BAT;.CMD';
    const exts = pathext.split(';').map((e) => e.trim().toLowerCase()).filter((e) => e.startsWith('.'));
    // .exe first: it is what `go install` writes
    const ordered = ['.exe', ...exts.filter((e) => e !== '.exe')];
    return ordered.map((e) => 'taskls' + e);
}

/**
 * Turns the setting into an absolute path: `~` is the home folder,
 * `${workspaceFolder}` and `${userHome}` are replaced, and a relative path is
 * taken from the workspace folder.
 */
function expandSetting(value: string, input: LookupInput, p: path.PlatformPath): string | { error: string } {
    let v = value;
    if (v.includes('${workspaceFolder}')) {
        if (!input.workspaceFolder) {
            return { error: `The setting ${SERVER_PATH_SETTING} ("${value}") uses \${workspaceFolder}, but no folder is open.` };
        }
        v = v.split('${workspaceFolder}').join(input.workspaceFolder);
    }
    v = v.split('${userHome}').join(input.homeDir);
    if (v === '~') {
        v = input.homeDir;
    } else if (v.startsWith('~/') || (input.platform === 'win32' && v.startsWith('~\\'))) {
        v = p.join(input.homeDir, v.slice(2));
    }
    if (!p.isAbsolute(v)) {
        if (!input.workspaceFolder) {
            return { error: `The setting ${SERVER_PATH_SETTING} is the relative path "${value}", but no folder is open to take it from. Use an absolute path.` };
        }
        v = p.join(input.workspaceFolder, v);
    }
    return p.normalize(v);
}

/** Environment lookup; names are case-insensitive on Windows (Path vs PATH). */
function getEnv(env: Record<string, string | undefined>, name: string, platform: string): string | undefined {
    if (platform !== 'win32') {
        return env[name];
    }
    const key = Object.keys(env).find((k) => k.toUpperCase() === name);
    return key === undefined ? undefined : env[key];
}

/** Windows PATH entries may be written in double quotes. */
function unquote(dir: string): string {
    return dir.length >= 2 && dir.startsWith('"') && dir.endsWith('"') ? dir.slice(1, -1) : dir;
}

/** The real file check: a regular file, with an execute bit outside Windows. */
export function isExecutableFile(p: string, platform: string = process.platform): boolean {
    try {
        const st = fs.statSync(p);
        if (!st.isFile()) {
            return false;
        }
        if (platform === 'win32') {
            return true;
        }
        fs.accessSync(p, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
