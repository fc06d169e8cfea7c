package codec

import (
	"bytes"
	"errors"
	"testing"
)

// addSeeds adds every vector (valid and invalid) of the given items to the corpus.
func addSeeds(f *testing.F, items ...string) {
	v := loadVectors(f)
	want := map[string]bool{}
	for _, it := range items {
		want[it] = true
	}
	for _, vec := range v.Valid {
		if want[vec.Item] {
			f.Add(mustHex(f, vec.Hex))
		}
	}
	for _, vec := range v.Invalid {
		if want[vec.Item] {
			f.Add(mustHex(f, vec.Hex))
		}
	}
}

// checkDecoded asserts the decoding contract: an error is a *DecodeError with an offset
// inside the input; a success re-encodes to exactly the input.
func checkDecoded(t *testing.T, data []byte, err error, encode func() []byte) {
	t.Helper()
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("error is not a *DecodeError: %T %v", err, err)
		}
		if de.Offset < 0 || de.Offset > len(data) {
			t.Fatalf("offset %d outside the %d-byte input", de.Offset, len(data))
		}
		return
	}
	if enc := encode(); !bytes.Equal(enc, data) {
		t.Fatalf("re-encoding differs:\n got %x\nwant %x", enc, data)
	}
}

func FuzzDecodeEnvelope(f *testing.F) {
	addSeeds(f, "envelope")
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEnvelope(data)
		checkDecoded(t, data, err, e.Encode)
	})
}

func FuzzDecodeContext(f *testing.F) {
	addSeeds(f, "context")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeContext(data)
		checkDecoded(t, data, err, c.Encode)
	})
}

func FuzzDecodeSpawnMessage(f *testing.F) {
	addSeeds(f, "spawn")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeSpawnMessage(data)
		checkDecoded(t, data, err, m.Encode)
	})
}

func FuzzDecodeCallMessage(f *testing.F) {
	addSeeds(f, "call")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeCallMessage(data)
		checkDecoded(t, data, err, m.Encode)
	})
}

func FuzzDecodeDeployMessage(f *testing.F) {
	addSeeds(f, "deploy")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeDeployMessage(data)
		checkDecoded(t, data, err, m.Encode)
		g, gerr := DecodeMessage(data)
		if (gerr == nil) != (err == nil) && len(data) > 2 && data[2] == KindDeploy {
			t.Fatalf("DecodeMessage and DecodeDeployMessage disagree: %v / %v", gerr, err)
		}
		if gerr == nil {
			checkDecoded(t, data, nil, g.Encode)
		}
	})
}

func FuzzDecodeTransaction(f *testing.F) {
	addSeeds(f, "transaction")
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := DecodeTransaction(data)
		checkDecoded(t, data, err, tx.Encode)
		if err != nil {
			return
		}
		m, err := tx.DecodeMessage()
		if err != nil {
			t.Fatalf("the message of a decoded transaction does not decode: %v", err)
		}
		if m.TxType() != tx.Envelope.Type || !bytes.Equal(m.Encode(), tx.Message) {
			t.Fatalf("message type or bytes differ")
		}
	})
}

func FuzzDecodeReceipt(f *testing.F) {
	addSeeds(f, "deploy_receipt", "spawn_receipt", "call_receipt")
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReceipt(data)
		if err == nil {
			checkDecoded(t, data, nil, r.Encode)
		} else {
			checkDecoded(t, data, err, nil)
		}
		d, err := DecodeDeployReceipt(data)
		if err == nil {
			checkDecoded(t, data, nil, d.Encode)
		} else {
			checkDecoded(t, data, err, nil)
		}
		s, err := DecodeSpawnReceipt(data)
		if err == nil {
			checkDecoded(t, data, nil, s.Encode)
		} else {
			checkDecoded(t, data, err, nil)
		}
		c, err := DecodeCallReceipt(data)
		if err == nil {
			checkDecoded(t, data, nil, c.Encode)
		} else {
			checkDecoded(t, data, err, nil)
		}
	})
}

func FuzzDecodeAbi(f *testing.F) {
	addSeeds(f, "abi")
	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := DecodeAbi(data)
		checkDecoded(t, data, err, func() []byte {
			b, err := EncodeAbi(values...)
			if err != nil {
				t.Fatalf("decoded values do not encode: %v", err)
			}
			return b
		})
	})
}
