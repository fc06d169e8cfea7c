/*
 * svm_template.h: write svm templates in C, for clang --target=wasm32 (no libc needed):
 *
 *   clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -I sdk/c -o t.wasm t.c
 *
 * Every host function of docs/spec/host-abi.md (namespace "svm"), a macro to export a
 * function, and a few helpers. Pointers are the guest's memory; the host never allocates in
 * it. Storage variables are identified by their index in the template's layout.
 */
#ifndef SVM_TEMPLATE_H
#define SVM_TEMPLATE_H

#include <stdint.h>

#define SVM_IMPORT(name) __attribute__((import_module("svm"), import_name(#name)))
/* Exports a function to svm under `name` (a constructor, an endpoint, or svm_verify). */
#define SVM_EXPORT(name) __attribute__((export_name(#name)))

/* ---- storage ---- */
SVM_IMPORT(svm_var_len) int32_t svm_var_len(int32_t var);
SVM_IMPORT(svm_load) void svm_load(int32_t var, void *ptr);
SVM_IMPORT(svm_store) void svm_store(int32_t var, const void *ptr);
SVM_IMPORT(svm_load64) int64_t svm_load64(int32_t var);
SVM_IMPORT(svm_store64) void svm_store64(int32_t var, int64_t value);
SVM_IMPORT(svm_storage_read) void svm_storage_read(int32_t offset, void *ptr, int32_t len);
SVM_IMPORT(svm_storage_write) void svm_storage_write(int32_t offset, const void *ptr, int32_t len);

/* ---- input, output, logs ---- */
SVM_IMPORT(svm_calldata_len) int32_t svm_calldata_len(void);
SVM_IMPORT(svm_calldata_copy) void svm_calldata_copy(void *ptr, int32_t offset, int32_t len);
SVM_IMPORT(svm_set_returndata) void svm_set_returndata(const void *ptr, int32_t len);
SVM_IMPORT(svm_log) void svm_log(const void *topic, int32_t topic_len, const void *data, int32_t data_len);
/* Ends the call as failed with `message` (at most 256 bytes) as its reason. */
SVM_IMPORT(svm_abort) void svm_abort(const void *message, int32_t len);

/* ---- context ---- */
SVM_IMPORT(svm_principal) void svm_principal(void *address20);
SVM_IMPORT(svm_self) void svm_self(void *address20);
SVM_IMPORT(svm_amount) int64_t svm_amount(void);
SVM_IMPORT(svm_layer) int64_t svm_layer(void);
SVM_IMPORT(svm_tx_id) void svm_tx_id(void *out32);
SVM_IMPORT(svm_sighash) void svm_sighash(void *out32);
SVM_IMPORT(svm_chain_id) void svm_chain_id(void *out32);
SVM_IMPORT(svm_envelope) void svm_envelope(void *out64);
SVM_IMPORT(svm_message_len) int32_t svm_message_len(void);
SVM_IMPORT(svm_message_copy) void svm_message_copy(void *ptr, int32_t offset, int32_t len);

/* ---- balances and transfers ---- */
SVM_IMPORT(svm_balance) int64_t svm_balance(void);
SVM_IMPORT(svm_balance_of) int64_t svm_balance_of(const void *address20);
SVM_IMPORT(svm_transfer) void svm_transfer(const void *address20, int64_t amount);

/* ---- hashes and signatures ---- */
SVM_IMPORT(svm_sha3_256) void svm_sha3_256(const void *ptr, int32_t len, void *out32);
SVM_IMPORT(svm_keccak256) void svm_keccak256(const void *ptr, int32_t len, void *out32);
SVM_IMPORT(svm_blake3) void svm_blake3(const void *ptr, int32_t len, void *out32);
SVM_IMPORT(svm_ed25519_verify) int32_t svm_ed25519_verify(const void *msg, int32_t msg_len,
                                                          const void *sig, int32_t sig_len,
                                                          const void *pk, int32_t pk_len);
SVM_IMPORT(svm_secp256k1_verify) int32_t svm_secp256k1_verify(const void *hash32,
                                                              const void *sig, int32_t sig_len,
                                                              const void *pk, int32_t pk_len);

/* ---- helpers ---- */

/* Ends the call with a NUL-terminated reason. */
static inline void svm_fail(const char *reason) {
  int32_t n = 0;
  while (reason[n] && n < 256) n++;
  svm_abort(reason, n);
  __builtin_unreachable();
}

/* The calldata's first 8 bytes as a little-endian u64 (0 if shorter). */
static inline uint64_t svm_arg_u64_le(void) {
  uint64_t v = 0;
  if (svm_calldata_len() >= 8) svm_calldata_copy(&v, 0, 8);
  return v;
}

#endif
