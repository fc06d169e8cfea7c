package codec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"testing"
)

// vectorsPath is the Rust codec's golden vectors, relative to this package's directory.
var vectorsPath = filepath.Join("..", "..", "..", "crates", "svm-codec", "tests", "vectors", "codec.json")

type validVector struct {
	Name string          `json:"name"`
	Item string          `json:"item"`
	Hex  string          `json:"hex"`
	JSON json.RawMessage `json:"json"`
}

type invalidVector struct {
	Name  string `json:"name"`
	Item  string `json:"item"`
	Hex   string `json:"hex"`
	Error struct {
		Offset  int    `json:"offset"`
		Message string `json:"message"`
	} `json:"error"`
}

type vectorFile struct {
	Valid   []validVector     `json:"valid"`
	Invalid []invalidVector   `json:"invalid"`
	Derived map[string]string `json:"derived"`
}

func loadVectors(tb testing.TB) vectorFile {
	tb.Helper()
	raw, err := os.ReadFile(vectorsPath)
	if err != nil {
		tb.Fatalf("reading vectors: %v", err)
	}
	var v vectorFile
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("parsing vectors: %v", err)
	}
	if len(v.Valid) == 0 || len(v.Invalid) == 0 {
		tb.Fatalf("no vectors in %s", vectorsPath)
	}
	return v
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// decodeItem decodes b as the vector item kind and returns the decoded value (nil for
// unknown items) and the error.
func decodeByItem(item string, b []byte) (interface{}, error) {
	switch item {
	case "envelope":
		return DecodeEnvelope(b)
	case "context":
		return DecodeContext(b)
	case "spawn":
		return DecodeSpawnMessage(b)
	case "call":
		return DecodeCallMessage(b)
	case "deploy":
		return DecodeDeployMessage(b)
	case "transaction":
		return DecodeTransaction(b)
	case "deploy_receipt":
		return DecodeDeployReceipt(b)
	case "spawn_receipt":
		return DecodeSpawnReceipt(b)
	case "call_receipt":
		return DecodeCallReceipt(b)
	case "calldata":
		return DecodeAbi(b)
	}
	return nil, fmt.Errorf("unsupported item %q", item)
}

// encodeItem re-encodes a decoded value.
func encodeItem(tb testing.TB, v interface{}) []byte {
	tb.Helper()
	switch x := v.(type) {
	case interface{ Encode() []byte }:
		return x.Encode()
	case []AbiValue:
		b, err := EncodeAbi(x...)
		if err != nil {
			tb.Fatalf("EncodeAbi: %v", err)
		}
		return b
	}
	tb.Fatalf("cannot encode %T", v)
	return nil
}

// ---------- JSON forms (as the Rust codec's json module writes them) ----------

type obj = map[string]interface{}

func hexs(b []byte) string { return hex.EncodeToString(b) }

func dec(v uint64) string { return strconv.FormatUint(v, 10) }

func abiTypeJSON(t AbiType) interface{} {
	if t.Marker == AbiArray {
		return []interface{}{abiTypeJSON(*t.Elem)}
	}
	return t.String()
}

func abiValueJSON(v AbiValue) interface{} {
	switch x := v.Value.(type) {
	case bool, uint8, int8, uint16, int16, uint32, int32, string:
		return x
	case uint64:
		return dec(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case *big.Int:
		return x.String()
	case Address:
		return x.String()
	case []byte:
		return hexs(x)
	case []AbiValue:
		out := []interface{}{}
		for _, item := range x {
			out = append(out, abiValueJSON(item))
		}
		return out
	}
	return fmt.Sprintf("unexpected %T", v.Value)
}

func abiJSON(values []AbiValue) obj {
	types, data := []interface{}{}, []interface{}{}
	for _, v := range values {
		types = append(types, abiTypeJSON(v.Type))
		data = append(data, abiValueJSON(v))
	}
	return obj{"abi": types, "data": data}
}

// inputDataJSON is the calldata/verifydata form: ABI values if the bytes decode as such,
// hex otherwise.
func inputDataJSON(b []byte) interface{} {
	if values, err := DecodeAbi(b); err == nil {
		return abiJSON(values)
	}
	return hexs(b)
}

func envelopeJSON(e Envelope) obj {
	return obj{"version": 0, "type": e.Type.String(), "principal": e.Principal.String(),
		"amount": dec(e.Amount), "nonce": e.Nonce.String(), "gas_limit": dec(e.GasLimit),
		"gas_fee": dec(e.GasFee)}
}

func contextJSON(c Context) obj {
	return obj{"version": 0, "layer": dec(c.Layer), "tx_id": c.TxId.String()}
}

func spawnJSON(m SpawnMessage) obj {
	return obj{"version": 0, "template": m.Template.String(), "name": m.Name,
		"ctor_name": m.Ctor, "calldata": inputDataJSON(m.Calldata)}
}

func callJSON(m CallMessage) obj {
	return obj{"version": 0, "target": m.Target.String(), "func_name": m.Function,
		"calldata": inputDataJSON(m.Calldata)}
}

func deployJSON(m DeployMessage) obj {
	vars := []interface{}{}
	for _, v := range m.Data.Vars {
		vars = append(vars, v)
	}
	o := obj{
		"version": 0,
		"code":    obj{"kind": "wasm", "flags": m.Code.Flags, "code": hexs(m.Code.Code)},
		"data":    obj{"vars": vars},
		"ctors":   append([]string{}, m.Ctors...),
	}
	if m.API != nil {
		o["api"] = *m.API
	}
	if h := m.Header; h != nil {
		o["header"] = obj{"code_version": h.CodeVersion, "name": h.Name, "description": h.Description}
	}
	if len(m.Extra) > 0 {
		extra := append([]RawSection{}, m.Extra...)
		sort.SliceStable(extra, func(i, j int) bool { return extra[i].Kind < extra[j].Kind })
		list := []interface{}{}
		for _, s := range extra {
			list = append(list, obj{"kind": s.Kind, "body": hexs(s.Body)})
		}
		o["extra"] = list
	}
	return o
}

func messageJSON(m Message) obj {
	switch x := m.(type) {
	case SpawnMessage:
		return spawnJSON(x)
	case CallMessage:
		return callJSON(x)
	case DeployMessage:
		return deployJSON(x)
	}
	return obj{"unexpected": fmt.Sprintf("%T", m)}
}

func runtimeErrorJSON(e *RuntimeError) obj {
	o := obj{"type": e.Name()}
	switch e.Code() {
	case CodeTemplateNotFound, CodeTemplateAlreadyExists:
		o["template"] = e.Template.String()
	case CodeAccountNotFound, CodeAccountAlreadyExists, CodePrincipalNotFound, CodeNoTemplate:
		o["account"] = e.Account.String()
	case CodeGasFeeTooLow, CodeGasLimitTooLow:
		o["minimum"], o["found"] = dec(e.Bound), dec(e.GasFound)
	case CodeGasLimitTooHigh:
		o["maximum"], o["found"] = dec(e.Bound), dec(e.GasFound)
	case CodeAccountGasCap:
		o["account"] = e.Account.String()
		o["maximum"], o["found"] = dec(e.Bound), dec(e.GasFound)
	case CodeFuncNotFound, CodeFuncNotCtor, CodeFuncInvalidSignature:
		o["function"] = e.Function
	case CodeCompilationFailed, CodeInstantiationFailed, CodeTrap, CodeValidationFailed, CodeInvalidMessage:
		o["message"] = e.Message
	case CodeFuncNotAllowed:
		o["function"], o["message"] = e.Function, e.Message
	case CodeNonceMismatch:
		o["expected"], o["found"] = e.Expected.String(), e.Found.String()
	}
	return o
}

func receiptBase(kind string, e *RuntimeError, gas uint64, logs []Log) obj {
	o := obj{"version": 0, "type": kind, "success": e == nil, "gas_used": dec(gas)}
	if e != nil {
		o["error"] = runtimeErrorJSON(e)
	}
	list := []interface{}{}
	for _, l := range logs {
		list = append(list, obj{"topic": hexs(l.Topic), "data": hexs(l.Data)})
	}
	o["logs"] = list
	return o
}

func touchedJSON(accounts []Address) []interface{} {
	out := []interface{}{}
	for _, a := range accounts {
		out = append(out, a.String())
	}
	return out
}

func callsJSON(calls []CallFrame) []interface{} {
	out := []interface{}{}
	for _, c := range calls {
		out = append(out, obj{"depth": c.Depth, "kind": c.Kind.String(), "caller": c.Caller.String(),
			"callee": c.Callee.String(), "function": c.Function, "gas_used": dec(c.GasUsed),
			"status": c.Status.String()})
	}
	return out
}

func receiptJSON(r Receipt) obj {
	switch x := r.(type) {
	case *DeployReceipt:
		o := receiptBase("deploy", x.Err, x.GasUsed, x.Logs)
		if x.Err == nil {
			o["template"] = x.Template.String()
		}
		return o
	case *SpawnReceipt:
		o := receiptBase("spawn", x.Err, x.GasUsed, x.Logs)
		if x.Err == nil {
			o["account"], o["init_state"] = x.Account.String(), x.InitState.String()
			o["returndata"] = hexs(x.Returndata)
		}
		o["touched_accounts"] = touchedJSON(x.TouchedAccounts)
		o["calls"] = callsJSON(x.Calls)
		return o
	case *CallReceipt:
		o := receiptBase("call", x.Err, x.GasUsed, x.Logs)
		if x.Err == nil {
			o["new_state"], o["returndata"] = x.NewState.String(), hexs(x.Returndata)
		}
		o["touched_accounts"] = touchedJSON(x.TouchedAccounts)
		o["calls"] = callsJSON(x.Calls)
		return o
	}
	return obj{"unexpected": fmt.Sprintf("%T", r)}
}

// itemJSON is the JSON form of a decoded item.
func itemJSON(tb testing.TB, v interface{}) interface{} {
	tb.Helper()
	switch x := v.(type) {
	case Envelope:
		return envelopeJSON(x)
	case Context:
		return contextJSON(x)
	case SpawnMessage, CallMessage, DeployMessage:
		return messageJSON(x.(Message))
	case Transaction:
		m, err := x.DecodeMessage()
		if err != nil {
			tb.Fatalf("DecodeMessage of a decoded transaction: %v", err)
		}
		return obj{"envelope": envelopeJSON(x.Envelope), "verifydata": inputDataJSON(x.Verifydata),
			"message": messageJSON(m)}
	case Receipt:
		return receiptJSON(x)
	case []AbiValue:
		return abiJSON(x)
	}
	tb.Fatalf("no JSON form for %T", v)
	return nil
}

// normalize round-trips v through encoding/json (numbers kept as json.Number).
func normalize(tb testing.TB, v interface{}) interface{} {
	tb.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return unmarshalNumbers(tb, raw)
}

func unmarshalNumbers(tb testing.TB, raw []byte) interface{} {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var out interface{}
	if err := d.Decode(&out); err != nil {
		tb.Fatalf("unmarshal: %v", err)
	}
	return out
}

// compareJSON reports every field where got and want differ, by path.
func compareJSON(tb testing.TB, path string, got, want interface{}) {
	tb.Helper()
	switch w := want.(type) {
	case map[string]interface{}:
		g, ok := got.(map[string]interface{})
		if !ok {
			tb.Errorf("%s: got %v, want object %v", path, got, want)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				tb.Errorf("%s.%s: missing, want %v", path, k, wv)
				continue
			}
			compareJSON(tb, path+"."+k, gv, wv)
		}
		for k, gv := range g {
			if _, ok := w[k]; !ok {
				tb.Errorf("%s.%s: unexpected field %v", path, k, gv)
			}
		}
	case []interface{}:
		g, ok := got.([]interface{})
		if !ok || len(g) != len(w) {
			tb.Errorf("%s: got %v, want %v", path, got, want)
			return
		}
		for i := range w {
			compareJSON(tb, fmt.Sprintf("%s[%d]", path, i), g[i], w[i])
		}
	default:
		if !reflect.DeepEqual(got, want) {
			tb.Errorf("%s: got %#v, want %#v", path, got, want)
		}
	}
}

// ---------- the vectors ----------

func TestValidVectors(t *testing.T) {
	v := loadVectors(t)
	counts := map[string]int{}
	for _, vec := range v.Valid {
		vec := vec
		t.Run(vec.Item+"/"+vec.Name, func(t *testing.T) {
			b := mustHex(t, vec.Hex)
			got, err := decodeByItem(vec.Item, b)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if enc := encodeItem(t, got); !bytes.Equal(enc, b) {
				t.Fatalf("re-encoding differs:\n got %x\nwant %x", enc, b)
			}
			if len(vec.JSON) == 0 {
				t.Fatalf("vector has no json")
			}
			compareJSON(t, vec.Item, normalize(t, itemJSON(t, got)), unmarshalNumbers(t, vec.JSON))
			counts[vec.Item]++
		})
	}
	t.Logf("valid vectors checked per item: %v", counts)
}

// TestValidVectorsGeneric decodes messages and receipts through DecodeMessage and
// DecodeReceipt.
func TestValidVectorsGeneric(t *testing.T) {
	for _, vec := range loadVectors(t).Valid {
		b := mustHex(t, vec.Hex)
		var got interface{ Encode() []byte }
		var err error
		switch vec.Item {
		case "spawn", "call", "deploy":
			got, err = DecodeMessage(b)
		case "deploy_receipt", "spawn_receipt", "call_receipt":
			var r Receipt
			r, err = DecodeReceipt(b)
			if err == nil && r.TxType().String()+"_receipt" != vec.Item {
				t.Errorf("%s: DecodeReceipt gave a %s receipt", vec.Name, r.TxType())
			}
			got = r
		default:
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", vec.Name, err)
			continue
		}
		if !bytes.Equal(got.Encode(), b) {
			t.Errorf("%s: re-encoding differs", vec.Name)
		}
	}
}

func TestInvalidVectors(t *testing.T) {
	for _, vec := range loadVectors(t).Invalid {
		vec := vec
		t.Run(vec.Item+"/"+vec.Name, func(t *testing.T) {
			_, err := decodeByItem(vec.Item, mustHex(t, vec.Hex))
			de, ok := err.(*DecodeError)
			if !ok {
				t.Fatalf("want a *DecodeError, got %T %v", err, err)
			}
			if de.Offset != vec.Error.Offset {
				t.Errorf("offset %d, want %d (%s)", de.Offset, vec.Error.Offset, de.Message)
			}
			if de.Message != vec.Error.Message {
				t.Errorf("message %q, want %q", de.Message, vec.Error.Message)
			}
			if want := fmt.Sprintf("at byte %d: %s", vec.Error.Offset, vec.Error.Message); de.Error() != want {
				t.Errorf("Error() %q, want %q", de.Error(), want)
			}
		})
	}
}

// TestTruncatedVectors checks that every strict prefix of a valid item fails to decode
// with an in-range offset (and without panicking).
func TestTruncatedVectors(t *testing.T) {
	for _, vec := range loadVectors(t).Valid {
		if vec.Item == "calldata" {
			continue // a prefix of calldata can be valid calldata
		}
		b := mustHex(t, vec.Hex)
		for n := 0; n < len(b); n++ {
			_, err := decodeByItem(vec.Item, b[:n])
			de, ok := err.(*DecodeError)
			if !ok {
				t.Errorf("%s cut to %d bytes: want a *DecodeError, got %v", vec.Name, n, err)
				continue
			}
			if de.Offset < 0 || de.Offset > n {
				t.Errorf("%s cut to %d bytes: offset %d out of range", vec.Name, n, de.Offset)
			}
		}
	}
}

func TestTrailingBytes(t *testing.T) {
	for _, vec := range loadVectors(t).Valid {
		if vec.Item == "calldata" {
			continue // a trailing byte is the start of another ABI value
		}
		b := append(mustHex(t, vec.Hex), 0x00)
		_, err := decodeByItem(vec.Item, b)
		de, ok := err.(*DecodeError)
		if !ok {
			t.Errorf("%s + 1 byte: want a *DecodeError, got %v", vec.Name, err)
			continue
		}
		if de.Offset != len(b)-1 || de.Kind != ErrTrailingBytes || de.Message != "1 trailing bytes" {
			t.Errorf("%s + 1 byte: got %v (kind %v), want trailing bytes at %d", vec.Name, de, de.Kind, len(b)-1)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	for _, item := range []string{"envelope", "context", "spawn", "call", "deploy", "transaction",
		"deploy_receipt", "spawn_receipt", "call_receipt"} {
		_, err := decodeByItem(item, nil)
		de, ok := err.(*DecodeError)
		if !ok || de.Offset != 0 || de.Kind != ErrUnexpectedEnd ||
			de.Message != "input ends early: need 2 more bytes, 0 left" {
			t.Errorf("%s: empty input gave %v", item, err)
		}
	}
	if _, err := DecodeMessage(nil); err == nil {
		t.Errorf("DecodeMessage(nil) succeeded")
	}
	if _, err := DecodeReceipt([]byte{}); err == nil {
		t.Errorf("DecodeReceipt(empty) succeeded")
	}
	if v, err := DecodeAbi(nil); err != nil || len(v) != 0 {
		t.Errorf("DecodeAbi(nil) = %v, %v; want no values", v, err)
	}
}
