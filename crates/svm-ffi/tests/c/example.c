/*
 * example.c: a node's use of the svm C API, start to end. Run by ci/ffi.sh (also under
 * valgrind and AddressSanitizer):
 *
 *   example <testdata-dir> <data-dir>
 *
 * Genesis (fund an account), deploy the counter template, spawn a counter, verify and call
 * it, commit, reopen the data directory, rewind, and check that nothing leaks: every error
 * and buffer svm returned is freed, and all three live counters are back at zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm.h"

#define CHECK(call)                                                                        \
  do {                                                                                     \
    svm_error_t *err_ = (call);                                                            \
    if (err_ != NULL) {                                                                    \
      fprintf(stderr, "%s:%d: %s failed: code %d: %s\n", __FILE__, __LINE__, #call,         \
              svm_error_code(err_), svm_error_message(err_));                              \
      svm_error_free(err_);                                                                \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

#define EXPECT(cond)                                                                       \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);                  \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

/* Reads a whole file into a malloc'd buffer. */
static uint8_t *read_file(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *bytes = malloc((size_t)n);
  EXPECT(bytes != NULL && fread(bytes, 1, (size_t)n, f) == (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return bytes;
}

/* A tiny writer for the codec's big-endian fields (docs/spec/codec.md §1). */
typedef struct {
  uint8_t bytes[512];
  size_t len;
} writer_t;

static void put(writer_t *w, const void *p, size_t n) {
  EXPECT(w->len + n <= sizeof w->bytes);
  memcpy(w->bytes + w->len, p, n);
  w->len += n;
}
static void put_u32(writer_t *w, uint32_t v) {
  uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
  put(w, b, 4);
}
static void put_bytes(writer_t *w, const void *p, size_t n) {
  put_u32(w, (uint32_t)n);
  put(w, p, n);
}
static void put_header(writer_t *w, uint8_t kind) {
  uint8_t h[3] = {0, 0, kind};
  put(w, h, 3);
}

/* A spawn message (§6.1) and a call message (§6.2) with a u64 little-endian argument. */
static writer_t spawn_message(const svm_address_t *template_addr, uint64_t initial) {
  writer_t w = {{0}, 0};
  put_header(&w, 0x11);
  put(&w, template_addr->bytes, 20);
  put_bytes(&w, "counter", 7);
  put_bytes(&w, "initialize", 10);
  uint8_t le[8];
  for (int i = 0; i < 8; i++) le[i] = (uint8_t)(initial >> (8 * i));
  put_bytes(&w, le, 8);
  return w;
}

static writer_t call_message(const svm_address_t *target, const char *function, uint64_t arg) {
  writer_t w = {{0}, 0};
  put_header(&w, 0x12);
  put(&w, target->bytes, 20);
  put_bytes(&w, function, strlen(function));
  uint8_t le[8];
  for (int i = 0; i < 8; i++) le[i] = (uint8_t)(arg >> (8 * i));
  put_bytes(&w, le, 8);
  return w;
}

/* The context of a transaction: its layer and the id svm computes for it. */
static svm_context_t context(uint64_t layer, const svm_envelope_t *env, const writer_t *msg) {
  svm_context_t ctx;
  ctx.layer = layer;
  CHECK(svm_tx_id(env, NULL, 0, msg->bytes, msg->len, &ctx.tx_id));
  return ctx;
}

static svm_envelope_t envelope(uint8_t type, const svm_address_t *principal, uint64_t nonce) {
  svm_envelope_t env;
  memset(&env, 0, sizeof env);
  env.tx_type = type;
  env.principal = *principal;
  env.nonce.lo = nonce;
  env.gas_limit = 20000000;
  env.gas_fee = 1;
  return env;
}

/* Receipts (§7): byte 3 is the success flag; the body follows. */
static int receipt_ok(const svm_buf_t *r) { return r->len > 3 && r->ptr[3] == 1; }

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <testdata-dir> <data-dir>\n", argv[0]);
    return 2;
  }
  const char *dir = argv[2];
  size_t counter_len;
  uint8_t *counter_deploy = read_file(argv[1], "counter.deploy", &counter_len);

  CHECK(svm_init(SVM_ABI_VERSION));
  printf("%s, ABI %u\n", svm_version(), svm_abi_version());

  /* A development chain (keyless accounts may send) on RocksDB in `dir`. */
  svm_options_t opts;
  memset(&opts, 0, sizeof opts);
  opts.backend = SVM_BACKEND_ROCKSDB;
  opts.flags = SVM_FLAG_DEVELOPMENT;
  svm_runtime_t rt;
  CHECK(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &rt));

  /* Layer 1: genesis funding, deploy, spawn. */
  svm_address_t alice;
  memset(alice.bytes, 0xa1, sizeof alice.bytes);
  CHECK(svm_open(rt, 1));
  CHECK(svm_increase_balance(rt, &alice, 1000000000));

  CHECK(svm_validate_deploy(rt, counter_deploy, counter_len));
  svm_envelope_t env = envelope(SVM_TX_DEPLOY, &alice, 0);
  writer_t deploy_msg = {{0}, 0};
  put(&deploy_msg, counter_deploy, counter_len);
  svm_context_t ctx = context(1, &env, &deploy_msg);
  svm_buf_t receipt = {NULL, 0, 0};
  CHECK(svm_deploy(rt, &env, NULL, 0, counter_deploy, counter_len, &ctx, &receipt));
  EXPECT(receipt_ok(&receipt));
  svm_address_t template_addr;
  memcpy(template_addr.bytes, receipt.ptr + 4, 20);
  CHECK(svm_buf_free(&receipt));
  EXPECT(receipt.ptr == NULL && receipt.len == 0);

  writer_t spawn = spawn_message(&template_addr, 5);
  CHECK(svm_validate_spawn(rt, spawn.bytes, spawn.len));
  env = envelope(SVM_TX_SPAWN, &alice, 1);
  ctx = context(1, &env, &spawn);
  CHECK(svm_spawn(rt, &env, NULL, 0, spawn.bytes, spawn.len, &ctx, &receipt));
  EXPECT(receipt_ok(&receipt));
  svm_address_t counter;
  memcpy(counter.bytes, receipt.ptr + 4, 20);
  CHECK(svm_buf_free(&receipt));

  /* Call add(3): the counter returns 8 (receipt: header 3, flag 1, state 32, len 4, value). */
  writer_t add = call_message(&counter, "add", 3);
  CHECK(svm_validate_call(rt, add.bytes, add.len));
  env = envelope(SVM_TX_CALL, &alice, 2);
  ctx = context(1, &env, &add);
  CHECK(svm_verify(rt, &env, NULL, 0, add.bytes, add.len, &ctx, &receipt));
  /* alice has no template, so it has no svm_verify to run: the verify step refuses */
  EXPECT(!receipt_ok(&receipt));
  CHECK(svm_buf_free(&receipt));
  CHECK(svm_call(rt, &env, NULL, 0, add.bytes, add.len, &ctx, &receipt));
  EXPECT(receipt_ok(&receipt));
  EXPECT(receipt.len >= 48 && receipt.ptr[40] == 8);
  CHECK(svm_buf_free(&receipt));

  svm_account_t account;
  bool found;
  CHECK(svm_get_account(rt, &counter, &account, &found));
  EXPECT(found && account.has_template);
  CHECK(svm_get_account(rt, &alice, &account, &found));
  EXPECT(found && account.nonce.lo == 3 && account.balance < 1000000000);

  uint64_t layer;
  svm_bytes32_t root1;
  CHECK(svm_commit(rt, &layer, &root1));
  EXPECT(layer == 1);

  /* Layer 2 in one crossing: a batch of one wire transaction (envelope, verifydata, message). */
  CHECK(svm_open(rt, 2));
  env = envelope(SVM_TX_CALL, &alice, 3);
  svm_buf_t env_bytes = {NULL, 0, 0};
  CHECK(svm_envelope_encode(&env, &env_bytes));
  EXPECT(env_bytes.len == 64);
  add = call_message(&counter, "add", 1);
  writer_t batch = {{0}, 0};
  put_u32(&batch, (uint32_t)(64 + 4 + add.len));
  put(&batch, env_bytes.ptr, env_bytes.len);
  put_u32(&batch, 0); /* no verifydata */
  put(&batch, add.bytes, add.len);
  CHECK(svm_buf_free(&env_bytes));
  svm_buf_t receipts = {NULL, 0, 0};
  CHECK(svm_execute_batch(rt, 2, batch.bytes, batch.len, &receipts));
  EXPECT(receipts.len > 8 && receipts.ptr[4 + 3] == 1);
  CHECK(svm_buf_free(&receipts));
  svm_bytes32_t root2;
  CHECK(svm_commit(rt, &layer, &root2));
  EXPECT(layer == 2 && memcmp(root1.bytes, root2.bytes, 32) != 0);

  /* Reopen: the runtime is at its last commit. Then rewind to layer 1. */
  CHECK(svm_runtime_destroy(rt));
  CHECK(svm_runtime_new((const uint8_t *)dir, strlen(dir), &opts, &rt));
  uint64_t last, open;
  svm_bytes32_t root;
  CHECK(svm_head(rt, &last, &root, &open));
  EXPECT(last == 2 && open == 0 && memcmp(root.bytes, root2.bytes, 32) == 0);
  CHECK(svm_rewind(rt, 1, &root));
  EXPECT(memcmp(root.bytes, root1.bytes, 32) == 0);
  CHECK(svm_layer_root(rt, 2, &root, &found));
  EXPECT(!found);
  CHECK(svm_runtime_destroy(rt));

  free(counter_deploy);
  EXPECT(svm_runtimes_count() == 0);
  EXPECT(svm_receipts_count() == 0);
  EXPECT(svm_errors_count() == 0);
  EXPECT(svm_panics_count() == 0);
  printf("example: ok (layers 1 and 2 committed, reopened, rewound; nothing leaked)\n");
  return 0;
}
