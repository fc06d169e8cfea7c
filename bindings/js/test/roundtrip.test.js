// Round trips of random items (test/random.js) and of mutated bytes: the package agrees with
// itself and with the node's canonical form, and bad bytes only ever give SvmErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { SvmError, decode, encode, toHex } from '../index.js';
import { ITEM_GENERATORS, rng } from './random.js';

const SEED = Number(process.env.SVM_JS_SEED ?? 20261201);
const CASES = Number(process.env.SVM_JS_CASES ?? 300);

for (const [item, generate] of Object.entries(ITEM_GENERATORS)) {
  test(`random ${item}s: decode(encode(json)) == json and encode(decode(bytes)) == bytes`, () => {
    const r = rng(SEED ^ item.length * 7919);
    for (let i = 0; i < CASES; i++) {
      const json = generate(r);
      const bytes = encode(item, json);
      const back = decode(bytes, item);
      assert.deepEqual(back, json, `case ${i} (seed ${SEED})`);
      assert.equal(toHex(encode(item, back)), toHex(bytes), `case ${i} (seed ${SEED})`);
      if (item !== 'calldata') assert.deepEqual(decode(bytes), json, `case ${i}: recognised`);
    }
  });
}

test('mutated vectors: either canonical items or SvmErrors inside the input', () => {
  const vectors = JSON.parse(readFileSync(
    new URL('../../../crates/svm-codec/tests/vectors/codec.json', import.meta.url), 'utf8'));
  const r = rng(SEED);
  let decoded = 0;
  let refused = 0;
  for (const v of vectors.valid) {
    for (let i = 0; i < 40; i++) {
      const bytes = Uint8Array.from(Buffer.from(v.hex, 'hex'));
      if (bytes.length === 0) continue;
      const mutated = r.bool()
        ? (bytes[r.int(bytes.length)] ^= 1 << r.int(8), bytes)
        : bytes.subarray(0, r.int(bytes.length));
      try {
        const json = decode(mutated, v.item);
        // whatever decodes re-encodes to exactly the same bytes (decoding is canonical)
        assert.equal(toHex(encode(v.item, json)), toHex(mutated), v.name);
        decoded++;
      } catch (e) {
        assert.ok(e instanceof SvmError, `${v.name}: ${e}`);
        assert.ok(e.offset >= 0 && e.offset <= mutated.length, `${v.name}: offset ${e.offset}`);
        refused++;
      }
    }
  }
  assert.ok(decoded > 100 && refused > 100, `${decoded} decoded, ${refused} refused`);
});
