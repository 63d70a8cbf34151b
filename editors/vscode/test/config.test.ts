import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
    DEFAULT_ARGS,
    DOCUMENT_SELECTOR,
    didChangeConfigurationParams,
    initializationOptions,
    normalizeChecks,
    serverArgs,
} from '../src/config';

describe('initializationOptions', () => {
    it('is {checks: {}} when nothing is set', () => {
        assert.deepEqual(initializationOptions({}), { checks: {} });
        assert.deepEqual(initializationOptions({ checks: {} }), { checks: {} });
        assert.deepEqual(initializationOptions({ checks: null }), { checks: {} });
    });

    it('passes every severity through', () => {
        const checks = { 'unknown-id': 'error', cycle: 'warning', 'missing-file': 'info', 'filename-id': 'hint', 'yaml-syntax': 'off' };
        assert.deepEqual(initializationOptions({ checks }), { checks });
    });

    it('leaves out the server settings', () => {
        const opts = initializationOptions({ server: { path: '/x/taskls', args: ['serve'] }, checks: { cycle: 'off' } });
        assert.deepEqual(opts, { checks: { cycle: 'off' } });
    });

    it('lower-cases and trims severities, and knows common aliases', () => {
        const opts = initializationOptions({ checks: { a: ' Error ', b: 'WARN', c: 'information', d: 'none', e: 'ignore' } });
        assert.deepEqual(opts, { checks: { a: 'error', b: 'warning', c: 'info', d: 'off', e: 'off' } });
    });
});

describe('normalizeChecks', () => {
    it('drops entries it cannot use and says why', () => {
        const { checks, problems } = normalizeChecks({ cycle: 'fatal', 'unknown-id': 2, '': 'error', 'missing-file': 'hint' });
        assert.deepEqual(checks, { 'missing-file': 'hint' });
        assert.equal(problems.length, 3);
        assert.match(problems.join('\n'), /taskls\.checks\["cycle"\] is "fatal", not one of error, warning, info, hint, off/);
        assert.match(problems.join('\n'), /taskls\.checks\["unknown-id"\] is 2/);
        assert.match(problems.join('\n'), /empty check name/);
    });

    it('rejects a checks value that is not an object', () => {
        for (const raw of [['cycle'], 'off', 3]) {
            const { checks, problems } = normalizeChecks(raw);
            assert.deepEqual(checks, {});
            assert.equal(problems.length, 1);
            assert.match(problems[0], /must be an object/);
        }
    });
});

describe('didChangeConfigurationParams', () => {
    it('nests the checks under settings.taskls', () => {
        assert.deepEqual(didChangeConfigurationParams({ checks: { cycle: 'Off', bogus: 'loud' } }),
            { settings: { taskls: { checks: { cycle: 'off' } } } });
    });

    it('is JSON all the way down (it goes over the wire)', () => {
        const params = didChangeConfigurationParams({ checks: { cycle: 'warning' } });
        assert.deepEqual(JSON.parse(JSON.stringify(params)), params);
    });
});

describe('serverArgs', () => {
    it('defaults to ["serve"]', () => {
        assert.deepEqual(DEFAULT_ARGS, ['serve']);
        assert.deepEqual(serverArgs(undefined), { args: ['serve'] });
    });

    it('takes a list of strings as it is, even an empty one', () => {
        assert.deepEqual(serverArgs(['serve', '--log', '/tmp/x']), { args: ['serve', '--log', '/tmp/x'] });
        assert.deepEqual(serverArgs([]), { args: [] });
    });

    it('falls back to the default with a reason for anything else', () => {
        for (const raw of ['serve', ['serve', 1], { a: 1 }]) {
            const r = serverArgs(raw);
            assert.deepEqual(r.args, ['serve']);
            assert.match(r.problem ?? '', /must be a list of strings/);
        }
    });

    it('returns a copy, so the default cannot be changed through it', () => {
        serverArgs(undefined).args.push('--oops');
        assert.deepEqual(serverArgs(undefined).args, ['serve']);
    });
});

describe('DOCUMENT_SELECTOR', () => {
    it('covers task files, and the JSON, Markdown and YAML under .tasks/, on disk', () => {
        assert.deepEqual(DOCUMENT_SELECTOR.map(({ language, pattern }) => ({ language, pattern })), [
            { language: 'taskls-task', pattern: undefined },
            { language: 'json', pattern: '**/.tasks/**/*.json' },
            { language: 'markdown', pattern: '**/.tasks/**' },
            { language: 'yaml', pattern: '**/.tasks/**' },
        ]);
        assert.ok(DOCUMENT_SELECTOR.every((f) => f.scheme === 'file'), 'the server reads files by path');
    });
});
