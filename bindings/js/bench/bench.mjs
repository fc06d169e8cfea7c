// Encode/decode throughput of the package, item for item the native criterion benchmark's
// (crates/svm-codec/benches/codec.rs: same items, same byte sizes), through the public API:
// encode = JSON object -> bytes (JSON.stringify + the Wasm's parse and encode), decode =
// bytes -> JSON object (the Wasm's decode and JSON text + JSON.parse).
// Run: make bench-js (or node bench/bench.mjs [--json]). Figures: docs/perf.md.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  DEV_CHAIN_ID, abi, decode, ed25519, encode, signTransaction, spawnAddress, toHex, txId,
} from '../index.js';

const values = [
  '8f'.repeat(20), true, 123_456_789n, 10_000n, 'transfer to savings', Array.from({ length: 16 }, (_, i) => i),
];
const types = ['address', 'bool', 'u64', 'amount', 'string', ['u32']];
const calldata = abi.encode(types, values);
const env = { type: 'call', principal: '01'.repeat(20), amount: 5, nonce: 9, gas_limit: 1_000_000, gas_fee: 1 };
const call = { target: '06'.repeat(20), func_name: 'store_addr', calldata };
const spawn = { template: 'b5'.repeat(20), name: 'My Account', ctor_name: 'initialize', calldata };
const deploy = {
  code: { kind: 'wasm', flags: 1, code: new Uint8Array(64 * 1024).fill(0x42) },
  data: { vars: [20, 8, 8, 32] }, ctors: ['initialize'], api: '[]',
};
const receipt = {
  type: 'call', success: true, new_state: '07'.repeat(32), returndata: calldata, gas_used: 21000,
  logs: [{ topic: toHex(new TextEncoder().encode('transfer')), data: '01'.repeat(64) }, { topic: toHex(new TextEncoder().encode('transfer')), data: '01'.repeat(64) }],
  touched_accounts: ['01'.repeat(20), '06'.repeat(20)],
};

/** ns per call: the 10th percentile of `rounds` rounds of `n` calls (the machine is shared). */
function time(f, n, rounds = 15) {
  for (let i = 0; i < n; i++) f(); // warm up
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    per.push(Number(process.hrtime.bigint() - t) / n);
  }
  per.sort((a, b) => a - b);
  return per[Math.floor(rounds / 10)];
}

const rows = [];
for (const [name, item, json, n] of [
  ['envelope', 'envelope', env, 20000],
  ['call', 'call', call, 5000],
  ['spawn', 'spawn', spawn, 5000],
  ['deploy_64k', 'deploy', deploy, 30],
  ['call_receipt', 'call_receipt', receipt, 5000],
  ['calldata', 'calldata', { abi: types, data: values }, 5000],
]) {
  const bytes = encode(item, json);
  rows.push({
    item: name, bytes: bytes.length,
    encode_ns: time(() => encode(item, json), n),
    decode_ns: time(() => decode(bytes, item), n),
  });
}
const tx = encode('transaction', { envelope: env, message: call });
const spawnBytes = encode('spawn', spawn);
const secret = new Uint8Array(32).fill(7);
const signed = signTransaction(tx, secret, DEV_CHAIN_ID);
const derive = {
  tx_id: time(() => txId(tx), 5000),
  spawn_address: time(() => spawnAddress('01'.repeat(20), 1, spawnBytes), 5000),
  sign_transaction: time(() => signTransaction(tx, secret, DEV_CHAIN_ID), 300),
  ed25519_verify: time(() => ed25519.verify(signed.subarray(68, 100), signed.subarray(68, 132), ed25519.publicKey(secret)), 300),
};
const wasm = new URL('../wasm/svm_codec_bg.wasm', import.meta.url);
const size = { wasm: statSync(wasm).size, wasm_gzip: gzipSync(readFileSync(wasm), { level: 9 }).length };

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ node: process.version, rows, derive, size }));
} else {
  console.log(`node ${process.version}; Wasm ${size.wasm} bytes (${size.wasm_gzip} gzipped)`);
  console.log('item (bytes)              encode        decode');
  for (const r of rows) {
    const mbps = (ns) => (r.bytes / ns * 1000).toFixed(1);
    console.log(`${`${r.item} (${r.bytes} B)`.padEnd(26)}${(r.encode_ns / 1000).toFixed(2).padStart(8)} µs ${mbps(r.encode_ns).padStart(6)} MB/s` +
      `${(r.decode_ns / 1000).toFixed(2).padStart(8)} µs ${mbps(r.decode_ns).padStart(6)} MB/s`);
  }
  for (const [k, ns] of Object.entries(derive)) console.log(`${k.padEnd(26)}${(ns / 1000).toFixed(2).padStart(8)} µs`);
}
