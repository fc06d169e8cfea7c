package codec

// EnvelopeSize is the encoded size of an Envelope in bytes.
const EnvelopeSize = 64

// Envelope is the part of a transaction common to all types: who pays, how much is sent,
// the nonce and the gas terms (codec.md §3). It encodes to exactly 64 bytes.
type Envelope struct {
	// Type says which message follows.
	Type TxType
	// Principal is the account that pays for gas (and, for spawn and call, the amount).
	Principal Address
	// Amount is the number of coins moved from the principal to the spawned or called
	// account.
	Amount uint64
	// Nonce is the principal's transaction nonce.
	Nonce Nonce
	// GasLimit is the most gas units the transaction may use (0 means zero gas).
	GasLimit uint64
	// GasFee is the price of one gas unit.
	GasFee uint64
}

// Encode returns the envelope's 64 bytes. The Type byte is written as it is.
func (e Envelope) Encode() []byte {
	return e.appendTo(make([]byte, 0, EnvelopeSize))
}

func (e Envelope) appendTo(out []byte) []byte {
	out = putHeader(out, KindEnvelope)
	out = append(out, byte(e.Type))
	out = append(out, e.Principal[:]...)
	out = putU64(out, e.Amount)
	out = putU128(out, e.Nonce)
	out = putU64(out, e.GasLimit)
	return putU64(out, e.GasFee)
}

// DecodeEnvelope decodes exactly one envelope under DefaultLimits.
func DecodeEnvelope(b []byte) (Envelope, error) {
	return DecodeEnvelopeWithLimits(b, nil)
}

// DecodeEnvelopeWithLimits decodes exactly one envelope under l (only MaxMessageSize
// applies; nil means DefaultLimits).
func DecodeEnvelopeWithLimits(b []byte, l *Limits) (Envelope, error) {
	e, err := decodeEnvelope(b, orDefault(l))
	return e, asError(err)
}

func decodeEnvelope(b []byte, l *Limits) (e Envelope, err *DecodeError) {
	err = decodeItem(b, l, KindEnvelope, func(r *reader) *DecodeError {
		at := r.offset()
		t, err := r.u8()
		if err != nil {
			return err
		}
		e.Type = TxType(t)
		if !e.Type.Valid() {
			return newErr(at, ErrUnknownTxType, "unknown transaction type %d", t)
		}
		if e.Principal, err = r.address(); err != nil {
			return err
		}
		if e.Amount, err = r.u64(); err != nil {
			return err
		}
		if e.Nonce, err = r.u128(); err != nil {
			return err
		}
		if e.GasLimit, err = r.u64(); err != nil {
			return err
		}
		e.GasFee, err = r.u64()
		return err
	})
	if err != nil {
		return Envelope{}, err
	}
	return e, nil
}
