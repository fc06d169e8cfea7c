// Compiled with `tsc -p test/tsconfig.json` (npm test): the declarations describe the package
// as the README uses it, and refuse what the package refuses.
import {
  DEV_CHAIN_ID, SvmError, abi, decode, detect, ed25519, encode, signTransaction, spawnAddress,
  toHex, txId, type CallReceipt, type ItemInput, type Transaction,
} from '../../index.js';

const secret = new Uint8Array(32);
const owner = toHex(ed25519.publicKey(secret));
const tx: ItemInput<'transaction'> = {
  envelope: { type: 'call', principal: '0a'.repeat(20), amount: 0, nonce: 0n, gas_limit: '2000000', gas_fee: 1 },
  message: { target: '0b'.repeat(20), func_name: 'transfer', calldata: abi.encode(['address', 'u64'], [owner.slice(0, 40), 5n]) },
};
const signed: Uint8Array = signTransaction(tx, secret, DEV_CHAIN_ID);
const id: string = txId(signed);
const back: Transaction = decode(signed, 'transaction');
const gas: `${bigint}` = back.envelope.gas_limit;
const kind = detect(signed); // 'transaction' | 'envelope' | ...
const receipt = decode('00', 'call_receipt') as CallReceipt;
if (receipt.success) {
  const state: string = receipt.new_state;
} else if (receipt.error.type === 'nonce-mismatch') {
  const expected: string = receipt.error.expected;
}
for (const frame of receipt.calls) {
  const used: `${bigint}` = frame.gas_used;
  const reentrant: boolean = frame.kind === 'call' && frame.status === 'reentrant';
}
// a receipt's empty call tree may be left out
encode('call_receipt', { type: 'call', success: false, error: { type: 'out-of-gas' }, gas_used: '0', logs: [], touched_accounts: [] });
const address: string = spawnAddress('11'.repeat(20), 0n, { template: '00'.repeat(20), name: '', ctor_name: 'init' });
try {
  decode(new Uint8Array([0]));
} catch (e) {
  if (e instanceof SvmError) {
    const where: number | undefined = e.offset;
    const code: 'unexpected-end' | string = e.code;
  }
}

// @ts-expect-error: not an item name
encode('abi', {});
// @ts-expect-error: envelope without its principal
encode('envelope', { type: 'call', amount: 0, nonce: 0, gas_limit: 0, gas_fee: 0 });
// @ts-expect-error: not a transaction type
encode('envelope', { type: 'transfer', principal: '', amount: 0, nonce: 0, gas_limit: 0, gas_fee: 0 });
// @ts-expect-error: decoded integers are strings, not numbers
const n: number = back.envelope.nonce;

// @ts-expect-error: not a call status
if (receipt.calls[0].status === 'reverted') receipt.calls.pop();
// @ts-expect-error: a deploy receipt has no call tree
decode('00', 'deploy_receipt').calls;

export { id, gas, kind, address, n };
