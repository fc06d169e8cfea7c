// Every golden vector of crates/svm-codec/tests/vectors/codec.json, both directions, through
// the package: the bytes a node reads and the JSON the CLI prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  SvmError, abi, decode, detect, encode, fromHex, selfSpawnAddress, sighash, spawnAddress,
  templateAddress, toHex, txId,
} from '../index.js';

const vectors = JSON.parse(readFileSync(
  new URL('../../../crates/svm-codec/tests/vectors/codec.json', import.meta.url), 'utf8'));

test('the vectors file has what these tests expect', () => {
  assert.ok(vectors.valid.length >= 50, `${vectors.valid.length} valid vectors`);
  assert.ok(vectors.invalid.length >= 20, `${vectors.invalid.length} invalid vectors`);
});

for (const v of vectors.valid) {
  test(`valid: ${v.name}`, () => {
    assert.equal(toHex(encode(v.item, v.json)), v.hex, 'encode(json) == hex');
    assert.deepEqual(decode(v.hex, v.item), v.json, 'decode(hex) == json');
    // the same through bytes and JSON text
    assert.deepEqual(decode(fromHex(v.hex), v.item), v.json);
    assert.equal(toHex(encode(v.item, JSON.stringify(v.json))), v.hex);
    if (v.item === 'calldata') {
      assert.equal(toHex(abi.encode(v.json.abi, v.json.data)), v.hex);
      assert.deepEqual(abi.decode(v.hex), v.json);
    } else {
      assert.equal(detect(v.hex), v.item, 'recognised from its header');
      assert.deepEqual(decode(v.hex), v.json, 'decoded without naming the item');
      if (v.item.endsWith('_receipt')) assert.deepEqual(decode(v.hex, 'receipt'), v.json);
    }
  });
}

for (const v of vectors.invalid) {
  test(`invalid: ${v.name}`, () => {
    assert.throws(() => decode(v.hex, v.item), (e) => {
      assert.ok(e instanceof SvmError && e instanceof Error);
      assert.equal(e.code, v.error.code);
      assert.equal(e.offset, v.error.offset);
      assert.equal(e.reason, v.error.message);
      assert.equal(e.message, `at byte ${v.error.offset}: ${v.error.message}`);
      return true;
    });
  });
}

function named(name) {
  const v = vectors.valid.find((x) => x.name === name);
  assert.ok(v, name);
  return v;
}

test('derived: template address, account addresses, transaction ids, signing hash', () => {
  const d = vectors.derived;
  const deploy = named('deploy all sections');
  const spawn = named('spawn go-svm example');
  assert.equal(templateAddress(deploy.hex), d['template_addr(deploy all sections)']);
  assert.equal(templateAddress(deploy.json), d['template_addr(deploy all sections)']);
  const principal = '11'.repeat(20);
  const nonce = 2n ** 128n - 1n;
  const account = d['account_addr(principal 1111..11, nonce 2^128-1, spawn go-svm example)'];
  assert.equal(spawnAddress(principal, nonce, spawn.hex), account);
  assert.equal(spawnAddress(principal, nonce.toString(), spawn.json), account);
  assert.equal(selfSpawnAddress(spawn.json), d['self_spawn_addr(spawn go-svm example)']);
  assert.equal(txId(named('transaction spawn').hex), d['tx_id(transaction spawn)']);
  const signed = named('transaction call with verifydata');
  assert.equal(txId(signed.json), d['tx_id(transaction call with verifydata)']);
  assert.equal(sighash(signed.hex, '01'.repeat(32)),
    d['signing_hash(chain 0101..01, transaction call with verifydata)']);
});

test('an account address depends on principal, nonce and message', () => {
  const spawn = named('spawn go-svm example').hex;
  const a = spawnAddress('11'.repeat(20), 0, spawn);
  assert.notEqual(a, spawnAddress('11'.repeat(20), 1, spawn));
  assert.notEqual(a, spawnAddress('12'.repeat(20), 0, spawn));
  assert.equal(a, spawnAddress(fromHex('11'.repeat(20)), 0n, spawn));
});
