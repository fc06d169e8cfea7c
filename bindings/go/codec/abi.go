package codec

import (
	"fmt"
	"math/big"
)

// AbiMarker is the marker byte of an ABI type descriptor (codec.md §8).
type AbiMarker uint8

// The ABI markers. 0x00 is reserved (invalid); AbiArray is followed by the element's
// descriptor.
const (
	// AbiBool is bool: 1 byte, 0x00 or 0x01. Go value: bool.
	AbiBool AbiMarker = 0x01
	// AbiU8 is u8. Go value: uint8.
	AbiU8 AbiMarker = 0x02
	// AbiI8 is i8. Go value: int8.
	AbiI8 AbiMarker = 0x03
	// AbiU16 is u16. Go value: uint16.
	AbiU16 AbiMarker = 0x04
	// AbiI16 is i16. Go value: int16.
	AbiI16 AbiMarker = 0x05
	// AbiU32 is u32. Go value: uint32.
	AbiU32 AbiMarker = 0x06
	// AbiI32 is i32. Go value: int32.
	AbiI32 AbiMarker = 0x07
	// AbiU64 is u64. Go value: uint64.
	AbiU64 AbiMarker = 0x08
	// AbiI64 is i64. Go value: int64.
	AbiI64 AbiMarker = 0x09
	// AbiU128 is u128. Go value: *big.Int in [0, 2^128).
	AbiU128 AbiMarker = 0x0a
	// AbiI128 is i128. Go value: *big.Int in [-2^127, 2^127).
	AbiI128 AbiMarker = 0x0b
	// AbiAmount is an amount of coins (8 bytes). Go value: uint64.
	AbiAmount AbiMarker = 0x0c
	// AbiAddress is a 20-byte address. Go value: Address.
	AbiAddress AbiMarker = 0x0d
	// AbiBytes is u32 length + bytes. Go value: []byte.
	AbiBytes AbiMarker = 0x0e
	// AbiString is u32 length + UTF-8. Go value: string.
	AbiString AbiMarker = 0x0f
	// AbiArray is an array of one element type: u32 count + item payloads. Go value:
	// []AbiValue, every item of the element type.
	AbiArray AbiMarker = 0x10
)

var abiScalarNames = [...]string{
	AbiBool: "bool", AbiU8: "u8", AbiI8: "i8", AbiU16: "u16", AbiI16: "i16",
	AbiU32: "u32", AbiI32: "i32", AbiU64: "u64", AbiI64: "i64", AbiU128: "u128",
	AbiI128: "i128", AbiAmount: "amount", AbiAddress: "address", AbiBytes: "bytes",
	AbiString: "string",
}

// abiMinPayload is the smallest payload of a value of each type (arrays: 4).
var abiMinPayload = [...]uint64{
	AbiBool: 1, AbiU8: 1, AbiI8: 1, AbiU16: 2, AbiI16: 2, AbiU32: 4, AbiI32: 4,
	AbiU64: 8, AbiI64: 8, AbiU128: 16, AbiI128: 16, AbiAmount: 8, AbiAddress: 20,
	AbiBytes: 4, AbiString: 4, AbiArray: 4,
}

// AbiType is an ABI type: a scalar marker, or AbiArray with its element type in Elem.
type AbiType struct {
	// Marker is the type's marker byte.
	Marker AbiMarker
	// Elem is the element type when Marker is AbiArray, nil otherwise.
	Elem *AbiType
}

// AbiArrayOf returns the type "array of elem".
func AbiArrayOf(elem AbiType) AbiType { return AbiType{Marker: AbiArray, Elem: &elem} }

// String returns the type's JSON name: "u32", "[u32]", "[[string]]"...
func (t AbiType) String() string {
	if t.Marker == AbiArray {
		if t.Elem == nil {
			return "[?]"
		}
		return "[" + t.Elem.String() + "]"
	}
	if t.valid() {
		return abiScalarNames[t.Marker]
	}
	return fmt.Sprintf("?0x%02x", uint8(t.Marker))
}

// Equal reports whether t and u are the same type.
func (t AbiType) Equal(u AbiType) bool {
	for t.Marker == AbiArray && u.Marker == AbiArray && t.Elem != nil && u.Elem != nil {
		t, u = *t.Elem, *u.Elem
	}
	return t.Marker == u.Marker && (t.Elem == nil) == (u.Elem == nil)
}

// Depth returns the nesting depth: 0 for scalars, 1 for [u8], 2 for [[u8]].
func (t AbiType) Depth() int {
	d := 0
	for t.Marker == AbiArray && t.Elem != nil {
		d++
		t = *t.Elem
	}
	return d
}

// valid reports whether t is a well-formed type (a known scalar, or an array of one).
func (t AbiType) valid() bool {
	for t.Marker == AbiArray {
		if t.Elem == nil {
			return false
		}
		t = *t.Elem
	}
	return t.Elem == nil && t.Marker >= AbiBool && t.Marker <= AbiString
}

func (t AbiType) appendTo(out []byte) []byte {
	for t.Marker == AbiArray {
		out = append(out, byte(AbiArray))
		t = *t.Elem
	}
	return append(out, byte(t.Marker))
}

// AbiValue is one ABI value: its type and a Go value of the type documented on the
// type's marker (for arrays, []AbiValue).
type AbiValue struct {
	// Type is the value's type.
	Type AbiType
	// Value is the Go value (bool, uint8, ..., *big.Int, Address, []byte, string or
	// []AbiValue).
	Value interface{}
}

// EncodeAbi encodes values as calldata (each value's type descriptor, then its payload).
// It fails if a Go value does not match its type, an array item's type differs from the
// array's element type, or array types nest deeper than the default limit (16).
func EncodeAbi(values ...AbiValue) ([]byte, error) {
	maxDepth := DefaultLimits().MaxAbiDepth
	var out []byte
	for i, v := range values {
		if err := v.check(maxDepth); err != nil {
			return nil, fmt.Errorf("codec: ABI value %d: %w", i, err)
		}
		out = v.Type.appendTo(out)
		out = v.appendPayload(out)
	}
	return out, nil
}

var (
	two127  = new(big.Int).Lsh(big.NewInt(1), 127)
	two128  = new(big.Int).Lsh(big.NewInt(1), 128)
	minI128 = new(big.Int).Neg(two127)
)

// check verifies that the value matches its type, recursively.
func (v AbiValue) check(maxDepth int) error {
	t := v.Type
	if !t.valid() {
		return fmt.Errorf("invalid ABI type %s", t)
	}
	ok := false
	switch t.Marker {
	case AbiBool:
		_, ok = v.Value.(bool)
	case AbiU8:
		_, ok = v.Value.(uint8)
	case AbiI8:
		_, ok = v.Value.(int8)
	case AbiU16:
		_, ok = v.Value.(uint16)
	case AbiI16:
		_, ok = v.Value.(int16)
	case AbiU32:
		_, ok = v.Value.(uint32)
	case AbiI32:
		_, ok = v.Value.(int32)
	case AbiU64, AbiAmount:
		_, ok = v.Value.(uint64)
	case AbiI64:
		_, ok = v.Value.(int64)
	case AbiU128, AbiI128:
		b, isBig := v.Value.(*big.Int)
		if !isBig || b == nil {
			break
		}
		if t.Marker == AbiU128 && (b.Sign() < 0 || b.Cmp(two128) >= 0) ||
			t.Marker == AbiI128 && (b.Cmp(minI128) < 0 || b.Cmp(two127) >= 0) {
			return fmt.Errorf("%s is out of range for %s", b, t)
		}
		ok = true
	case AbiAddress:
		_, ok = v.Value.(Address)
	case AbiBytes:
		_, ok = v.Value.([]byte)
	case AbiString:
		_, ok = v.Value.(string)
	case AbiArray:
		items, isArr := v.Value.([]AbiValue)
		if !isArr {
			break
		}
		if t.Depth() > maxDepth {
			return fmt.Errorf("ABI nesting deeper than %d", maxDepth)
		}
		for i, item := range items {
			if !item.Type.Equal(*t.Elem) {
				return fmt.Errorf("array item %d has type %s, the array holds %s", i, item.Type, t.Elem)
			}
			if err := item.check(maxDepth); err != nil {
				return err
			}
		}
		ok = true
	}
	if !ok {
		return fmt.Errorf("a value of type %s cannot be a Go %T", t, v.Value)
	}
	return nil
}

// appendPayload writes the value's payload; the value has passed check.
func (v AbiValue) appendPayload(out []byte) []byte {
	switch x := v.Value.(type) {
	case bool:
		if x {
			return append(out, 1)
		}
		return append(out, 0)
	case uint8:
		return append(out, x)
	case int8:
		return append(out, byte(x))
	case uint16:
		return putU16(out, x)
	case int16:
		return putU16(out, uint16(x))
	case uint32:
		return putU32(out, x)
	case int32:
		return putU32(out, uint32(x))
	case uint64:
		return putU64(out, x)
	case int64:
		return putU64(out, uint64(x))
	case *big.Int:
		u := x
		if x.Sign() < 0 {
			u = new(big.Int).Add(x, two128)
		}
		var b [16]byte
		u.FillBytes(b[:])
		return append(out, b[:]...)
	case Address:
		return append(out, x[:]...)
	case []byte:
		return putBytes(out, x)
	case string:
		return putStr(out, x)
	case []AbiValue:
		out = putLen(out, len(x))
		for _, item := range x {
			out = item.appendPayload(out)
		}
	}
	return out
}

// DecodeAbi decodes calldata (a sequence of ABI values) under DefaultLimits.
func DecodeAbi(b []byte) ([]AbiValue, error) {
	return DecodeAbiWithLimits(b, nil)
}

// DecodeAbiWithLimits decodes calldata under l (MaxMessageSize and MaxAbiDepth apply; nil
// means DefaultLimits).
func DecodeAbiWithLimits(b []byte, l *Limits) ([]AbiValue, error) {
	values := []AbiValue{}
	err := decodeWhole(b, orDefault(l), func(r *reader) *DecodeError {
		for r.remaining() > 0 {
			t, err := decodeAbiType(r)
			if err != nil {
				return err
			}
			v, err := decodeAbiPayload(t, r)
			if err != nil {
				return err
			}
			values = append(values, AbiValue{Type: t, Value: v})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return values, nil
}

// decodeAbiType reads a type descriptor: any number of array markers (each checked
// against the depth limit), then a scalar marker.
func decodeAbiType(r *reader) (AbiType, *DecodeError) {
	depth := 0
	for {
		at := r.offset()
		m, err := r.u8()
		if err != nil {
			return AbiType{}, err
		}
		switch {
		case AbiMarker(m) == AbiArray:
			if max := r.lim.MaxAbiDepth; depth >= max {
				return AbiType{}, newErr(at, ErrAbiTooDeep, "ABI nesting deeper than %d", max)
			}
			depth++
		case m >= byte(AbiBool) && m <= byte(AbiString):
			t := AbiType{Marker: AbiMarker(m)}
			for ; depth > 0; depth-- {
				t = AbiArrayOf(t)
			}
			return t, nil
		default:
			return AbiType{}, newErr(at, ErrUnknownAbiMarker, "unknown ABI type marker 0x%02x", m)
		}
	}
}

func decodeAbiPayload(t AbiType, r *reader) (interface{}, *DecodeError) {
	var s []byte
	var err *DecodeError
	switch t.Marker {
	case AbiBool:
		return r.bool()
	case AbiBytes:
		return r.bytes("ABI bytes", noLimit)
	case AbiString:
		return r.strMax("ABI string", noLimit)
	case AbiArray:
		n, err := r.count("ABI array length", noLimit, abiMinPayload[t.Elem.Marker])
		if err != nil {
			return nil, err
		}
		items := make([]AbiValue, n)
		for i := range items {
			v, err := decodeAbiPayload(*t.Elem, r)
			if err != nil {
				return nil, err
			}
			items[i] = AbiValue{Type: *t.Elem, Value: v}
		}
		return items, nil
	}
	if s, err = r.take(abiMinPayload[t.Marker]); err != nil {
		return nil, err
	}
	switch t.Marker {
	case AbiU8:
		return s[0], nil
	case AbiI8:
		return int8(s[0]), nil
	case AbiU16:
		return uint16(s[0])<<8 | uint16(s[1]), nil
	case AbiI16:
		return int16(uint16(s[0])<<8 | uint16(s[1])), nil
	case AbiU32:
		return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3]), nil
	case AbiI32:
		return int32(uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])), nil
	case AbiU64, AbiAmount:
		return be64(s), nil
	case AbiI64:
		return int64(be64(s)), nil
	case AbiU128:
		return new(big.Int).SetBytes(s), nil
	case AbiI128:
		v := new(big.Int).SetBytes(s)
		if s[0]&0x80 != 0 {
			v.Sub(v, two128)
		}
		return v, nil
	case AbiAddress:
		var a Address
		copy(a[:], s)
		return a, nil
	}
	return nil, nil // unreachable: decodeAbiType returns known markers only
}
