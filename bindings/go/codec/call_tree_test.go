package codec

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// sampleCalls is a call tree with every kind, several statuses, a non-ASCII and an empty
// function name, and the gas extremes.
func sampleCalls() []CallFrame {
	return []CallFrame{
		{Depth: 1, Kind: CallKindCall, Caller: Address{2}, Callee: Address{3}, Function: "transfer",
			GasUsed: 90000, Status: CallOK},
		{Depth: 2, Kind: CallKindStatic, Caller: Address{3}, Callee: Address{4}, Function: "prix_é✓",
			GasUsed: 0, Status: CallFailed},
		{Depth: 1, Kind: CallKindAsync, Caller: Address{2}, Callee: Address{5}, Function: "",
			GasUsed: 1<<64 - 1, Status: CallReentrant},
		{Depth: 255, Kind: CallKindCallback, Caller: Address{5}, Callee: Address{2}, Function: "on_notify",
			GasUsed: 20000, Status: CallDepthExceeded},
	}
}

// failedCallReceipt is an out-of-gas call receipt without logs or touched accounts: its
// call frame count is at byte 22 and its first frame at byte 26.
func failedCallReceipt(calls []CallFrame) CallReceipt {
	return CallReceipt{Err: &RuntimeError{Kind: CodeOutOfGas}, Logs: []Log{}, TouchedAccounts: []Address{},
		Calls: calls}
}

func TestCallKindsAndStatuses(t *testing.T) {
	kinds := []string{"call", "static", "async", "callback"}
	for i, name := range kinds {
		if k := CallKind(i); !k.Known() || k.String() != name {
			t.Errorf("call kind %d: %v %q", i, k.Known(), k.String())
		}
	}
	if CallKind(4).Known() || CallKind(4).String() != "unknown(4)" {
		t.Errorf("call kind 4 is known")
	}
	statuses := []string{"ok", "failed", "out-of-gas", "account-not-found", "no-template",
		"function-not-found", "insufficient-funds", "depth-exceeded", "reentrant"}
	for i, name := range statuses {
		if s := CallStatus(i); !s.Known() || s.String() != name {
			t.Errorf("call status %d: %v %q", i, s.Known(), s.String())
		}
	}
	if CallStatus(9).Known() || CallStatus(255).String() != "unknown(255)" {
		t.Errorf("call status 9 is known")
	}
	if CallKindCallback != 3 || CallOutOfGas != 2 || CallInsufficientFunds != 6 || CallReentrant != 8 {
		t.Errorf("call kind or status codes moved")
	}
}

func TestCallTreeVector(t *testing.T) {
	var vec *validVector
	for _, v := range loadVectors(t).Valid {
		if v.Name == "call receipt with a call tree" {
			v := v
			vec = &v
		}
	}
	if vec == nil {
		t.Fatal("no vector \"call receipt with a call tree\"")
	}
	b := mustHex(t, vec.Hex)
	r, err := DecodeCallReceipt(b)
	if err != nil {
		t.Fatal(err)
	}
	a := func(n byte) Address {
		var x Address
		for i := range x {
			x[i] = n
		}
		return x
	}
	want := []CallFrame{
		{Depth: 1, Kind: CallKindCall, Caller: a(2), Callee: a(3), Function: "transfer", GasUsed: 90000, Status: CallOK},
		{Depth: 2, Kind: CallKindStatic, Caller: a(3), Callee: a(4), Function: "price", GasUsed: 30000, Status: CallFailed},
		{Depth: 1, Kind: CallKindAsync, Caller: a(2), Callee: a(5), Function: "notify", GasUsed: 40000, Status: CallReentrant},
		{Depth: 1, Kind: CallKindCallback, Caller: a(5), Callee: a(2), Function: "on_notify", GasUsed: 20000, Status: CallOutOfGas},
	}
	if !reflect.DeepEqual(r.Calls, want) {
		t.Errorf("calls:\n got %+v\nwant %+v", r.Calls, want)
	}
	built := CallReceipt{NewState: r.NewState, Returndata: []byte{1}, GasUsed: 250000,
		TouchedAccounts: []Address{a(2), a(1)}, Calls: want}
	if !bytes.Equal(built.Encode(), b) {
		t.Errorf("encoding differs:\n got %x\nwant %x", built.Encode(), b)
	}
}

func TestCallTreeRoundTrip(t *testing.T) {
	calls := sampleCalls()
	for _, r := range []Receipt{
		&SpawnReceipt{Account: Address{1}, InitState: State{2}, Returndata: []byte{}, Logs: []Log{},
			TouchedAccounts: []Address{{1}}, Calls: calls},
		&SpawnReceipt{Err: &RuntimeError{Kind: CodeTrap, Message: "x"}, Logs: []Log{}, TouchedAccounts: []Address{},
			Calls: calls[:1]},
		&CallReceipt{NewState: State{3}, Returndata: []byte{9}, GasUsed: 7, Logs: []Log{},
			TouchedAccounts: []Address{}, Calls: calls},
		&CallReceipt{Err: &RuntimeError{Kind: CodeOutOfGas}, Logs: []Log{}, TouchedAccounts: []Address{},
			Calls: []CallFrame{}},
	} {
		b := r.Encode()
		got, err := DecodeReceipt(b)
		if err != nil {
			t.Fatalf("%T: %v", r, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Errorf("%T: re-encoding differs", r)
		}
	}

	// A nil tree encodes as an empty one (and decodes as an empty, non-nil slice).
	nilTree := failedCallReceipt(nil).Encode()
	if !bytes.Equal(nilTree, failedCallReceipt([]CallFrame{}).Encode()) ||
		!bytes.Equal(nilTree[len(nilTree)-4:], []byte{0, 0, 0, 0}) {
		t.Errorf("a nil call tree encodes as %x", nilTree)
	}
	if got, err := DecodeCallReceipt(nilTree); err != nil || got.Calls == nil || len(got.Calls) != 0 {
		t.Errorf("empty call tree decodes as %#v, %v", got, err)
	}

	// The layout: depth, kind, caller, callee, function, gas used, status.
	b := failedCallReceipt(calls[:1]).Encode()
	frame := b[26:]
	want := append([]byte{1, 0}, bytes.Repeat([]byte{0}, 40)...)
	want[2], want[22] = 2, 3
	want = append(want, 0, 0, 0, 8)
	want = append(want, "transfer"...)
	want = append(want, 0, 0, 0, 0, 0, 1, 0x5f, 0x90, 0)
	if !bytes.Equal(b[22:26], []byte{0, 0, 0, 1}) || !bytes.Equal(frame, want) {
		t.Errorf("frame bytes %x, want %x", frame, want)
	}
}

func TestCallTreeErrors(t *testing.T) {
	frame := sampleCalls()[:1]
	frame[0].Function = ""
	b := failedCallReceipt(frame).Encode() // count at 22, depth 26, kind 27, status 80

	bad := append([]byte{}, b...)
	bad[27] = 4
	_, err := DecodeCallReceipt(bad)
	wantErr(t, err, 27, ErrUnknownCallKind, "unknown call kind 4")
	bad[27] = 0xff
	_, err = DecodeReceipt(bad)
	wantErr(t, err, 27, ErrUnknownCallKind, "unknown call kind 255")

	bad = append([]byte{}, b...)
	bad[80] = 9
	_, err = DecodeCallReceipt(bad)
	wantErr(t, err, 80, ErrUnknownCallStatus, "unknown call status 9")
	spawn := SpawnReceipt{Err: &RuntimeError{Kind: CodeOutOfGas}, Calls: frame}
	bad = spawn.Encode()
	bad[len(bad)-1] = 200
	_, err = DecodeSpawnReceipt(bad)
	wantErr(t, err, len(bad)-1, ErrUnknownCallStatus, "unknown call status 200")

	if ErrUnknownCallKind.Error() != "unknown call kind" || ErrUnknownCallStatus.Error() != "unknown call status" {
		t.Errorf("kind names: %q, %q", ErrUnknownCallKind.Error(), ErrUnknownCallStatus.Error())
	}

	// A count the rest of the input cannot hold (55 bytes a frame at least).
	_, err = DecodeCallReceipt(b[:80])
	wantErr(t, err, 22, ErrUnexpectedEnd, "input ends early: need 55 more bytes, 54 left")
	_, err = DecodeCallReceipt(b[:24])
	wantErr(t, err, 22, ErrUnexpectedEnd, "input ends early: need 4 more bytes, 2 left")
	// A long function name runs past the end of the input.
	long := failedCallReceipt([]CallFrame{{Function: "abcdefghijklmnopqrstuvwxyz"}}).Encode()
	_, err = DecodeCallReceipt(long[:90])
	wantErr(t, err, 72, ErrUnexpectedEnd, "input ends early: need 26 more bytes, 18 left")

	// The function name is a string: UTF-8, at most MaxStringLen bytes.
	_, err = DecodeCallReceipt(failedCallReceipt([]CallFrame{{Function: "ab\xc3"}}).Encode())
	wantErr(t, err, 74, ErrInvalidUTF8, "invalid UTF-8 in call frame function")
	_, err = DecodeCallReceipt(failedCallReceipt([]CallFrame{{Function: strings.Repeat("f", 1025)}}).Encode())
	wantErr(t, err, 68, ErrLimitExceeded, "call frame function of 1025 exceeds the limit 1024")

	// An unknown kind or status encodes as is and does not decode.
	_, err = DecodeCallReceipt(failedCallReceipt([]CallFrame{{Kind: 7}}).Encode())
	wantErr(t, err, 27, ErrUnknownCallKind, "unknown call kind 7")
}

func TestCallFrameLimit(t *testing.T) {
	calls := make([]CallFrame, 1025)
	b := failedCallReceipt(calls).Encode()
	_, err := DecodeCallReceipt(b)
	wantErr(t, err, 22, ErrLimitExceeded, "call frame count of 1025 exceeds the limit 1024")
	_, err = DecodeCallReceiptWithLimits(b, nil)
	wantErr(t, err, 22, ErrLimitExceeded, "call frame count of 1025 exceeds the limit 1024")
	_, err = DecodeReceipt(b)
	wantErr(t, err, 22, ErrLimitExceeded, "call frame count of 1025 exceeds the limit 1024")
	if got, err := DecodeCallReceipt(failedCallReceipt(calls[:1024]).Encode()); err != nil || len(got.Calls) != 1024 {
		t.Errorf("1,024 frames: %v", err)
	}

	l := DefaultLimits()
	l.MaxCallFrames = 1025
	if got, err := DecodeCallReceiptWithLimits(b, &l); err != nil || len(got.Calls) != 1025 {
		t.Errorf("raised limit: %v", err)
	}
	unlimited := UnlimitedLimits()
	if _, err := DecodeCallReceiptWithLimits(b, &unlimited); err != nil {
		t.Errorf("unlimited: %v", err)
	}
	for _, max := range []int{0, -1} {
		l.MaxCallFrames = max
		one := failedCallReceipt(calls[:1]).Encode()
		_, err = DecodeCallReceiptWithLimits(one, &l)
		wantErr(t, err, 22, ErrLimitExceeded, "call frame count of 1 exceeds the limit 0")
		if _, err := DecodeCallReceiptWithLimits(failedCallReceipt(nil).Encode(), &l); err != nil {
			t.Errorf("limit %d, no frames: %v", max, err)
		}
	}
	spawn := SpawnReceipt{Err: &RuntimeError{Kind: CodeOutOfGas}, Calls: calls}
	_, err = DecodeSpawnReceipt(spawn.Encode())
	wantErr(t, err, 22, ErrLimitExceeded, "call frame count of 1025 exceeds the limit 1024")
}
