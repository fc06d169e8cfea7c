//! Generates the many kernels of this large test contract (`$OUT_DIR/kernels.rs`): each one a
//! different mix of integer arithmetic, branches, loops and memory, as compiled contract code
//! tends to be. Deterministic: the same text on every build.
use std::fmt::Write;

const KERNELS: u32 = 640;

fn main() {
    let mut s = String::new();
    let ops = [
        "h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15 ^ K);",
        "h ^= h >> (K % 29 + 3);",
        "h = h.rotate_left((K % 61) as u32 + 1);",
        "h = h.wrapping_add(table[(h % 16) as usize]);",
        "if h & 1 == 0 { h = h.wrapping_sub(K) } else { h ^= K << 3 }",
        "table[(h % 16) as usize] = h;",
        "h = h.wrapping_add(host(h as u32) as u64);",
        "match h % 5 { 0 => h += 1, 1 => h ^= K, 2 => h = h.wrapping_mul(3), 3 => h >>= 1, _ => h = !h }",
    ];
    for k in 0..KERNELS {
        let konst = (u64::from(k) + 1).wrapping_mul(0x2545_f491_4f6c_dd1d);
        writeln!(s, "#[inline(never)]").unwrap();
        writeln!(s, "fn kernel_{k}(x: u64, n: u32) -> u64 {{").unwrap();
        writeln!(s, "    const K: u64 = {konst:#x};").unwrap();
        writeln!(s, "    let mut table = [K; 16];").unwrap();
        writeln!(s, "    let mut h = x ^ K;").unwrap();
        writeln!(s, "    for i in 0..n {{").unwrap();
        writeln!(s, "        h ^= u64::from(i);").unwrap();
        for j in 0..(4 + k % 7) {
            let op = ops[((k * 31 + j * 7) % ops.len() as u32) as usize];
            writeln!(s, "        {op}").unwrap();
        }
        writeln!(s, "    }}").unwrap();
        writeln!(s, "    h ^ table[(h % 16) as usize]").unwrap();
        writeln!(s, "}}").unwrap();
    }
    writeln!(s, "/// Runs kernel `which` (modulo their count).").unwrap();
    writeln!(s, "#[unsafe(no_mangle)]").unwrap();
    writeln!(s, "pub extern \"C\" fn dispatch(which: u32, x: u64, n: u32) -> u64 {{").unwrap();
    writeln!(s, "    match which % {KERNELS} {{").unwrap();
    for k in 0..KERNELS {
        writeln!(s, "        {k} => kernel_{k}(x, n),").unwrap();
    }
    writeln!(s, "        _ => 0,").unwrap();
    writeln!(s, "    }}").unwrap();
    writeln!(s, "}}").unwrap();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("kernels.rs");
    std::fs::write(out, s).unwrap();
    println!("cargo::rerun-if-changed=build.rs");
}
