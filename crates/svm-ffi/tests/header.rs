//! `include/svm.h` is what cbindgen generates from this crate: the test fails when the
//! committed header drifts from the code (`SVM_BLESS=1` rewrites it), and the Go binding's
//! copy must be the same file.

use std::path::Path;

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn the_committed_header_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = dir.join("include/svm.h");
    let go_copy = dir.join("../../bindings/go/svm/svm.h");
    let generated = generate();
    if std::env::var_os("SVM_BLESS").is_some() {
        std::fs::write(&header, &generated).unwrap();
        std::fs::write(&go_copy, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&header).unwrap_or_default();
    assert!(
        committed == generated,
        "include/svm.h is stale: run `SVM_BLESS=1 cargo test -p svm-ffi --test header`"
    );
    let copy = std::fs::read_to_string(&go_copy).unwrap_or_default();
    assert!(
        copy == generated,
        "bindings/go/svm/svm.h differs from include/svm.h: run `SVM_BLESS=1 cargo test -p svm-ffi --test header`"
    );
}

#[test]
fn the_header_declares_every_entry_point() {
    let header = generate();
    for name in [
        "svm_init",
        "svm_abi_version",
        "svm_version",
        "svm_runtime_new",
        "svm_runtime_destroy",
        "svm_validate_deploy",
        "svm_validate_spawn",
        "svm_validate_call",
        "svm_deploy",
        "svm_spawn",
        "svm_call",
        "svm_verify",
        "svm_execute_batch",
        "svm_set_threads",
        "svm_open",
        "svm_commit",
        "svm_rewind",
        "svm_head",
        "svm_layer_root",
        "svm_get_account",
        "svm_increase_balance",
        "svm_install_template",
        "svm_runtimes_count",
        "svm_receipts_count",
        "svm_errors_count",
        "svm_panics_count",
        "svm_envelope_encode",
        "svm_envelope_decode",
        "svm_tx_id",
        "svm_signing_hash",
        "svm_self_spawn_addr",
        "svm_buf_free",
        "svm_error_code",
        "svm_error_message",
        "svm_error_free",
    ] {
        assert!(header.contains(&format!("{name}(")), "{name} missing");
    }
    assert!(header.contains("#define SVM_ABI_VERSION 1"));
    assert!(
        !header.contains("svm_fault_inject"),
        "test-only entry points stay out"
    );
}
