// End to end with the node's own CLI (`svm`, path in SVM_CLI; `make test-js` builds it): a
// wallet spawned and a transfer signed in JavaScript are executed by svm, the receipts the
// CLI writes decode here to the JSON it prints, and tampered or replayed transfers are
// refused without moving or charging anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DEV_CHAIN_ID, decode, ed25519, encode, fromHex, signTransaction, spawnAddress, templateAddress, txId,
  verifyTransaction,
} from '../index.js';

const SVM = process.env.SVM_CLI;
const skip = SVM ? false : 'SVM_CLI is not set (make test-js sets it)';
if (!SVM && process.env.SVM_REQUIRE_CLI) throw new Error('SVM_REQUIRE_CLI is set but SVM_CLI is not');

const WAT = fileURLToPath(new URL('../../../crates/svm-runtime/templates/signed_wallet.wat', import.meta.url));
const FUNDER = 'fa'.repeat(20);
const DEST = '0b'.repeat(20);

test('a JS-signed transfer runs through the CLI; tampered and replayed ones are refused', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'svm-js-'));
  const file = (name, bytes) => {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, bytes);
    return path;
  };
  /** Runs the CLI (which must succeed) and returns its JSON output. */
  const svm = (...args) => {
    try {
      return JSON.parse(execFileSync(SVM, ['--json', '-d', file('data'), ...args], { encoding: 'utf8', stdio: 'pipe' }));
    } catch (e) {
      throw new Error(`svm ${args.join(' ')}: ${e.stderr ?? e}`);
    }
  };
  const account = (a) => svm('account', a);
  try {
    // the template, crafted by the CLI, read by JS
    writeFileSync(file('meta.json'), JSON.stringify({ name: 'signed_wallet', description: 'js test', vars: [32], ctors: ['init'] }));
    const crafted = svm('craft-deploy', '-w', WAT, '-m', file('meta.json'), '-o', file('deploy.bin'));
    const deployBytes = readFileSync(file('deploy.bin'));
    assert.equal(templateAddress(deployBytes), crafted.template);
    assert.equal(decode(deployBytes).ctors[0], 'init');

    svm('fund', FUNDER, '1000000000');
    const deployed = svm('deploy', file('deploy.bin'), '-p', FUNDER, '--receipt-out', file('deploy.receipt'));
    assert.equal(deployed.success, true, JSON.stringify(deployed));
    assert.deepEqual(decode(readFileSync(file('deploy.receipt'))), deployed, 'deploy receipt: CLI JSON == JS decode');

    // the wallet: a spawn transaction built in JS, its address derived in JS
    const secret = fromHex('5e'.repeat(32));
    const publicKey = ed25519.publicKey(secret);
    const nonce = account(FUNDER).nonce;
    const spawnTx = {
      envelope: { type: 'spawn', principal: FUNDER, amount: 100_000_000, nonce, gas_limit: 10_000_000, gas_fee: 1 },
      message: { template: crafted.template, name: 'js wallet', ctor_name: 'init', calldata: publicKey },
    };
    const spawned = svm('spawn', file('spawn.tx', encode('transaction', spawnTx)), '--receipt-out', file('spawn.receipt'));
    assert.equal(spawned.success, true, JSON.stringify(spawned));
    const wallet = spawnAddress(FUNDER, nonce, spawnTx.message);
    assert.equal(spawned.account, wallet, 'spawn address: JS == node');
    assert.deepEqual(decode(readFileSync(file('spawn.receipt')), 'spawn_receipt'), spawned);

    // a transfer signed in JS
    const calldata = new Uint8Array(28);
    calldata.set(fromHex(DEST));
    new DataView(calldata.buffer).setBigUint64(20, 12_345n, true);
    const transfer = {
      envelope: { type: 'call', principal: wallet, amount: 0, nonce: 0, gas_limit: 2_000_000, gas_fee: 1 },
      message: { target: wallet, func_name: 'transfer', calldata },
    };
    const signed = signTransaction(transfer, secret, DEV_CHAIN_ID);
    assert.ok(verifyTransaction(signed, publicKey, DEV_CHAIN_ID));
    assert.deepEqual(svm('decode', file('signed.tx', signed)), decode(signed), 'svm decode == JS decode');

    // tampered: the amount changed after signing, the signature flipped, another key
    const before = { wallet: account(wallet), dest: account(DEST) };
    const tamperedAmount = Uint8Array.from(signed);
    tamperedAmount[tamperedAmount.length - 8] ^= 0x01;
    const tamperedSignature = Uint8Array.from(signed);
    tamperedSignature[64 + 4] ^= 0x80;
    const otherKey = signTransaction(transfer, fromHex('77'.repeat(32)), DEV_CHAIN_ID);
    for (const [what, bytes] of [['amount', tamperedAmount], ['signature', tamperedSignature], ['key', otherKey]]) {
      const r = svm('call', file(`tampered-${what}.tx`, bytes));
      assert.equal(r.error?.type, 'verify-failed', `tampered ${what}: ${JSON.stringify(r)}`);
      assert.equal(r.gas_used, '0', `tampered ${what}: refused before any work is charged`);
    }
    assert.deepEqual({ wallet: account(wallet), dest: account(DEST) }, before, 'refused: nothing moved, nothing charged');

    // the genuine one succeeds, and its receipt decodes in JS to what the CLI printed
    const done = svm('call', file('signed.tx'), '--receipt-out', file('call.receipt'));
    assert.equal(done.success, true, JSON.stringify(done));
    const receiptBytes = readFileSync(file('call.receipt'));
    assert.deepEqual(decode(receiptBytes), done, 'call receipt: CLI JSON == JS decode');
    assert.equal(encode('receipt', done).length, receiptBytes.length);
    assert.equal(account(DEST).balance, '12345');
    const gas = BigInt(done.gas_used);
    assert.equal(BigInt(account(wallet).balance), 100_000_000n - 12_345n - gas, 'the fee is gas used x gas fee');
    assert.equal(account(wallet).nonce, '1');

    // replayed: the same signed bytes again (its nonce is spent)
    const replay = svm('call', file('signed.tx'));
    assert.deepEqual(replay.error, { type: 'nonce-mismatch', expected: '1', found: '0' }, JSON.stringify(replay));
    assert.equal(account(DEST).balance, '12345', 'a replay moves nothing');
    assert.match(txId(signed), /^[0-9a-f]{64}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
