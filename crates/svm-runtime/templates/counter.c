/* The counter template in C: the same behaviour as counter.wat, built with the C SDK header (sdk/c/svm_template.h):
 *   clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -I sdk/c -o counter.wasm counter.c
 * Layout: one 8-byte variable. Constructor: initialize. */
#include "svm_template.h"

static uint64_t out;

SVM_EXPORT(initialize) void initialize(void) { svm_store64(0, (int64_t)svm_arg_u64_le()); }

SVM_EXPORT(add) void add(void) {
    out = (uint64_t)svm_load64(0) + svm_arg_u64_le();
    svm_store64(0, (int64_t)out);
    svm_log("added", 5, &out, 8);
    svm_set_returndata(&out, 8);
}

SVM_EXPORT(get) void get(void) {
    out = (uint64_t)svm_load64(0);
    svm_set_returndata(&out, 8);
}
