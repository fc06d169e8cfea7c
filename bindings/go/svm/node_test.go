package svm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"

	"github.com/svm-vm/svm/bindings/go/codec"
)

// A full node's use of svm, end to end, on production rules: genesis, signed wallets that
// spawn themselves, many layers of verify-then-call, a SIGKILL mid-layer, reopen and replay,
// rewind and replay, a second opener refused, concurrent goroutines, memory and RocksDB
// agreeing, and every counter back at zero.

const (
	wallets = 8
	layers  = 6 // layer 1 genesis, 2 self-spawns, 3.. transfers
)

var chainID = [32]byte{0x5c, 0x4a, 0x1e}

// chain generates a deterministic chain: every layer's transactions, the same bytes in every
// process (ed25519 signatures are deterministic).
type chain struct {
	template TemplateAddr
	wallets  []*wallet
	blocks   map[Layer][]Transaction
}

func newChain(t testing.TB, upTo Layer) *chain {
	template, counter := templateAddrs(t)
	c := &chain{template: template, blocks: map[Layer][]Transaction{}}
	for i := 0; i < wallets; i++ {
		c.wallets = append(c.wallets, newWallet(t, byte(i+1), template))
	}
	for _, w := range c.wallets {
		c.blocks[2] = append(c.blocks[2], w.signed(t, chainID, rawMessage{TxSpawn, w.spawn}, false))
	}
	// the first wallet deploys the counter template and spawns a counter from it
	w0 := c.wallets[0]
	c.blocks[2] = append(c.blocks[2], w0.signed(t, chainID, rawDeploy(fixture(t, "counter")), false))
	c.blocks[2] = append(c.blocks[2], w0.signed(t, chainID, codec.SpawnMessage{Template: counter, Name: "counter", Ctor: "initialize", Calldata: u64le(1)}, false))
	for l := Layer(3); l <= upTo; l++ {
		for i, w := range c.wallets {
			to := c.wallets[(i+int(l))%wallets].addr
			c.blocks[l] = append(c.blocks[l], w.signed(t, chainID, w.transfer(to, uint64(l)), false))
		}
		// one transfer beyond the balance (a failed receipt, gas charged) and one forged
		// signature (refused: gas 0, nonce unused)
		w := c.wallets[int(l)%wallets]
		c.blocks[l] = append(c.blocks[l], w.signed(t, chainID, w.transfer(addr(1), 1<<62), false))
		c.blocks[l] = append(c.blocks[l], w.signed(t, chainID, w.transfer(addr(1), 1), true))
	}
	return c
}

// templateAddrs are the addresses of the signed_wallet and counter templates (a template's
// address is a hash of its deploy message: svm installs them in a scratch runtime to tell).
func templateAddrs(t testing.TB) (wallet, counter TemplateAddr) {
	probe, err := api.NewRuntime()
	must(t, err)
	defer func() { must(t, probe.Destroy()) }()
	must(t, probe.Open(1))
	wallet, err = probe.InstallTemplate(fixture(t, "signed_wallet"))
	must(t, err)
	counter, err = probe.InstallTemplate(fixture(t, "counter"))
	must(t, err)
	return wallet, counter
}

// genesis installs the wallet template and funds every wallet's self-spawn address (layer 1).
func (c *chain) genesis(t testing.TB, rt *Runtime) State {
	t.Helper()
	must(t, rt.Open(1))
	tpl, err := rt.InstallTemplate(fixture(t, "signed_wallet"))
	must(t, err)
	if tpl != c.template {
		t.Fatal("the template's address is its message's")
	}
	for _, w := range c.wallets {
		must(t, rt.IncreaseBalance(w.addr, 1_000_000_000_000))
	}
	_, root, err := rt.Commit()
	must(t, err)
	return root
}

// applyOneByOne runs txs as a mempool and a block would: Verify (no layer needed), then the
// transaction itself in the open layer. The receipts' bytes.
func applyOneByOne(t testing.TB, rt *Runtime, layer Layer, txs []Transaction) [][]byte {
	t.Helper()
	var out [][]byte
	for _, tx := range txs {
		id, err := TxIdOf(&tx.Envelope, tx.Verifydata, tx.Message)
		must(t, err)
		ctx := NewContext(layer, id)
		v, err := rt.Verify(&tx.Envelope, tx.Verifydata, tx.Message, ctx)
		must(t, err)
		forged := v.Failure() != nil && v.Failure().Kind == codec.CodeVerifyFailed
		if !v.Success() && !forged {
			t.Fatalf("verify: %v", v.Failure())
		}
		var r Receipt
		switch tx.Envelope.Type {
		case TxDeploy:
			r, err = rt.Deploy(&tx.Envelope, tx.Verifydata, tx.Message, ctx)
		case TxSpawn:
			r, err = rt.Spawn(&tx.Envelope, tx.Verifydata, tx.Message, ctx)
		default:
			r, err = rt.Call(&tx.Envelope, tx.Verifydata, tx.Message, ctx)
		}
		must(t, err)
		if forged && (r.Success() || r.(*CallReceipt).GasUsed != 0) {
			t.Fatalf("a forged transaction ran: %+v", r)
		}
		out = append(out, r.Encode())
	}
	return out
}

// applyBatch runs txs in one crossing.
func applyBatch(t testing.TB, rt *Runtime, layer Layer, txs []Transaction) [][]byte {
	t.Helper()
	raw := make([][]byte, len(txs))
	for i, tx := range txs {
		raw[i] = tx.Encode()
	}
	out, err := rt.ExecuteBatchRaw(layer, raw)
	must(t, err)
	return out
}

// history is what a node records per layer: the root and the receipts.
type history struct {
	roots    map[Layer]State
	receipts map[Layer][][]byte
}

// run plays layers from..to on rt, checking against h when it has the layer (else recording).
func (c *chain) run(t testing.TB, rt *Runtime, h *history, from, to Layer, batch bool) {
	t.Helper()
	for l := from; l <= to; l++ {
		must(t, rt.Open(l))
		var receipts [][]byte
		if batch {
			receipts = applyBatch(t, rt, l, c.blocks[l])
		} else {
			receipts = applyOneByOne(t, rt, l, c.blocks[l])
		}
		_, root, err := rt.Commit()
		must(t, err)
		if want, ok := h.roots[l]; ok {
			if root != want {
				t.Fatalf("layer %d: root %s, want %s", l, root, want)
			}
			for i := range receipts {
				if !bytes.Equal(receipts[i], h.receipts[l][i]) {
					t.Fatalf("layer %d receipt %d differs", l, i)
				}
			}
		} else {
			h.roots[l], h.receipts[l] = root, receipts
		}
		noLeaks(t)
	}
}

const childEnv = "SVM_GO_NODE_CHILD"

// TestFullNode is the full-node embedding test.
func TestFullNode(t *testing.T) {
	if dir := os.Getenv(childEnv); dir != "" {
		crashingChild(t, dir)
		return
	}
	c := newChain(t, layers+1)

	// the reference: a memory runtime, layers applied one transaction at a time
	h := &history{roots: map[Layer]State{}, receipts: map[Layer][][]byte{}}
	mem, err := api.NewRuntime(WithChainID(chainID))
	must(t, err)
	h.roots[1] = c.genesis(t, mem)
	c.run(t, mem, h, 2, layers+1, false)
	must(t, mem.Destroy())
	for i, b := range h.receipts[2] {
		r, err := codec.DecodeReceipt(b)
		must(t, err)
		if !r.Success() {
			t.Fatalf("layer 2 transaction %d: %v", i, r.Failure())
		}
	}
	for l := Layer(3); l <= layers; l++ {
		last := h.receipts[l][len(h.receipts[l])-2]
		r, err := codec.DecodeCallReceipt(last)
		must(t, err)
		if r.Success() || r.GasUsed == 0 {
			t.Fatalf("layer %d: the transfer beyond the balance: %+v", l, r)
		}
	}

	// RocksDB in a data directory, the layers in batches on two threads: the same roots and
	// receipts
	dir := filepath.Join(t.TempDir(), "node")
	rt, err := api.NewRuntime(WithDataDir(dir), WithBackend(BackendRocksDB), WithChainID(chainID))
	must(t, err)
	must(t, rt.SetThreads(2))
	if root := c.genesis(t, rt); root != h.roots[1] {
		t.Fatal("genesis roots differ between backends")
	}
	c.run(t, rt, h, 2, layers, true)

	// a second opener is refused while the node runs
	if _, err := api.NewRuntime(WithDataDir(dir), WithChainID(chainID)); !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("second opener: %v", err)
	}
	must(t, rt.Destroy())

	// a crash: a child process applies half of the next layer and SIGKILLs itself
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullNode$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("child: half a layer applied")) {
		t.Fatalf("the child did not get to the crash: %s", out)
	}

	// reopen: the runtime is at the last committed layer; replaying gives the recorded roots
	rt, err = api.NewRuntime(WithDataDir(dir), WithChainID(chainID))
	must(t, err)
	last, root, open, err := rt.Head()
	must(t, err)
	if last != layers || root != h.roots[layers] || open != 0 {
		t.Fatalf("after the crash: head %d %s open %d", last, root, open)
	}
	c.run(t, rt, h, layers+1, layers+1, false)

	// rewind and replay: identical roots and receipt bytes
	back, err := rt.Rewind(layers - 1)
	must(t, err)
	if back != h.roots[layers-1] {
		t.Fatal("rewind root")
	}
	c.run(t, rt, h, layers, layers+1, true)

	// concurrency: goroutines validate and verify while the node executes a layer
	concurrentReadersDuringALayer(t, rt, c, layers+2)
	must(t, rt.Destroy())
	if n := api.RuntimesCount(); n != 0 {
		t.Fatalf("%d runtimes alive", n)
	}
	noLeaks(t)
}

// crashingChild opens the node's data directory, applies half of the next layer and kills
// itself with SIGKILL (no deferred function, no destructor runs).
func crashingChild(t *testing.T, dir string) {
	rt, err := api.NewRuntime(WithDataDir(dir), WithChainID(chainID))
	must(t, err)
	c := newChain(t, layers+1)
	next := Layer(layers + 1)
	must(t, rt.Open(next))
	half := c.blocks[next][:len(c.blocks[next])/2]
	applyOneByOne(t, rt, next, half)
	fmt.Println("child: half a layer applied")
	os.Stdout.Sync()
	must(t, syscall.Kill(os.Getpid(), syscall.SIGKILL))
	select {}
}

// concurrentReadersDuringALayer has 8 goroutines validate and verify the transactions of a
// layer while the main goroutine executes it one transaction at a time.
func concurrentReadersDuringALayer(t *testing.T, rt *Runtime, c *chain, layer Layer) {
	for _, w := range c.wallets {
		c.blocks[layer] = append(c.blocks[layer], w.signed(t, chainID, w.transfer(c.wallets[0].addr, 1), false))
	}
	must(t, rt.Open(layer))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i, tx := range c.blocks[layer] {
				if i%8 != g {
					continue
				}
				if ok, err := rt.ValidateCall(tx.Message); !ok {
					errs <- err
					return
				}
				id, err := TxIdOf(&tx.Envelope, tx.Verifydata, tx.Message)
				if err != nil {
					errs <- err
					return
				}
				if _, err := rt.Verify(&tx.Envelope, tx.Verifydata, tx.Message, NewContext(layer, id)); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	for _, tx := range c.blocks[layer] {
		id, err := TxIdOf(&tx.Envelope, tx.Verifydata, tx.Message)
		must(t, err)
		r, err := rt.Call(&tx.Envelope, tx.Verifydata, tx.Message, NewContext(layer, id))
		must(t, err)
		if !r.Success() {
			t.Fatal(r.Err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	_, _, err := rt.Commit()
	must(t, err)
	noLeaks(t)
}

// TestTrapsFromManyGoroutines: traps (unreachable, out of gas, stack overflow, an unknown variable) in runtimes
// driven by 8 goroutines while the Go GC runs: failed receipts, and the process lives.
func TestTrapsFromManyGoroutines(t *testing.T) {
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	defer close(stop)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rt, err := api.NewRuntime(WithDevelopmentRules())
			must(t, err)
			defer func() { must(t, rt.Destroy()) }()
			alice := addr(byte(g + 1))
			must(t, rt.Open(1))
			must(t, rt.IncreaseBalance(alice, 1_000_000_000))
			tpl := devTx(t, rt, 1, alice, 0, 20_000_000, rawDeploy(fixture(t, "faulty"))).(*DeployReceipt).Template
			acc := devTx(t, rt, 1, alice, 1, 20_000_000, codec.SpawnMessage{Template: tpl, Name: "f", Ctor: "init_ok"}).(*SpawnReceipt).Account
			nonce := uint64(2)
			for round := 0; round < 3; round++ {
				for _, f := range []string{"trap_after_write", "infinite_loop", "recurse", "unknown_var"} {
					r := devTx(t, rt, 1, alice, nonce, 200_000, codec.CallMessage{Target: acc, Function: f})
					nonce++
					if r.Success() {
						t.Errorf("%s succeeded", f)
					}
				}
			}
		}(g)
	}
	wg.Wait()
	noLeaks(t)
}
