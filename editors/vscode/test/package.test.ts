// The extension's manifest promises: what VS Code reads from package.json
// and the files it points at.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SEVERITIES, TASK_LANGUAGE } from '../src/config';
import { INSTALL_DOCS_URL } from '../src/serverPath';

// compiled to out/test/, so the extension folder is two up
const root = path.resolve(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const readJSON = (rel: string) => JSON.parse(read(rel));

const pkg: any = readJSON('package.json');
const props: Record<string, any> = pkg.contributes.configuration.properties;

/** A VS Code style glob (**, *, ?, {a,b}) as an anchored RegExp. */
function globToRegExp(glob: string): RegExp {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') {
            // "**/" matches any number of folders, also none
            if (glob[i + 2] === '/') {
                re += '(?:.*/)?';
                i += 2;
            } else {
                re += '.*';
                i += 1;
            }
        } else if (c === '*') {
            re += '[^/]*';
        } else if (c === '?') {
            re += '[^/]';
        } else if (c === '{') {
            const close = glob.indexOf('}', i);
            re += '(?:' + glob.slice(i + 1, close).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|') + ')';
            i = close;
        } else {
            re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
        }
    }
    return new RegExp('^' + re + '$');
}

describe('package.json: identity and packaging', () => {
    it('is publishable by vsce', () => {
        assert.equal(pkg.name, 'taskls');
        assert.equal(pkg.publisher, 'taskls');
        assert.notEqual(pkg.private, true, 'vsce refuses private packages');
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.match(pkg.repository.url, /^https:\/\/.+\.git$/);
        assert.equal(pkg.main, './dist/extension.js');
    });

    it('pins @types/vscode to the lowest VS Code it claims, and a languageclient that runs there', () => {
        assert.equal(pkg.engines.vscode, '^1.82.0');
        assert.equal(pkg.devDependencies['@types/vscode'], pkg.engines.vscode.slice(1));
        assert.match(pkg.devDependencies['vscode-languageclient'], /^9\.\d+\.\d+$/);
        const lc = JSON.parse(fs.readFileSync(require.resolve('vscode-languageclient/package.json'), 'utf8'));
        assert.equal(lc.engines.vscode, pkg.engines.vscode, 'the client library needs the same VS Code as we claim');
    });

    it('pins every dev dependency exactly, so the lockfile is the only source', () => {
        for (const [name, version] of Object.entries(pkg.devDependencies)) {
            assert.match(String(version), /^\d+\.\d+\.\d+$/, `${name}@${version}`);
        }
        assert.equal(pkg.dependencies, undefined, 'everything is bundled into dist/extension.js');
        const lock = readJSON('package-lock.json');
        assert.equal(lock.lockfileVersion, 3);
        for (const [name, version] of Object.entries(pkg.devDependencies)) {
            assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `lockfile has ${name}@${version}`);
        }
    });

    it('points the Install instructions button at the README install section of its repository', () => {
        assert.equal(INSTALL_DOCS_URL, pkg.repository.url.replace(/\.git$/, '') + '#install');
        const projectReadme = path.join(root, '..', '..', 'README.md');
        if (fs.existsSync(projectReadme)) {
            assert.match(fs.readFileSync(projectReadme, 'utf8'), /^## Install$/m, 'the project README has the #install heading');
        }
    });

    it('ships only the bundle and its declared files', () => {
        const ignore = read('.vscodeignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        assert.equal(ignore[0], '**', 'everything is left out unless named');
        for (const kept of ['!dist/extension.js', '!syntaxes/*.json', '!language-configuration.json', '!README.md']) {
            assert.ok(ignore.includes(kept), `.vscodeignore keeps ${kept}`);
        }
    });
});

describe('package.json: activation and commands', () => {
    it('activates on a .tasks/manifest.json and on task files', () => {
        assert.deepEqual([...pkg.activationEvents].sort(), [
            'onLanguage:taskls-task',
            'workspaceContains:**/.tasks/manifest.json',
        ]);
    });

    it('contributes the two commands under the Taskls category', () => {
        const cmds = Object.fromEntries(pkg.contributes.commands.map((c: { command: string; category: string; title: string }) =>
            [c.command, `${c.category}: ${c.title}`]));
        assert.deepEqual(cmds, {
            'taskls.restartServer': 'Taskls: Restart Server',
            'taskls.showOutput': 'Taskls: Show Server Output',
        });
    });

    it('registers in code exactly the commands it contributes', () => {
        const src = read('src/extension.ts');
        const registered = [...src.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
        assert.deepEqual(registered, pkg.contributes.commands.map((c: { command: string }) => c.command).sort());
    });
});

describe('package.json: settings', () => {
    it('has exactly the promised settings', () => {
        assert.deepEqual(Object.keys(props).sort(), ['taskls.checks', 'taskls.server.args', 'taskls.server.path', 'taskls.trace.server']);
    });

    it('taskls.server.path: a string, machine-overridable, empty by default', () => {
        const p = props['taskls.server.path'];
        assert.equal(p.type, 'string');
        assert.equal(p.scope, 'machine-overridable');
        assert.equal(p.default, '');
    });

    it('taskls.server.args: a list of strings defaulting to ["serve"]', () => {
        const p = props['taskls.server.args'];
        assert.equal(p.type, 'array');
        assert.equal(p.items.type, 'string');
        assert.deepEqual(p.default, ['serve']);
        assert.equal(p.scope, 'machine-overridable');
    });

    it('taskls.trace.server: off, messages or verbose', () => {
        const p = props['taskls.trace.server'];
        assert.deepEqual(p.enum, ['off', 'messages', 'verbose']);
        assert.equal(p.default, 'off');
    });

    it('taskls.checks: a map from check name to a severity the code knows', () => {
        const p = props['taskls.checks'];
        assert.equal(p.type, 'object');
        assert.deepEqual(p.default, {});
        assert.deepEqual(p.additionalProperties.enum, [...SEVERITIES]);
        assert.equal(p.additionalProperties.enumDescriptions.length, SEVERITIES.length);
    });

    it('does not let an untrusted workspace choose the binary', () => {
        const trust = pkg.capabilities.untrustedWorkspaces;
        assert.equal(trust.supported, 'limited');
        assert.deepEqual([...trust.restrictedConfigurations].sort(), ['taskls.server.args', 'taskls.server.path']);
    });
});

describe('package.json: the task language', () => {
    it('contributes taskls-task, alias "Task spec", with a valid language configuration', () => {
        const langs = pkg.contributes.languages;
        assert.equal(langs.length, 1);
        assert.equal(langs[0].id, TASK_LANGUAGE);
        assert.equal(langs[0].aliases[0], 'Task spec');
        const conf = readJSON(langs[0].configuration);
        assert.deepEqual(conf.comments.blockComment, ['<!--', '-->']);
    });

    it('associates task files, and only them, with it', () => {
        const assoc = pkg.contributes.configurationDefaults['files.associations'];
        assert.deepEqual(assoc, {
            '**/.tasks/tasks/**/*.{yaml,yml,md}': 'taskls-task',
            '**/.tasks/completed/**/*.{yaml,yml,md}': 'taskls-task',
        });
        const globs = Object.keys(assoc).map(globToRegExp);
        const isTask = (p: string) => globs.some((g) => g.test(p));
        for (const p of [
            '/repo/.tasks/tasks/T001-setup.md',
            '/repo/.tasks/tasks/T007-assets.yaml',
            '/repo/.tasks/tasks/T009.yml',
            '/repo/.tasks/completed/T002-done.md',
            '/repo/.tasks/completed/2025/T003-old.yaml',
            '/repo/packages/web/.tasks/tasks/T010-x.md',
        ]) {
            assert.ok(isTask(p), `${p} is a task file`);
        }
        for (const p of [
            '/repo/.tasks/manifest.json',
            '/repo/.tasks/context/project.md',
            '/repo/.tasks/updates/T001.json',
            '/repo/tasks/T001-x.md',
            '/repo/.tasks/tasks/notes.txt',
        ]) {
            assert.ok(!isTask(p), `${p} is not a task file`);
        }
    });
});

describe('the grammar', () => {
    const contrib = pkg.contributes.grammars[0];
    const grammar = readJSON(contrib.path);

    it('is valid JSON for the contributed scope and language', () => {
        assert.equal(pkg.contributes.grammars.length, 1);
        assert.equal(contrib.language, TASK_LANGUAGE);
        assert.equal(grammar.scopeName, contrib.scopeName);
    });

    it('tries the front matter first, then hands the rest to Markdown', () => {
        assert.deepEqual(grammar.patterns, [{ include: '#front-matter' }, { include: 'text.html.markdown' }]);
    });

    it('embeds YAML between the --- lines at the start of the file', () => {
        const fm = grammar.repository['front-matter'];
        assert.deepEqual(fm.patterns, [{ include: 'source.yaml' }]);
        assert.ok(fm.begin.startsWith('\\A'), 'only the first block is front matter');
        // Oniguruma's \A is "start of the document"; as a JS RegExp on one line, ^
        const begin = new RegExp(fm.begin.replace('\\A', '^'));
        const end = new RegExp(fm.end);
        assert.ok(begin.test('---') && begin.test('---  ') && !begin.test('--- x') && !begin.test('----'));
        assert.ok(end.test('---') && end.test('...') && !end.test('id: T001'));
        // the embedded scope is declared as YAML, so YAML's comments and brackets apply there
        const embeddedScope = Object.keys(contrib.embeddedLanguages)[0];
        assert.equal(contrib.embeddedLanguages[embeddedScope], 'yaml');
        assert.ok(fm.contentName.split(' ').includes(embeddedScope));
        assert.ok(fm.contentName.split(' ').includes('source.yaml'));
    });
});

describe('the extension stays thin', () => {
    it('keeps vscode out of the modules the tests load', () => {
        for (const f of fs.readdirSync(path.join(root, 'src'))) {
            if (f === 'extension.ts') {
                continue;
            }
            assert.doesNotMatch(read(`src/${f}`), /from 'vscode'|require\('vscode'\)/, `${f} must not import vscode`);
        }
    });

    it('bundles the language client into dist/extension.js and leaves vscode external', () => {
        const bundle = path.join(root, 'dist', 'extension.js');
        assert.ok(fs.existsSync(bundle), 'run `node build.mjs` (or test.sh) first: dist/extension.js is missing');
        const text = fs.readFileSync(bundle, 'utf8');
        assert.match(text, /require\("vscode"\)/);
        assert.doesNotMatch(text, /require\("vscode-languageclient/);
    });
});
