//go:build !svm_system

package svm

// The library as built in this repository (`make ffi` copies it to lib/).

// #cgo LDFLAGS: -L${SRCDIR}/lib -lsvm_ffi -Wl,-rpath,${SRCDIR}/lib
import "C"
