package codec

import "fmt"

// Message is the message of a transaction: a SpawnMessage, CallMessage or DeployMessage.
type Message interface {
	// TxType is the transaction type this message belongs to.
	TxType() TxType
	// Encode returns the message's bytes (header included).
	Encode() []byte
}

// SpawnMessage spawns an account of Template, running constructor Ctor with Calldata
// (codec.md §6.1).
type SpawnMessage struct {
	// Template is the template to spawn from.
	Template TemplateAddr
	// Name is the account's name (informational, may be empty).
	Name string
	// Ctor is the constructor to run (one of the template's constructors).
	Ctor string
	// Calldata is the constructor's input (usually ABI values, §8).
	Calldata []byte
}

// TxType returns TxSpawn.
func (SpawnMessage) TxType() TxType { return TxSpawn }

// Encode returns the message's bytes.
func (m SpawnMessage) Encode() []byte {
	out := make([]byte, 0, 3+20+12+len(m.Name)+len(m.Ctor)+len(m.Calldata))
	out = putHeader(out, KindSpawn)
	out = append(out, m.Template[:]...)
	out = putStr(out, m.Name)
	out = putStr(out, m.Ctor)
	return putBytes(out, m.Calldata)
}

// DecodeSpawnMessage decodes exactly one spawn message under DefaultLimits.
func DecodeSpawnMessage(b []byte) (SpawnMessage, error) {
	return DecodeSpawnMessageWithLimits(b, nil)
}

// DecodeSpawnMessageWithLimits decodes exactly one spawn message under l (nil means
// DefaultLimits).
func DecodeSpawnMessageWithLimits(b []byte, l *Limits) (SpawnMessage, error) {
	m, err := decodeSpawn(b, orDefault(l))
	return m, asError(err)
}

func decodeSpawn(b []byte, l *Limits) (m SpawnMessage, err *DecodeError) {
	err = decodeItem(b, l, KindSpawn, func(r *reader) *DecodeError {
		var err *DecodeError
		if m.Template, err = r.templateAddr(); err != nil {
			return err
		}
		if m.Name, err = r.str("account name"); err != nil {
			return err
		}
		if m.Ctor, err = r.str("constructor name"); err != nil {
			return err
		}
		m.Calldata, err = r.bytes("calldata", lim(r.lim.MaxCalldata))
		return err
	})
	if err != nil {
		return SpawnMessage{}, err
	}
	return m, nil
}

// CallMessage calls Function of account Target with Calldata as its input (codec.md
// §6.2). The principal's verifydata is not part of the message: it travels beside it, in
// the Transaction.
type CallMessage struct {
	// Target is the called account.
	Target Address
	// Function is the exported function to run.
	Function string
	// Calldata is the function's input (usually ABI values, §8).
	Calldata []byte
}

// TxType returns TxCall.
func (CallMessage) TxType() TxType { return TxCall }

// Encode returns the message's bytes.
func (m CallMessage) Encode() []byte {
	out := make([]byte, 0, 3+20+8+len(m.Function)+len(m.Calldata))
	out = putHeader(out, KindCall)
	out = append(out, m.Target[:]...)
	out = putStr(out, m.Function)
	return putBytes(out, m.Calldata)
}

// DecodeCallMessage decodes exactly one call message under DefaultLimits.
func DecodeCallMessage(b []byte) (CallMessage, error) {
	return DecodeCallMessageWithLimits(b, nil)
}

// DecodeCallMessageWithLimits decodes exactly one call message under l (nil means
// DefaultLimits).
func DecodeCallMessageWithLimits(b []byte, l *Limits) (CallMessage, error) {
	m, err := decodeCall(b, orDefault(l))
	return m, asError(err)
}

func decodeCall(b []byte, l *Limits) (m CallMessage, err *DecodeError) {
	err = decodeItem(b, l, KindCall, func(r *reader) *DecodeError {
		var err *DecodeError
		if m.Target, err = r.address(); err != nil {
			return err
		}
		if m.Function, err = r.str("function name"); err != nil {
			return err
		}
		m.Calldata, err = r.bytes("calldata", lim(r.lim.MaxCalldata))
		return err
	})
	if err != nil {
		return CallMessage{}, err
	}
	return m, nil
}

// DecodeMessage decodes any message under DefaultLimits, choosing its type from the item
// kind byte (a kind that is neither spawn nor call is decoded as a deploy message, whose
// decoder reports the exact header error). The result is a SpawnMessage, CallMessage or
// DeployMessage value.
func DecodeMessage(b []byte) (Message, error) {
	t := TxDeploy
	if len(b) > 2 {
		switch b[2] {
		case KindSpawn:
			t = TxSpawn
		case KindCall:
			t = TxCall
		}
	}
	return DecodeMessageAs(t, b, nil)
}

// DecodeMessageAs decodes a message of type t under l (nil means DefaultLimits). An
// unknown t is an error (not a *DecodeError: the input is not at fault).
func DecodeMessageAs(t TxType, b []byte, l *Limits) (Message, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("codec: unknown transaction type %d", uint8(t))
	}
	m, err := decodeMessageAs(t, b, orDefault(l))
	if err != nil {
		return nil, err
	}
	return m, nil
}

func decodeMessageAs(t TxType, b []byte, l *Limits) (Message, *DecodeError) {
	switch t {
	case TxSpawn:
		m, err := decodeSpawn(b, l)
		if err != nil {
			return nil, err
		}
		return m, nil
	case TxCall:
		m, err := decodeCall(b, l)
		if err != nil {
			return nil, err
		}
		return m, nil
	default:
		m, err := decodeDeploy(b, l)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
}
