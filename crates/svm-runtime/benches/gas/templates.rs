//! The templates of the gas benchmark: the WAT files next to this one, and the generated ones
//! (large modules for C2 and deploy, the trapping straight-line block of L1, the largest
//! record of C3). Nothing is read from outside the repository.

use svm_codec::{CodeKind, CodeSection, CodecLimits, DataSection, DeployMessage};
use svm_types::Address;

/// An ordinary arithmetic loop.
pub(crate) const COMPUTE: &str = include_str!("compute.wat");
/// An ordinary state update of a few variables.
pub(crate) const STORAGE: &str = include_str!("storage.wat");
/// The collection host functions on one large map.
pub(crate) const MAPS: &str = include_str!("maps.wat");
/// Raw 1-byte writes by page (C1, M4).
pub(crate) const PAGES: &str = include_str!("pages.wat");
/// `table.grow` and whole-variable reads at their caps (H1).
pub(crate) const H1: &str = include_str!("h1.wat");
/// Contract-to-contract calls: fan-out, nested chains, failing callees, queues (calls).
pub(crate) const CALLS: &str = include_str!("calls.wat");
/// Events emitted in a loop (events).
pub(crate) const EVENTS: &str = include_str!("events.wat");
/// Hash and signature host functions in loops (crypto).
pub(crate) const CRYPTO: &str = include_str!("crypto.wat");
/// A verify that never ends (verify).
pub(crate) const VERIFY_LOOP: &str = include_str!("verify_loop.wat");

/// State access over many accounts (H4, M5, verify), with the address function inlined.
pub(crate) fn probe() -> String {
    PROBE.replace(";;@ADDR@", ADDR_WAT)
}

const PROBE: &str = include_str!("probe.wat");

/// `$mix` (splitmix64's finaliser) and `$addr(x, ptr)`, which writes [`account`]`(x)` at
/// `ptr`: the bench's accounts are `account(0..n)`, so a contract reaches them without
/// calldata.
const ADDR_WAT: &str = r#"
  (func $mix (param $z i64) (result i64)
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30)))
                           (i64.const 0xbf58476d1ce4e5b9)))
    (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27)))
                           (i64.const 0x94d049bb133111eb)))
    (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))

  (func $addr (param $x i64) (param $ptr i32)
    (i64.store (local.get $ptr) (call $mix (local.get $x)))
    (i64.store offset=8 (local.get $ptr)
      (call $mix (i64.xor (local.get $x) (i64.const 0x5555555555555555))))
    (i64.store32 offset=16 (local.get $ptr)
      (call $mix (i64.xor (local.get $x) (i64.const 0xaaaaaaaaaaaaaaaa)))))
"#;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The address of the bench's account `x` (spread over the whole key space, as real
/// addresses are); the same as the templates' `$addr`.
pub(crate) fn account(x: u64) -> Address {
    let mut b = [0u8; 20];
    b[..8].copy_from_slice(&mix(x).to_le_bytes());
    b[8..16].copy_from_slice(&mix(x ^ 0x5555_5555_5555_5555).to_le_bytes());
    b[16..].copy_from_slice(&(mix(x ^ 0xaaaa_aaaa_aaaa_aaaa) as u32).to_le_bytes());
    Address(b)
}

/// A deploy message for `wat` with variables `vars`, constructors `ctors` and `api`.
pub(crate) fn deploy_message(
    wat: &str,
    vars: &[u32],
    ctors: &[String],
    api: Option<String>,
) -> DeployMessage {
    DeployMessage {
        code: CodeSection {
            kind: CodeKind::Wasm,
            flags: 0,
            code: wat::parse_str(wat).unwrap_or_else(|e| panic!("{e}")),
        },
        data: DataSection {
            vars: vars.to_vec(),
        },
        ctors: ctors.to_vec(),
        api,
        header: None,
        extra: vec![],
    }
}

/// About `kib` KiB of Wasm (C2, deploy): many functions of straight-line 64-bit arithmetic,
/// distinct for each `seed` (so each is its own template). `run()` calls the first one.
pub(crate) fn big_module(seed: u64, kib: usize) -> String {
    // one group: i64.const k, i64.mul, i64.const j, i64.xor, i64.const r, i64.rotl, about
    // 9 bytes; 48 groups and the frame make a function of about 440 bytes
    const GROUPS: usize = 48;
    let functions = (kib * 1024).div_ceil(440).max(1);
    let mut wat = String::with_capacity(functions * GROUPS * 60);
    wat.push_str("(module\n  (memory (export \"memory\") 1)\n  (func (export \"init\"))\n");
    wat.push_str(&format!(
        "  (func (export \"run\") (drop (call $f0 (i64.const {seed}))))\n"
    ));
    for f in 0..functions {
        wat.push_str(&format!(
            "  (func $f{f} (param $a i64) (result i64)\n    local.get $a\n"
        ));
        for g in 0..GROUPS {
            let k = 3 + (seed as usize + f * 7 + g * 13) % 120;
            let j = 1 + (seed as usize * 31 + f * 11 + g) % 60;
            let r = 1 + (f + g) % 63;
            wat.push_str(&format!(
                "    i64.const {k} i64.mul i64.const {j} i64.xor i64.const {r} i64.rotl\n"
            ));
        }
        wat.push_str("  )\n");
    }
    wat.push_str(")\n");
    wat
}

/// L1: one function whose body is a straight line of `divs` `i64.div_u` (each with a large
/// dividend, so none is cheap) ending in `unreachable`. `run(calldata: x u64 LE, y u64 LE)`.
pub(crate) fn l1_module(divs: usize) -> String {
    let mut wat = String::with_capacity(divs * 48 + 512);
    wat.push_str(
        r#"(module
  (import "svm" "svm_calldata_copy" (func $cd (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "init"))
  (func (export "run") (local $x i64) (local $y i64)
    (call $cd (i32.const 0) (i32.const 0) (i32.const 16))
    (local.set $x (i64.load (i32.const 0)))
    (local.set $y (i64.load (i32.const 8)))
    local.get $x
"#,
    );
    for _ in 0..divs {
        wat.push_str("    local.get $x local.get $y i64.div_u i64.xor\n");
    }
    wat.push_str("    drop\n    unreachable))\n");
    wat
}

/// C3: the largest template record the limits allow around a trivial `run()`:
/// `max_vars` variables filling `max_layout_bytes`, `max_ctors` constructors with names of
/// `max_string_len` bytes (all exports of one empty function) and an API description of
/// `max_api_len` bytes of mostly non-ASCII text.
pub(crate) fn c3_message(limits: &CodecLimits, max_layout_bytes: u32) -> DeployMessage {
    let vars = limits.max_vars.max(1);
    let var_size = (max_layout_bytes as usize / vars).max(1) as u32;
    let ctors: Vec<String> = (0..limits.max_ctors.max(1))
        .map(|k| {
            let mut name = format!("ctor{k:03}_");
            while name.len() < limits.max_string_len {
                name.push('x');
            }
            name
        })
        .collect();
    let mut wat = String::from(
        "(module\n  (memory (export \"memory\") 1)\n  (func $nop)\n  (func (export \"run\"))\n",
    );
    for c in &ctors {
        wat.push_str(&format!("  (export \"{c}\" (func $nop))\n"));
    }
    wat.push_str(")\n");
    let mut api = String::with_capacity(limits.max_api_len);
    let pattern = ['α', 'β', 'γ', 'δ', 'é', '→', ' ', '{', '}'];
    let mut k = 0;
    loop {
        let c = pattern[k % pattern.len()];
        if api.len() + c.len_utf8() > limits.max_api_len {
            break;
        }
        api.push(c);
        k += 1;
    }
    while api.len() < limits.max_api_len {
        api.push(' ');
    }
    deploy_message(&wat, &vec![var_size; vars], &ctors, Some(api))
}
