package codec

import "fmt"

// DecodeErrorKind says what kind of problem a decoder found. It implements error so that
// errors.Is(err, codec.ErrTrailingBytes) matches any *DecodeError of that kind.
type DecodeErrorKind uint8

// The decoding failures, one per variant of the Rust codec's DecodeErrorKind.
const (
	// ErrUnexpectedEnd: the input (or the enclosing section) ends before the item does.
	ErrUnexpectedEnd DecodeErrorKind = iota + 1
	// ErrTrailingBytes: bytes remain after a complete item or after a section body.
	ErrTrailingBytes
	// ErrInvalidBool: a bool byte other than 0x00 or 0x01.
	ErrInvalidBool
	// ErrInvalidUTF8: a string that is not valid UTF-8.
	ErrInvalidUTF8
	// ErrUnsupportedVersion: an item version this codec does not read.
	ErrUnsupportedVersion
	// ErrUnexpectedItemKind: the item kind byte is not the expected one.
	ErrUnexpectedItemKind
	// ErrUnknownTxType: an unknown transaction type in an envelope.
	ErrUnknownTxType
	// ErrTxTypeMismatch: a transaction's message is not of the envelope's type.
	ErrTxTypeMismatch
	// ErrUnknownSectionKind: an unknown must-understand template section kind (< 0x8000).
	ErrUnknownSectionKind
	// ErrSectionOrder: template sections out of strictly ascending kind order.
	ErrSectionOrder
	// ErrMissingSection: a template lacks a required section.
	ErrMissingSection
	// ErrUnknownCodeKind: an unknown code kind in the code section.
	ErrUnknownCodeKind
	// ErrReservedFlags: code flags with reserved bits set.
	ErrReservedFlags
	// ErrUnknownLayoutKind: an unknown data layout kind.
	ErrUnknownLayoutKind
	// ErrUnknownAbiMarker: an unknown ABI type marker.
	ErrUnknownAbiMarker
	// ErrAbiTooDeep: ABI array types nested deeper than the limit.
	ErrAbiTooDeep
	// ErrUnknownErrorCode: an unknown runtime error code in a failure receipt.
	ErrUnknownErrorCode
	// ErrNonCanonical: a list that must be strictly ascending or free of duplicates is not.
	ErrNonCanonical
	// ErrLimitExceeded: a length, count or size exceeds a configured Limits value.
	ErrLimitExceeded
	// ErrUnknownCallKind: an unknown call kind in a receipt's call tree.
	ErrUnknownCallKind
	// ErrUnknownCallStatus: an unknown call status in a receipt's call tree.
	ErrUnknownCallStatus
)

var decodeErrorKindNames = [...]string{
	ErrUnexpectedEnd:      "unexpected end",
	ErrTrailingBytes:      "trailing bytes",
	ErrInvalidBool:        "invalid bool",
	ErrInvalidUTF8:        "invalid UTF-8",
	ErrUnsupportedVersion: "unsupported version",
	ErrUnexpectedItemKind: "unexpected item kind",
	ErrUnknownTxType:      "unknown transaction type",
	ErrTxTypeMismatch:     "transaction type mismatch",
	ErrUnknownSectionKind: "unknown required section kind",
	ErrSectionOrder:       "section order",
	ErrMissingSection:     "missing required section",
	ErrUnknownCodeKind:    "unknown code kind",
	ErrReservedFlags:      "reserved code flags",
	ErrUnknownLayoutKind:  "unknown data layout kind",
	ErrUnknownAbiMarker:   "unknown ABI type marker",
	ErrAbiTooDeep:         "ABI nesting too deep",
	ErrUnknownErrorCode:   "unknown runtime error code",
	ErrNonCanonical:       "non-canonical",
	ErrLimitExceeded:      "limit exceeded",
	ErrUnknownCallKind:    "unknown call kind",
	ErrUnknownCallStatus:  "unknown call status",
}

// Error returns a short name of the kind.
func (k DecodeErrorKind) Error() string {
	if int(k) < len(decodeErrorKindNames) && decodeErrorKindNames[k] != "" {
		return decodeErrorKindNames[k]
	}
	return fmt.Sprintf("decode error kind %d", uint8(k))
}

// DecodeError is a binary decoding failure: what went wrong and at which byte of the input.
// Offset and Message are those of the Rust codec (Message is the text after "at byte N: ").
type DecodeError struct {
	// Offset, from the start of the decoded input, of the field at fault.
	Offset int
	// Message describes the problem, worded as the Rust codec words it.
	Message string
	// Kind classifies the problem.
	Kind DecodeErrorKind
}

// Error returns "at byte <offset>: <message>", as the Rust codec displays its errors.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("at byte %d: %s", e.Offset, e.Message)
}

// Is reports whether target is this error's kind, so that errors.Is(err, ErrLimitExceeded)
// works.
func (e *DecodeError) Is(target error) bool {
	k, ok := target.(DecodeErrorKind)
	return ok && k == e.Kind
}

func newErr(offset int, kind DecodeErrorKind, format string, args ...interface{}) *DecodeError {
	return &DecodeError{Offset: offset, Message: fmt.Sprintf(format, args...), Kind: kind}
}

func errUnexpectedEnd(offset int, needed, available uint64) *DecodeError {
	return newErr(offset, ErrUnexpectedEnd, "input ends early: need %d more bytes, %d left", needed, available)
}

func errTrailing(offset, count int) *DecodeError {
	return newErr(offset, ErrTrailingBytes, "%d trailing bytes", count)
}

func errLimit(offset int, what string, length, max uint64) *DecodeError {
	return newErr(offset, ErrLimitExceeded, "%s of %d exceeds the limit %d", what, length, max)
}

func errNonCanonical(offset int, what string) *DecodeError {
	return newErr(offset, ErrNonCanonical, "non-canonical %s", what)
}

// asError turns a possibly nil *DecodeError into an error without the typed-nil pitfall.
func asError(e *DecodeError) error {
	if e == nil {
		return nil
	}
	return e
}

// shift moves an error's offset by delta (for items decoded inside a larger input).
func shift(e *DecodeError, delta int) *DecodeError {
	if e == nil {
		return nil
	}
	c := *e
	c.Offset += delta
	return &c
}
