//! Property tests: arbitrary bytes and mutated valid modules never make `validate` or
//! `prepare` panic; they return `Ok` or `Err`.

mod common;

use common::wat;
use proptest::prelude::*;
use svm_gas::{Compiler, PrepareConfig, prepare, validate};

fn seed() -> Vec<u8> {
    wat(r#"(module
        (import "svm" "get" (func $get (param i32) (result i32)))
        (memory (export "memory") 1 4)
        (table 2 funcref)
        (global $g (mut i32) (i32.const 0))
        (data (i32.const 8) "hello")
        (elem (i32.const 0) $f $f)
        (type $t (func (param i32) (result i32)))
        (func $f (export "f") (param $n i32) (result i32) (local $i i32)
            (block $b (loop $l
                (br_if $b (i32.ge_u (local.get $i) (local.get $n)))
                (global.set $g (i32.add (global.get $g) (call $get (local.get $i))))
                (memory.fill (i32.const 0) (i32.const 1) (local.get $i))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))
            (drop (memory.grow (i32.const 1)))
            (call_indirect (type $t) (global.get $g) (i32.const 1))))"#)
}

fn config() -> PrepareConfig {
    PrepareConfig::default().allow_function(
        "svm",
        "get",
        wasmer::FunctionType::new([wasmer::Type::I32], [wasmer::Type::I32]),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = validate(&bytes, &config());
        let mut with_header = b"\0asm\x01\0\0\0".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = validate(&with_header, &config());
    }

    #[test]
    fn mutated_modules_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        compiler in prop_oneof![Just(Compiler::Singlepass), Just(Compiler::Cranelift)],
    ) {
        let mut wasm = seed();
        for (at, byte) in edits {
            let i = at.index(wasm.len());
            wasm[i] = byte;
        }
        let config = config().with_compiler(compiler);
        let validated = validate(&wasm, &config);
        let prepared = prepare(&wasm, &config);
        // prepare accepts exactly what validate accepts
        prop_assert_eq!(validated.is_ok(), prepared.is_ok(), "{:?} / {:?}", validated, prepared.err());
    }
}

#[test]
fn the_seed_prepares() {
    prepare(&seed(), &config()).unwrap();
}
