package svm

// #include "svm.h"
import "C"

import (
	"encoding/binary"
	"fmt"

	"github.com/svm-vm/svm/bindings/go/codec"
)

// Runtime is one svm runtime. Its methods may be called from many goroutines (svm serialises
// them); Destroy releases it.
type Runtime struct {
	h C.svm_runtime_t
}

// Destroy releases the runtime and its data directory (a layer still open is dropped: it was
// never committed). A second Destroy returns ErrBadHandle.
func (rt *Runtime) Destroy() error {
	return takeError(C.svm_runtime_destroy(rt.h))
}

// Account is an account's state.
type Account struct {
	// Addr is the account's address.
	Addr Address
	// Template is the template it was spawned from (nil: an account that only holds coins).
	Template *TemplateAddr
	// Balance is its coins.
	Balance uint64
	// Counter is the nonce its next transaction must carry.
	Counter TxNonce
	// StorageState is the root of its storage.
	StorageState State
}

// ValidateDeploy checks a deploy message: it decodes and its template passes validation.
// Invalid: (false, an *Error with CodeInvalidMessage or CodeInvalidTemplate).
func (rt *Runtime) ValidateDeploy(msg []byte) (bool, error) {
	return validated(C.svm_validate_deploy(rt.h, bytesPtr(msg), C.size_t(len(msg))))
}

// ValidateSpawn checks that a spawn message decodes.
func (rt *Runtime) ValidateSpawn(msg []byte) (bool, error) {
	return validated(C.svm_validate_spawn(rt.h, bytesPtr(msg), C.size_t(len(msg))))
}

// ValidateCall checks that a call message decodes.
func (rt *Runtime) ValidateCall(msg []byte) (bool, error) {
	return validated(C.svm_validate_call(rt.h, bytesPtr(msg), C.size_t(len(msg))))
}

func validated(e *C.svm_error_t) (bool, error) {
	if err := takeError(e); err != nil {
		return false, err
	}
	return true, nil
}

type txFunc func(C.svm_runtime_t, *C.svm_envelope_t, *C.uint8_t, C.size_t, *C.uint8_t, C.size_t, *C.svm_context_t, *C.svm_buf_t) *C.svm_error_t

// run calls one transaction function and returns the receipt's bytes.
func (rt *Runtime) run(f txFunc, env *Envelope, verifydata, msg []byte, ctx *Context) ([]byte, error) {
	if env == nil || ctx == nil {
		return nil, &Error{Code: CodeNullArg, Message: "env and ctx must not be nil"}
	}
	cenv, cctx := cEnvelope(env), cContext(ctx)
	var out C.svm_buf_t
	if err := takeError(f(rt.h, &cenv, bytesPtr(verifydata), C.size_t(len(verifydata)), bytesPtr(msg), C.size_t(len(msg)), &cctx, &out)); err != nil {
		return nil, err
	}
	return takeBuf(&out)
}

func deployFn(rt C.svm_runtime_t, e *C.svm_envelope_t, v *C.uint8_t, vl C.size_t, m *C.uint8_t, ml C.size_t, c *C.svm_context_t, o *C.svm_buf_t) *C.svm_error_t {
	return C.svm_deploy(rt, e, v, vl, m, ml, c, o)
}

func spawnFn(rt C.svm_runtime_t, e *C.svm_envelope_t, v *C.uint8_t, vl C.size_t, m *C.uint8_t, ml C.size_t, c *C.svm_context_t, o *C.svm_buf_t) *C.svm_error_t {
	return C.svm_spawn(rt, e, v, vl, m, ml, c, o)
}

func callFn(rt C.svm_runtime_t, e *C.svm_envelope_t, v *C.uint8_t, vl C.size_t, m *C.uint8_t, ml C.size_t, c *C.svm_context_t, o *C.svm_buf_t) *C.svm_error_t {
	return C.svm_call(rt, e, v, vl, m, ml, c, o)
}

func verifyFn(rt C.svm_runtime_t, e *C.svm_envelope_t, v *C.uint8_t, vl C.size_t, m *C.uint8_t, ml C.size_t, c *C.svm_context_t, o *C.svm_buf_t) *C.svm_error_t {
	return C.svm_verify(rt, e, v, vl, m, ml, c, o)
}

// Deploy deploys the template in msg, paid and authorised by env.Principal (whose svm_verify
// gets verifydata), in the open layer ctx.Layer. A failed deploy is a receipt.
func (rt *Runtime) Deploy(env *Envelope, verifydata, msg []byte, ctx *Context) (*DeployReceipt, error) {
	b, err := rt.run(deployFn, env, verifydata, msg, ctx)
	if err != nil {
		return nil, err
	}
	return codec.DecodeDeployReceipt(b)
}

// Spawn spawns an account from a template, running its constructor.
func (rt *Runtime) Spawn(env *Envelope, verifydata, msg []byte, ctx *Context) (*SpawnReceipt, error) {
	b, err := rt.run(spawnFn, env, verifydata, msg, ctx)
	if err != nil {
		return nil, err
	}
	return codec.DecodeSpawnReceipt(b)
}

// Call calls a function of an account.
func (rt *Runtime) Call(env *Envelope, verifydata, msg []byte, ctx *Context) (*CallReceipt, error) {
	b, err := rt.run(callFn, env, verifydata, msg, ctx)
	if err != nil {
		return nil, err
	}
	return codec.DecodeCallReceipt(b)
}

// Verify runs only the principal's svm_verify on a transaction of any type (a mempool's
// check): read-only, no open layer needed, nothing charged. Success() says whether the
// principal accepts it.
func (rt *Runtime) Verify(env *Envelope, verifydata, msg []byte, ctx *Context) (*CallReceipt, error) {
	b, err := rt.run(verifyFn, env, verifydata, msg, ctx)
	if err != nil {
		return nil, err
	}
	return codec.DecodeCallReceipt(b)
}

// SetThreads sets the threads ExecuteBatch and ExecuteBatchRaw run a layer's transactions on:
// 0 uses the machine's cores, 1 (the default) runs them one at a time. A local setting: the
// receipts and roots are the same for any value.
func (rt *Runtime) SetThreads(n uint32) error {
	return takeError(C.svm_set_threads(rt.h, C.uint32_t(n)))
}

// ExecuteBatchRaw runs a layer's wire transactions in one crossing and returns each receipt's
// bytes, in order (svm computes every transaction's id and context). A transaction whose
// envelope does not decode fails the whole batch before anything runs; a node fault fails it
// midway (drop the open layer with Rewind before retrying).
func (rt *Runtime) ExecuteBatchRaw(layer Layer, txs [][]byte) ([][]byte, error) {
	size := 0
	for _, tx := range txs {
		size += 4 + len(tx)
	}
	framed := make([]byte, 0, size)
	for _, tx := range txs {
		framed = binary.BigEndian.AppendUint32(framed, uint32(len(tx)))
		framed = append(framed, tx...)
	}
	var out C.svm_buf_t
	if err := takeError(C.svm_execute_batch(rt.h, C.uint64_t(layer), bytesPtr(framed), C.size_t(len(framed)), &out)); err != nil {
		return nil, err
	}
	b, err := takeBuf(&out)
	if err != nil {
		return nil, err
	}
	receipts := make([][]byte, 0, len(txs))
	for len(b) > 0 {
		if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
			return nil, &Error{Code: CodeInternal, Message: "malformed batch output"}
		}
		n := int(binary.BigEndian.Uint32(b))
		receipts = append(receipts, b[4:4+n])
		b = b[4+n:]
	}
	if len(receipts) != len(txs) {
		return nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("%d receipts for %d transactions", len(receipts), len(txs))}
	}
	return receipts, nil
}

// ExecuteBatch is ExecuteBatchRaw of transactions, with the receipts decoded.
func (rt *Runtime) ExecuteBatch(layer Layer, txs []Transaction) ([]Receipt, error) {
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		raw[i] = tx.Encode()
	}
	out, err := rt.ExecuteBatchRaw(layer, raw)
	if err != nil {
		return nil, err
	}
	receipts := make([]Receipt, len(out))
	for i, b := range out {
		if receipts[i], err = codec.DecodeReceipt(b); err != nil {
			return nil, err
		}
	}
	return receipts, nil
}

// Open starts layer, which must be the last committed layer + 1.
func (rt *Runtime) Open(layer Layer) error {
	return takeError(C.svm_open(rt.h, C.uint64_t(layer)))
}

// Commit commits the open layer in one atomic write; the layer and the new global root.
func (rt *Runtime) Commit() (Layer, State, error) {
	var layer C.uint64_t
	var root C.svm_bytes32_t
	if err := takeError(C.svm_commit(rt.h, &layer, &root)); err != nil {
		return 0, State{}, err
	}
	return Layer(layer), goBytes32(root), nil
}

// Rewind rewinds the state to committed layer (dropping the open layer and every later one);
// that layer's root.
func (rt *Runtime) Rewind(layer Layer) (State, error) {
	var root C.svm_bytes32_t
	if err := takeError(C.svm_rewind(rt.h, C.uint64_t(layer), &root)); err != nil {
		return State{}, err
	}
	return goBytes32(root), nil
}

// Head is the last committed layer, its root, and the open layer (0: none). A node aligns
// with it at start-up: Rewind if svm is ahead of its blocks, replay blocks if behind.
func (rt *Runtime) Head() (last Layer, root State, open Layer, err error) {
	var l, o C.uint64_t
	var r C.svm_bytes32_t
	if err = takeError(C.svm_head(rt.h, &l, &r, &o)); err != nil {
		return 0, State{}, 0, err
	}
	return Layer(l), goBytes32(r), Layer(o), nil
}

// LayerRoot is the root of committed layer (ok false: never committed, or rewound away).
func (rt *Runtime) LayerRoot(layer Layer) (root State, ok bool, err error) {
	var r C.svm_bytes32_t
	var found C.bool
	if err = takeError(C.svm_layer_root(rt.h, C.uint64_t(layer), &r, &found)); err != nil {
		return State{}, false, err
	}
	return goBytes32(r), bool(found), nil
}

// GetAccount is the account at addr, with the open layer's changes (ErrAccountNotFound if
// there is none).
func (rt *Runtime) GetAccount(addr Address) (Account, error) {
	caddr := cAddress(addr)
	var a C.svm_account_t
	var found C.bool
	if err := takeError(C.svm_get_account(rt.h, &caddr, &a, &found)); err != nil {
		return Account{}, err
	}
	if !bool(found) {
		return Account{}, &Error{Code: CodeAccountNotFound, Message: "no account at " + addr.String()}
	}
	acc := Account{
		Addr:         addr,
		Balance:      uint64(a.balance),
		Counter:      TxNonce{Hi: uint64(a.nonce.hi), Lo: uint64(a.nonce.lo)},
		StorageState: goBytes32(a.storage_state),
	}
	if bool(a.has_template) {
		t := TemplateAddr(goAddress(a.template_addr))
		acc.Template = &t
	}
	return acc, nil
}

// IncreaseBalance adds amount coins to addr in the open layer (rewards, genesis), creating an
// account without a template if there is none. ErrOverflow if the balance would overflow.
func (rt *Runtime) IncreaseBalance(addr Address, amount uint64) error {
	caddr := cAddress(addr)
	return takeError(C.svm_increase_balance(rt.h, &caddr, C.uint64_t(amount)))
}

// InstallTemplate installs a template from a deploy message in the open layer without a
// transaction: the chain's genesis templates (its wallets). Its address.
func (rt *Runtime) InstallTemplate(deployMsg []byte) (TemplateAddr, error) {
	var out C.svm_address_t
	if err := takeError(C.svm_install_template(rt.h, bytesPtr(deployMsg), C.size_t(len(deployMsg)), &out)); err != nil {
		return TemplateAddr{}, err
	}
	return TemplateAddr(goAddress(out)), nil
}
