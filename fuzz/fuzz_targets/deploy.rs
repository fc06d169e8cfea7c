#![no_main]
//! Fuzzes the `deploy` decoder: it must never panic, and whatever decodes must re-encode to the
//! same bytes and survive a JSON round trip (see `svm_codec::fuzz::run`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| svm_codec::fuzz::run("deploy", data));
