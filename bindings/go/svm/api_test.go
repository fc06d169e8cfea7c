package svm

import (
	"bytes"
	"errors"
	"testing"

	"github.com/svm-vm/svm/bindings/go/codec"
)

// The go-svm API, call by call (a port of go-svm's api_test.go), on development rules.

func newDevRuntime(t *testing.T) *Runtime {
	t.Helper()
	rt, err := api.NewRuntime(WithDevelopmentRules())
	must(t, err)
	t.Cleanup(func() {
		if err := rt.Destroy(); err != nil && !errors.Is(err, ErrBadHandle) {
			t.Error(err)
		}
		noLeaks(t)
	})
	return rt
}

func TestValidation(t *testing.T) {
	rt := newDevRuntime(t)
	for name, validate := range map[string]func([]byte) (bool, error){
		"deploy": rt.ValidateDeploy, "spawn": rt.ValidateSpawn, "call": rt.ValidateCall,
	} {
		for _, msg := range [][]byte{nil, {}, {0xff, 0xff, 0xff}} {
			ok, err := validate(msg)
			if ok {
				t.Fatalf("%s: %x is valid", name, msg)
			}
			wantCode(t, err, CodeInvalidMessage)
		}
	}
	ok, err := rt.ValidateDeploy(fixture(t, "counter"))
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	spawn := codec.SpawnMessage{Name: "x", Ctor: "initialize"}.Encode()
	if ok, err := rt.ValidateSpawn(spawn); !ok || err != nil {
		t.Fatal(ok, err)
	}
	call := codec.CallMessage{Function: "add"}.Encode()
	if ok, err := rt.ValidateCall(call); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := rt.ValidateCall(spawn); ok {
		t.Fatal("a spawn message is not a call message")
	} else {
		wantCode(t, err, CodeInvalidMessage)
	}
	// a template that fails validation
	bad, err := codec.DecodeDeployMessage(fixture(t, "counter"))
	must(t, err)
	bad.Code.Code = []byte("\x00asm\x01\x00\x00\x00")
	ok, err = rt.ValidateDeploy(bad.Encode())
	if ok {
		t.Fatal("a module without exports is a valid template")
	}
	wantCode(t, err, CodeInvalidTemplate)
}

// deployCounter deploys the counter (layer 1 must be open) and spawns one at 5.
func deployCounter(t *testing.T, rt *Runtime, alice Address) (TemplateAddr, Address) {
	t.Helper()
	must(t, rt.IncreaseBalance(alice, 1_000_000_000))
	r := devTx(t, rt, 1, alice, 0, 20_000_000, rawDeploy(fixture(t, "counter"))).(*DeployReceipt)
	if !r.Success() {
		t.Fatal(r.Err)
	}
	s := devTx(t, rt, 1, alice, 1, 20_000_000, codec.SpawnMessage{Template: r.Template, Name: "c", Ctor: "initialize", Calldata: u64le(5)}).(*SpawnReceipt)
	if !s.Success() || len(s.TouchedAccounts) != 0 && s.TouchedAccounts[0] == (Address{}) {
		t.Fatal(s.Err)
	}
	return r.Template, s.Account
}

func TestDeploySpawnCall(t *testing.T) {
	rt := newDevRuntime(t)
	alice := addr(0xa1)
	must(t, rt.Open(1))

	// deploy out of gas: a failed receipt, its gas charged
	r := devTx(t, rt, 1, alice, 0, 10, rawDeploy(fixture(t, "counter")))
	if r.Success() {
		t.Fatal("deploy with 10 gas succeeded")
	}
	must(t, rt.IncreaseBalance(alice, 1)) // (alice did not exist: not admitted, nothing charged)
	_, err := rt.Rewind(0)
	must(t, err)
	must(t, rt.Open(1))
	must(t, rt.IncreaseBalance(alice, 1_000_000_000))
	// below the message's own gas: refused, nothing charged, the nonce not consumed
	r = devTx(t, rt, 1, alice, 0, 10, rawDeploy(fixture(t, "counter")))
	if r.Success() || r.Failure().Kind != codec.CodeGasLimitTooLow || r.(*DeployReceipt).GasUsed != 0 {
		t.Fatalf("want gas-limit-too-low with 0 gas used, got %+v", r)
	}
	// enough to be read, not to be compiled: out of gas, all of it charged
	r = devTx(t, rt, 1, alice, 0, 100_000, rawDeploy(fixture(t, "counter")))
	if r.Success() || r.Failure().Kind != codec.CodeOutOfGas || r.(*DeployReceipt).GasUsed != 100_000 {
		t.Fatalf("want out-of-gas with 100000 gas used, got %+v", r)
	}

	// deploy, spawn, calls
	template := devTx(t, rt, 1, alice, 1, 20_000_000, rawDeploy(fixture(t, "counter"))).(*DeployReceipt).Template
	notCtor := devTx(t, rt, 1, alice, 2, 20_000_000, codec.SpawnMessage{Template: template, Ctor: "add", Calldata: u64le(1)})
	if notCtor.Success() || notCtor.Failure().Kind != codec.CodeFuncNotCtor {
		t.Fatalf("want func-not-ctor, got %+v", notCtor)
	}
	s := devTx(t, rt, 1, alice, 3, 20_000_000, codec.SpawnMessage{Template: template, Name: "c", Ctor: "initialize", Calldata: u64le(5)}).(*SpawnReceipt)
	if !s.Success() {
		t.Fatal(s.Err)
	}
	acc, err := rt.GetAccount(s.Account)
	must(t, err)
	if acc.Template == nil || *acc.Template != template {
		t.Fatalf("the counter's template: %+v", acc)
	}
	missing := devTx(t, rt, 1, alice, 4, 20_000_000, codec.CallMessage{Target: s.Account, Function: "nope"})
	if missing.Success() || missing.Failure().Kind != codec.CodeFuncNotFound {
		t.Fatalf("want func-not-found, got %+v", missing)
	}
	ctor := devTx(t, rt, 1, alice, 5, 20_000_000, codec.CallMessage{Target: s.Account, Function: "initialize", Calldata: u64le(1)})
	if ctor.Success() || ctor.Failure().Kind != codec.CodeFuncNotAllowed {
		t.Fatalf("want func-not-allowed for a ctor, got %+v", ctor)
	}
	c := devTx(t, rt, 1, alice, 6, 20_000_000, codec.CallMessage{Target: s.Account, Function: "add", Calldata: u64le(3)}).(*CallReceipt)
	if !c.Success() || !bytes.Equal(c.Returndata, u64le(8)) || c.GasUsed == 0 || len(c.Logs) != 1 {
		t.Fatalf("add(3): %+v", c)
	}
	layer, root, err := rt.Commit()
	must(t, err)
	if layer != 1 || root == (State{}) {
		t.Fatal(layer, root)
	}
}

func TestAccountsAndLayers(t *testing.T) {
	rt := newDevRuntime(t)
	a := addr(7)
	_, err := rt.GetAccount(a)
	if !errors.Is(err, ErrAccountNotFound) {
		t.Fatal(err)
	}
	wantCode(t, rt.IncreaseBalance(a, 1), CodeLayer) // no open layer
	wantCode(t, rt.Open(2), CodeLayer)
	must(t, rt.Open(1))
	wantCode(t, rt.Open(1), CodeLayer)
	must(t, rt.IncreaseBalance(a, 10))
	must(t, rt.IncreaseBalance(a, 5))
	acc, err := rt.GetAccount(a)
	must(t, err)
	if acc.Balance != 15 || acc.Template != nil || acc.Counter != (TxNonce{}) {
		t.Fatalf("%+v", acc)
	}
	wantCode(t, rt.IncreaseBalance(a, ^uint64(0)), CodeOverflow)
	_, root1, err := rt.Commit()
	must(t, err)
	last, root, open, err := rt.Head()
	must(t, err)
	if last != 1 || root != root1 || open != 0 {
		t.Fatal(last, root, open)
	}
	_, _, err = rt.Commit()
	wantCode(t, err, CodeLayer)
	must(t, rt.Open(2))
	must(t, rt.IncreaseBalance(a, 1))
	_, root2, err := rt.Commit()
	must(t, err)
	if root2 == root1 {
		t.Fatal("a change changes the root")
	}
	if r, ok, err := rt.LayerRoot(2); err != nil || !ok || r != root2 {
		t.Fatal(r, ok, err)
	}
	back, err := rt.Rewind(1)
	must(t, err)
	if back != root1 {
		t.Fatal("rewind gives the layer's root")
	}
	if _, ok, _ := rt.LayerRoot(2); ok {
		t.Fatal("layer 2 was rewound away")
	}
	_, err = rt.Rewind(9)
	wantCode(t, err, CodeLayer)
}

func TestErrorsAreTypedAndNothingLeaks(t *testing.T) {
	rt := newDevRuntime(t)
	alice := addr(0xa1)
	must(t, rt.Open(1))
	_, counter := deployCounter(t, rt, alice)
	msg := codec.CallMessage{Target: counter, Function: "add", Calldata: u64le(1)}.Encode()
	env := NewEnvelope(alice, 0, TxNonce{Lo: 2}, 1_000_000, 1)
	env.Type = TxCall
	id, err := TxIdOf(env, nil, msg)
	must(t, err)

	_, err = rt.Call(env, nil, msg, NewContext(1, TxId{}))
	wantCode(t, err, CodeTxIdMismatch)
	_, err = rt.Call(env, nil, msg, NewContext(2, id))
	wantCode(t, err, CodeLayer)
	_, err = rt.Call(nil, nil, msg, NewContext(1, id))
	wantCode(t, err, CodeNullArg)
	_, err = rt.Deploy(env, nil, msg, NewContext(1, id))
	wantCode(t, err, CodeWrongTxType)
	// an empty message is a failed receipt, not an error and not a crash
	env.Type = TxCall
	emptyID, err := TxIdOf(env, nil, nil)
	must(t, err)
	r, err := rt.Call(env, nil, nil, NewContext(1, emptyID))
	must(t, err)
	if r.Success() || r.Failure().Kind != codec.CodeInvalidMessage || r.GasUsed == 0 {
		t.Fatalf("%+v", r)
	}
	// the batch refuses a transaction whose envelope does not decode, running nothing
	_, err = rt.ExecuteBatchRaw(1, [][]byte{{1, 2, 3}})
	wantCode(t, err, CodeInvalidMessage)
	noLeaks(t)

	// a second runtime in the same process keeps its own state
	other, err := api.NewRuntime()
	must(t, err)
	if n := api.RuntimesCount(); n < 2 {
		t.Fatalf("%d runtimes", n)
	}
	must(t, other.Destroy())
	if err := other.Destroy(); !errors.Is(err, ErrBadHandle) {
		t.Fatalf("second destroy: %v", err)
	}
	wantCode(t, other.Open(1), CodeBadHandle)
}

func TestSignedVerify(t *testing.T) {
	rt, err := api.NewRuntime(WithChainID([32]byte{9}))
	must(t, err)
	defer func() { must(t, rt.Destroy()); noLeaks(t) }()
	must(t, rt.Open(1))
	tpl, err := rt.InstallTemplate(fixture(t, "signed_wallet"))
	must(t, err)
	w := newWallet(t, 1, tpl)
	must(t, rt.IncreaseBalance(w.addr, 1_000_000_000))
	chain := [32]byte{9}
	spawn := w.signed(t, chain, rawMessage{TxSpawn, w.spawn}, false)
	receipts, err := rt.ExecuteBatch(1, []Transaction{spawn})
	must(t, err)
	if !receipts[0].Success() || receipts[0].(*SpawnReceipt).Account != w.addr {
		t.Fatalf("self-spawn: %+v", receipts[0])
	}
	for _, bad := range []bool{false, true} {
		w.nonce = 1 // verify uses no nonce
		tx := w.signed(t, chain, w.transfer(addr(3), 5), bad)
		id, err := TxIdOf(&tx.Envelope, tx.Verifydata, tx.Message)
		must(t, err)
		v, err := rt.Verify(&tx.Envelope, tx.Verifydata, tx.Message, NewContext(2, id))
		must(t, err)
		if v.Success() == bad {
			t.Fatalf("verify of a %v signature: %+v", map[bool]string{true: "bad", false: "good"}[bad], v)
		}
		if bad && v.Failure().Kind != codec.CodeVerifyFailed {
			t.Fatalf("%+v", v)
		}
	}
	// a keyless account may not send on production rules
	stranger := addr(0x55)
	must(t, rt.IncreaseBalance(stranger, 1_000_000))
	r := devTx(t, rt, 1, stranger, 0, 100_000, codec.CallMessage{Target: w.addr, Function: "transfer"})
	if r.Success() || r.Failure().Kind != codec.CodeNoTemplate {
		t.Fatalf("%+v", r)
	}
}
