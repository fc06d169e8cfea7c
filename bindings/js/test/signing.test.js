// ed25519 keys and signatures (RFC 8032 vectors, node:crypto as a second implementation) and
// signed transactions: what a wallet template's svm_verify accepts, and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  DEV_CHAIN_ID, SvmError, decode, ed25519, encode, fromHex, sighash, signTransaction, toHex,
  verifyTransaction,
} from '../index.js';

// RFC 8032 §7.1, tests 1 and 2
const RFC = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

test('RFC 8032 vectors', () => {
  for (const v of RFC) {
    assert.equal(toHex(ed25519.publicKey(v.secret)), v.public);
    assert.equal(toHex(ed25519.sign(v.message, v.secret)), v.signature);
    assert.ok(ed25519.verify(v.message, v.signature, v.public));
    assert.ok(!ed25519.verify('73', v.signature, v.public));
  }
});

/** node:crypto's key objects for a raw 32-byte secret (PKCS#8 wrapping of the seed). */
function nodeKeys(secret) {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(secret)]);
  const privateKey = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: crypto.createPublicKey(privateKey) };
}

test('agrees with node:crypto both ways on random keys and messages', () => {
  for (let i = 0; i < 50; i++) {
    const secret = crypto.randomBytes(32);
    const message = crypto.randomBytes(i * 7);
    const keys = nodeKeys(secret);
    const publicKey = ed25519.publicKey(secret);
    assert.equal(toHex(publicKey), keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex'));
    const ours = ed25519.sign(message, secret);
    assert.ok(crypto.verify(null, message, keys.publicKey, ours));
    assert.ok(ed25519.verify(message, crypto.sign(null, message, keys.privateKey), publicKey));
  }
});

test('keys of the wrong size are SvmErrors naming the argument', () => {
  assert.throws(() => ed25519.publicKey(new Uint8Array(31)),
    (e) => e instanceof SvmError && e.code === 'invalid-argument' && /secret key: expected 32 bytes, found 31/.test(e.message));
  assert.equal(ed25519.verify('', '00'.repeat(64), '00'.repeat(31)), false);
});

const SECRET = fromHex('11'.repeat(32));
const OTHER = fromHex('22'.repeat(32));
const WALLET = '0a'.repeat(20);

/** The signed_wallet's transfer calldata: 20-byte destination, u64 little-endian amount. */
function transferCalldata(amount) {
  const calldata = new Uint8Array(28);
  calldata.set(fromHex('0b'.repeat(20)));
  new DataView(calldata.buffer).setBigUint64(20, BigInt(amount), true);
  return calldata;
}

function transfer(amount, nonce = 0) {
  return {
    envelope: { type: 'call', principal: WALLET, amount: 0, nonce, gas_limit: 2_000_000, gas_fee: 1 },
    message: { target: WALLET, func_name: 'transfer', calldata: transferCalldata(amount) },
  };
}

test('a signed transaction carries the signature of its signing hash', () => {
  const signed = signTransaction(transfer(5), SECRET, DEV_CHAIN_ID);
  const tx = decode(signed, 'transaction');
  const hash = sighash(transfer(5), DEV_CHAIN_ID);
  assert.equal(sighash(signed, DEV_CHAIN_ID), hash, 'verifydata is outside the signing hash');
  const signature = typeof tx.verifydata === 'string' ? tx.verifydata : toHex(encode('calldata', tx.verifydata));
  assert.equal(signature, toHex(ed25519.sign(hash, SECRET)));
  const publicKey = ed25519.publicKey(SECRET);
  assert.ok(verifyTransaction(signed, publicKey, DEV_CHAIN_ID));
  // signing is deterministic, and re-signing replaces the verifydata
  assert.equal(toHex(signTransaction(signed, SECRET, DEV_CHAIN_ID)), toHex(signed));
});

test('a signature does not carry over to another chain, key, amount or nonce', () => {
  const signed = signTransaction(transfer(5), SECRET, DEV_CHAIN_ID);
  const publicKey = ed25519.publicKey(SECRET);
  assert.ok(!verifyTransaction(signed, publicKey, '01'.repeat(32)), 'another chain');
  assert.ok(!verifyTransaction(signed, ed25519.publicKey(OTHER), DEV_CHAIN_ID), 'another key');
  const tx = decode(signed, 'transaction');
  for (const [what, change] of [
    ['amount', (t) => { t.message.calldata = transferCalldata(6); }],
    ['nonce', (t) => { t.envelope.nonce = '1'; }],
    ['gas fee', (t) => { t.envelope.gas_fee = '2'; }],
  ]) {
    const tampered = structuredClone(tx);
    change(tampered);
    assert.ok(!verifyTransaction(tampered, publicKey, DEV_CHAIN_ID), what);
  }
});
