//go:build svm_system

package svm

// An installed libsvm_ffi (on the linker's and loader's default paths).

// #cgo LDFLAGS: -lsvm_ffi
import "C"
