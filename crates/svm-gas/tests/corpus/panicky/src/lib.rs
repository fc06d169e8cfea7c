//! A small contract of another platform: std, formatting, collections, a panic.
use std::collections::BTreeMap;

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    fn abort(code: u32);
    fn db_read(key: u32) -> u32;
    fn db_write(key: u32, value: u32);
}

fn load(key: u32) -> u32 {
    // SAFETY: a host import taking and returning plain integers.
    unsafe { db_read(key) }
}

fn store(key: u32, value: u32) {
    // SAFETY: a host import taking plain integers.
    unsafe { db_write(key, value) }
}

/// Counts the words of a generated sentence and stores the counts.
#[unsafe(no_mangle)]
pub extern "C" fn execute(seed: u32) -> u32 {
    let mut words: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..seed % 64 {
        let word = format!("word-{}", (i * 7 + seed) % 13);
        *words.entry(word).or_default() += 1;
    }
    let mut total = 0;
    for (i, (word, count)) in words.iter().enumerate() {
        store(i as u32, *count);
        total += word.len() as u32 * count;
    }
    if total == 0 {
        panic!("empty input: seed {seed}");
    }
    total + load(seed)
}

/// Ends the call through the host.
#[unsafe(no_mangle)]
pub extern "C" fn fail(code: u32) {
    // SAFETY: a host import taking a plain integer.
    unsafe { abort(code) }
}
