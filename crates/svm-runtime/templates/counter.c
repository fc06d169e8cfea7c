/* The counter template in C: the same behaviour as counter.wat, built with
 *   clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -o counter.wasm counter.c
 * Layout: one 8-byte variable. Constructor: initialize. */
#include <stdint.h>

#define SVM(name) __attribute__((import_module("svm"), import_name(#name)))

SVM(svm_calldata_len) int32_t svm_calldata_len(void);
SVM(svm_calldata_copy) void svm_calldata_copy(void *ptr, int32_t offset, int32_t len);
SVM(svm_load64) int64_t svm_load64(int32_t var);
SVM(svm_store64) void svm_store64(int32_t var, int64_t value);
SVM(svm_set_returndata) void svm_set_returndata(const void *ptr, int32_t len);
SVM(svm_log) void svm_log(const void *topic, int32_t topic_len, const void *data, int32_t data_len);

static uint64_t out;

static int64_t arg(void) {
    int64_t v = 0;
    if (svm_calldata_len() >= 8) svm_calldata_copy(&v, 0, 8);
    return v;
}

__attribute__((export_name("initialize"))) void initialize(void) { svm_store64(0, arg()); }

__attribute__((export_name("add"))) void add(void) {
    out = (uint64_t)(svm_load64(0) + arg());
    svm_store64(0, (int64_t)out);
    svm_log("added", 5, &out, 8);
    svm_set_returndata(&out, 8);
}

__attribute__((export_name("get"))) void get(void) {
    out = (uint64_t)svm_load64(0);
    svm_set_returndata(&out, 8);
}
