// Bad input of every kind is an SvmError naming what is wrong: JSON fields by path, bytes by
// offset, arguments by name; and the conveniences (bigints, byte arrays, 0x hex) are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ITEMS, SvmError, abi, decode, detect, encode, fromHex, spawnAddress, toHex } from '../index.js';

const isSvmError = (code, fields = {}) => (e) => {
  assert.ok(e instanceof SvmError, String(e));
  assert.equal(e.name, 'SvmError');
  assert.equal(e.code, code, e.message);
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof RegExp) assert.match(e[k], v);
    else assert.equal(e[k], v, k);
  }
  return true;
};

const CALL = { target: '66'.repeat(20), func_name: 'run', calldata: { abi: ['u64', ['address']], data: ['5', ['77'.repeat(20)]] } };

test('JSON errors carry the path of the field at fault', () => {
  assert.throws(() => encode('call', { ...CALL, target: 'xyz' }), isSvmError('invalid-json', { path: 'target', message: /^field `target`: / }));
  assert.throws(() => encode('call', { ...CALL, extra: 1 }), isSvmError('invalid-json', { path: 'extra', reason: 'unknown field' }));
  assert.throws(() => encode('call', { ...CALL, calldata: { abi: ['u64', ['address']], data: ['5', ['77', 'x']] } }),
    isSvmError('invalid-json', { path: /^calldata\.data\[1\]/ }));
  assert.throws(() => encode('envelope', { type: 'call' }), isSvmError('invalid-json', { path: /principal/ }));
  assert.throws(() => encode('context', '{"layer": '), isSvmError('invalid-json', { path: '', message: /invalid JSON/ }));
  assert.throws(() => encode('call', { ...CALL, version: 1 }), isSvmError('invalid-json', { path: 'version' }));
});

test('binary errors carry the offset, item names and arguments are checked', () => {
  assert.throws(() => decode('0000', 'spawn'), isSvmError('unexpected-end', { offset: 2 }));
  assert.throws(() => decode('000099'), isSvmError('unknown-item-kind', { offset: 2, message: /^at byte 2: unknown item kind 0x99/ }));
  assert.throws(() => detect('00'), isSvmError('unexpected-end', { offset: 0 }));
  assert.throws(() => decode('00', 'nope'), isSvmError('unknown-item', { message: /unknown item `nope`/ }));
  assert.throws(() => encode('abi', {}), isSvmError('unknown-item'));
  assert.throws(() => decode('abc'), isSvmError('invalid-argument', { message: /not hex/ }));
  assert.throws(() => decode(42), isSvmError('invalid-argument', { message: /expected a Uint8Array or a hex string, found number/ }));
  assert.throws(() => spawnAddress('11'.repeat(19), 0, '00'), isSvmError('invalid-argument', { message: /principal: expected 20 bytes, found 19/ }));
  assert.throws(() => spawnAddress('11'.repeat(20), -1, encode('spawn', { template: '00'.repeat(20), ctor_name: 'i' })),
    isSvmError('invalid-argument', { message: /nonce/ }));
  assert.throws(() => spawnAddress('11'.repeat(20), {}, '00'), isSvmError('invalid-argument', { message: /nonce/ }));
});

test('every item name round-trips through encode and decode', () => {
  assert.deepEqual([...ITEMS].sort(), ['call', 'call_receipt', 'calldata', 'context', 'deploy', 'deploy_receipt',
    'envelope', 'receipt', 'spawn', 'spawn_receipt', 'transaction']);
});

test('bigints, numbers and decimal strings; Uint8Arrays and 0x hex', () => {
  const max = 2n ** 128n - 1n;
  const env = (nonce, principal) => encode('envelope', { type: 'call', principal, amount: 7, nonce, gas_limit: '9', gas_fee: 1n });
  const a = env(max, '0x' + 'AB'.repeat(20));
  assert.equal(toHex(a), toHex(env(max.toString(), fromHex('ab'.repeat(20)))));
  assert.deepEqual(decode(a).nonce, max.toString());
  assert.equal(decode(a).principal, 'ab'.repeat(20));
  // u64 beyond 2^53 survives as a string, never as a rounded number
  const big = abi.decode(abi.encode(['u64'], [2n ** 64n - 1n]));
  assert.deepEqual(big, { abi: ['u64'], data: ['18446744073709551615'] });
  assert.throws(() => abi.encode(['u64'], [2n ** 64n]), isSvmError('invalid-json', { path: /data\[0\]/ }));
  assert.throws(() => abi.encode(['u8'], [256]), isSvmError('invalid-json'));
});

test('decoding never reads a prefix as a whole item', () => {
  const bytes = encode('call', CALL);
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => decode(bytes.subarray(0, n), 'call'), (e) => e instanceof SvmError && e.offset <= n);
  }
  assert.throws(() => decode(Uint8Array.from([...bytes, 0]), 'call'), isSvmError('trailing-bytes', { offset: bytes.length }));
});
