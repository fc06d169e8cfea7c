// Package svm embeds the svm WebAssembly smart-contract VM in a Go full node, through its C
// API (svm.h, the library libsvm_ffi). It offers the go-svm API: Init, NewRuntime, Destroy,
// Validate*/Deploy/Spawn/Call/Verify, Open/Commit/Rewind, GetAccount, IncreaseBalance and the
// leak counters, plus ExecuteBatch, which runs a whole layer's transactions in one cgo
// crossing.
//
// Rules the package keeps for its caller:
//
//   - A failed transaction is a receipt (Success() false, gas charged), never an error. An
//     error is misuse of the API or a fault of the node (I/O, a corrupted store): the call
//     changed nothing, and the node should stop or retry the block.
//   - Every buffer and error svm returns is copied into Go memory and freed before the call
//     returns: ReceiptsCount and ErrorsCount are zero between calls.
//   - No Go pointer is ever kept by svm: inputs are borrowed for the call only.
//   - A Runtime may be used from many goroutines; svm serialises calls on one runtime. It holds
//     its data directory's lock until Destroy, which must be called explicitly (there is no
//     finalizer).
//
// Linking: by default the package links the library in its own lib/ directory (what the
// repository's `make test` puts there); build with the tag svm_system to link an installed
// libsvm_ffi instead.
//
// docs/embedding.md walks through a node's integration step by step.
package svm
