// Checks a packaged .vsix: that it holds the bundle and the manifest, and
// nothing it should not (no sources, no node_modules). A .vsix is a zip; this
// reads its central directory with node alone, so no unzip is needed.
//
//   node check-vsix.mjs taskls-0.1.0.vsix
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const file = process.argv[2];
if (!file) {
    console.error('usage: node check-vsix.mjs FILE.vsix');
    process.exit(2);
}
const zip = readFileSync(file);

/** name -> { method, compressedSize, offset } for every entry in the zip. */
function entries(buf) {
    // the end-of-central-directory record sits in the last 64 KiB + 22 bytes
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
        if (buf.readUInt32LE(i) === 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) {
        throw new Error(`${file} is not a zip file`);
    }
    const count = buf.readUInt16LE(eocd + 10);
    let at = buf.readUInt32LE(eocd + 16);
    const out = new Map();
    for (let n = 0; n < count; n++) {
        if (buf.readUInt32LE(at) !== 0x02014b50) {
            throw new Error(`${file}: bad central directory entry ${n}`);
        }
        const method = buf.readUInt16LE(at + 10);
        const compressedSize = buf.readUInt32LE(at + 20);
        const nameLen = buf.readUInt16LE(at + 28);
        const extraLen = buf.readUInt16LE(at + 30);
        const commentLen = buf.readUInt16LE(at + 32);
        const offset = buf.readUInt32LE(at + 42);
        const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
        out.set(name, { method, compressedSize, offset });
        at += 46 + nameLen + extraLen + commentLen;
    }
    return out;
}

function content(buf, e) {
    const nameLen = buf.readUInt16LE(e.offset + 26);
    const extraLen = buf.readUInt16LE(e.offset + 28);
    const start = e.offset + 30 + nameLen + extraLen;
    const data = buf.subarray(start, start + e.compressedSize);
    if (e.method === 0) return data;
    if (e.method === 8) return inflateRawSync(data);
    throw new Error(`unsupported zip method ${e.method}`);
}

const list = entries(zip);
const names = [...list.keys()].sort();
const failures = [];

for (const required of ['extension/dist/extension.js', 'extension/package.json', 'extension.vsixmanifest']) {
    if (!list.has(required)) failures.push(`missing ${required}`);
}
const allowed = [
    /^\[Content_Types\]\.xml$/,
    /^extension\.vsixmanifest$/,
    /^extension\/package\.json$/,
    /^extension\/readme\.md$/i,
    /^extension\/dist\/extension\.js$/,
    /^extension\/syntaxes\/[^/]+\.json$/,
    /^extension\/language-configuration\.json$/,
];
for (const name of names) {
    if (!allowed.some((re) => re.test(name))) failures.push(`unexpected file in the package: ${name}`);
}

if (list.has('extension/package.json')) {
    const pkg = JSON.parse(content(zip, list.get('extension/package.json')).toString('utf8'));
    const local = JSON.parse(readFileSync('package.json', 'utf8'));
    if (pkg.version !== local.version) failures.push(`packaged version ${pkg.version}, package.json says ${local.version}`);
    const main = pkg.main.replace(/^\.\//, '');
    if (!list.has(`extension/${main}`)) failures.push(`main ${pkg.main} is not in the package`);
    for (const g of pkg.contributes.grammars) {
        const p = `extension/${g.path.replace(/^\.\//, '')}`;
        if (!list.has(p)) failures.push(`grammar ${g.path} is not in the package`);
        else JSON.parse(content(zip, list.get(p)).toString('utf8'));
    }
}
if (list.has('extension/dist/extension.js')) {
    const js = content(zip, list.get('extension/dist/extension.js')).toString('utf8');
    if (!/\bactivate\b/.test(js) || js.length < 10000) failures.push('extension/dist/extension.js does not look like the bundle');
}

console.log(`${file}: ${names.length} entries`);
for (const name of names) console.log(`  ${name}`);
if (failures.length > 0) {
    for (const f of failures) console.error(`check-vsix: ${f}`);
    process.exit(1);
}
console.log('check-vsix: ok');
