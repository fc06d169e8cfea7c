package svm

import "fmt"

// Code is a stable error code of the C API (svm.h's SVM_ERR_*): codes are never reused.
type Code int32

// The codes of svm.h.
const (
	CodeNullArg         Code = 1
	CodeBadArg          Code = 2
	CodeBadHandle       Code = 3
	CodeABIMismatch     Code = 4
	CodeNotInitialised  Code = 5
	CodeInvalidMessage  Code = 10
	CodeInvalidTemplate Code = 11
	CodeWrongTxType     Code = 12
	CodeLayer           Code = 13
	CodeOverflow        Code = 14
	CodeTxIdMismatch    Code = 15
	CodeStore           Code = 20
	CodeStoreLocked     Code = 21
	CodeStoreCorrupt    Code = 22
	CodeStoreFormat     Code = 23
	CodeCacheDir        Code = 24
	CodeInternal        Code = 30
	CodePanic           Code = 31
	CodePoisoned        Code = 32
	// CodeAccountNotFound is this package's own: GetAccount found no account.
	CodeAccountNotFound Code = 1000
)

// Error is an error of svm: misuse of the API or a fault of the node, never a failed
// transaction (those are receipts). Compare with errors.Is against the Err* values, which
// match by code.
type Error struct {
	// Code says what kind of error it is.
	Code Code
	// Message says what is wrong, naming the argument, offset or transaction.
	Message string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("svm error %d: %s", e.Code, e.Message) }

// Is matches errors of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrBadArg          = &Error{Code: CodeBadArg, Message: "bad argument"}
	ErrBadHandle       = &Error{Code: CodeBadHandle, Message: "not a live runtime"}
	ErrInvalidMessage  = &Error{Code: CodeInvalidMessage, Message: "invalid message"}
	ErrInvalidTemplate = &Error{Code: CodeInvalidTemplate, Message: "invalid template"}
	ErrWrongTxType     = &Error{Code: CodeWrongTxType, Message: "wrong transaction type"}
	ErrLayer           = &Error{Code: CodeLayer, Message: "layer misuse"}
	ErrOverflow        = &Error{Code: CodeOverflow, Message: "balance overflow"}
	ErrTxIdMismatch    = &Error{Code: CodeTxIdMismatch, Message: "context tx id mismatch"}
	ErrStore           = &Error{Code: CodeStore, Message: "store failure"}
	ErrStoreLocked     = &Error{Code: CodeStoreLocked, Message: "data directory locked"}
	ErrStoreFormat     = &Error{Code: CodeStoreFormat, Message: "incompatible data directory"}
	ErrPanic           = &Error{Code: CodePanic, Message: "svm panicked"}
	ErrPoisoned        = &Error{Code: CodePoisoned, Message: "runtime poisoned"}
	ErrAccountNotFound = &Error{Code: CodeAccountNotFound, Message: "account not found"}
)
