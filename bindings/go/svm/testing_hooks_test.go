//go:build svm_testing

package svm

import (
	"errors"
	"testing"
	"time"

	"github.com/svm-vm/svm/bindings/go/codec"
)

// A panic inside svm comes back as ErrPanic, poisons that runtime only, and the poisoned
// runtime can still be destroyed.
func TestAPanicPoisonsOnlyItsRuntime(t *testing.T) {
	rt, err := api.NewRuntime()
	must(t, err)
	other, err := api.NewRuntime()
	must(t, err)
	panics := api.PanicsCount()
	if err := rt.faultInjectPanic(); !errors.Is(err, ErrPanic) {
		t.Fatalf("want ErrPanic, got %v", err)
	}
	if api.PanicsCount() != panics+1 {
		t.Fatal("the panic is counted")
	}
	if err := rt.Open(1); !errors.Is(err, ErrPoisoned) {
		t.Fatalf("want ErrPoisoned, got %v", err)
	}
	must(t, other.Open(1))
	must(t, rt.Destroy())
	must(t, other.Destroy())
	noLeaks(t)
}

// benchNode is a development runtime with a counter and senders, for the overhead benchmark.
type benchNode struct {
	rt      *Runtime
	counter Address
	senders []Address
	nonces  []uint64
	layer   Layer
}

func newBenchNode(b *testing.B, senders int) *benchNode {
	rt, err := api.NewRuntime(WithDevelopmentRules())
	must(b, err)
	n := &benchNode{rt: rt, layer: 1}
	must(b, rt.Open(1))
	alice := addr(0xa1)
	must(b, rt.IncreaseBalance(alice, 1_000_000_000))
	tpl := devTx(b, rt, 1, alice, 0, 20_000_000, rawDeploy(fixture(b, "counter"))).(*DeployReceipt).Template
	n.counter = devTx(b, rt, 1, alice, 1, 20_000_000, codec.SpawnMessage{Template: tpl, Name: "c", Ctor: "initialize", Calldata: u64le(0)}).(*SpawnReceipt).Account
	for i := 0; i < senders; i++ {
		s := Address{byte(i >> 8), byte(i), 0x5e}
		must(b, rt.IncreaseBalance(s, 1<<50))
		n.senders = append(n.senders, s)
		n.nonces = append(n.nonces, 0)
	}
	_, _, err = rt.Commit()
	must(b, err)
	return n
}

// nextLayer opens the next layer and returns one counter call per sender, as wire bytes and
// with their contexts.
func (n *benchNode) nextLayer(b *testing.B) ([][]byte, []Transaction, []*Context) {
	n.layer++
	must(b, n.rt.Open(n.layer))
	msg := codec.CallMessage{Target: n.counter, Function: "add", Calldata: u64le(1)}.Encode()
	var raw [][]byte
	var txs []Transaction
	var ctxs []*Context
	for i, s := range n.senders {
		env := NewEnvelope(s, 0, TxNonce{Lo: n.nonces[i]}, 1_000_000, 1)
		env.Type = TxCall
		n.nonces[i]++
		tx := Transaction{Envelope: *env, Message: msg}
		id, err := TxIdOf(env, nil, msg)
		must(b, err)
		raw = append(raw, tx.Encode())
		txs = append(txs, tx)
		ctxs = append(ctxs, NewContext(n.layer, id))
	}
	return raw, txs, ctxs
}

// BenchmarkLayer runs layers of 100 counter calls three ways, interleaved in one process on
// three runtimes with the same history: through svm's Rust API in one crossing (the
// baseline), through the batch call, and one cgo call per transaction. The order rotates
// every layer, so drift (caches, the machine) falls on all three alike. Metrics: ns/tx of
// each way, and the FFI's overhead per transaction (each way minus the baseline).
func BenchmarkLayer(b *testing.B) {
	const perLayer = 100
	modes := []string{"rust-api", "batch", "single-calls"}
	nodes := make([]*benchNode, len(modes))
	for i := range modes {
		nodes[i] = newBenchNode(b, perLayer)
	}
	defer func() {
		for _, n := range nodes {
			must(b, n.rt.Destroy())
		}
	}()
	spent := make([]time.Duration, len(modes))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range modes {
			m := (i + k) % len(modes)
			n := nodes[m]
			b.StopTimer()
			raw, txs, ctxs := n.nextLayer(b)
			b.StartTimer()
			start := time.Now()
			switch modes[m] {
			case "rust-api":
				if _, err := n.rt.benchExecuteRust(n.layer, raw); err != nil {
					b.Fatal(err)
				}
			case "batch":
				if _, err := n.rt.ExecuteBatchRaw(n.layer, raw); err != nil {
					b.Fatal(err)
				}
			case "single-calls":
				for j := range txs {
					if _, err := n.rt.run(callFn, &txs[j].Envelope, nil, txs[j].Message, ctxs[j]); err != nil {
						b.Fatal(err)
					}
				}
			}
			spent[m] += time.Since(start)
			b.StopTimer()
			_, _, err := n.rt.Commit()
			must(b, err)
			b.StartTimer()
		}
	}
	perTx := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N*perLayer) }
	b.ReportMetric(perTx(spent[0]), "rust-ns/tx")
	b.ReportMetric(perTx(spent[1]), "batch-ns/tx")
	b.ReportMetric(perTx(spent[2]), "single-ns/tx")
	b.ReportMetric(perTx(spent[1]-spent[0]), "batch-overhead-ns/tx")
	b.ReportMetric(perTx(spent[2]-spent[0]), "single-overhead-ns/tx")
}
