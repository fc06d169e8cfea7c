package codec

import (
	"bytes"
	"sort"
)

// Log is a log entry emitted by a transaction.
type Log struct {
	// Topic is for indexing (may be empty).
	Topic []byte
	// Data is the payload.
	Data []byte
}

// Receipt is any receipt: a *DeployReceipt, *SpawnReceipt or *CallReceipt (as returned by
// DecodeReceipt; the value types implement it too).
type Receipt interface {
	// TxType is the transaction type the receipt belongs to.
	TxType() TxType
	// Success reports whether the transaction succeeded.
	Success() bool
	// Failure returns why the transaction failed, or nil on success.
	Failure() *RuntimeError
	// Encode returns the receipt's bytes.
	Encode() []byte
}

// DeployReceipt is the receipt of a deploy transaction (codec.md §7, kind 0x20).
type DeployReceipt struct {
	// Err is why the deploy failed; nil means success.
	Err *RuntimeError
	// Template is the deployed template's address (on success).
	Template TemplateAddr
	// GasUsed is the gas charged (on failure too).
	GasUsed uint64
	// Logs are the logs emitted.
	Logs []Log
}

// SpawnReceipt is the receipt of a spawn transaction (codec.md §7, kind 0x21).
type SpawnReceipt struct {
	// Err is why the spawn failed; nil means success.
	Err *RuntimeError
	// Account is the new account's address (on success).
	Account Address
	// InitState is the new account's initial state (on success).
	InitState State
	// Returndata is the constructor's returndata (on success).
	Returndata []byte
	// GasUsed is the gas charged (on failure too).
	GasUsed uint64
	// Logs are the logs emitted.
	Logs []Log
	// TouchedAccounts are the accounts whose balance changed, ascending. Encode sorts them
	// and drops duplicates.
	TouchedAccounts []Address
	// Calls is the call tree: every contract-to-contract call the transaction made, in the
	// order they started (empty when it made none).
	Calls []CallFrame
}

// CallReceipt is the receipt of a call transaction, also of the verify step (codec.md §7,
// kind 0x22).
type CallReceipt struct {
	// Err is why the call failed; nil means success.
	Err *RuntimeError
	// NewState is the state after the call (on success).
	NewState State
	// Returndata is the function's returndata (on success).
	Returndata []byte
	// GasUsed is the gas charged (on failure too).
	GasUsed uint64
	// Logs are the logs emitted.
	Logs []Log
	// TouchedAccounts are the accounts whose balance changed, ascending. Encode sorts them
	// and drops duplicates.
	TouchedAccounts []Address
	// Calls is the call tree: every contract-to-contract call the transaction made, in the
	// order they started (empty when it made none).
	Calls []CallFrame
}

// TxType returns TxDeploy.
func (DeployReceipt) TxType() TxType { return TxDeploy }

// TxType returns TxSpawn.
func (SpawnReceipt) TxType() TxType { return TxSpawn }

// TxType returns TxCall.
func (CallReceipt) TxType() TxType { return TxCall }

// Success reports whether the deploy succeeded (Err is nil).
func (r DeployReceipt) Success() bool { return r.Err == nil }

// Success reports whether the spawn succeeded (Err is nil).
func (r SpawnReceipt) Success() bool { return r.Err == nil }

// Success reports whether the call succeeded (Err is nil).
func (r CallReceipt) Success() bool { return r.Err == nil }

// Failure returns Err.
func (r DeployReceipt) Failure() *RuntimeError { return r.Err }

// Failure returns Err.
func (r SpawnReceipt) Failure() *RuntimeError { return r.Err }

// Failure returns Err.
func (r CallReceipt) Failure() *RuntimeError { return r.Err }

// Encode returns the receipt's bytes. On failure the success fields are not encoded.
func (r DeployReceipt) Encode() []byte {
	out := putHeader(make([]byte, 0, 64), KindDeployReceipt)
	if r.Err == nil {
		out = append(out, 1)
		out = append(out, r.Template[:]...)
	} else {
		out = r.Err.appendTo(append(out, 0))
	}
	return putTail(out, r.GasUsed, r.Logs)
}

// Encode returns the receipt's bytes. On failure the success fields are not encoded.
func (r SpawnReceipt) Encode() []byte {
	out := putHeader(make([]byte, 0, 128+len(r.Returndata)), KindSpawnReceipt)
	if r.Err == nil {
		out = append(out, 1)
		out = append(out, r.Account[:]...)
		out = append(out, r.InitState[:]...)
		out = putBytes(out, r.Returndata)
	} else {
		out = r.Err.appendTo(append(out, 0))
	}
	return putCalls(putTouched(putTail(out, r.GasUsed, r.Logs), r.TouchedAccounts), r.Calls)
}

// Encode returns the receipt's bytes. On failure the success fields are not encoded.
func (r CallReceipt) Encode() []byte {
	out := putHeader(make([]byte, 0, 128+len(r.Returndata)), KindCallReceipt)
	if r.Err == nil {
		out = append(out, 1)
		out = append(out, r.NewState[:]...)
		out = putBytes(out, r.Returndata)
	} else {
		out = r.Err.appendTo(append(out, 0))
	}
	return putCalls(putTouched(putTail(out, r.GasUsed, r.Logs), r.TouchedAccounts), r.Calls)
}

func putTail(out []byte, gasUsed uint64, logs []Log) []byte {
	out = putU64(out, gasUsed)
	out = putLen(out, len(logs))
	for _, l := range logs {
		out = putBytes(putBytes(out, l.Topic), l.Data)
	}
	return out
}

// putTouched writes the accounts sorted ascending without duplicates.
func putTouched(out []byte, accounts []Address) []byte {
	sorted := append([]Address(nil), accounts...)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i][:], sorted[j][:]) < 0 })
	uniq := sorted[:0]
	for i, a := range sorted {
		if i == 0 || a != sorted[i-1] {
			uniq = append(uniq, a)
		}
	}
	out = putLen(out, len(uniq))
	for _, a := range uniq {
		out = append(out, a[:]...)
	}
	return out
}

// DecodeDeployReceipt decodes exactly one deploy receipt under DefaultLimits.
func DecodeDeployReceipt(b []byte) (*DeployReceipt, error) {
	return DecodeDeployReceiptWithLimits(b, nil)
}

// DecodeDeployReceiptWithLimits decodes exactly one deploy receipt under l (nil means
// DefaultLimits).
func DecodeDeployReceiptWithLimits(b []byte, l *Limits) (*DeployReceipt, error) {
	rc := &DeployReceipt{}
	err := decodeItem(b, orDefault(l), KindDeployReceipt, func(r *reader) *DecodeError {
		ok, err := r.bool()
		if err != nil {
			return err
		}
		if ok {
			rc.Template, err = r.templateAddr()
		} else {
			rc.Err, err = decodeRuntimeError(r)
		}
		if err != nil {
			return err
		}
		rc.GasUsed, rc.Logs, err = decodeTail(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// DecodeSpawnReceipt decodes exactly one spawn receipt under DefaultLimits.
func DecodeSpawnReceipt(b []byte) (*SpawnReceipt, error) {
	return DecodeSpawnReceiptWithLimits(b, nil)
}

// DecodeSpawnReceiptWithLimits decodes exactly one spawn receipt under l (nil means
// DefaultLimits).
func DecodeSpawnReceiptWithLimits(b []byte, l *Limits) (*SpawnReceipt, error) {
	rc := &SpawnReceipt{}
	err := decodeItem(b, orDefault(l), KindSpawnReceipt, func(r *reader) *DecodeError {
		ok, err := r.bool()
		if err != nil {
			return err
		}
		if ok {
			if rc.Account, err = r.address(); err != nil {
				return err
			}
			if rc.InitState, err = r.state(); err != nil {
				return err
			}
			rc.Returndata, err = r.bytes("returndata", lim(r.lim.MaxReturndata))
		} else {
			rc.Err, err = decodeRuntimeError(r)
		}
		if err != nil {
			return err
		}
		if rc.GasUsed, rc.Logs, err = decodeTail(r); err != nil {
			return err
		}
		if rc.TouchedAccounts, err = decodeTouched(r); err != nil {
			return err
		}
		rc.Calls, err = decodeCalls(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// DecodeCallReceipt decodes exactly one call receipt under DefaultLimits.
func DecodeCallReceipt(b []byte) (*CallReceipt, error) {
	return DecodeCallReceiptWithLimits(b, nil)
}

// DecodeCallReceiptWithLimits decodes exactly one call receipt under l (nil means
// DefaultLimits).
func DecodeCallReceiptWithLimits(b []byte, l *Limits) (*CallReceipt, error) {
	rc := &CallReceipt{}
	err := decodeItem(b, orDefault(l), KindCallReceipt, func(r *reader) *DecodeError {
		ok, err := r.bool()
		if err != nil {
			return err
		}
		if ok {
			if rc.NewState, err = r.state(); err != nil {
				return err
			}
			rc.Returndata, err = r.bytes("returndata", lim(r.lim.MaxReturndata))
		} else {
			rc.Err, err = decodeRuntimeError(r)
		}
		if err != nil {
			return err
		}
		if rc.GasUsed, rc.Logs, err = decodeTail(r); err != nil {
			return err
		}
		if rc.TouchedAccounts, err = decodeTouched(r); err != nil {
			return err
		}
		rc.Calls, err = decodeCalls(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// DecodeReceipt decodes any receipt under DefaultLimits, choosing its type from the item
// kind byte (a kind that is neither spawn nor call receipt is decoded as a deploy receipt,
// whose decoder reports the exact header error).
func DecodeReceipt(b []byte) (Receipt, error) {
	return DecodeReceiptWithLimits(b, nil)
}

// DecodeReceiptWithLimits is DecodeReceipt under l (nil means DefaultLimits).
func DecodeReceiptWithLimits(b []byte, l *Limits) (Receipt, error) {
	var kind byte
	if len(b) > 2 {
		kind = b[2]
	}
	switch kind {
	case KindSpawnReceipt:
		r, err := DecodeSpawnReceiptWithLimits(b, l)
		if err != nil {
			return nil, err
		}
		return r, nil
	case KindCallReceipt:
		r, err := DecodeCallReceiptWithLimits(b, l)
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	r, err := DecodeDeployReceiptWithLimits(b, l)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func decodeTail(r *reader) (uint64, []Log, *DecodeError) {
	gas, err := r.u64()
	if err != nil {
		return 0, nil, err
	}
	n, err := r.count("log count", lim(r.lim.MaxLogs), 8)
	if err != nil {
		return 0, nil, err
	}
	logs := make([]Log, n)
	max := lim(r.lim.MaxLogSize)
	for i := range logs {
		if logs[i].Topic, err = r.bytes("log topic", max); err != nil {
			return 0, nil, err
		}
		if logs[i].Data, err = r.bytes("log data", max); err != nil {
			return 0, nil, err
		}
	}
	return gas, logs, nil
}

func decodeTouched(r *reader) ([]Address, *DecodeError) {
	n, err := r.count("touched account count", lim(r.lim.MaxTouchedAccounts), 20)
	if err != nil {
		return nil, err
	}
	accounts := make([]Address, n)
	for i := range accounts {
		at := r.offset()
		if accounts[i], err = r.address(); err != nil {
			return nil, err
		}
		if i > 0 && bytes.Compare(accounts[i-1][:], accounts[i][:]) >= 0 {
			return nil, errNonCanonical(at, "touched accounts (not strictly ascending)")
		}
	}
	return accounts, nil
}
