import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { INSTALL_DOCS_URL, LookupInput, executableNames, findServer, isExecutableFile } from '../src/serverPath';

/** A lookup over a made-up file system holding exactly `files`. */
function lookup(files: string[], over: Partial<LookupInput> = {}) {
    const exec = new Set(files);
    const probed: string[] = [];
    const result = findServer({
        env: {},
        platform: 'linux',
        homeDir: '/home/ada',
        isExecutable: (p) => {
            probed.push(p);
            return exec.has(p);
        },
        ...over,
    });
    return { result, probed };
}

describe('findServer: the setting', () => {
    it('wins over PATH and GOPATH', () => {
        const { result } = lookup(['/opt/taskls/bin/taskls', '/usr/bin/taskls', '/gp/bin/taskls'], {
            setting: '/opt/taskls/bin/taskls',
            env: { PATH: '/usr/bin', GOPATH: '/gp' },
        });
        assert.deepEqual(result, { ok: true, path: '/opt/taskls/bin/taskls', source: 'setting' });
    });

    it('is an error, not a fallback, when it names no executable', () => {
        const { result, probed } = lookup(['/usr/bin/taskls'], { setting: '/nowhere/taskls', env: { PATH: '/usr/bin' } });
        assert.equal(result.ok, false);
        assert.deepEqual(probed, ['/nowhere/taskls']);
        if (!result.ok) {
            assert.match(result.message, /taskls\.server\.path/);
            assert.match(result.message, /"\/nowhere\/taskls"/);
            assert.match(result.message, /no executable file there/);
        }
    });

    it('treats a blank setting as unset', () => {
        const { result } = lookup(['/usr/bin/taskls'], { setting: '   ', env: { PATH: '/usr/bin' } });
        assert.deepEqual(result, { ok: true, path: '/usr/bin/taskls', source: 'PATH' });
    });

    it('expands ~ and ${userHome}', () => {
        assert.deepEqual(lookup(['/home/ada/bin/taskls'], { setting: '~/bin/taskls' }).result,
            { ok: true, path: '/home/ada/bin/taskls', source: 'setting' });
        assert.deepEqual(lookup(['/home/ada/bin/taskls'], { setting: '${userHome}/bin/taskls' }).result,
            { ok: true, path: '/home/ada/bin/taskls', source: 'setting' });
    });

    it('takes relative paths and ${workspaceFolder} from the workspace folder', () => {
        const files = ['/work/repo/.build/taskls'];
        assert.deepEqual(lookup(files, { setting: '.build/taskls', workspaceFolder: '/work/repo' }).result,
            { ok: true, path: '/work/repo/.build/taskls', source: 'setting' });
        assert.deepEqual(lookup(files, { setting: '${workspaceFolder}/.build/taskls', workspaceFolder: '/work/repo' }).result,
            { ok: true, path: '/work/repo/.build/taskls', source: 'setting' });
    });

    it('explains a relative path with no folder open', () => {
        const { result, probed } = lookup([], { setting: '.build/taskls' });
        assert.equal(result.ok, false);
        assert.deepEqual(probed, []);
        if (!result.ok) {
            assert.match(result.message, /relative path "\.build\/taskls"/);
            assert.match(result.message, /no folder is open/);
        }
    });
});

describe('findServer: PATH', () => {
    it('takes the first PATH folder that has the binary', () => {
        const { result, probed } = lookup(['/b/taskls', '/c/taskls'], { env: { PATH: '/a:/b:/c' } });
        assert.deepEqual(result, { ok: true, path: '/b/taskls', source: 'PATH' });
        assert.deepEqual(probed, ['/a/taskls', '/b/taskls']);
    });

    it('skips empty PATH entries and folders already searched', () => {
        const { probed } = lookup([], { env: { PATH: '/a::/a:/b:' } });
        assert.deepEqual(probed, ['/a/taskls', '/b/taskls', '/home/ada/go/bin/taskls']);
    });

    it('comes before GOBIN and GOPATH', () => {
        const { result } = lookup(['/usr/local/bin/taskls', '/gp/bin/taskls'], {
            env: { PATH: '/usr/local/bin', GOPATH: '/gp' },
        });
        assert.deepEqual(result, { ok: true, path: '/usr/local/bin/taskls', source: 'PATH' });
    });

    it('on Windows splits on ";", reads Path in any case and tries PATHEXT, .exe first', () => {
        const { result, probed } = lookup(['C:\\tools\\taskls.exe'], {
            platform: 'win32',
            homeDir: 'C:\\Users\\ada',
            env: { Path: 'C:\\Windows;"C:\\tools"', PATHEXT: '.COM;.EXE;.CMD' },
        });
        assert.deepEqual(result, { ok: true, path: 'C:\\tools\\taskls.exe', source: 'PATH' });
        assert.deepEqual(probed.slice(0, 3), ['C:\\Windows\\taskls.exe', 'C:\\Windows\\taskls.com', 'C:\\Windows\\taskls.cmd']);
    });
});

describe('findServer: Go bin folders', () => {
    it('falls back to $GOBIN, then each $GOPATH/bin, then ~/go/bin', () => {
        const env = { PATH: '/usr/bin', GOBIN: '/gobin', GOPATH: '/gp1:/gp2' };
        const { probed } = lookup([], { env });
        assert.deepEqual(probed, [
            '/usr/bin/taskls', '/gobin/taskls', '/gp1/bin/taskls', '/gp2/bin/taskls', '/home/ada/go/bin/taskls',
        ]);
        assert.deepEqual(lookup(['/gobin/taskls', '/gp1/bin/taskls'], { env }).result,
            { ok: true, path: '/gobin/taskls', source: 'GOBIN' });
        assert.deepEqual(lookup(['/gp2/bin/taskls'], { env }).result,
            { ok: true, path: '/gp2/bin/taskls', source: 'GOPATH' });
    });

    it('finds ~/go/bin/taskls when GOPATH is unset (go install\'s default)', () => {
        const { result } = lookup(['/home/ada/go/bin/taskls'], { env: { PATH: '/usr/bin' } });
        assert.deepEqual(result, { ok: true, path: '/home/ada/go/bin/taskls', source: 'home' });
    });
});

describe('findServer: not found', () => {
    it('says what was searched and how to fix it', () => {
        const { result } = lookup([], { env: { PATH: '/usr/bin:/bin', GOPATH: '/gp' } });
        assert.equal(result.ok, false);
        if (!result.ok) {
            assert.deepEqual(result.searched, ['/usr/bin', '/bin', '/gp/bin', '/home/ada/go/bin']);
            assert.match(result.message, /^Cannot find the taskls language server/);
            assert.match(result.message, /Looked in: \/usr\/bin, \/bin, \/gp\/bin, \/home\/ada\/go\/bin\./);
            assert.match(result.message, /go install \.\/cmd\/taskls/);
            assert.match(result.message, /taskls\.server\.path/);
        }
    });

    it('still answers with no PATH at all', () => {
        const { result } = lookup([], { env: {}, homeDir: '' });
        assert.equal(result.ok, false);
        if (!result.ok) {
            assert.deepEqual(result.searched, []);
            assert.match(result.message, /Cannot find the taskls language server/);
        }
    });

    it('points the install button at the README install section', () => {
        assert.match(INSTALL_DOCS_URL, /^https:\/\/.+#install$/);
    });
});

describe('executableNames', () => {
    it('is just taskls outside Windows', () => {
        assert.deepEqual(executableNames('darwin', { PATHEXT: '.EXE' }), ['taskls']);
    });
    it('uses a default PATHEXT on Windows', () => {
        assert.deepEqual(executableNames('win32', {}), ['taskls.exe', 'taskls.com', 'taskls.bat', 'taskls.cmd']);
    });
});

describe('isExecutableFile and findServer on a real file system', () => {
    const unix = process.platform !== 'win32';

    it('accepts an executable file and rejects the rest', { skip: !unix && 'execute bits are a Unix thing' }, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskls-path-'));
        try {
            const exe = path.join(dir, 'exe');
            const plain = path.join(dir, 'plain');
            fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
            fs.writeFileSync(plain, 'text\n', { mode: 0o644 });
            fs.chmodSync(plain, 0o644);
            assert.equal(isExecutableFile(exe), true);
            assert.equal(isExecutableFile(plain), false);
            assert.equal(isExecutableFile(dir), false, 'a folder is not a binary');
            assert.equal(isExecutableFile(path.join(dir, 'missing')), false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it('finds a binary in a GOPATH on disk and skips a non-executable one on PATH', { skip: !unix && 'Unix only' }, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'taskls-path-'));
        try {
            const onPath = path.join(dir, 'path');
            const gopath = path.join(dir, 'gopath');
            fs.mkdirSync(onPath);
            fs.mkdirSync(path.join(gopath, 'bin'), { recursive: true });
            fs.writeFileSync(path.join(onPath, 'taskls'), 'not a binary\n', { mode: 0o644 });
            fs.chmodSync(path.join(onPath, 'taskls'), 0o644);
            fs.writeFileSync(path.join(gopath, 'bin', 'taskls'), '#!/bin/sh\n', { mode: 0o755 });
            const result = findServer({
                env: { PATH: onPath, GOPATH: gopath },
                platform: process.platform,
                homeDir: path.join(dir, 'home'),
                isExecutable: (p) => isExecutableFile(p),
            });
            assert.deepEqual(result, { ok: true, path: path.join(gopath, 'bin', 'taskls'), source: 'GOPATH' });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
