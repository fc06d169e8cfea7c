#![no_main]
//! Fuzzes the reader of svm-sdk's `svm-meta` section in Wasm modules (see
//! `svm_codec::fuzz::run`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| svm_codec::fuzz::run("sdk_meta", data));
