// The package in a browser: headless Chromium loads it as an ES module from a local server,
// checks every golden vector both ways, the invalid ones' codes and offsets, and ed25519
// signing, and posts what it found back to the test. Chromium comes from `make deps` (the
// Debian package); SVM_REQUIRE_BROWSER=1 (make test-js) makes its absence a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}`;
if (skip && process.env.SVM_REQUIRE_BROWSER) throw new Error(`SVM_REQUIRE_BROWSER is set: ${skip}`);

const pkg = fileURLToPath(new URL('..', import.meta.url));
const vectors = fileURLToPath(new URL('../../../crates/svm-codec/tests/vectors/codec.json', import.meta.url));
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.html': 'text/html' };

// Runs in the page: the same checks as vectors.test.js and signing.test.js, in the browser.
const PAGE = `<!doctype html><meta charset="utf-8"><title>svm codec</title><script type="module">
const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
try {
  const svm = await import('/pkg/index.js');
  const vectors = await (await fetch('/vectors.json')).json();
  const canon = (v) => JSON.stringify(v, (k, x) => x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a < b ? -1 : 1)) : x);
  const failures = [];
  let checked = 0;
  for (const v of vectors.valid) {
    if (svm.toHex(svm.encode(v.item, v.json)) !== v.hex) failures.push('encode ' + v.name);
    if (canon(svm.decode(v.hex, v.item)) !== canon(v.json)) failures.push('decode ' + v.name);
    checked++;
  }
  for (const v of vectors.invalid) {
    try { svm.decode(v.hex, v.item); failures.push('decoded ' + v.name); } catch (e) {
      if (!(e instanceof svm.SvmError) || e.code !== v.error.code || e.offset !== v.error.offset || e.reason !== v.error.message) {
        failures.push('error ' + v.name + ': ' + e.code + ' ' + e.offset);
      }
    }
    checked++;
  }
  const secret = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
  const pk = svm.toHex(svm.ed25519.publicKey(secret));
  if (pk !== 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') failures.push('public key ' + pk);
  const tx = { envelope: { type: 'call', principal: '0a'.repeat(20), amount: 0, nonce: 0, gas_limit: 1000000, gas_fee: 1 },
    message: { target: '0a'.repeat(20), func_name: 'transfer', calldata: '00' } };
  const signed = svm.signTransaction(tx, secret, svm.DEV_CHAIN_ID);
  if (!svm.verifyTransaction(signed, pk, svm.DEV_CHAIN_ID)) failures.push('signed transaction does not verify');
  await report({ userAgent: navigator.userAgent, checked, failures });
} catch (e) {
  await report({ error: String(e && e.stack || e) });
}
</script>`;

test('the package works in headless Chromium', { skip, timeout: 120_000 }, async () => {
  let resolveResult;
  const result = new Promise((resolve) => { resolveResult = resolve; });
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { res.end('ok'); resolveResult(JSON.parse(body)); });
      return;
    }
    let file;
    if (url.pathname === '/') file = null;
    else if (url.pathname === '/vectors.json') file = vectors;
    else if (url.pathname.startsWith('/pkg/')) file = join(pkg, normalize(url.pathname.slice(5)).replace(/^(\.\.[/\\])+/, ''));
    if (file === undefined || (file && !existsSync(file))) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': file ? TYPES[extname(file)] ?? 'application/octet-stream' : 'text/html' });
    res.end(file ? readFileSync(file) : PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'svm-chromium-'));
  // the flags a closed network needs (no background connections), as root without a sandbox
  const browser = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
    `http://127.0.0.1:${server.address().port}/`], { stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => browser.on('exit', resolve));
  let timer;
  try {
    const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no result from the page in 90 s')), 90_000); });
    const r = await Promise.race([result, late]);
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(r.failures, []);
    assert.ok(r.checked >= 70, `${r.checked} vectors checked`);
    assert.match(r.userAgent, /Chrome/);
  } finally {
    clearTimeout(timer);
    // the whole process group: the renderer and helper processes write to the profile too
    try { process.kill(-browser.pid, 'SIGKILL'); } catch { browser.kill('SIGKILL'); }
    await exited;
    server.close();
    // a temporary profile: a helper still closing it must not fail the test
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      console.error(`note: could not remove ${profile}: ${e.message}`);
    }
  }
});
