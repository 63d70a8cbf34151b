// Builds the extension with esbuild.
//
//   node build.mjs          bundle + compile the tests
//   node build.mjs bundle   dist/extension.js only (what the .vsix ships)
//   node build.mjs tests    out/ only: src/ and test/ as plain CommonJS
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const what = process.argv[2] ?? 'all';
if (!['all', 'bundle', 'tests'].includes(what)) {
  console.error(`build.mjs: unknown target ${what} (all, bundle or tests)`);
  process.exit(2);
}

if (what === 'all' || what === 'bundle') {
  rmSync('dist', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // VS Code 1.82 runs extensions on Node 18
    target: 'node18',
    external: ['vscode'],
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
  });
}

if (what === 'all' || what === 'tests') {
  rmSync('out', { recursive: true, force: true });
  const ts = (dir) => readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`);
  await esbuild.build({
    // every module but extension.ts, which needs VS Code to load
    entryPoints: [...ts('src').filter((f) => f !== 'src/extension.ts'), ...ts('test')],
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
