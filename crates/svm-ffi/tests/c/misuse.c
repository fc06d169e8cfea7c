/*
 * misuse.c: every way a host can misuse the svm C API gets the documented error, never a
 * crash or undefined behaviour. Run by ci/ffi.sh, also under valgrind and AddressSanitizer:
 *
 *   misuse <scratch-dir>
 *
 * Built with -DSVM_TESTING against a library with the `testing` feature, it
 * also checks that a panic inside svm is caught and poisons the runtime.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm.h"

#ifdef SVM_TESTING
/* Test-only entry points (feature `testing`, not in svm.h). */
svm_error_t *svm_fault_inject_panic(svm_runtime_t rt);
#endif

static int failures = 0;

/* Checks that `err` has `code` (SVM_OK: NULL), then frees it. */
static void expect_code(svm_error_t *err, int32_t code, const char *what, int line) {
  int32_t got = svm_error_code(err);
  if (got != code) {
    fprintf(stderr, "misuse.c:%d: %s: expected code %d, got %d (%s)\n", line, what, code, got,
            svm_error_message(err));
    failures++;
  }
  svm_error_free(err);
}
#define EXPECT_CODE(call, code) expect_code((call), (code), #call, __LINE__)

#define EXPECT(cond)                                                                       \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "misuse.c:%d: expected %s\n", __LINE__, #cond);                      \
      failures++;                                                                          \
    }                                                                                      \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <scratch-dir>\n", argv[0]);
    return 2;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/node", argv[1]);
  svm_runtime_t rt;
  svm_options_t opts;
  memset(&opts, 0, sizeof opts);

  /* Before init, and init with another ABI version. */
  EXPECT_CODE(svm_runtime_new(NULL, 0, NULL, &rt), SVM_ERR_NOT_INITIALISED);
  EXPECT_CODE(svm_init(SVM_ABI_VERSION + 1), SVM_ERR_ABI_MISMATCH);
  EXPECT_CODE(svm_init(SVM_ABI_VERSION), SVM_OK);
  EXPECT_CODE(svm_init(SVM_ABI_VERSION), SVM_OK);

  /* NULL and bad arguments to runtime_new. */
  EXPECT_CODE(svm_runtime_new(NULL, 0, NULL, NULL), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_runtime_new(NULL, 4, NULL, &rt), SVM_ERR_NULL_ARG);
  opts.flags = 0x100;
  EXPECT_CODE(svm_runtime_new(NULL, 0, &opts, &rt), SVM_ERR_BAD_ARG);
  opts.flags = 0;
  opts.backend = 42;
  EXPECT_CODE(svm_runtime_new(NULL, 0, &opts, &rt), SVM_ERR_BAD_ARG);
  opts.backend = SVM_BACKEND_MEMORY;
  EXPECT_CODE(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &rt), SVM_ERR_BAD_ARG);
  opts.backend = SVM_BACKEND_ROCKSDB;
  EXPECT_CODE(svm_runtime_new(NULL, 0, &opts, &rt), SVM_ERR_BAD_ARG);
  const uint8_t nul_dir[] = {'a', 0, 'b'};
  EXPECT_CODE(svm_runtime_new(nul_dir, sizeof nul_dir, &opts, &rt), SVM_ERR_BAD_ARG);

  /* A data directory that is a file; a second runtime on one directory. */
  char file[4200];
  snprintf(file, sizeof file, "%s/a-file", argv[1]);
  FILE *f = fopen(file, "w");
  if (!f) {
    perror(file);
    return 2;
  }
  fputs("keep me", f);
  fclose(f);
  EXPECT_CODE(svm_runtime_new((const uint8_t *)file, strlen(file), &opts, &rt), SVM_ERR_STORE_FORMAT);
  EXPECT_CODE(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &rt), SVM_OK);
  svm_runtime_t second;
  EXPECT_CODE(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &second), SVM_ERR_STORE_LOCKED);
  opts.backend = SVM_BACKEND_LEVELDB;
  EXPECT_CODE(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &second), SVM_ERR_STORE_FORMAT);

  /* Handles: zero, invented, destroyed, destroyed twice. */
  svm_runtime_t zero = {0}, invented = {123456789};
  EXPECT_CODE(svm_open(zero, 1), SVM_ERR_BAD_HANDLE);
  EXPECT_CODE(svm_open(invented, 1), SVM_ERR_BAD_HANDLE);
  EXPECT_CODE(svm_runtime_destroy(invented), SVM_ERR_BAD_HANDLE);

  /* Layers. */
  EXPECT_CODE(svm_open(rt, 5), SVM_ERR_LAYER);
  EXPECT_CODE(svm_commit(rt, NULL, NULL), SVM_ERR_LAYER);
  EXPECT_CODE(svm_rewind(rt, 9, NULL), SVM_ERR_LAYER);
  EXPECT_CODE(svm_open(rt, 1), SVM_OK);
  EXPECT_CODE(svm_open(rt, 1), SVM_ERR_LAYER);

  /* Transactions: NULL arguments, short messages, wrong types, non-empty out buffers. */
  svm_envelope_t env;
  memset(&env, 0, sizeof env);
  env.tx_type = SVM_TX_CALL;
  env.gas_limit = 1000000;
  env.gas_fee = 1;
  svm_context_t ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.layer = 1;
  svm_buf_t out = {NULL, 0, 0};
  const uint8_t junk[5] = {0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_CODE(svm_call(rt, NULL, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, NULL, 5, &ctx, &out), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_call(rt, &env, NULL, 3, junk, 5, &ctx, &out), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, NULL, &out), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, NULL), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_TX_ID_MISMATCH);
  EXPECT_CODE(svm_tx_id(&env, NULL, 0, junk, 5, &ctx.tx_id), SVM_OK);
  env.tx_type = SVM_TX_DEPLOY;
  EXPECT_CODE(svm_tx_id(&env, NULL, 0, junk, 5, &ctx.tx_id), SVM_OK);
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_WRONG_TX_TYPE);
  env.tx_type = 9;
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_INVALID_MESSAGE);
  env.tx_type = SVM_TX_CALL;
  EXPECT_CODE(svm_tx_id(&env, NULL, 0, junk, 5, &ctx.tx_id), SVM_OK);
  ctx.layer = 2;
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_LAYER);
  ctx.layer = 1;
  /* a message that does not decode is a failed receipt, not an error (here: not admitted,
     as the principal has no coins) */
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_OK);
  EXPECT(out.ptr != NULL && out.len > 3 && out.ptr[3] == 0);
  svm_buf_t copy = out;
  EXPECT_CODE(svm_call(rt, &env, NULL, 0, junk, 5, &ctx, &out), SVM_ERR_BAD_ARG);
  EXPECT(out.ptr == copy.ptr);
  EXPECT_CODE(svm_buf_free(&out), SVM_OK);
  EXPECT(out.ptr == NULL && out.len == 0);
  EXPECT_CODE(svm_buf_free(&out), SVM_OK);
  EXPECT_CODE(svm_buf_free(&copy), SVM_ERR_BAD_ARG); /* freed through another variable */
  EXPECT_CODE(svm_buf_free(NULL), SVM_OK);
  uint8_t stack_bytes[4];
  svm_buf_t invented_buf = {stack_bytes, 4, 0};
  EXPECT_CODE(svm_buf_free(&invented_buf), SVM_ERR_BAD_ARG);

  /* Validation of empty, truncated and wrong-kind messages. */
  EXPECT_CODE(svm_validate_deploy(rt, NULL, 0), SVM_ERR_INVALID_MESSAGE);
  EXPECT_CODE(svm_validate_spawn(rt, NULL, 0), SVM_ERR_INVALID_MESSAGE);
  EXPECT_CODE(svm_validate_call(rt, NULL, 0), SVM_ERR_INVALID_MESSAGE);
  EXPECT_CODE(svm_validate_call(rt, junk, 5), SVM_ERR_INVALID_MESSAGE);
  const uint8_t spawn_header[3] = {0, 0, 0x11};
  EXPECT_CODE(svm_validate_call(rt, spawn_header, 3), SVM_ERR_INVALID_MESSAGE);

  /* A batch with a truncated item runs nothing. */
  const uint8_t batch[6] = {0, 0, 0, 9, 1, 2};
  EXPECT_CODE(svm_execute_batch(rt, 1, batch, sizeof batch, &out), SVM_ERR_INVALID_MESSAGE);
  EXPECT(out.ptr == NULL);

  /* Envelopes: 63 bytes, trailing bytes. */
  svm_envelope_t decoded;
  uint8_t bytes[65];
  memset(bytes, 0, sizeof bytes);
  EXPECT_CODE(svm_envelope_decode(bytes, 63, &decoded), SVM_ERR_INVALID_MESSAGE);
  EXPECT_CODE(svm_envelope_decode(bytes, 65, &decoded), SVM_ERR_INVALID_MESSAGE);
  EXPECT_CODE(svm_envelope_decode(bytes, 64, NULL), SVM_ERR_NULL_ARG);

  /* Accounts. */
  svm_address_t addr;
  memset(addr.bytes, 7, sizeof addr.bytes);
  svm_account_t account;
  bool found = true;
  EXPECT_CODE(svm_get_account(rt, NULL, &account, &found), SVM_ERR_NULL_ARG);
  EXPECT_CODE(svm_get_account(rt, &addr, &account, &found), SVM_OK);
  EXPECT(!found);
  EXPECT_CODE(svm_increase_balance(rt, &addr, UINT64_MAX), SVM_OK);
  EXPECT_CODE(svm_increase_balance(rt, &addr, 1), SVM_ERR_OVERFLOW);

  /* Errors: freeing twice through copies, NULL, reading a freed one. */
  svm_error_t *err = svm_open(rt, 77);
  svm_error_t *err_copy = err;
  EXPECT(svm_error_code(err) == SVM_ERR_LAYER);
  svm_error_free(err);
  svm_error_free(err_copy);
  svm_error_free(NULL);
  EXPECT(svm_error_code(err_copy) == SVM_ERR_BAD_ARG);
  EXPECT(svm_error_code(NULL) == SVM_OK);

#ifdef SVM_TESTING
  /* A panic inside svm is caught and poisons that runtime only. */
  uint64_t panics = svm_panics_count();
  EXPECT_CODE(svm_fault_inject_panic(rt), SVM_ERR_PANIC);
  EXPECT(svm_panics_count() == panics + 1);
  EXPECT_CODE(svm_open(rt, 2), SVM_ERR_POISONED);
#endif

  EXPECT_CODE(svm_runtime_destroy(rt), SVM_OK);
  EXPECT_CODE(svm_runtime_destroy(rt), SVM_ERR_BAD_HANDLE);
  EXPECT_CODE(svm_open(rt, 1), SVM_ERR_BAD_HANDLE);

  EXPECT(svm_runtimes_count() == 0);
  EXPECT(svm_receipts_count() == 0);
  EXPECT(svm_errors_count() == 0);
  f = fopen(file, "r");
  char kept[16] = {0};
  EXPECT(f != NULL && fgets(kept, sizeof kept, f) != NULL && strcmp(kept, "keep me") == 0);
  if (f) fclose(f);
  if (failures) {
    fprintf(stderr, "misuse: %d failures\n", failures);
    return 1;
  }
  printf("misuse: ok (every misuse refused with its code; nothing leaked)\n");
  return 0;
}
