#![no_main]
//! Fuzzes decoding any item by name to JSON text and back (`svm_codec::ItemKind`, what the
//! JavaScript package does): whatever decodes must encode from its JSON text to the same bytes
//! (see `svm_codec::fuzz::run`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| svm_codec::fuzz::run("item", data));
