// Tokenizes task files with the TextMate engine VS Code uses (vscode-textmate
// on Oniguruma), so the grammar is checked for what it does, not only for its
// shape. VS Code's own Markdown and YAML grammars are not on npm: two tiny
// stand-ins with the same scope names mark where each one takes over.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contrib = pkg.contributes.grammars[0];

const markdownStandIn = {
    scopeName: 'text.html.markdown',
    patterns: [
        { match: '^(#{1,6})[ \\t]+(.*)$', name: 'markup.heading.markdown' },
        { match: '^-{3,}[ \\t]*$', name: 'meta.separator.markdown' },
    ],
};
const yamlStandIn = {
    scopeName: 'source.yaml',
    patterns: [
        { match: '^([A-Za-z_][\\w-]*)(?=:)', name: 'entity.name.tag.yaml' },
        { match: '#.*$', name: 'comment.line.number-sign.yaml' },
    ],
};

let grammar: vsctm.IGrammar;

before(async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
        onigLib: Promise.resolve({
            createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
            createOnigString: (s: string) => new oniguruma.OnigString(s),
        }),
        loadGrammar: async (scopeName: string) => {
            if (scopeName === contrib.scopeName) {
                const file = path.join(root, contrib.path);
                return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
            }
            const standIn = { 'text.html.markdown': markdownStandIn, 'source.yaml': yamlStandIn }[scopeName];
            return standIn ? vsctm.parseRawGrammar(JSON.stringify(standIn), `${scopeName}.json`) : null;
        },
    });
    const g = await registry.loadGrammar(contrib.scopeName);
    assert.ok(g, 'the grammar loads');
    grammar = g;
});

/** Each line's tokens as [text, scopes]. */
function tokenize(text: string): [string, string[]][][] {
    let stack = vsctm.INITIAL;
    return text.split('\n').map((line) => {
        const r = grammar.tokenizeLine(line, stack);
        stack = r.ruleStack;
        return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes] as [string, string[]]);
    });
}

/** The scopes of the token that starts with `text` on line `n` (1-based). */
function scopesAt(lines: [string, string[]][][], n: number, text: string): string[] {
    const tok = lines[n - 1].find(([t]) => t.startsWith(text));
    assert.ok(tok, `line ${n} has a token starting with ${JSON.stringify(text)}: ${JSON.stringify(lines[n - 1])}`);
    return tok[1];
}

const YAML = 'source.yaml';
const EMBEDDED = Object.keys(contrib.embeddedLanguages)[0];

describe('the task grammar, tokenized', () => {
    it('reads the front matter as YAML and the rest as Markdown', () => {
        const lines = tokenize([
            '---', //                  1
            'id: T001', //             2
            'title: Fonts  # note', // 3
            '---', //                  4
            '', //                     5
            '# Description', //        6
            '---', //                  7: a horizontal rule, not front matter
            'id: not yaml', //         8
        ].join('\n'));
        assert.ok(scopesAt(lines, 1, '---').includes('punctuation.definition.front-matter.begin.taskls-task'));
        assert.ok(!scopesAt(lines, 1, '---').includes(YAML), 'the fence itself is not YAML');

        const key = scopesAt(lines, 2, 'id');
        assert.ok(key.includes(YAML) && key.includes(EMBEDDED) && key.includes('entity.name.tag.yaml'), key.join(' '));
        assert.ok(scopesAt(lines, 3, '# note').includes('comment.line.number-sign.yaml'));

        assert.ok(scopesAt(lines, 4, '---').includes('punctuation.definition.front-matter.end.taskls-task'));

        const heading = scopesAt(lines, 6, '# Description');
        assert.ok(heading.includes('markup.heading.markdown') && !heading.includes(YAML), heading.join(' '));
        const rule = scopesAt(lines, 7, '---');
        assert.ok(rule.includes('meta.separator.markdown') && !rule.some((s) => s.includes('front-matter')), rule.join(' '));
        assert.ok(!scopesAt(lines, 8, 'id').includes(YAML));
    });

    it('ends the front matter at "..." too', () => {
        const lines = tokenize('---\nid: T002\n...\n# Title');
        assert.ok(scopesAt(lines, 3, '...').includes('punctuation.definition.front-matter.end.taskls-task'));
        assert.ok(scopesAt(lines, 4, '# Title').includes('markup.heading.markdown'));
    });

    it('has no front matter when the file does not start with ---', () => {
        for (const text of ['# Task T003: Title\n---\nid: T003\n---', '\n---\nid: T003\n---']) {
            const lines = tokenize(text);
            for (const line of lines) {
                for (const [, scopes] of line) {
                    assert.ok(!scopes.includes(YAML), `no YAML in ${JSON.stringify(text)}`);
                }
            }
        }
    });

    it('keeps an unclosed front matter as YAML to the end', () => {
        const lines = tokenize('---\nid: T004\nstatus: pending');
        assert.ok(scopesAt(lines, 3, 'status').includes(YAML));
    });
});
