// `npm pack` makes the package, and the tarball installs into an empty project and works there
// (ESM import by name, the Wasm found next to the module, types shipped), the README's example
// included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('npm pack, then install the tarball and use it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svm-pack-'));
  try {
    // --ignore-scripts: the Wasm is already built (prepack would rebuild it)
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir],
      { cwd: root, encoding: 'utf8' }));
    const files = pack.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'index.d.ts', 'index.js', 'package.json',
      'wasm/svm_codec.js', 'wasm/svm_codec_bg.wasm']);
    assert.ok(pack.size < 200_000, `tarball of ${pack.size} bytes`);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, pack.filename)], { cwd: app, stdio: 'pipe' });
    assert.ok(existsSync(join(app, 'node_modules/@svm-vm/codec/index.d.ts')));
    writeFileSync(join(app, 'main.js'), `
      import { decode, encode, ed25519, toHex } from '@svm-vm/codec';
      const bytes = encode('context', { layer: 1n, tx_id: 'ab'.repeat(32) });
      console.log(JSON.stringify({ hex: toHex(bytes), back: decode(bytes), key: toHex(ed25519.publicKey('00'.repeat(32))) }));
    `);
    const out = JSON.parse(execFileSync('node', ['main.js'], { cwd: app, encoding: 'utf8' }));
    assert.equal(out.hex, '0000020000000000000001' + 'ab'.repeat(32));
    assert.deepEqual(out.back, { version: 0, layer: '1', tx_id: 'ab'.repeat(32) });
    assert.equal(out.key, '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29');

    // the README's example, as written
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = readme.match(/```js\n([\s\S]*?)```/)[1];
    writeFileSync(join(app, 'readme.js'), example);
    const printed = execFileSync('node', ['readme.js'], { cwd: app, encoding: 'utf8' });
    assert.match(printed, /^[0-9a-f]{64} \{/, printed);
    assert.match(printed, /func_name: 'pay'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
