// Package codec is a pure-Go implementation of svm's wire format, version 0, as specified
// in docs/spec/codec.md and implemented in Rust by the crate svm-codec.
//
// It encodes and strictly decodes:
//
//   - the Envelope (64 bytes: type, principal, amount, nonce, gas terms) and the Context
//     (43 bytes: layer, transaction id);
//   - messages: SpawnMessage, CallMessage and DeployMessage (a template as typed
//     sections), and a whole Transaction (envelope, verifydata, message);
//   - receipts: DeployReceipt, SpawnReceipt and CallReceipt, with a typed RuntimeError on
//     failure, gas used always, logs, sorted touched accounts and the call tree (CallFrame);
//   - ABI calldata values (AbiValue, EncodeAbi, DecodeAbi).
//
// Decoders follow the Rust codec check for check: they reject unknown versions, wrong item
// kinds, trailing bytes, non-canonical bools, invalid UTF-8, unknown enum values and
// unordered lists; they apply Limits (DefaultLimits unless a WithLimits variant is used);
// they never panic and never allocate more than the input justifies. A failure is a
// *DecodeError whose Offset and Message are those the Rust codec reports for the same
// input.
//
// Every Encode is canonical: for any input a decoder accepts, Encode of the result gives
// back the same bytes.
//
// Not implemented: the JSON forms (codec.md §10) and the sha3-256 derivations (§9:
// template and account addresses, transaction id, signing hash), since Go 1.19's standard
// library has no SHA3.
package codec
