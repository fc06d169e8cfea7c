package svm

// #include "svm.h"
import "C"

import (
	"github.com/svm-vm/svm/bindings/go/codec"
)

// The go-svm types, from the pure-Go codec (which reads and writes the same bytes as svm).
type (
	// Address is an account's 20-byte address.
	Address = codec.Address
	// TemplateAddr is a template's 20-byte address.
	TemplateAddr = codec.TemplateAddr
	// State is a 32-byte state root.
	State = codec.State
	// TxId is a transaction's 32-byte id.
	TxId = codec.TxId
	// TxNonce is a 128-bit nonce.
	TxNonce = codec.Nonce
	// TxType is deploy, spawn or call.
	TxType = codec.TxType
	// Envelope is the part of a transaction every type has: who pays, how much, the nonce.
	Envelope = codec.Envelope
	// Context is where a transaction runs: its layer and its id.
	Context = codec.Context
	// Transaction is a whole wire transaction: envelope, verifydata, message.
	Transaction = codec.Transaction
	// Receipt is any receipt.
	Receipt = codec.Receipt
	// DeployReceipt is the receipt of a deploy.
	DeployReceipt = codec.DeployReceipt
	// SpawnReceipt is the receipt of a spawn.
	SpawnReceipt = codec.SpawnReceipt
	// CallReceipt is the receipt of a call (and of a verify).
	CallReceipt = codec.CallReceipt
	// RuntimeError is why a transaction failed (in its receipt).
	RuntimeError = codec.RuntimeError
	// CallFrame is one contract-to-contract call in a spawn or call receipt's call tree.
	CallFrame = codec.CallFrame
	// Layer is a layer number.
	Layer = uint64
)

// The transaction types.
const (
	TxDeploy = codec.TxDeploy
	TxSpawn  = codec.TxSpawn
	TxCall   = codec.TxCall
)

// NewEnvelope builds an envelope (set Type, or let the call set it: Deploy, Spawn and Call
// use their own type).
func NewEnvelope(principal Address, amount uint64, nonce TxNonce, gasLimit uint64, gasFee uint64) *Envelope {
	return &Envelope{Principal: principal, Amount: amount, Nonce: nonce, GasLimit: gasLimit, GasFee: gasFee}
}

// NewContext builds a context.
func NewContext(layer Layer, txId TxId) *Context {
	return &Context{Layer: layer, TxId: txId}
}

// API is the initialised library.
type API struct{}

// Init initialises the library and checks that the library is the version of the header this
// package was built with. Thread-safe and idempotent.
func Init() (*API, error) {
	if err := takeError(C.svm_init(C.SVM_ABI_VERSION)); err != nil {
		return nil, err
	}
	return &API{}, nil
}

// Version is the library's version.
func (*API) Version() string { return C.GoString(C.svm_version()) }

// RuntimesCount is the number of live runtimes (created, not destroyed).
func (*API) RuntimesCount() int { return int(C.svm_runtimes_count()) }

// ReceiptsCount is the number of buffers svm returned that are not freed yet: 0 between calls
// (this package frees every one before returning).
func (*API) ReceiptsCount() int { return int(C.svm_receipts_count()) }

// ErrorsCount is the number of errors svm returned that are not freed yet: 0 between calls.
func (*API) ErrorsCount() int { return int(C.svm_errors_count()) }

// PanicsCount is the number of panics svm caught since the library was loaded (each a bug of
// svm; the runtime it happened in is poisoned).
func (*API) PanicsCount() int { return int(C.svm_panics_count()) }

// Backend is where a runtime keeps its state.
type Backend uint32

// The backends.
const (
	// BackendDefault is RocksDB with a data directory, memory without.
	BackendDefault Backend = C.SVM_BACKEND_DEFAULT
	// BackendRocksDB keeps the state in RocksDB in the data directory.
	BackendRocksDB Backend = C.SVM_BACKEND_ROCKSDB
	// BackendLevelDB keeps the state in LevelDB in the data directory.
	BackendLevelDB Backend = C.SVM_BACKEND_LEVELDB
	// BackendMemory keeps the state in memory (no data directory; lost on Destroy).
	BackendMemory Backend = C.SVM_BACKEND_MEMORY
)

type options struct {
	dir   string
	copts C.svm_options_t
}

// Option configures NewRuntime.
type Option func(*options)

// WithDataDir keeps the state in dir (created if missing, reopened at its last committed
// layer otherwise). Without it the runtime is in memory.
func WithDataDir(dir string) Option { return func(o *options) { o.dir = dir } }

// WithBackend chooses the store.
func WithBackend(b Backend) Option { return func(o *options) { o.copts.backend = C.uint32_t(b) } }

// WithChainID sets the chain's id, which every signature covers.
func WithChainID(id [32]byte) Option { return func(o *options) { o.copts.chain_id = cBytes32(id) } }

// WithCacheBytes sets how many bytes of compiled modules to keep in memory.
func WithCacheBytes(n uint64) Option {
	return func(o *options) { o.copts.cache_memory_bytes = C.uint64_t(n) }
}

// WithDevelopmentRules lets accounts without a template send transactions unauthenticated:
// for development chains and tests, never a public network.
func WithDevelopmentRules() Option {
	return func(o *options) { o.copts.flags |= C.SVM_FLAG_DEVELOPMENT }
}

// NewRuntime creates a runtime: in memory, or over a data directory (WithDataDir).
func (*API) NewRuntime(opts ...Option) (*Runtime, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dir := []byte(o.dir)
	var h C.svm_runtime_t
	if err := takeError(C.svm_runtime_new(bytesPtr(dir), C.size_t(len(dir)), &o.copts, &h)); err != nil {
		return nil, err
	}
	return &Runtime{h: h}, nil
}
