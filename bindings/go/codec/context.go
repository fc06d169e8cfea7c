package codec

// ContextSize is the encoded size of a Context in bytes.
const ContextSize = 43

// Context is what the node supplies alongside a transaction: the layer it executes in and
// the transaction id (codec.md §4). It encodes to exactly 43 bytes.
type Context struct {
	// Layer is the layer the transaction executes in.
	Layer uint64
	// TxId is the transaction id; the runtime refuses a context whose id differs from the
	// one it computes.
	TxId TxId
}

// Encode returns the context's 43 bytes.
func (c Context) Encode() []byte {
	out := putHeader(make([]byte, 0, ContextSize), KindContext)
	out = putU64(out, c.Layer)
	return append(out, c.TxId[:]...)
}

// DecodeContext decodes exactly one context under DefaultLimits.
func DecodeContext(b []byte) (Context, error) {
	return DecodeContextWithLimits(b, nil)
}

// DecodeContextWithLimits decodes exactly one context under l (only MaxMessageSize
// applies; nil means DefaultLimits).
func DecodeContextWithLimits(b []byte, l *Limits) (Context, error) {
	var c Context
	err := decodeItem(b, orDefault(l), KindContext, func(r *reader) *DecodeError {
		var err *DecodeError
		if c.Layer, err = r.u64(); err != nil {
			return err
		}
		return r.fixed(c.TxId[:])
	})
	if err != nil {
		return Context{}, err
	}
	return c, nil
}
