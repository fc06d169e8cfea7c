package codec

import "fmt"

// CallKind is how a call-tree frame was called (codec.md §7.2).
type CallKind uint8

// The call kinds of codec.md §7.2.
const (
	// CallKindCall (0): a synchronous call (svm_call), which may change state.
	CallKindCall CallKind = 0
	// CallKindStatic (1): a read-only call (svm_static_call).
	CallKindStatic CallKind = 1
	// CallKindAsync (2): an asynchronous call (svm_call_async), run after the transaction.
	CallKindAsync CallKind = 2
	// CallKindCallback (3): the callback of an asynchronous call, into the account that
	// queued it.
	CallKindCallback CallKind = 3
)

var callKindNames = [...]string{
	CallKindCall:     "call",
	CallKindStatic:   "static",
	CallKindAsync:    "async",
	CallKindCallback: "callback",
}

// Known reports whether k is one of the kinds of codec.md §7.2.
func (k CallKind) Known() bool { return int(k) < len(callKindNames) }

// String returns the JSON name of the kind ("call", "static", "async", "callback"), or
// "unknown(N)".
func (k CallKind) String() string {
	if k.Known() {
		return callKindNames[k]
	}
	return fmt.Sprintf("unknown(%d)", uint8(k))
}

// CallStatus is how a call-tree frame ended: the status code the caller's svm_call returned,
// 0 being success (codec.md §7.2).
type CallStatus uint8

// The call statuses of codec.md §7.2.
const (
	// CallOK (0): the callee returned; its changes are kept.
	CallOK CallStatus = 0
	// CallFailed (1): the callee failed (trap, abort, bad argument, a write in a static
	// call...).
	CallFailed CallStatus = 1
	// CallOutOfGas (2): the callee ran out of the gas it was given.
	CallOutOfGas CallStatus = 2
	// CallAccountNotFound (3): no account at the callee's address.
	CallAccountNotFound CallStatus = 3
	// CallNoTemplate (4): the callee's account has no template.
	CallNoTemplate CallStatus = 4
	// CallFunctionNotFound (5): the function is not an exported () -> () function, or is a
	// constructor.
	CallFunctionNotFound CallStatus = 5
	// CallInsufficientFunds (6): the caller's account cannot pay the amount.
	CallInsufficientFunds CallStatus = 6
	// CallDepthExceeded (7): the call would pass the depth limit.
	CallDepthExceeded CallStatus = 7
	// CallReentrant (8): the callee is already running in this call stack (reentrancy is
	// refused).
	CallReentrant CallStatus = 8
)

var callStatusNames = [...]string{
	CallOK:                "ok",
	CallFailed:            "failed",
	CallOutOfGas:          "out-of-gas",
	CallAccountNotFound:   "account-not-found",
	CallNoTemplate:        "no-template",
	CallFunctionNotFound:  "function-not-found",
	CallInsufficientFunds: "insufficient-funds",
	CallDepthExceeded:     "depth-exceeded",
	CallReentrant:         "reentrant",
}

// Known reports whether s is one of the statuses of codec.md §7.2.
func (s CallStatus) Known() bool { return int(s) < len(callStatusNames) }

// String returns the JSON name of the status ("ok", "out-of-gas", ...), or "unknown(N)".
func (s CallStatus) String() string {
	if s.Known() {
		return callStatusNames[s]
	}
	return fmt.Sprintf("unknown(%d)", uint8(s))
}

// CallFrame is one contract-to-contract call of a transaction, an entry of the call tree of
// a spawn or call receipt (codec.md §7.2). The transaction's own call is the receipt itself
// and is not a frame.
type CallFrame struct {
	// Depth is 1 for a call made by the transaction's code, 2 for a call made by that
	// callee, and so on; an asynchronous call and a callback run at depth 1 (they start a
	// stack of their own).
	Depth uint8
	// Kind is how the frame was called.
	Kind CallKind
	// Caller is the account whose code made the call (for a callback: the account that
	// answers).
	Caller Address
	// Callee is the account whose code ran (for a callback: the account that queued the
	// call).
	Callee Address
	// Function is the function called.
	Function string
	// GasUsed is the gas the frame used, its own calls included.
	GasUsed uint64
	// Status is how the frame ended.
	Status CallStatus
}

// minFrameSize is a frame's least size on the wire (an empty function name): depth, kind,
// caller, callee, function length, gas used, status.
const minFrameSize = 1 + 1 + 20 + 20 + 4 + 8 + 1

// putCalls writes the call tree in order. An unknown kind or status is written as is (and
// will not decode).
func putCalls(out []byte, calls []CallFrame) []byte {
	out = putLen(out, len(calls))
	for _, c := range calls {
		out = append(out, c.Depth, byte(c.Kind))
		out = append(out, c.Caller[:]...)
		out = append(out, c.Callee[:]...)
		out = putStr(out, c.Function)
		out = putU64(out, c.GasUsed)
		out = append(out, byte(c.Status))
	}
	return out
}

func decodeCalls(r *reader) ([]CallFrame, *DecodeError) {
	n, err := r.count("call frame count", lim(r.lim.MaxCallFrames), minFrameSize)
	if err != nil {
		return nil, err
	}
	calls := make([]CallFrame, n)
	for i := range calls {
		c := &calls[i]
		if c.Depth, err = r.u8(); err != nil {
			return nil, err
		}
		at := r.offset()
		var kind, status byte
		if kind, err = r.u8(); err != nil {
			return nil, err
		}
		if c.Kind = CallKind(kind); !c.Kind.Known() {
			return nil, newErr(at, ErrUnknownCallKind, "unknown call kind %d", kind)
		}
		if c.Caller, err = r.address(); err != nil {
			return nil, err
		}
		if c.Callee, err = r.address(); err != nil {
			return nil, err
		}
		if c.Function, err = r.str("call frame function"); err != nil {
			return nil, err
		}
		if c.GasUsed, err = r.u64(); err != nil {
			return nil, err
		}
		at = r.offset()
		if status, err = r.u8(); err != nil {
			return nil, err
		}
		if c.Status = CallStatus(status); !c.Status.Known() {
			return nil, newErr(at, ErrUnknownCallStatus, "unknown call status %d", status)
		}
	}
	return calls, nil
}
