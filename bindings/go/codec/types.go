package codec

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// Address is a 20-byte account address.
type Address [20]byte

// TemplateAddr is a 20-byte template address.
type TemplateAddr [20]byte

// State is a 32-byte state root (global state or an account's storage state).
type State [32]byte

// TxId is a 32-byte transaction id (codec.md §9).
type TxId [32]byte

// String returns the address as 40 lowercase hex digits.
func (a Address) String() string { return hex.EncodeToString(a[:]) }

// String returns the template address as 40 lowercase hex digits.
func (a TemplateAddr) String() string { return hex.EncodeToString(a[:]) }

// String returns the state as 64 lowercase hex digits.
func (s State) String() string { return hex.EncodeToString(s[:]) }

// String returns the transaction id as 64 lowercase hex digits.
func (t TxId) String() string { return hex.EncodeToString(t[:]) }

// parseHex decodes s (optionally 0x-prefixed, either case) into exactly len(dst) bytes.
func parseHex(dst []byte, s string) error {
	digits := s
	if strings.HasPrefix(digits, "0x") || strings.HasPrefix(digits, "0X") {
		digits = digits[2:]
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("invalid hex character %q at position %d", rune(c), i)
		}
	}
	if len(digits) != 2*len(dst) {
		return fmt.Errorf("expected %d hex digits, got %d", 2*len(dst), len(digits))
	}
	_, err := hex.Decode(dst, []byte(digits))
	return err
}

// ParseAddress parses 40 hex digits (optionally 0x-prefixed, either case).
func ParseAddress(s string) (Address, error) {
	var a Address
	err := parseHex(a[:], s)
	return a, err
}

// ParseTemplateAddr parses 40 hex digits (optionally 0x-prefixed, either case).
func ParseTemplateAddr(s string) (TemplateAddr, error) {
	var a TemplateAddr
	err := parseHex(a[:], s)
	return a, err
}

// ParseState parses 64 hex digits (optionally 0x-prefixed, either case).
func ParseState(s string) (State, error) {
	var st State
	err := parseHex(st[:], s)
	return st, err
}

// ParseTxId parses 64 hex digits (optionally 0x-prefixed, either case).
func ParseTxId(s string) (TxId, error) {
	var t TxId
	err := parseHex(t[:], s)
	return t, err
}

// Nonce is an unsigned 128-bit value (a transaction nonce; also the u128 payloads of
// runtime errors): Hi holds the upper 64 bits, Lo the lower. It is encoded as 16 bytes
// big-endian.
type Nonce struct {
	// Hi is the upper 64 bits.
	Hi uint64
	// Lo is the lower 64 bits.
	Lo uint64
}

// NonceFromUint64 returns the nonce with value v.
func NonceFromUint64(v uint64) Nonce { return Nonce{Lo: v} }

// BigInt returns the nonce as a new big.Int.
func (n Nonce) BigInt() *big.Int {
	v := new(big.Int).SetUint64(n.Hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(n.Lo))
}

// String returns the nonce in decimal.
func (n Nonce) String() string {
	if n.Hi == 0 {
		return fmt.Sprint(n.Lo)
	}
	return n.BigInt().String()
}

// ParseNonce parses a decimal integer in [0, 2^128).
func ParseNonce(s string) (Nonce, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return Nonce{}, fmt.Errorf("%q is not a decimal integer", s)
		}
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.BitLen() > 128 {
		return Nonce{}, fmt.Errorf("%q is not a 128-bit unsigned integer", s)
	}
	return nonceFromBig(v), nil
}

// nonceFromBig takes the low 128 bits of a non-negative v.
func nonceFromBig(v *big.Int) Nonce {
	lo := new(big.Int).And(v, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(v, 64)
	return Nonce{Hi: hi.Uint64(), Lo: lo.Uint64()}
}

// TxType is a transaction type: the byte at offset 3 of an envelope.
type TxType uint8

// The three transaction types (codec.md §3).
const (
	// TxDeploy deploys a template (byte 0).
	TxDeploy TxType = 0
	// TxSpawn spawns an account from a template (byte 1).
	TxSpawn TxType = 1
	// TxCall calls an account (byte 2).
	TxCall TxType = 2
)

// Valid reports whether t is one of TxDeploy, TxSpawn, TxCall.
func (t TxType) Valid() bool { return t <= TxCall }

// String returns the JSON name: "deploy", "spawn" or "call" ("unknown(N)" otherwise).
func (t TxType) String() string {
	switch t {
	case TxDeploy:
		return "deploy"
	case TxSpawn:
		return "spawn"
	case TxCall:
		return "call"
	}
	return fmt.Sprintf("unknown(%d)", uint8(t))
}

// MessageKind returns the item kind byte of this type's message (KindDeploy, KindSpawn,
// KindCall), or 0 for an unknown type.
func (t TxType) MessageKind() byte {
	switch t {
	case TxDeploy:
		return KindDeploy
	case TxSpawn:
		return KindSpawn
	case TxCall:
		return KindCall
	}
	return 0
}
