package svm

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/svm-vm/svm/bindings/go/codec"
)

var api *API

func TestMain(m *testing.M) {
	var err error
	if api, err = Init(); err != nil {
		panic(err)
	}
	code := m.Run()
	// Leave as a Go program does outside -race: without C exit handlers. Under -race,
	// os.Exit runs them (through ThreadSanitizer's finaliser), and the C++ static destructor of
	// RocksDB's default environment then joins its background threads while the Go runtime
	// still signals its threads: about one run in ten died there with SIGSEGV after PASS. A
	// race found during a test has already failed that test, so nothing is lost.
	syscall.Exit(code)
}

// fixture is an example template's deploy message (testdata, kept current by a Rust test).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".deploy"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// noLeaks checks that every buffer and error svm returned was freed.
func noLeaks(t testing.TB) {
	t.Helper()
	if n := api.ReceiptsCount(); n != 0 {
		t.Fatalf("%d live receipts", n)
	}
	if n := api.ErrorsCount(); n != 0 {
		t.Fatalf("%d live errors", n)
	}
}

// wantCode checks that err is an svm error with code.
func wantCode(t testing.TB, err error, code Code) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want svm error code %d, got %v", code, err)
	}
}

func u64le(v uint64) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, v)
	return b
}

func addr(b byte) Address {
	var a Address
	for i := range a {
		a[i] = b
	}
	return a
}

// devTx runs a transaction of a keyless principal (development rules) in layer, by type.
func devTx(t testing.TB, rt *Runtime, layer Layer, principal Address, nonce uint64, gas uint64, msg codec.Message) Receipt {
	t.Helper()
	env := NewEnvelope(principal, 0, TxNonce{Lo: nonce}, gas, 1)
	env.Type = msg.TxType()
	raw := msg.Encode()
	id, err := TxIdOf(env, nil, raw)
	must(t, err)
	ctx := NewContext(layer, id)
	var r Receipt
	switch msg.TxType() {
	case TxDeploy:
		r, err = rt.Deploy(env, nil, raw, ctx)
	case TxSpawn:
		r, err = rt.Spawn(env, nil, raw, ctx)
	default:
		r, err = rt.Call(env, nil, raw, ctx)
	}
	must(t, err)
	return r
}

// rawDeploy is a deploy message given as bytes.
type rawDeploy []byte

func (rawDeploy) TxType() TxType   { return TxDeploy }
func (m rawDeploy) Encode() []byte { return m }

// wallet is an ed25519-signed wallet (the signed_wallet template).
type wallet struct {
	key   ed25519.PrivateKey
	spawn []byte // its self-spawn message
	addr  Address
	nonce uint64
}

// newWallet derives a wallet from a seed byte.
func newWallet(t testing.TB, seed byte, template TemplateAddr) *wallet {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	key := ed25519.NewKeyFromSeed(s)
	spawn := codec.SpawnMessage{Template: template, Name: "wallet", Ctor: "init", Calldata: key.Public().(ed25519.PublicKey)}.Encode()
	a, err := SelfSpawnAddr(spawn)
	must(t, err)
	return &wallet{key: key, spawn: spawn, addr: a}
}

// signed is a transaction of w with message msg, signed for chain (and w's nonce used up);
// bad corrupts the signature (and keeps the nonce: a refused transaction does not use it).
func (w *wallet) signed(t testing.TB, chain [32]byte, msg codec.Message, bad bool) Transaction {
	t.Helper()
	env := NewEnvelope(w.addr, 0, TxNonce{Lo: w.nonce}, 2_000_000, 1)
	env.Type = msg.TxType()
	raw := msg.Encode()
	hash, err := SigningHash(chain, env, raw)
	must(t, err)
	sig := ed25519.Sign(w.key, hash[:])
	if bad {
		sig[0] ^= 1
	} else {
		w.nonce++
	}
	return Transaction{Envelope: *env, Verifydata: sig, Message: raw}
}

// transfer is a call of w's transfer(to, amount).
func (w *wallet) transfer(to Address, amount uint64) codec.CallMessage {
	return codec.CallMessage{Target: w.addr, Function: "transfer", Calldata: append(append([]byte{}, to[:]...), u64le(amount)...)}
}

// rawMessage is a message given as bytes of a type.
type rawMessage struct {
	t TxType
	b []byte
}

func (m rawMessage) TxType() TxType { return m.t }
func (m rawMessage) Encode() []byte { return m.b }
