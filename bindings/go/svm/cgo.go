package svm

// #include <stdlib.h>
// #include "svm.h"
import "C"

import (
	"unsafe"

	"github.com/svm-vm/svm/bindings/go/codec"
)

// bytesPtr is the pointer to pass for b: NULL when empty (never &b[0] of an empty slice). A
// Go slice passed directly as a cgo argument stays alive and unmoved for the call.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// takeError converts an svm error to a Go *Error and frees it (nil for NULL).
func takeError(e *C.svm_error_t) error {
	if e == nil {
		return nil
	}
	err := &Error{Code: Code(C.svm_error_code(e)), Message: C.GoString(C.svm_error_message(e))}
	C.svm_error_free(e)
	return err
}

// takeBuf copies a buffer svm returned into Go memory and frees it.
func takeBuf(b *C.svm_buf_t) ([]byte, error) {
	if b.ptr == nil {
		return nil, nil
	}
	out := C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
	if err := takeError(C.svm_buf_free(b)); err != nil {
		return nil, err
	}
	return out, nil
}

func cAddress(a codec.Address) C.svm_address_t {
	var c C.svm_address_t
	for i, b := range a {
		c.bytes[i] = C.uint8_t(b)
	}
	return c
}

func goAddress(c C.svm_address_t) codec.Address {
	var a codec.Address
	for i := range a {
		a[i] = byte(c.bytes[i])
	}
	return a
}

func cBytes32(v [32]byte) C.svm_bytes32_t {
	var c C.svm_bytes32_t
	for i, b := range v {
		c.bytes[i] = C.uint8_t(b)
	}
	return c
}

func goBytes32(c C.svm_bytes32_t) [32]byte {
	var v [32]byte
	for i := range v {
		v[i] = byte(c.bytes[i])
	}
	return v
}

func cEnvelope(e *Envelope) C.svm_envelope_t {
	return C.svm_envelope_t{
		tx_type:   C.uint8_t(e.Type),
		principal: cAddress(e.Principal),
		amount:    C.uint64_t(e.Amount),
		nonce:     C.svm_u128_t{hi: C.uint64_t(e.Nonce.Hi), lo: C.uint64_t(e.Nonce.Lo)},
		gas_limit: C.uint64_t(e.GasLimit),
		gas_fee:   C.uint64_t(e.GasFee),
	}
}

func cContext(c *Context) C.svm_context_t {
	return C.svm_context_t{layer: C.uint64_t(c.Layer), tx_id: cBytes32(c.TxId)}
}
