package codec

import (
	"bytes"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// recorder collects Errorf calls instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...interface{}) {
	r.errs = append(r.errs, format)
}

func TestCompareJSONDetectsDifferences(t *testing.T) {
	vec := loadVectors(t).Valid[0]
	env, err := DecodeEnvelope(mustHex(t, vec.Hex))
	if err != nil {
		t.Fatal(err)
	}
	env.Amount++
	env.Nonce.Hi = 0
	rec := &recorder{TB: t}
	compareJSON(rec, "envelope", normalize(t, envelopeJSON(env)), unmarshalNumbers(t, vec.JSON))
	if len(rec.errs) != 2 {
		t.Fatalf("compareJSON found %d differences, want 2", len(rec.errs))
	}
}

func decodeErr(t *testing.T, err error) *DecodeError {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("want a *DecodeError, got %v", err)
	}
	return de
}

func wantErr(t *testing.T, err error, offset int, kind DecodeErrorKind, message string) {
	t.Helper()
	de := decodeErr(t, err)
	if de.Offset != offset || de.Kind != kind || de.Message != message {
		t.Errorf("got %q (kind %v), want at byte %d: %q (kind %v)", de.Error(), de.Kind, offset, message, kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("errors.Is(err, %v) is false", kind)
	}
}

func sampleEnvelope(t TxType) Envelope {
	return Envelope{Type: t, Principal: Address{1, 2, 3}, Amount: 10, Nonce: Nonce{Hi: 1, Lo: 2},
		GasLimit: 1000000, GasFee: 2}
}

func TestEnvelopeAndContextRoundTrip(t *testing.T) {
	for _, tt := range []TxType{TxDeploy, TxSpawn, TxCall} {
		e := sampleEnvelope(tt)
		b := e.Encode()
		if len(b) != EnvelopeSize {
			t.Fatalf("envelope is %d bytes", len(b))
		}
		got, err := DecodeEnvelope(b)
		if err != nil || got != e {
			t.Errorf("envelope round trip: %+v, %v", got, err)
		}
	}
	c := Context{Layer: 1<<64 - 1, TxId: TxId{9, 9, 9}}
	b := c.Encode()
	if len(b) != ContextSize {
		t.Fatalf("context is %d bytes", len(b))
	}
	if got, err := DecodeContext(b); err != nil || got != c {
		t.Errorf("context round trip: %+v, %v", got, err)
	}
	_, err := DecodeContext(append(b, 1, 2))
	wantErr(t, err, ContextSize, ErrTrailingBytes, "2 trailing bytes")
	_, err = DecodeEnvelope(b)
	wantErr(t, err, 2, ErrUnexpectedItemKind, "expected item kind 0x01, found 0x02")
}

func TestMessagesRoundTrip(t *testing.T) {
	api := `[{"name":"init"}]`
	msgs := []Message{
		SpawnMessage{Template: TemplateAddr{0xb5}, Name: "My Account", Ctor: "initialize", Calldata: []byte{1, 2, 3}},
		SpawnMessage{Calldata: []byte{}},
		CallMessage{Target: Address{6}, Function: "store_addr", Calldata: bytes.Repeat([]byte{0x0d}, 21)},
		DeployMessage{
			Code:   CodeSection{Kind: CodeKindWasm, Flags: CodeFlagExec, Code: []byte("\x00asm\x01\x00\x00\x00")},
			Data:   DataSection{Vars: []uint32{4, 20}},
			Ctors:  []string{"initialize", "init2"},
			API:    &api,
			Header: &HeaderSection{CodeVersion: 3, Name: "W", Description: "d"},
			Extra:  []RawSection{{Kind: 0x9000, Body: []byte{1}}, {Kind: 0x8000, Body: []byte{}}},
		},
	}
	for _, m := range msgs {
		b := m.Encode()
		got, err := DecodeMessage(b)
		if err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Errorf("%T: re-encoding differs", m)
		}
		if got.TxType() != m.TxType() {
			t.Errorf("%T: type %v", m, got.TxType())
		}
	}
	d, err := DecodeDeployMessage(msgs[3].Encode())
	if err != nil {
		t.Fatal(err)
	}
	if d.Extra[0].Kind != 0x8000 || d.Extra[1].Kind != 0x9000 {
		t.Errorf("extra sections not sorted on encoding: %+v", d.Extra)
	}
	if *d.API != api || d.Header.CodeVersion != 3 || !reflect.DeepEqual(d.Data.Vars, []uint32{4, 20}) {
		t.Errorf("deploy fields: %+v", d)
	}
	if _, err := DecodeMessageAs(TxType(7), msgs[0].Encode(), nil); err == nil {
		t.Errorf("DecodeMessageAs accepted an unknown type")
	}
}

func TestDeployErrors(t *testing.T) {
	base := DeployMessage{Code: CodeSection{Kind: CodeKindWasm}, Ctors: []string{"a", "a"}}
	b := base.Encode()
	// header 3 | count 2 | code section 2+4+14 at 5 | data section 2+4+5 at 25 | ctors at 36:
	// kind 2, len 4, count 4 at 42, first name at 46, second at 51.
	_, err := DecodeDeployMessage(b)
	wantErr(t, err, 51, ErrNonCanonical, "non-canonical constructor list (duplicate name)")

	base.Ctors = []string{"a"}
	base.Code.Flags = 2
	_, err = DecodeDeployMessage(base.Encode())
	wantErr(t, err, 13, ErrReservedFlags, "reserved code flag bits set: 0x0000000000000002")

	base.Code.Flags = 0
	base.Code.Kind = 2
	_, err = DecodeDeployMessage(base.Encode())
	wantErr(t, err, 11, ErrUnknownCodeKind, "unknown code kind 2")

	// A section body with a byte more than its decoder reads.
	b = []byte{0, 0, 0x10, 0, 1, 0, 2, 0, 0, 0, 6, 1, 0, 0, 0, 0, 0xff}
	_, err = DecodeDeployMessage(b)
	wantErr(t, err, 16, ErrTrailingBytes, "1 trailing bytes")
	// Kind 0 is unknown (must-understand).
	_, err = DecodeDeployMessage([]byte{0, 0, 0x10, 0, 1, 0, 0, 0, 0, 0, 0})
	wantErr(t, err, 5, ErrUnknownSectionKind, "unknown required section kind 0x0000")
	// An optional section alone: kept, then code is missing.
	_, err = DecodeDeployMessage([]byte{0, 0, 0x10, 0, 1, 0x80, 0, 0, 0, 0, 1, 7})
	wantErr(t, err, 3, ErrMissingSection, "missing required section code")
	// A section longer than the input.
	_, err = DecodeDeployMessage([]byte{0, 0, 0x10, 0, 1, 0x80, 0, 0, 0, 0, 9, 7})
	wantErr(t, err, 11, ErrUnexpectedEnd, "input ends early: need 9 more bytes, 1 left")
	// Unknown layout kind.
	_, err = DecodeDeployMessage([]byte{0, 0, 0x10, 0, 1, 0, 2, 0, 0, 0, 1, 2})
	wantErr(t, err, 11, ErrUnknownLayoutKind, "unknown data layout kind 2")
}

func TestTransaction(t *testing.T) {
	call := CallMessage{Target: Address{6}, Function: "run", Calldata: []byte{}}
	tx := NewTransaction(sampleEnvelope(TxDeploy), []byte{7, 7}, call)
	if tx.Envelope.Type != TxCall {
		t.Fatalf("NewTransaction did not set the type from the message")
	}
	b := tx.Encode()
	got, err := DecodeTransaction(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tx) {
		t.Errorf("round trip: %+v, want %+v", got, tx)
	}
	m, err := got.DecodeMessage()
	if err != nil || !reflect.DeepEqual(m, call) {
		t.Errorf("DecodeMessage: %+v, %v", m, err)
	}

	start := EnvelopeSize + 4 + 2
	bad := append([]byte{}, b...)
	bad[3] = byte(TxSpawn)
	_, err = DecodeTransaction(bad)
	wantErr(t, err, start+2, ErrTxTypeMismatch, "message kind 0x12 does not match envelope type 1")

	// A message with another version is decoded as the envelope's type (no mismatch error).
	bad = append([]byte{}, b...)
	bad[start+1] = 1
	_, err = DecodeTransaction(bad)
	wantErr(t, err, start, ErrUnsupportedVersion, "unsupported version 1 (this codec reads version 0)")

	// Message errors are reported from the start of the transaction.
	_, err = DecodeTransaction(b[:len(b)-1])
	wantErr(t, err, len(b)-4, ErrUnexpectedEnd, "input ends early: need 4 more bytes, 3 left")

	_, err = DecodeTransaction(b[:EnvelopeSize+3])
	wantErr(t, err, EnvelopeSize, ErrUnexpectedEnd, "input ends early: need 4 more bytes, 3 left")
	_, err = DecodeTransaction(b[:EnvelopeSize+5])
	wantErr(t, err, EnvelopeSize+4, ErrUnexpectedEnd, "input ends early: need 2 more bytes, 1 left")
	_, err = DecodeTransaction(b[:EnvelopeSize+6])
	wantErr(t, err, EnvelopeSize+6, ErrUnexpectedEnd, "input ends early: need 2 more bytes, 0 left")
	_, err = DecodeTransaction(b[:10])
	wantErr(t, err, 4, ErrUnexpectedEnd, "input ends early: need 20 more bytes, 6 left")

	big := NewTransaction(sampleEnvelope(TxCall), make([]byte, 64<<10+1), call)
	_, err = DecodeTransaction(big.Encode())
	wantErr(t, err, EnvelopeSize, ErrLimitExceeded, "verifydata of 65537 exceeds the limit 65536")
	unlimited := UnlimitedLimits()
	if _, err := DecodeTransactionWithLimits(big.Encode(), &unlimited); err != nil {
		t.Errorf("unlimited: %v", err)
	}
}

func TestLimits(t *testing.T) {
	m := CallMessage{Function: "f", Calldata: make([]byte, 64<<10+1)}
	_, err := DecodeCallMessage(m.Encode())
	wantErr(t, err, 28, ErrLimitExceeded, "calldata of 65537 exceeds the limit 65536")
	l := DefaultLimits()
	l.MaxCalldata = 1 << 20
	if _, err := DecodeCallMessageWithLimits(m.Encode(), &l); err != nil {
		t.Errorf("raised limit: %v", err)
	}
	huge := make([]byte, 4<<20+1)
	_, err = DecodeSpawnMessage(huge)
	wantErr(t, err, 0, ErrLimitExceeded, "input size of 4194305 exceeds the limit 4194304")
	_, err = DecodeTransaction(huge)
	wantErr(t, err, 0, ErrLimitExceeded, "input size of 4194305 exceeds the limit 4194304")

	s := SpawnMessage{Name: strings.Repeat("x", 1025)}
	_, err = DecodeSpawnMessage(s.Encode())
	wantErr(t, err, 23, ErrLimitExceeded, "account name of 1025 exceeds the limit 1024")

	// A count that the rest of the input cannot hold is refused before allocating.
	r := []byte{0, 0, 0x22, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	_, err = DecodeCallReceipt(r)
	wantErr(t, err, 14, ErrUnexpectedEnd, "input ends early: need 8 more bytes, 4 left")
	r = []byte{0, 0, 0x22, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}
	_, err = DecodeCallReceipt(r)
	wantErr(t, err, 14, ErrLimitExceeded, "log count of 257 exceeds the limit 256")
}

func TestInvalidUTF8Offsets(t *testing.T) {
	for _, c := range []struct {
		name string
		bad  int
	}{
		{"ok é ✓", -1},
		{"a\xe9", 1},
		{"ab\xc3", 2},
		{"\xed\xa0\x80", 0}, // a surrogate
		{"xy\xf4\x90\x80\x80", 2},
		{"\xc0\x80", 0}, // overlong
		{"\xef\xbf\xbd\xff", 3},
	} {
		if got := invalidUTF8At([]byte(c.name)); got != c.bad {
			t.Errorf("%q: invalid at %d, want %d", c.name, got, c.bad)
		}
	}
	m := CallMessage{Function: "ab\xc3"}
	_, err := DecodeCallMessage(m.Encode())
	wantErr(t, err, 29, ErrInvalidUTF8, "invalid UTF-8 in function name")
}

func allRuntimeErrors() []*RuntimeError {
	max := Nonce{Hi: ^uint64(0), Lo: ^uint64(0)}
	return []*RuntimeError{
		{Kind: CodeOutOfGas},
		{Kind: CodeTemplateNotFound, Template: TemplateAddr{2}},
		{Kind: CodeAccountNotFound, Account: Address{3}},
		{Kind: CodeCompilationFailed, Message: "bad wasm"},
		{Kind: CodeInstantiationFailed, Message: "no memory"},
		{Kind: CodeFuncNotFound, Function: "nope"},
		{Kind: CodeFuncNotCtor, Function: "run"},
		{Kind: CodeFuncNotAllowed, Function: "init", Message: "constructor"},
		{Kind: CodeFuncInvalidSignature, Function: "f"},
		{Kind: CodeTrap, Message: "unreachable executed"},
		{Kind: CodeInsufficientFunds},
		{Kind: CodeNonceMismatch, Expected: Nonce{Lo: 1}, Found: max},
		{Kind: CodeValidationFailed, Message: "ctor missing"},
		{Kind: CodeTemplateAlreadyExists, Template: TemplateAddr{14}},
		{Kind: CodeAccountAlreadyExists, Account: Address{15}},
		{Kind: CodeVerifyFailed},
		{Kind: CodeInvalidMessage, Message: "at byte 3: ..."},
		{Kind: CodeGasFeeTooLow, Bound: 1, GasFound: 0},
		{Kind: CodeGasLimitTooHigh, Bound: 1e9, GasFound: 1<<64 - 1},
		{Kind: CodeNonceExhausted},
		{Kind: CodePrincipalNotFound, Account: Address{21}},
		{Kind: CodeNoTemplate, Account: Address{22}},
		{Kind: CodeAccountGasCap, Account: Address{23}, Bound: 5000, GasFound: 100000},
		{Kind: CodeGasLimitTooLow, Bound: 10340, GasFound: 0},
	}
}

func TestReceiptsRoundTrip(t *testing.T) {
	logs := []Log{{Topic: []byte{}, Data: []byte("hello")}, {Topic: []byte{1, 2}, Data: []byte{}}}
	touched := []Address{{1}, {2}, {3}}
	calls := sampleCalls()
	receipts := []Receipt{
		&DeployReceipt{Template: TemplateAddr{0xb2}, GasUsed: 5000, Logs: []Log{}},
		&SpawnReceipt{Account: Address{0xc6}, InitState: State{7}, Returndata: []byte{1, 1}, GasUsed: 20000,
			Logs: logs, TouchedAccounts: touched, Calls: calls},
		&CallReceipt{NewState: State{9}, Returndata: []byte{}, GasUsed: 1<<64 - 1, Logs: logs,
			TouchedAccounts: touched, Calls: calls},
	}
	for i, e := range allRuntimeErrors() {
		if e.Code() != ErrorCode(i+1) || !e.Code().Known() || e.Error() == "" {
			t.Errorf("error %d: code %d", i+1, e.Code())
		}
		receipts = append(receipts,
			&DeployReceipt{Err: e, GasUsed: uint64(i), Logs: []Log{}},
			&SpawnReceipt{Err: e, GasUsed: uint64(i), Logs: logs, TouchedAccounts: []Address{},
				Calls: calls[:i%len(calls)]},
			&CallReceipt{Err: e, GasUsed: uint64(i), Logs: []Log{}, TouchedAccounts: touched,
				Calls: []CallFrame{}})
	}
	for _, r := range receipts {
		b := r.Encode()
		got, err := DecodeReceipt(b)
		if err != nil {
			t.Fatalf("%T %v: %v", r, r.Failure(), err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
		}
		if got.Success() != (r.Failure() == nil) || got.TxType() != r.TxType() {
			t.Errorf("%T: Success/TxType differ", r)
		}
	}
}

func TestRuntimeErrorText(t *testing.T) {
	for _, c := range []struct {
		e    RuntimeError
		text string
	}{
		{RuntimeError{Kind: CodeFuncNotFound, Function: "nope"}, `function "nope" not found`},
		{RuntimeError{Kind: CodeNonceMismatch, Expected: Nonce{Lo: 1}, Found: Nonce{Hi: 1}},
			"nonce mismatch: expected 1, found 18446744073709551616"},
		{RuntimeError{Kind: CodeAccountNotFound, Account: Address{0xab}},
			"account ab00000000000000000000000000000000000000 not found"},
		{RuntimeError{Kind: CodeGasLimitTooHigh, Bound: 5, GasFound: 6}, "gas limit too high: at most 5, found 6"},
		{RuntimeError{Kind: CodeGasLimitTooLow, Bound: 6, GasFound: 5}, "gas limit too low: at least 6, found 5"},
		{RuntimeError{Kind: CodeAccountGasCap, Account: Address{0xab}, Bound: 5, GasFound: 6},
			"account ab00000000000000000000000000000000000000 has 5 gas left in this layer, the gas limit is 6"},
		{RuntimeError{Kind: 99}, "unknown runtime error code 99"},
	} {
		var err error = &c.e
		if err.Error() != c.text {
			t.Errorf("got %q, want %q", err.Error(), c.text)
		}
	}
	if ErrorCode(25).Known() || ErrorCode(0).Known() || CodeTrap.String() != "trap" ||
		CodeAccountGasCap.String() != "account-gas-cap" ||
		CodeGasLimitTooLow.String() != "gas-limit-too-low" {
		t.Errorf("ErrorCode.Known/String")
	}
}

func TestTouchedAccountsSortedOnEncode(t *testing.T) {
	r := CallReceipt{Err: &RuntimeError{Kind: CodeOutOfGas},
		TouchedAccounts: []Address{{3}, {1}, {3}, {2}}}
	got, err := DecodeCallReceipt(r.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if want := []Address{{1}, {2}, {3}}; !reflect.DeepEqual(got.TouchedAccounts, want) {
		t.Errorf("touched %v, want %v", got.TouchedAccounts, want)
	}
	if len(r.TouchedAccounts) != 4 || r.TouchedAccounts[0] != (Address{3}) {
		t.Errorf("Encode modified the receipt's slice")
	}
	// Equal neighbours are refused too (strictly ascending). The receipt ends with 3
	// accounts and an empty call tree.
	enc := r.Encode()
	dup := append(enc[:len(enc)-68:len(enc)-68], 0, 0, 0, 2)
	dup = append(dup, make([]byte, 40)...)
	dup = append(dup, 0, 0, 0, 0)
	_, err = DecodeCallReceipt(dup)
	wantErr(t, err, len(dup)-24, ErrNonCanonical, "non-canonical touched accounts (not strictly ascending)")
}

func TestAbi(t *testing.T) {
	i128 := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }
	u32 := AbiType{Marker: AbiU32}
	values := []AbiValue{
		{Type: AbiType{Marker: AbiBool}, Value: true},
		{Type: AbiType{Marker: AbiI8}, Value: int8(-1)},
		{Type: AbiType{Marker: AbiI16}, Value: int16(-300)},
		{Type: AbiType{Marker: AbiI32}, Value: int32(-70000)},
		{Type: AbiType{Marker: AbiI64}, Value: int64(-1 << 40)},
		{Type: AbiType{Marker: AbiU128}, Value: i128("340282366920938463463374607431768211455")},
		{Type: AbiType{Marker: AbiI128}, Value: i128("-170141183460469231731687303715884105728")},
		{Type: AbiType{Marker: AbiI128}, Value: i128("-2")},
		{Type: AbiType{Marker: AbiAmount}, Value: uint64(5)},
		{Type: AbiType{Marker: AbiAddress}, Value: Address{0x8f}},
		{Type: AbiType{Marker: AbiBytes}, Value: []byte{1}},
		{Type: AbiType{Marker: AbiString}, Value: "héllo"},
		{Type: AbiArrayOf(AbiArrayOf(u32)), Value: []AbiValue{
			{Type: AbiArrayOf(u32), Value: []AbiValue{{Type: u32, Value: uint32(7)}}},
			{Type: AbiArrayOf(u32), Value: []AbiValue{}},
		}},
	}
	b, err := EncodeAbi(values...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAbi(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, values) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, values)
	}
	if s := AbiArrayOf(AbiArrayOf(AbiType{Marker: AbiString})).String(); s != "[[string]]" {
		t.Errorf("type string %q", s)
	}

	deep := AbiType{Marker: AbiU8}
	for i := 0; i < 17; i++ {
		deep = AbiArrayOf(deep)
	}
	for _, c := range []struct {
		v    AbiValue
		want string
	}{
		{AbiValue{Type: u32, Value: 7}, "cannot be a Go int"},
		{AbiValue{Type: AbiArrayOf(u32), Value: []AbiValue{{Type: AbiType{Marker: AbiU8}, Value: uint8(1)}}},
			"array item 0 has type u8, the array holds u32"},
		{AbiValue{Type: deep, Value: []AbiValue{}}, "ABI nesting deeper than 16"},
		{AbiValue{Type: AbiType{Marker: AbiU128}, Value: big.NewInt(-1)}, "out of range for u128"},
		{AbiValue{Type: AbiType{Marker: AbiI128}, Value: i128("170141183460469231731687303715884105728")},
			"out of range for i128"},
		{AbiValue{Type: AbiType{Marker: 0x11}}, "invalid ABI type"},
		{AbiValue{Type: AbiType{Marker: AbiArray}}, "invalid ABI type"},
	} {
		_, err := EncodeAbi(c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("EncodeAbi(%+v): %v, want %q", c.v, err, c.want)
		}
	}
	_, err = DecodeAbi([]byte{0x0f, 0, 0, 0, 2, 'a', 0xff})
	wantErr(t, err, 6, ErrInvalidUTF8, "invalid UTF-8 in ABI string")
}

func TestNonceAndHex(t *testing.T) {
	n, err := ParseNonce("340282366920938463463374607431768211455")
	if err != nil || n != (Nonce{Hi: ^uint64(0), Lo: ^uint64(0)}) {
		t.Errorf("ParseNonce max: %v, %v", n, err)
	}
	if n.String() != "340282366920938463463374607431768211455" || NonceFromUint64(42).String() != "42" {
		t.Errorf("Nonce.String")
	}
	for _, s := range []string{"", "-1", "+1", "340282366920938463463374607431768211456", "1e3"} {
		if _, err := ParseNonce(s); err == nil {
			t.Errorf("ParseNonce(%q) succeeded", s)
		}
	}
	a, err := ParseAddress("0x8F20ED1A0E342C2A75B1B3F8014545DD3D886078")
	if err != nil || a.String() != "8f20ed1a0e342c2a75b1b3f8014545dd3d886078" {
		t.Errorf("ParseAddress: %v, %v", a, err)
	}
	for _, s := range []string{"8f20", "zz20ed1a0e342c2a75b1b3f8014545dd3d886078", "0x"} {
		if _, err := ParseAddress(s); err == nil {
			t.Errorf("ParseAddress(%q) succeeded", s)
		}
	}
	st, err := ParseState(strings.Repeat("ab", 32))
	if err != nil || st.String() != strings.Repeat("ab", 32) {
		t.Errorf("ParseState: %v, %v", st, err)
	}
	if _, err := ParseTxId(strings.Repeat("ab", 31)); err == nil {
		t.Errorf("ParseTxId accepted 31 bytes")
	}
	if _, err := ParseTemplateAddr(strings.Repeat("0", 40)); err != nil {
		t.Errorf("ParseTemplateAddr: %v", err)
	}
	if TxCall.String() != "call" || TxType(3).Valid() || TxSpawn.MessageKind() != KindSpawn {
		t.Errorf("TxType methods")
	}
}
