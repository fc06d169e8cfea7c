// Random items in their canonical JSON form (what `decode` returns), from a seeded generator:
// the round-trip tests' input. Canonical means: integers wider than 32 bits as decimal
// strings, hex lowercase without prefix, touched accounts ascending, calldata in the
// {abi, data} form when it is ABI values and as hex only when it is not (raw calldata here
// starts with 0x00, a reserved ABI marker, so it never reads as ABI).

/** A small seeded PRNG (mulberry32): the same seed gives the same items on every run. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  const hex = (n) => Array.from({ length: n }, () => int(256).toString(16).padStart(2, '0')).join('');
  const bigDec = (bits) => {
    // edge values half the time: 0, 1, max
    const max = (1n << BigInt(bits)) - 1n;
    const edge = pick([0n, 1n, max, null, null]);
    return (edge ?? BigInt('0x' + (hex(bits / 8) || '0')) & max).toString();
  };
  const str = (max) => {
    const chars = ['a', 'b', 'z', ' ', '_', 'é', '✓', '𝄞', '0'];
    return Array.from({ length: int(max + 1) }, () => pick(chars)).join('');
  };
  const list = (max, f) => Array.from({ length: int(max + 1) }, f);
  return { next, int, pick, hex, bigDec, str, list, bool: () => next() < 0.5 };
}

const SCALARS = ['bool', 'u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'u128', 'i128',
  'amount', 'address', 'bytes', 'string'];

function abiType(r, depth = 0) {
  return depth < 3 && r.next() < 0.2 ? [abiType(r, depth + 1)] : r.pick(SCALARS);
}

function abiValue(r, t) {
  if (Array.isArray(t)) return r.list(3, () => abiValue(r, t[0]));
  const signed = (bits) => {
    const v = BigInt(r.bigDec(bits)) - (1n << BigInt(bits - 1));
    return bits <= 32 ? Number(v) : v.toString();
  };
  switch (t) {
    case 'bool': return r.bool();
    case 'u8': return r.int(256);
    case 'u16': return r.int(65536);
    case 'u32': return Number(r.bigDec(32));
    case 'i8': return signed(8);
    case 'i16': return signed(16);
    case 'i32': return signed(32);
    case 'i64': return signed(64);
    case 'i128': return signed(128);
    case 'u64': case 'amount': return r.bigDec(64);
    case 'u128': return r.bigDec(128);
    case 'address': return r.hex(20);
    case 'bytes': return r.hex(r.int(40));
    case 'string': return r.str(12);
    default: throw new Error(t);
  }
}

export function calldata(r) {
  const abi = r.list(5, () => abiType(r));
  return { abi, data: abi.map((t) => abiValue(r, t)) };
}

/** Calldata or verifydata: ABI values, or raw bytes that are not ABI. */
function data(r) {
  return r.next() < 0.7 ? calldata(r) : '00' + r.hex(r.int(70));
}

const TX_TYPES = ['deploy', 'spawn', 'call'];

export function envelope(r, type = r.pick(TX_TYPES)) {
  return {
    version: 0, type, principal: r.hex(20), amount: r.bigDec(64), nonce: r.bigDec(128),
    gas_limit: r.bigDec(64), gas_fee: r.bigDec(64),
  };
}

export const context = (r) => ({ version: 0, layer: r.bigDec(64), tx_id: r.hex(32) });

export const spawn = (r) => ({
  version: 0, template: r.hex(20), name: r.str(10), ctor_name: r.str(10) || 'init', calldata: data(r),
});

export const call = (r) => ({ version: 0, target: r.hex(20), func_name: r.str(10) || 'run', calldata: data(r) });

export function deploy(r) {
  const ctors = [...new Set(r.list(4, () => r.str(8)))].filter((c) => c);
  const d = {
    version: 0,
    code: { kind: 'wasm', flags: r.int(2), code: r.hex(r.int(64)) },
    data: { vars: r.list(6, () => r.int(5000)) },
    ctors: ctors.length ? ctors : ['init'],
  };
  if (r.bool()) d.api = r.str(30);
  if (r.bool()) d.header = { code_version: r.int(10), name: r.str(10), description: r.str(20) };
  if (r.bool()) {
    const kinds = [...new Set(r.list(3, () => 0x8000 + r.int(0x8000)))].sort((a, b) => a - b);
    if (kinds.length) d.extra = kinds.map((kind) => ({ kind, body: r.hex(r.int(8)) }));
  }
  return d;
}

export function transaction(r) {
  const type = r.pick(TX_TYPES);
  const message = { deploy, spawn, call }[type](r);
  return { envelope: envelope(r, type), verifydata: r.bool() ? { abi: [], data: [] } : data(r), message };
}

// every runtime error and its payload fields (docs/spec/codec.md §7.1)
const ERRORS = {
  'out-of-gas': {}, 'insufficient-funds': {}, 'verify-failed': {}, 'nonce-exhausted': {},
  'template-not-found': { template: 'addr' }, 'template-already-exists': { template: 'addr' },
  'account-not-found': { account: 'addr' }, 'account-already-exists': { account: 'addr' },
  'principal-not-found': { account: 'addr' }, 'no-template': { account: 'addr' },
  'func-not-found': { function: 'str' }, 'func-not-ctor': { function: 'str' },
  'func-invalid-signature': { function: 'str' },
  'compilation-failed': { message: 'str' }, 'instantiation-failed': { message: 'str' },
  trap: { message: 'str' }, 'validation-failed': { message: 'str' }, 'invalid-message': { message: 'str' },
  'func-not-allowed': { function: 'str', message: 'str' },
  'nonce-mismatch': { expected: 'u128', found: 'u128' },
  'gas-fee-too-low': { minimum: 'u64', found: 'u64' },
  'gas-limit-too-high': { maximum: 'u64', found: 'u64' },
  'account-gas-cap': { account: 'addr', maximum: 'u64', found: 'u64' },
  'gas-limit-too-low': { minimum: 'u64', found: 'u64' },
};

function error(r) {
  const type = r.pick(Object.keys(ERRORS));
  const e = { type };
  for (const [field, kind] of Object.entries(ERRORS[type])) {
    e[field] = kind === 'addr' ? r.hex(20) : kind === 'str' ? r.str(12) : r.bigDec(kind === 'u128' ? 128 : 64);
  }
  return e;
}

const logs = (r) => r.list(3, () => ({ topic: r.hex(r.int(8)), data: r.hex(r.int(16)) }));
const touched = (r) => [...new Set(r.list(4, () => r.hex(20)))].sort();
// a call tree (docs/spec/codec.md §7.2): every kind and status name
const CALL_KINDS = ['call', 'static', 'async', 'callback'];
const CALL_STATUSES = ['ok', 'failed', 'out-of-gas', 'account-not-found', 'no-template',
  'function-not-found', 'insufficient-funds', 'depth-exceeded', 'reentrant'];
const calls = (r) => r.list(3, () => ({
  depth: r.int(256), kind: r.pick(CALL_KINDS), caller: r.hex(20), callee: r.hex(20),
  function: r.str(12), gas_used: r.bigDec(64), status: r.pick(CALL_STATUSES),
}));

export function receipt(r, type = r.pick(TX_TYPES)) {
  const x = { version: 0, type, success: r.bool(), gas_used: r.bigDec(64), logs: logs(r) };
  if (type !== 'deploy') Object.assign(x, { touched_accounts: touched(r), calls: calls(r) });
  if (!x.success) x.error = error(r);
  else if (type === 'deploy') x.template = r.hex(20);
  else if (type === 'spawn') Object.assign(x, { account: r.hex(20), init_state: r.hex(32), returndata: r.hex(r.int(10)) });
  else Object.assign(x, { new_state: r.hex(32), returndata: r.hex(r.int(10)) });
  return x;
}

/** Generators by item name. */
export const ITEM_GENERATORS = {
  envelope, context, spawn, call, deploy, transaction, calldata,
  deploy_receipt: (r) => receipt(r, 'deploy'),
  spawn_receipt: (r) => receipt(r, 'spawn'),
  call_receipt: (r) => receipt(r, 'call'),
};
