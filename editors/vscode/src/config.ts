// What the extension tells the server, built from the user's settings.
// Nothing here imports 'vscode', so it is tested with plain node.

/** The severities a check can be given; 'off' turns the check off. */
export const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Spellings people write for the same severities. */
const SEVERITY_ALIASES: Record<string, Severity> = {
    information: 'info',
    warn: 'warning',
    none: 'off',
    ignore: 'off',
};

/** The default server arguments: LSP over stdio. */
export const DEFAULT_ARGS: readonly string[] = ['serve'];

/** The language of task files, contributed by this extension. */
export const TASK_LANGUAGE = 'taskls-task';

/** The documents the client sends to the server. */
export const DOCUMENT_SELECTOR: ReadonlyArray<{ scheme: string; language: string; pattern?: string }> = [
    { scheme: 'file', language: TASK_LANGUAGE },
    { scheme: 'file', language: 'json', pattern: '**/.tasks/**/*.json' },
    { scheme: 'file', language: 'markdown', pattern: '**/.tasks/**' },
    { scheme: 'file', language: 'yaml', pattern: '**/.tasks/**' },
];

/** The `taskls` settings as VS Code hands them over (any shape: users edit JSON). */
export interface RawSettings {
    server?: { path?: unknown; args?: unknown };
    checks?: unknown;
}

export interface Checks {
    /** check name -> severity, only valid entries */
    checks: Record<string, Severity>;
    /** one line per entry that was dropped, for the output channel */
    problems: string[];
}

/** Validates the taskls.checks map: known severities kept (lower-cased), the rest reported. */
export function normalizeChecks(raw: unknown): Checks {
    const checks: Record<string, Severity> = {};
    const problems: string[] = [];
    if (raw === undefined || raw === null) {
        return { checks, problems };
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
        problems.push(`taskls.checks must be an object mapping check names to severities; ignored ${JSON.stringify(raw)}`);
        return { checks, problems };
    }
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        const key = name.trim();
        if (key === '') {
            problems.push('taskls.checks has an entry with an empty check name; ignored');
            continue;
        }
        const sev = typeof value === 'string' ? toSeverity(value) : undefined;
        if (sev === undefined) {
            problems.push(`taskls.checks["${key}"] is ${JSON.stringify(value)}, not one of ${SEVERITIES.join(', ')}; ignored`);
            continue;
        }
        checks[key] = sev;
    }
    return { checks, problems };
}

function toSeverity(value: string): Severity | undefined {
    const v = value.trim().toLowerCase();
    if ((SEVERITIES as readonly string[]).includes(v)) {
        return v as Severity;
    }
    return SEVERITY_ALIASES[v];
}

/** The initializationOptions sent with `initialize`. */
export function initializationOptions(settings: RawSettings): { checks: Record<string, Severity> } {
    return { checks: normalizeChecks(settings.checks).checks };
}

/** The params of `workspace/didChangeConfiguration` after the settings change. */
export function didChangeConfigurationParams(settings: RawSettings): { settings: { taskls: { checks: Record<string, Severity> } } } {
    return { settings: { taskls: initializationOptions(settings) } };
}

/** The server's command-line arguments: taskls.server.args when it is a list of strings. */
export function serverArgs(raw: unknown): { args: string[]; problem?: string } {
    if (raw === undefined || raw === null) {
        return { args: [...DEFAULT_ARGS] };
    }
    if (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string')) {
        return {
            args: [...DEFAULT_ARGS],
            problem: `taskls.server.args must be a list of strings; using ${JSON.stringify(DEFAULT_ARGS)} instead of ${JSON.stringify(raw)}`,
        };
    }
    return { args: [...raw] };
}

/** The settings whose change needs a new server process (the rest are sent to the running one). */
export const RESTART_SETTINGS = ['taskls.server.path', 'taskls.server.args'] as const;

/** The settings sent to the running server when they change. */
export const LIVE_SETTINGS = ['taskls.checks'] as const;
