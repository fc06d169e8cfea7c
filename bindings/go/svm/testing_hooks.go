//go:build svm_testing

package svm

// Test-only entry points of a library built with the `testing` feature (the repository's
// tests build it so; `go test -tags svm_testing`).

// #include "svm.h"
// svm_error_t *svm_fault_inject_panic(svm_runtime_t rt);
// svm_error_t *svm_bench_execute_rust(svm_runtime_t rt, uint64_t layer, const uint8_t *txs, size_t txs_len, uint64_t *gas_out);
import "C"

import "encoding/binary"

// faultInjectPanic makes svm panic inside rt (which is then poisoned).
func (rt *Runtime) faultInjectPanic() error {
	return takeError(C.svm_fault_inject_panic(rt.h))
}

// benchExecuteRust runs wire transactions through svm's Rust API in one crossing, without
// receipts: the baseline of the overhead benchmark. The total gas used.
func (rt *Runtime) benchExecuteRust(layer Layer, txs [][]byte) (uint64, error) {
	var framed []byte
	for _, tx := range txs {
		framed = binary.BigEndian.AppendUint32(framed, uint32(len(tx)))
		framed = append(framed, tx...)
	}
	var gas C.uint64_t
	if err := takeError(C.svm_bench_execute_rust(rt.h, C.uint64_t(layer), bytesPtr(framed), C.size_t(len(framed)), &gas)); err != nil {
		return 0, err
	}
	return uint64(gas), nil
}
