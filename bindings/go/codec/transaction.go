package codec

// Transaction is a whole binary transaction (codec.md §5):
//
//	envelope (64 bytes) || verifydata (u32 length + bytes) || message
//
// Message holds the encoded message, whose kind must match Envelope.Type; DecodeMessage
// gives the typed message.
type Transaction struct {
	// Envelope says who pays, the nonce and the gas terms, and the message's type.
	Envelope Envelope
	// Verifydata is the principal's authorisation (the input of its svm_verify, typically
	// a signature of the signing hash); at most Limits.MaxCalldata bytes.
	Verifydata []byte
	// Message is the encoded message (a deploy, spawn or call message).
	Message []byte
}

// NewTransaction builds a transaction from a typed message; the envelope's Type is set
// from the message.
func NewTransaction(env Envelope, verifydata []byte, msg Message) Transaction {
	env.Type = msg.TxType()
	return Transaction{Envelope: env, Verifydata: verifydata, Message: msg.Encode()}
}

// Encode returns the transaction's bytes. It writes the fields as they are: it does not
// check that the message matches the envelope's type.
func (tx Transaction) Encode() []byte {
	out := make([]byte, 0, EnvelopeSize+4+len(tx.Verifydata)+len(tx.Message))
	out = tx.Envelope.appendTo(out)
	out = putBytes(out, tx.Verifydata)
	return append(out, tx.Message...)
}

// DecodeMessage decodes Message as a message of Envelope.Type under DefaultLimits. Error
// offsets count from the start of the message bytes.
func (tx Transaction) DecodeMessage() (Message, error) {
	return DecodeMessageAs(tx.Envelope.Type, tx.Message, nil)
}

// DecodeTransaction decodes exactly one transaction under DefaultLimits, including a full
// check of its message. Error offsets count from the start of the transaction.
func DecodeTransaction(b []byte) (Transaction, error) {
	return DecodeTransactionWithLimits(b, nil)
}

// DecodeTransactionWithLimits decodes exactly one transaction under l (nil means
// DefaultLimits).
func DecodeTransactionWithLimits(b []byte, l *Limits) (Transaction, error) {
	tx, err := decodeTransaction(b, orDefault(l))
	return tx, asError(err)
}

// decodeTransaction follows the Rust decoder's order of checks: input size, envelope,
// verifydata length and limit, verifydata bytes, message kind against envelope type, then
// the message itself.
func decodeTransaction(b []byte, l *Limits) (Transaction, *DecodeError) {
	envBytes, rest := b, []byte(nil)
	if len(b) > EnvelopeSize {
		envBytes, rest = b[:EnvelopeSize], b[EnvelopeSize:]
	}
	if err := checkSize(b, l); err != nil {
		return Transaction{}, err
	}
	env, err := decodeEnvelope(envBytes, l)
	if err != nil {
		return Transaction{}, err
	}
	if len(rest) < 4 {
		return Transaction{}, errUnexpectedEnd(EnvelopeSize, 4, uint64(len(rest)))
	}
	n := uint64(rest[0])<<24 | uint64(rest[1])<<16 | uint64(rest[2])<<8 | uint64(rest[3])
	if n > lim(l.MaxCalldata) {
		return Transaction{}, errLimit(EnvelopeSize, "verifydata", n, lim(l.MaxCalldata))
	}
	rest = rest[4:]
	if uint64(len(rest)) < n {
		return Transaction{}, errUnexpectedEnd(EnvelopeSize+4, n, uint64(len(rest)))
	}
	verifydata, msg := rest[:n], rest[n:]
	start := EnvelopeSize + 4 + int(n)
	if len(msg) > 2 && msg[0] == 0 && msg[1] == 0 && msg[2] != env.Type.MessageKind() {
		return Transaction{}, newErr(start+2, ErrTxTypeMismatch,
			"message kind 0x%02x does not match envelope type %d", msg[2], uint8(env.Type))
	}
	if _, err := decodeMessageAs(env.Type, msg, l); err != nil {
		return Transaction{}, shift(err, start)
	}
	return Transaction{
		Envelope:   env,
		Verifydata: append([]byte{}, verifydata...),
		Message:    append([]byte{}, msg...),
	}, nil
}
