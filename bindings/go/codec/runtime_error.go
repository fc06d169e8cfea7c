package codec

import "fmt"

// ErrorCode is the stable numeric code of a runtime error (codec.md §7.1).
type ErrorCode uint16

// The runtime error codes of codec.md §7.1. Codes are never reused.
const (
	// CodeOutOfGas (1): the gas limit was reached.
	CodeOutOfGas ErrorCode = 1
	// CodeTemplateNotFound (2): no template at this address. Payload: Template.
	CodeTemplateNotFound ErrorCode = 2
	// CodeAccountNotFound (3): no (target) account at this address. Payload: Account.
	CodeAccountNotFound ErrorCode = 3
	// CodeCompilationFailed (4): the template's code does not compile. Payload: Message.
	CodeCompilationFailed ErrorCode = 4
	// CodeInstantiationFailed (5): the module could not be instantiated. Payload: Message.
	CodeInstantiationFailed ErrorCode = 5
	// CodeFuncNotFound (6): the function is not exported. Payload: Function.
	CodeFuncNotFound ErrorCode = 6
	// CodeFuncNotCtor (7): a spawn named a function that is not a constructor. Payload:
	// Function.
	CodeFuncNotCtor ErrorCode = 7
	// CodeFuncNotAllowed (8): the function may not be called this way. Payload: Function,
	// Message.
	CodeFuncNotAllowed ErrorCode = 8
	// CodeFuncInvalidSignature (9): the function's wasm signature is not the one required.
	// Payload: Function.
	CodeFuncInvalidSignature ErrorCode = 9
	// CodeTrap (10): the code trapped (or a host function failed). Payload: Message.
	CodeTrap ErrorCode = 10
	// CodeInsufficientFunds (11): the principal cannot pay the amount plus the maximum fee.
	CodeInsufficientFunds ErrorCode = 11
	// CodeNonceMismatch (12): the envelope's nonce is not the principal's next nonce.
	// Payload: Expected, Found.
	CodeNonceMismatch ErrorCode = 12
	// CodeValidationFailed (13): the message is well-formed but semantically invalid.
	// Payload: Message.
	CodeValidationFailed ErrorCode = 13
	// CodeTemplateAlreadyExists (14): the template is already deployed. Payload: Template.
	CodeTemplateAlreadyExists ErrorCode = 14
	// CodeAccountAlreadyExists (15): the account already exists. Payload: Account.
	CodeAccountAlreadyExists ErrorCode = 15
	// CodeVerifyFailed (16): the principal's verify step rejected the transaction.
	CodeVerifyFailed ErrorCode = 16
	// CodeInvalidMessage (17): the message bytes do not decode. Payload: Message.
	CodeInvalidMessage ErrorCode = 17
	// CodeGasFeeTooLow (18): admission refused, the gas fee is below the minimum. Payload:
	// Bound (the minimum), GasFound.
	CodeGasFeeTooLow ErrorCode = 18
	// CodeGasLimitTooHigh (19): admission refused, the gas limit is above what is
	// available. Payload: Bound (the maximum), GasFound.
	CodeGasLimitTooHigh ErrorCode = 19
	// CodeNonceExhausted (20): admission refused, the principal's nonce reached 2^128-1.
	CodeNonceExhausted ErrorCode = 20
	// CodePrincipalNotFound (21): admission refused, the principal has no account.
	// Payload: Account.
	CodePrincipalNotFound ErrorCode = 21
	// CodeNoTemplate (22): the account exists but has no template. Payload: Account.
	CodeNoTemplate ErrorCode = 22
	// CodeAccountGasCap (23): admission refused (local fee market), the call's target has
	// less of its per-layer gas left than the gas limit. Payload: Account, Bound (the gas
	// left), GasFound (the gas limit).
	CodeAccountGasCap ErrorCode = 23
	// CodeGasLimitTooLow (24): admission refused, the gas limit is below the gas the
	// message is charged before it is decoded. Payload: Bound (the minimum), GasFound.
	CodeGasLimitTooLow ErrorCode = 24
)

var errorCodeNames = [...]string{
	CodeOutOfGas:              "out-of-gas",
	CodeTemplateNotFound:      "template-not-found",
	CodeAccountNotFound:       "account-not-found",
	CodeCompilationFailed:     "compilation-failed",
	CodeInstantiationFailed:   "instantiation-failed",
	CodeFuncNotFound:          "func-not-found",
	CodeFuncNotCtor:           "func-not-ctor",
	CodeFuncNotAllowed:        "func-not-allowed",
	CodeFuncInvalidSignature:  "func-invalid-signature",
	CodeTrap:                  "trap",
	CodeInsufficientFunds:     "insufficient-funds",
	CodeNonceMismatch:         "nonce-mismatch",
	CodeValidationFailed:      "validation-failed",
	CodeTemplateAlreadyExists: "template-already-exists",
	CodeAccountAlreadyExists:  "account-already-exists",
	CodeVerifyFailed:          "verify-failed",
	CodeInvalidMessage:        "invalid-message",
	CodeGasFeeTooLow:          "gas-fee-too-low",
	CodeGasLimitTooHigh:       "gas-limit-too-high",
	CodeNonceExhausted:        "nonce-exhausted",
	CodePrincipalNotFound:     "principal-not-found",
	CodeNoTemplate:            "no-template",
	CodeAccountGasCap:         "account-gas-cap",
	CodeGasLimitTooLow:        "gas-limit-too-low",
}

// Known reports whether c is one of the codes of codec.md §7.1.
func (c ErrorCode) Known() bool {
	return int(c) < len(errorCodeNames) && errorCodeNames[c] != ""
}

// String returns the JSON name of the code ("out-of-gas", ...), or "unknown(N)".
func (c ErrorCode) String() string {
	if c.Known() {
		return errorCodeNames[c]
	}
	return fmt.Sprintf("unknown(%d)", uint16(c))
}

// RuntimeError is why a transaction failed: a code and the payload fields that code
// carries (codec.md §7.1). Fields that the code does not use are zero and not encoded.
type RuntimeError struct {
	// Kind is the error code.
	Kind ErrorCode
	// Template is the payload of template-not-found and template-already-exists.
	Template TemplateAddr
	// Account is the payload of account-not-found, account-already-exists,
	// principal-not-found, no-template and account-gas-cap.
	Account Address
	// Function is the payload of func-not-found, func-not-ctor, func-not-allowed and
	// func-invalid-signature.
	Function string
	// Message is the text payload of compilation-failed, instantiation-failed,
	// func-not-allowed, trap, validation-failed and invalid-message.
	Message string
	// Expected is the nonce the account expects (nonce-mismatch).
	Expected Nonce
	// Found is the nonce the envelope carries (nonce-mismatch).
	Found Nonce
	// Bound is the smallest accepted gas fee (gas-fee-too-low), the smallest accepted gas
	// limit (gas-limit-too-low) or the largest accepted gas limit (gas-limit-too-high,
	// account-gas-cap); JSON "minimum" or "maximum".
	Bound uint64
	// GasFound is the envelope's gas fee (gas-fee-too-low) or gas limit
	// (gas-limit-too-low, gas-limit-too-high, account-gas-cap); JSON "found".
	GasFound uint64
}

// Code returns the error's numeric code.
func (e *RuntimeError) Code() ErrorCode { return e.Kind }

// Name returns the JSON name of the error's code ("out-of-gas", ...).
func (e *RuntimeError) Name() string { return e.Kind.String() }

// Error describes the error as the Rust RuntimeError displays it.
func (e *RuntimeError) Error() string {
	switch e.Kind {
	case CodeOutOfGas:
		return "out of gas"
	case CodeTemplateNotFound:
		return fmt.Sprintf("template %s not found", e.Template)
	case CodeAccountNotFound:
		return fmt.Sprintf("account %s not found", e.Account)
	case CodeCompilationFailed:
		return "compilation failed: " + e.Message
	case CodeInstantiationFailed:
		return "instantiation failed: " + e.Message
	case CodeFuncNotFound:
		return fmt.Sprintf("function %q not found", e.Function)
	case CodeFuncNotCtor:
		return fmt.Sprintf("function %q is not a constructor", e.Function)
	case CodeFuncNotAllowed:
		return fmt.Sprintf("function %q not allowed: %s", e.Function, e.Message)
	case CodeFuncInvalidSignature:
		return fmt.Sprintf("function %q has an invalid signature", e.Function)
	case CodeTrap:
		return "trap: " + e.Message
	case CodeInsufficientFunds:
		return "insufficient funds"
	case CodeNonceMismatch:
		return fmt.Sprintf("nonce mismatch: expected %s, found %s", e.Expected, e.Found)
	case CodeValidationFailed:
		return "validation failed: " + e.Message
	case CodeTemplateAlreadyExists:
		return fmt.Sprintf("template %s already exists", e.Template)
	case CodeAccountAlreadyExists:
		return fmt.Sprintf("account %s already exists", e.Account)
	case CodeVerifyFailed:
		return "verify failed"
	case CodeInvalidMessage:
		return "invalid message: " + e.Message
	case CodeGasFeeTooLow:
		return fmt.Sprintf("gas fee too low: at least %d, found %d", e.Bound, e.GasFound)
	case CodeGasLimitTooHigh:
		return fmt.Sprintf("gas limit too high: at most %d, found %d", e.Bound, e.GasFound)
	case CodeNonceExhausted:
		return "nonce exhausted"
	case CodePrincipalNotFound:
		return fmt.Sprintf("principal %s not found", e.Account)
	case CodeNoTemplate:
		return fmt.Sprintf("account %s has no template", e.Account)
	case CodeAccountGasCap:
		return fmt.Sprintf("account %s has %d gas left in this layer, the gas limit is %d",
			e.Account, e.Bound, e.GasFound)
	case CodeGasLimitTooLow:
		return fmt.Sprintf("gas limit too low: at least %d, found %d", e.Bound, e.GasFound)
	}
	return fmt.Sprintf("unknown runtime error code %d", uint16(e.Kind))
}

// appendTo writes the code and the payload the code carries. An unknown code is written
// without payload (and will not decode).
func (e *RuntimeError) appendTo(out []byte) []byte {
	out = putU16(out, uint16(e.Kind))
	switch e.Kind {
	case CodeTemplateNotFound, CodeTemplateAlreadyExists:
		out = append(out, e.Template[:]...)
	case CodeAccountNotFound, CodeAccountAlreadyExists, CodePrincipalNotFound, CodeNoTemplate:
		out = append(out, e.Account[:]...)
	case CodeGasFeeTooLow, CodeGasLimitTooHigh, CodeGasLimitTooLow:
		out = putU64(putU64(out, e.Bound), e.GasFound)
	case CodeCompilationFailed, CodeInstantiationFailed, CodeTrap, CodeValidationFailed,
		CodeInvalidMessage:
		out = putStr(out, e.Message)
	case CodeFuncNotFound, CodeFuncNotCtor, CodeFuncInvalidSignature:
		out = putStr(out, e.Function)
	case CodeFuncNotAllowed:
		out = putStr(putStr(out, e.Function), e.Message)
	case CodeNonceMismatch:
		out = putU128(putU128(out, e.Expected), e.Found)
	case CodeAccountGasCap:
		out = putU64(putU64(append(out, e.Account[:]...), e.Bound), e.GasFound)
	}
	return out
}

func decodeRuntimeError(r *reader) (*RuntimeError, *DecodeError) {
	at := r.offset()
	code, err := r.u16()
	if err != nil {
		return nil, err
	}
	e := &RuntimeError{Kind: ErrorCode(code)}
	const msg, fn = "error message", "function name"
	switch e.Kind {
	case CodeOutOfGas, CodeInsufficientFunds, CodeVerifyFailed, CodeNonceExhausted:
	case CodeTemplateNotFound, CodeTemplateAlreadyExists:
		e.Template, err = r.templateAddr()
	case CodeAccountNotFound, CodeAccountAlreadyExists, CodePrincipalNotFound, CodeNoTemplate:
		e.Account, err = r.address()
	case CodeCompilationFailed, CodeInstantiationFailed, CodeTrap, CodeValidationFailed,
		CodeInvalidMessage:
		e.Message, err = r.str(msg)
	case CodeFuncNotFound, CodeFuncNotCtor, CodeFuncInvalidSignature:
		e.Function, err = r.str(fn)
	case CodeFuncNotAllowed:
		if e.Function, err = r.str(fn); err == nil {
			e.Message, err = r.str(msg)
		}
	case CodeNonceMismatch:
		if e.Expected, err = r.u128(); err == nil {
			e.Found, err = r.u128()
		}
	case CodeGasFeeTooLow, CodeGasLimitTooHigh, CodeGasLimitTooLow:
		if e.Bound, err = r.u64(); err == nil {
			e.GasFound, err = r.u64()
		}
	case CodeAccountGasCap:
		if e.Account, err = r.address(); err == nil {
			if e.Bound, err = r.u64(); err == nil {
				e.GasFound, err = r.u64()
			}
		}
	default:
		return nil, newErr(at, ErrUnknownErrorCode, "unknown runtime error code %d", code)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}
