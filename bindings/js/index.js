// @svm-vm/codec: the svm wire format for JavaScript. Every function calls the node's own Rust
// codec (crates/svm-codec-js, compiled to Wasm), so what this package writes is what a node
// reads. Types: index.d.ts. Byte layouts: docs/spec/codec.md of the svm repository.

import initWasm, * as wasm from './wasm/svm_codec.js';

const wasmUrl = new URL('./wasm/svm_codec_bg.wasm', import.meta.url);
if (typeof process !== 'undefined' && process.versions?.node && wasmUrl.protocol === 'file:') {
  // node: read the file (its fetch does not read file: URLs)
  const { readFile } = await import('node:fs/promises');
  wasm.initSync({ module: await readFile(wasmUrl) });
} else {
  await initWasm({ module_or_path: wasmUrl });
}

/** The chain id of the svm CLI's development chain (32 zero bytes), as hex. */
export const DEV_CHAIN_ID = '00'.repeat(32);

/** The item names `encode` and `decode` take, as in the golden vectors. */
export const ITEMS = Object.freeze([
  'envelope', 'context', 'deploy', 'spawn', 'call', 'transaction',
  'receipt', 'deploy_receipt', 'spawn_receipt', 'call_receipt', 'calldata',
]);

/**
 * What every function of this package throws for bad input: `code` is stable (the codec
 * spec's §12 codes, `invalid-json`, `invalid-argument`, `unknown-item`), `offset` is the byte
 * of binary input at fault, `path` the JSON field at fault, `reason` the message without
 * where. The message is the Rust decoder's, word for word.
 */
export class SvmError extends Error {
  constructor({ code, message, reason, offset, path }) {
    super(message);
    this.name = 'SvmError';
    this.code = code;
    this.reason = reason;
    if (offset !== undefined) this.offset = offset;
    if (path !== undefined) this.path = path;
  }
}

function argumentError(what, problem) {
  const message = `${what}: ${problem}`;
  return new SvmError({ code: 'invalid-argument', message, reason: message });
}

/** Calls an export, turning the JSON error text it throws into an SvmError. */
function call(f, ...args) {
  try {
    return f(...args);
  } catch (e) {
    if (typeof e === 'string' && e.startsWith('{')) throw new SvmError(JSON.parse(e));
    throw e;
  }
}

const HEX = /^(0x)?([0-9a-fA-F]{2})*$/;
// the two ASCII digits of every byte value, as one u16 each (little-endian: first digit low)
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const BYTE_HEX = Uint16Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4] | (HEX_DIGITS[b & 15] << 8));
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const ascii = new TextDecoder();

/** Lowercase hex of bytes, without prefix. */
export function toHex(bytes) {
  const b = toBytes(bytes, 'bytes');
  if (typeof Buffer === 'function') return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'); // node
  const out = new Uint8Array(b.length * 2);
  if (LITTLE_ENDIAN) {
    const pairs = new Uint16Array(out.buffer);
    for (let i = 0; i < b.length; i++) pairs[i] = BYTE_HEX[b[i]];
  } else {
    for (let i = 0; i < b.length; i++) {
      out[2 * i] = HEX_DIGITS[b[i] >> 4];
      out[2 * i + 1] = HEX_DIGITS[b[i] & 15];
    }
  }
  return ascii.decode(out);
}

/** Bytes of hex text (a `0x` prefix and upper case are accepted). */
export function fromHex(hex) {
  return toBytes(hex, 'hex');
}

/** The value of a hex digit's char code (the input is checked against HEX first). */
function nibble(c) {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

function toBytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === 'string') {
    if (!HEX.test(value)) throw argumentError(what, 'not hex (an even number of hex digits, `0x` allowed)');
    const start = value.startsWith('0x') ? 2 : 0;
    const out = new Uint8Array((value.length - start) / 2);
    for (let i = 0, j = start; i < out.length; i++, j += 2) {
      out[i] = (nibble(value.charCodeAt(j)) << 4) | nibble(value.charCodeAt(j + 1));
    }
    return out;
  }
  throw argumentError(what, `expected a Uint8Array or a hex string, found ${typeof value}`);
}

function fixedBytes(value, n, what) {
  const bytes = toBytes(value, what);
  if (bytes.length !== n) throw argumentError(what, `expected ${n} bytes, found ${bytes.length}`);
  return bytes;
}

function jsonText(value) {
  if (typeof value === 'string') return value;
  // bigints as decimal strings, byte arrays as hex: the codec's JSON conventions
  return JSON.stringify(value, (_key, v) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? toHex(v) : v);
}

function itemName(item) {
  if (!ITEMS.includes(item)) {
    const message = `unknown item \`${item}\` (expected one of: ${ITEMS.join(', ')})`;
    throw new SvmError({ code: 'unknown-item', message, reason: message });
  }
  return item;
}

/** Bytes of an item given as bytes, hex, or its JSON form (an object). */
function itemBytes(value, item) {
  if (value instanceof Uint8Array || typeof value === 'string' || value instanceof ArrayBuffer) {
    return toBytes(value, item);
  }
  return encode(item, value);
}

/**
 * Encodes an item from its JSON form (an object, or JSON text) into its bytes. Integers may
 * be numbers, bigints or decimal strings; byte fields hex strings or Uint8Arrays.
 */
export function encode(item, value) {
  return call(wasm.encode, itemName(item), jsonText(value));
}

/**
 * Decodes bytes (or hex) into the item's JSON form; without `item`, the item is recognised
 * from its header (calldata has none: name it).
 */
export function decode(bytes, item) {
  const name = item === undefined ? undefined : itemName(item);
  return JSON.parse(call(wasm.decode, name, toBytes(bytes, 'bytes')));
}

/** The name of the item the header of `bytes` announces (`transaction`, `call_receipt`, ...). */
export function detect(bytes) {
  return call(wasm.detect, toBytes(bytes, 'bytes'));
}

/** The id of a transaction (bytes, hex or JSON form), as hex. */
export function txId(tx) {
  return toHex(call(wasm.txId, itemBytes(tx, 'transaction')));
}

/**
 * The signing hash of a transaction on a chain (32 bytes, hex or Uint8Array): what a wallet
 * template's `svm_verify` expects signed. As hex.
 */
export function sighash(tx, chainId) {
  return toHex(call(wasm.signingHash, fixedBytes(chainId, 32, 'chain id'), itemBytes(tx, 'transaction')));
}

/**
 * The transaction's bytes with its verifydata set to the ed25519 signature of its signing
 * hash on `chainId`, by the 32-byte secret key (seed).
 */
export function signTransaction(tx, secretKey, chainId) {
  return call(wasm.signTransaction, itemBytes(tx, 'transaction'),
    fixedBytes(chainId, 32, 'chain id'), fixedBytes(secretKey, 32, 'secret key'));
}

/**
 * Whether a transaction's verifydata is `publicKey`'s signature of its signing hash on
 * `chainId`, under the node's ed25519 rules.
 */
export function verifyTransaction(tx, publicKey, chainId) {
  return call(wasm.verifyTransaction, itemBytes(tx, 'transaction'),
    fixedBytes(chainId, 32, 'chain id'), toBytes(publicKey, 'public key'));
}

/** The address (hex) of the account `principal` spawns at `nonce` with the spawn message. */
export function spawnAddress(principal, nonce, spawn) {
  if (typeof nonce !== 'bigint' && typeof nonce !== 'number' && typeof nonce !== 'string') {
    throw argumentError('nonce', `expected a bigint, number or decimal string, found ${typeof nonce}`);
  }
  return toHex(call(wasm.spawnAddress, fixedBytes(principal, 20, 'principal'), String(nonce),
    itemBytes(spawn, 'spawn')));
}

/** The address (hex) of an account that pays for its own spawn with this spawn message. */
export function selfSpawnAddress(spawn) {
  return toHex(call(wasm.selfSpawnAddress, itemBytes(spawn, 'spawn')));
}

/** The address (hex) of the template a deploy message deploys. */
export function templateAddress(deploy) {
  return toHex(call(wasm.templateAddress, itemBytes(deploy, 'deploy')));
}

/** ed25519 with the keys and rules of svm's host ABI. */
export const ed25519 = Object.freeze({
  /** The 32-byte public key of a 32-byte secret key (seed). */
  publicKey(secretKey) {
    return call(wasm.publicKey, fixedBytes(secretKey, 32, 'secret key'));
  },
  /** The 64-byte signature of a message. */
  sign(message, secretKey) {
    return call(wasm.ed25519Sign, toBytes(message, 'message'), fixedBytes(secretKey, 32, 'secret key'));
  },
  /** Whether the signature verifies exactly as `svm_ed25519_verify` does in a template. */
  verify(message, signature, publicKey) {
    return wasm.ed25519Verify(toBytes(message, 'message'), toBytes(signature, 'signature'),
      toBytes(publicKey, 'public key'));
  },
});

/** The calldata ABI (`{"abi": [...], "data": [...]}`): typed values to bytes and back. */
export const abi = Object.freeze({
  /** Calldata bytes of `values`, typed by `types` (`"u64"`, `"address"`, `["u32"]`, ...). */
  encode(types, values) {
    return encode('calldata', { abi: types, data: values });
  },
  /** The typed values calldata bytes hold: `{abi, data}`. */
  decode(bytes) {
    return decode(bytes, 'calldata');
  },
});
