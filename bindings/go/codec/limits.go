package codec

import "math"

// Limits bounds what the decoders accept. They are configuration, not format: the wire
// format can express lengths up to 2^32-1. A value beyond a limit is an ErrLimitExceeded
// DecodeError. Negative values count as 0. Field names and defaults follow the Rust
// CodecLimits.
type Limits struct {
	// MaxMessageSize is the largest input any single decode call accepts.
	MaxMessageSize int
	// MaxCalldata is the largest calldata or verifydata blob.
	MaxCalldata int
	// MaxReturndata is the largest returndata blob in a receipt.
	MaxReturndata int
	// MaxStringLen is the longest string (names, error messages, header texts), in bytes.
	MaxStringLen int
	// MaxAbiDepth is the deepest nesting of ABI array types ([[u8]] has depth 2).
	MaxAbiDepth int
	// MaxLogs is the most logs in one receipt.
	MaxLogs int
	// MaxLogSize is the largest log topic and the largest log data, each.
	MaxLogSize int
	// MaxVars is the most variables in a deploy message's fixed layout.
	MaxVars int
	// MaxCtors is the most constructors in a deploy message.
	MaxCtors int
	// MaxAPILen is the longest API description in a deploy message, in bytes.
	MaxAPILen int
	// MaxTouchedAccounts is the most touched accounts in one receipt.
	MaxTouchedAccounts int
	// MaxCallFrames is the most frames in one receipt's call tree.
	MaxCallFrames int
}

// DefaultLimits returns the limits the plain Decode functions use (Rust
// CodecLimits::DEFAULT): 4 MiB inputs, 64 KiB calldata and returndata, 1 KiB strings, ABI
// depth 16, 256 logs of up to 4 KiB, 1,024 variables, 64 constructors, 64 KiB of API
// description, 1,024 touched accounts, 1,024 call frames.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageSize:     4 << 20,
		MaxCalldata:        64 << 10,
		MaxReturndata:      64 << 10,
		MaxStringLen:       1 << 10,
		MaxAbiDepth:        16,
		MaxLogs:            256,
		MaxLogSize:         4 << 10,
		MaxVars:            1024,
		MaxCtors:           64,
		MaxAPILen:          64 << 10,
		MaxTouchedAccounts: 1024,
		MaxCallFrames:      1024,
	}
}

// UnlimitedLimits returns limits that accept anything the input holds (Rust
// CodecLimits::UNLIMITED; the ABI depth stays bounded at 64).
func UnlimitedLimits() Limits {
	return Limits{
		MaxMessageSize:     math.MaxInt,
		MaxCalldata:        math.MaxInt,
		MaxReturndata:      math.MaxInt,
		MaxStringLen:       math.MaxInt,
		MaxAbiDepth:        64,
		MaxLogs:            math.MaxInt,
		MaxLogSize:         math.MaxInt,
		MaxVars:            math.MaxInt,
		MaxCtors:           math.MaxInt,
		MaxAPILen:          math.MaxInt,
		MaxTouchedAccounts: math.MaxInt,
		MaxCallFrames:      math.MaxInt,
	}
}

// lim converts a limit to uint64 for comparisons with wire lengths.
func lim(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// orDefault returns l, or the default limits if l is nil.
func orDefault(l *Limits) *Limits {
	if l == nil {
		d := DefaultLimits()
		return &d
	}
	return l
}
