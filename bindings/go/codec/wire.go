package codec

import (
	"math"
	"unicode/utf8"
)

// Version is the only item version this codec reads and writes.
const Version uint16 = 0

// Item kind bytes: the third byte of every top-level item (codec.md §1).
const (
	// KindEnvelope is the kind byte of an Envelope.
	KindEnvelope byte = 0x01
	// KindContext is the kind byte of a Context.
	KindContext byte = 0x02
	// KindDeploy is the kind byte of a DeployMessage.
	KindDeploy byte = 0x10
	// KindSpawn is the kind byte of a SpawnMessage.
	KindSpawn byte = 0x11
	// KindCall is the kind byte of a CallMessage.
	KindCall byte = 0x12
	// KindDeployReceipt is the kind byte of a DeployReceipt.
	KindDeployReceipt byte = 0x20
	// KindSpawnReceipt is the kind byte of a SpawnReceipt.
	KindSpawnReceipt byte = 0x21
	// KindCallReceipt is the kind byte of a CallReceipt.
	KindCallReceipt byte = 0x22
)

// noLimit is the maximum of a length that only the input bounds.
const noLimit = math.MaxUint64

// reader is a cursor over an input slice. Every read checks bounds first and reports
// absolute offsets; it never panics and never allocates more than the input holds.
type reader struct {
	buf  []byte
	pos  int
	base int // offset of buf[0] in the whole input (for section sub-readers)
	lim  *Limits
}

func (r *reader) offset() int    { return r.base + r.pos }
func (r *reader) remaining() int { return len(r.buf) - r.pos }

// take returns the next n bytes (aliasing the input).
func (r *reader) take(n uint64) ([]byte, *DecodeError) {
	avail := r.remaining()
	if n > uint64(avail) {
		return nil, errUnexpectedEnd(r.offset(), n, uint64(avail))
	}
	s := r.buf[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// fixed fills dst from the next len(dst) bytes.
func (r *reader) fixed(dst []byte) *DecodeError {
	s, err := r.take(uint64(len(dst)))
	if err != nil {
		return err
	}
	copy(dst, s)
	return nil
}

func (r *reader) u8() (byte, *DecodeError) {
	s, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

func (r *reader) u16() (uint16, *DecodeError) {
	s, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return uint16(s[0])<<8 | uint16(s[1]), nil
}

func (r *reader) u32() (uint32, *DecodeError) {
	s, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3]), nil
}

func (r *reader) u64() (uint64, *DecodeError) {
	s, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return be64(s), nil
}

func (r *reader) u128() (Nonce, *DecodeError) {
	s, err := r.take(16)
	if err != nil {
		return Nonce{}, err
	}
	return Nonce{Hi: be64(s[:8]), Lo: be64(s[8:])}, nil
}

func be64(s []byte) uint64 {
	var v uint64
	for _, b := range s[:8] {
		v = v<<8 | uint64(b)
	}
	return v
}

func (r *reader) address() (a Address, err *DecodeError) {
	err = r.fixed(a[:])
	return
}

func (r *reader) templateAddr() (a TemplateAddr, err *DecodeError) {
	err = r.fixed(a[:])
	return
}

func (r *reader) state() (s State, err *DecodeError) {
	err = r.fixed(s[:])
	return
}

// bool reads a canonical bool (0x00 or 0x01).
func (r *reader) bool() (bool, *DecodeError) {
	at := r.offset()
	b, err := r.u8()
	if err != nil {
		return false, err
	}
	switch b {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, newErr(at, ErrInvalidBool, "invalid bool 0x%02x", b)
}

// length reads a u32 length and checks it against max (the limit named what).
func (r *reader) length(what string, max uint64) (uint64, *DecodeError) {
	at := r.offset()
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n) > max {
		return 0, errLimit(at, what, uint64(n), max)
	}
	return uint64(n), nil
}

// count reads a u32 element count whose elements take at least minItem bytes each, and
// refuses it unless the rest of the input can hold that many elements.
func (r *reader) count(what string, max uint64, minItem uint64) (int, *DecodeError) {
	at := r.offset()
	n, err := r.length(what, max)
	if err != nil {
		return 0, err
	}
	needed := n * minItem // n < 2^32 and minItem is small: no overflow
	if avail := uint64(r.remaining()); needed > avail {
		return 0, errUnexpectedEnd(at, needed, avail)
	}
	return int(n), nil
}

// bytes reads a u32 length (at most max) and that many bytes, returned as a copy.
func (r *reader) bytes(what string, max uint64) ([]byte, *DecodeError) {
	n, err := r.length(what, max)
	if err != nil {
		return nil, err
	}
	s, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, s...), nil
}

// str reads a u32 length (at most the string limit) and that many bytes of UTF-8.
func (r *reader) str(what string) (string, *DecodeError) {
	return r.strMax(what, lim(r.lim.MaxStringLen))
}

// strMax reads a u32 length (at most max) and that many bytes of UTF-8.
func (r *reader) strMax(what string, max uint64) (string, *DecodeError) {
	n, err := r.length(what, max)
	if err != nil {
		return "", err
	}
	at := r.offset()
	s, err := r.take(n)
	if err != nil {
		return "", err
	}
	if bad := invalidUTF8At(s); bad >= 0 {
		return "", newErr(at+bad, ErrInvalidUTF8, "invalid UTF-8 in %s", what)
	}
	return string(s), nil
}

// invalidUTF8At returns the index of the first byte that does not start a valid UTF-8
// sequence (Rust's Utf8Error::valid_up_to), or -1 if s is valid.
func invalidUTF8At(s []byte) int {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		c, size := utf8.DecodeRune(s[i:])
		if c == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// sub returns a reader over the next n bytes; offsets stay absolute.
func (r *reader) sub(n uint64) (*reader, *DecodeError) {
	base := r.offset()
	s, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return &reader{buf: s, base: base, lim: r.lim}, nil
}

// finish fails unless every byte was read.
func (r *reader) finish() *DecodeError {
	if n := r.remaining(); n != 0 {
		return errTrailing(r.offset(), n)
	}
	return nil
}

// header reads and checks the item header: version u16, then kind u8.
func (r *reader) header(expected byte) *DecodeError {
	at := r.offset()
	v, err := r.u16()
	if err != nil {
		return err
	}
	if v != Version {
		return newErr(at, ErrUnsupportedVersion, "unsupported version %d (this codec reads version 0)", v)
	}
	at = r.offset()
	k, err := r.u8()
	if err != nil {
		return err
	}
	if k != expected {
		return newErr(at, ErrUnexpectedItemKind, "expected item kind 0x%02x, found 0x%02x", expected, k)
	}
	return nil
}

// checkSize enforces the whole-input limit (an error at offset 0).
func checkSize(b []byte, l *Limits) *DecodeError {
	if uint64(len(b)) > lim(l.MaxMessageSize) {
		return errLimit(0, "input size", uint64(len(b)), lim(l.MaxMessageSize))
	}
	return nil
}

// decodeWhole checks the size limit, runs body over the whole input and rejects trailing
// bytes.
func decodeWhole(b []byte, l *Limits, body func(r *reader) *DecodeError) *DecodeError {
	if err := checkSize(b, l); err != nil {
		return err
	}
	r := &reader{buf: b, lim: l}
	if err := body(r); err != nil {
		return err
	}
	return r.finish()
}

// decodeItem is decodeWhole for an item with a header of the given kind.
func decodeItem(b []byte, l *Limits, kind byte, body func(r *reader) *DecodeError) *DecodeError {
	return decodeWhole(b, l, func(r *reader) *DecodeError {
		if err := r.header(kind); err != nil {
			return err
		}
		return body(r)
	})
}

// Writer helpers. The format cannot express a field of 2^32 bytes or more; encoding one
// panics, as the Rust encoder does.

func putU16(out []byte, v uint16) []byte { return append(out, byte(v>>8), byte(v)) }

func putU32(out []byte, v uint32) []byte {
	return append(out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func putU64(out []byte, v uint64) []byte {
	return append(out, byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func putU128(out []byte, n Nonce) []byte { return putU64(putU64(out, n.Hi), n.Lo) }

func putLen(out []byte, n int) []byte {
	if uint64(n) > math.MaxUint32 {
		panic("svm codec: field longer than 2^32-1 bytes")
	}
	return putU32(out, uint32(n))
}

func putBytes(out []byte, b []byte) []byte { return append(putLen(out, len(b)), b...) }

func putStr(out []byte, s string) []byte { return append(putLen(out, len(s)), s...) }

func putHeader(out []byte, kind byte) []byte { return append(putU16(out, Version), kind) }
