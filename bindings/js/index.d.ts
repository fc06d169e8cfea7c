// Types of @svm-vm/codec. The JSON forms are those of docs/spec/codec.md §10 (what `svm decode`
// prints). Each item type takes the types of its byte fields (B) and wide integers (N): by
// default what `decode` returns (hex, decimal strings); `encode` also takes Uint8Arrays,
// numbers and bigints (`ItemInput<K>`), and `version`, empty calldata, empty verifydata and
// a receipt's empty call tree (`calls`) may be left out.

/** Lowercase hex without prefix on output; `0x` and upper case are accepted on input. */
export type Hex = string;
/** Bytes: a Uint8Array (or ArrayBuffer), or their hex. */
export type Bytes = Uint8Array | ArrayBuffer | Hex;
/** A decimal integer string, as the codec writes u64 and u128 values. */
export type Dec = `${bigint}`;

/** What `encode` takes for byte fields and for wide integers. */
export type InBytes = Hex | Uint8Array;
export type InInt = Dec | number | bigint;

/** Fields `encode` lets you leave out: `version` (0), empty calldata and verifydata, and a
 * receipt's empty call tree. */
export type OptionalOnInput = 'version' | 'calldata' | 'verifydata' | 'calls';

/** The input form of an item (`ItemInput<K>` is `Input<Items<InBytes, InInt>[K]>`). */
export type Input<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? Input<E>[]
    : T extends object
      ? { [K in keyof T as K extends OptionalOnInput ? never : K]: Input<T[K]> } &
          { [K in keyof T as K extends OptionalOnInput ? K : never]?: Input<T[K]> }
      : T;

/** The scalar ABI types, and arrays of any ABI type (`["u32"]`, `[["string"]]`). */
export type AbiScalar =
  | 'bool' | 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'u128' | 'i128'
  | 'amount' | 'address' | 'bytes' | 'string';
export type AbiType = AbiScalar | [AbiType];
/** bool: boolean; 8- to 32-bit integers: number; wider ones and amounts: decimal strings
 * (bigints and numbers on input); address and bytes: hex (Uint8Array on input); string:
 * string; arrays: arrays. */
export type AbiValue<B = Hex, N = Dec> = boolean | number | string | B | N | AbiValue<B, N>[];
/** Calldata as typed values. */
export interface Calldata<B = Hex, N = Dec> {
  abi: AbiType[];
  data: AbiValue<B, N>[];
}
/** Calldata or verifydata: typed values when the bytes are ABI values, else hex. */
export type Data<B = Hex, N = Dec> = Calldata<B, N> | B;

export type TxType = 'deploy' | 'spawn' | 'call';

export interface Envelope<B = Hex, N = Dec> {
  version: 0;
  type: TxType;
  principal: B;
  amount: N;
  nonce: N;
  gas_limit: N;
  gas_fee: N;
}

export interface Context<B = Hex, N = Dec> {
  version: 0;
  layer: N;
  tx_id: B;
}

export interface SpawnMessage<B = Hex, N = Dec> {
  version: 0;
  template: B;
  name: string;
  ctor_name: string;
  calldata: Data<B, N>;
}

export interface CallMessage<B = Hex, N = Dec> {
  version: 0;
  target: B;
  func_name: string;
  calldata: Data<B, N>;
}

export interface DeployMessage<B = Hex> {
  version: 0;
  code: { kind: 'wasm'; flags: number; code: B };
  data: { vars: number[] };
  ctors: string[];
  api?: string;
  header?: { code_version: number; name: string; description: string };
  /** Sections this codec does not interpret (kinds >= 0x8000), in ascending kind order. */
  extra?: { kind: number; body: B }[];
}

export type Message<B = Hex, N = Dec> = DeployMessage<B> | SpawnMessage<B, N> | CallMessage<B, N>;

export interface Transaction<B = Hex, N = Dec> {
  envelope: Envelope<B, N>;
  verifydata: Data<B, N>;
  message: Message<B, N>;
}

/** A failed transaction's error: its `type` and that type's fields (codec spec §7.1). */
export type RuntimeError =
  | { type: 'out-of-gas' | 'insufficient-funds' | 'verify-failed' | 'nonce-exhausted' }
  | { type: 'template-not-found' | 'template-already-exists'; template: Hex }
  | { type: 'account-not-found' | 'account-already-exists' | 'principal-not-found' | 'no-template'; account: Hex }
  | { type: 'func-not-found' | 'func-not-ctor' | 'func-invalid-signature'; function: string }
  | { type: 'compilation-failed' | 'instantiation-failed' | 'trap' | 'validation-failed' | 'invalid-message'; message: string }
  | { type: 'func-not-allowed'; function: string; message: string }
  | { type: 'nonce-mismatch'; expected: Dec; found: Dec }
  | { type: 'gas-fee-too-low' | 'gas-limit-too-low'; minimum: Dec; found: Dec }
  | { type: 'gas-limit-too-high'; maximum: Dec; found: Dec }
  | { type: 'account-gas-cap'; account: Hex; maximum: Dec; found: Dec };

export interface Log {
  topic: Hex;
  data: Hex;
}

/** How a call-tree frame was called (codec spec §7.2). */
export type CallKind = 'call' | 'static' | 'async' | 'callback';
/** How a call-tree frame ended: what the caller's `svm_call` returned (codec spec §7.2). */
export type CallStatus =
  | 'ok' | 'failed' | 'out-of-gas' | 'account-not-found' | 'no-template' | 'function-not-found'
  | 'insufficient-funds' | 'depth-exceeded' | 'reentrant';
/** One contract-to-contract call of a spawn or call transaction (codec spec §7.2). */
export interface CallFrame {
  /** 1 for a call made by the transaction's code, 2 for one made by that callee...; an
   * asynchronous call and a callback run at depth 1. */
  depth: number;
  kind: CallKind;
  /** The account whose code made the call (for a callback: the account that answers). */
  caller: Hex;
  /** The account whose code ran (for a callback: the account that queued the call). */
  callee: Hex;
  function: string;
  /** Gas the frame used, its own calls included. */
  gas_used: Dec;
  status: CallStatus;
}

interface ReceiptBase {
  version: 0;
  gas_used: Dec;
  logs: Log[];
}
interface Failure {
  success: false;
  error: RuntimeError;
}

export type DeployReceipt = ReceiptBase & { type: 'deploy' } & ({ success: true; template: Hex } | Failure);
export type SpawnReceipt = ReceiptBase & { type: 'spawn'; touched_accounts: Hex[]; calls: CallFrame[] } &
  ({ success: true; account: Hex; init_state: Hex; returndata: Hex } | Failure);
export type CallReceipt = ReceiptBase & { type: 'call'; touched_accounts: Hex[]; calls: CallFrame[] } &
  ({ success: true; new_state: Hex; returndata: Hex } | Failure);
export type Receipt = DeployReceipt | SpawnReceipt | CallReceipt;

/** Every item by the name `encode` and `decode` take (receipts are always in output form). */
export interface Items<B = Hex, N = Dec> {
  envelope: Envelope<B, N>;
  context: Context<B, N>;
  deploy: DeployMessage<B>;
  spawn: SpawnMessage<B, N>;
  call: CallMessage<B, N>;
  transaction: Transaction<B, N>;
  receipt: Receipt;
  deploy_receipt: DeployReceipt;
  spawn_receipt: SpawnReceipt;
  call_receipt: CallReceipt;
  calldata: Calldata<B, N>;
}
/** What `encode` takes for the item `K`. */
export type ItemInput<K extends ItemName> = Input<Items<InBytes, InInt>[K]>;
export type ItemName = keyof Items;
/** The items a header announces (what `decode` without an item name can return). */
export type HeadedItem = Exclude<ItemName, 'calldata' | 'receipt'>;

/** The item names `encode` and `decode` take. */
export const ITEMS: readonly ItemName[];

/** The chain id of the svm CLI's development chain (32 zero bytes), as hex. */
export const DEV_CHAIN_ID: Hex;

/** Error codes: the codec spec's §12 decoding codes, and this package's own. */
export type ErrorCode =
  | 'unexpected-end' | 'trailing-bytes' | 'invalid-bool' | 'invalid-utf8' | 'unsupported-version'
  | 'unexpected-item-kind' | 'unknown-item-kind' | 'unknown-tx-type' | 'tx-type-mismatch'
  | 'unknown-section-kind' | 'section-order' | 'missing-section' | 'unknown-code-kind'
  | 'reserved-flags' | 'unknown-layout-kind' | 'unknown-abi-marker' | 'abi-too-deep'
  | 'unknown-error-code' | 'unknown-call-kind' | 'unknown-call-status' | 'non-canonical'
  | 'limit-exceeded'
  | 'invalid-json' | 'invalid-argument' | 'unknown-item';

/** What every function throws for bad input; the message is the Rust decoder's. */
export class SvmError extends Error {
  readonly name: 'SvmError';
  /** Stable; messages may be reworded. */
  readonly code: ErrorCode;
  /** The message without where the fault is (the golden vectors' message). */
  readonly reason: string;
  /** Binary input: the byte at fault. */
  readonly offset?: number;
  /** JSON input: the dotted path of the field at fault (empty: the whole document). */
  readonly path?: string;
}

/** Encodes an item from its JSON form (an object, or JSON text) into its bytes. */
export function encode<K extends ItemName>(item: K, value: ItemInput<K> | string): Uint8Array;

/** Decodes bytes into the named item's JSON form. */
export function decode<K extends ItemName>(bytes: Bytes, item: K): Items[K];
/** Decodes bytes into the JSON form of the item their header announces. */
export function decode(bytes: Bytes): Items[HeadedItem];

/** The name of the item the header of `bytes` announces. */
export function detect(bytes: Bytes): HeadedItem;

/** A transaction: its bytes (or hex), or its JSON form. */
export type TransactionInput = Bytes | ItemInput<'transaction'>;

/** The transaction id (hex). */
export function txId(tx: TransactionInput): Hex;

/** The signing hash (hex) of a transaction on a chain (32-byte id). */
export function sighash(tx: TransactionInput, chainId: Bytes): Hex;

/** The transaction's bytes, its verifydata the ed25519 signature of its signing hash. */
export function signTransaction(tx: TransactionInput, secretKey: Bytes, chainId: Bytes): Uint8Array;

/** Whether the transaction's verifydata is `publicKey`'s signature of its signing hash. */
export function verifyTransaction(tx: TransactionInput, publicKey: Bytes, chainId: Bytes): boolean;

/** The address (hex) of the account `principal` spawns at `nonce` with this spawn message. */
export function spawnAddress(principal: Bytes, nonce: bigint | number | string, spawn: Bytes | ItemInput<'spawn'>): Hex;

/** The address (hex) of an account that pays for its own spawn with this spawn message. */
export function selfSpawnAddress(spawn: Bytes | ItemInput<'spawn'>): Hex;

/** The address (hex) of the template a deploy message deploys. */
export function templateAddress(deploy: Bytes | ItemInput<'deploy'>): Hex;

/** Lowercase hex of bytes. */
export function toHex(bytes: Bytes): Hex;
/** Bytes of hex text (`0x` and upper case accepted). */
export function fromHex(hex: Hex): Uint8Array;

/** ed25519 with the keys and rules of svm's host ABI. */
export const ed25519: {
  /** The 32-byte public key of a 32-byte secret key (seed). */
  publicKey(secretKey: Bytes): Uint8Array;
  /** The 64-byte signature of a message. */
  sign(message: Bytes, secretKey: Bytes): Uint8Array;
  /** Whether the signature verifies exactly as `svm_ed25519_verify` does in a template. */
  verify(message: Bytes, signature: Bytes, publicKey: Bytes): boolean;
};

/** The calldata ABI. */
export const abi: {
  /** Calldata bytes of `values`, typed by `types`. */
  encode(types: AbiType[], values: AbiValue<InBytes, InInt>[]): Uint8Array;
  /** The typed values calldata bytes hold. */
  decode(bytes: Bytes): Calldata;
};
