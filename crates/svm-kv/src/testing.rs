//! Test kit (feature `testing`): the conformance suite every [`KVStore`] must pass, for
//! third-party stores to run on themselves. svm's own backends run it in
//! `tests/conformance.rs`.
//!
//! ```toml
//! [dev-dependencies]
//! svm-kv = { version = "0.1", features = ["testing"] }
//! ```

use std::collections::BTreeMap;

use crate::{KVStore, WriteBatch};

/// The behaviour every [`KVStore`] must have, checked on `kv`, which must be empty: reads of
/// missing keys, puts, overwrites, empty values, binary keys, deletes, atomic batches, `scan`
/// order, prefixes and start keys, and [`KVStore::first`] against `scan`. Panics, naming
/// the backend and the case, at the first difference.
///
/// ```
/// svm_kv::testing::conformance(&svm_kv::MemoryStore::new());
/// ```
pub fn conformance(kv: &dyn KVStore) {
    let name = kv.backend();
    assert_eq!(kv.get(b"missing").unwrap(), None, "{name}: missing key");

    // put, overwrite, empty value, binary keys
    let mut b = WriteBatch::new();
    b.put(b"k1", b"v1");
    b.put(b"k1", b"v1b");
    b.put(b"empty", b"");
    b.put(vec![0u8, 0xff, 0], b"bin");
    kv.write(b).unwrap();
    assert_eq!(
        kv.get(b"k1").unwrap(),
        Some(b"v1b".to_vec()),
        "{name}: later put wins"
    );
    assert_eq!(
        kv.get(b"empty").unwrap(),
        Some(vec![]),
        "{name}: empty value kept"
    );
    assert_eq!(
        kv.get(&[0, 0xff, 0]).unwrap(),
        Some(b"bin".to_vec()),
        "{name}: binary key"
    );

    // a delete after a put in one batch wins, and a put after a delete too
    let mut b = WriteBatch::new();
    b.put(b"k2", b"x");
    b.delete(b"k2");
    b.delete(b"k3");
    b.put(b"k3", b"y");
    b.delete(b"never-there");
    kv.write(b).unwrap();
    assert_eq!(kv.get(b"k2").unwrap(), None, "{name}: delete after put");
    assert_eq!(
        kv.get(b"k3").unwrap(),
        Some(b"y".to_vec()),
        "{name}: put after delete"
    );

    // an empty batch is fine
    kv.write(WriteBatch::new()).unwrap();

    // a large value
    let big = vec![7u8; 1 << 20];
    let mut b = WriteBatch::new();
    b.put(b"big", big.clone());
    kv.write(b).unwrap();
    assert_eq!(kv.get(b"big").unwrap(), Some(big), "{name}: 1 MiB value");

    // scans: ordered, bounded by the prefix, starting at `from`
    let mut b = WriteBatch::new();
    for k in [
        &b"p/b"[..],
        b"p/a",
        b"p/c",
        b"p",
        b"q/a",
        b"o/z",
        b"p/\xff\xff",
    ] {
        b.put(k, k);
    }
    kv.write(b).unwrap();
    let keys = |v: Vec<(Vec<u8>, Vec<u8>)>| v.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert_eq!(
        keys(kv.scan(b"p/", b"").unwrap()),
        vec![
            b"p/a".to_vec(),
            b"p/b".to_vec(),
            b"p/c".to_vec(),
            b"p/\xff\xff".to_vec()
        ],
        "{name}: prefix scan"
    );
    assert_eq!(
        keys(kv.scan(b"p/", b"p/b").unwrap()),
        vec![b"p/b".to_vec(), b"p/c".to_vec(), b"p/\xff\xff".to_vec()],
        "{name}: scan from"
    );
    assert_eq!(
        kv.scan(b"p/", b"p/d").unwrap().len(),
        1,
        "{name}: scan from past keys"
    );
    assert!(
        kv.scan(b"zz", b"").unwrap().is_empty(),
        "{name}: empty scan"
    );
    // `first` is the first entry of the same scan, or none
    for (prefix, from) in [
        (&b"p/"[..], &b""[..]),
        (b"p/", b"p/b"),
        (b"p/", b"p/d"),
        (b"zz", b""),
        (b"", b""),
        (b"o/", b""),
    ] {
        assert_eq!(
            kv.first(prefix, from).unwrap(),
            kv.scan(prefix, from).unwrap().into_iter().next(),
            "{name}: first of {prefix:?} from {from:?}"
        );
        // `scan_limit` is the first entries of the same scan
        for limit in [0, 1, 2, 100] {
            let mut expected = kv.scan(prefix, from).unwrap();
            expected.truncate(limit);
            assert_eq!(
                kv.scan_limit(prefix, from, limit).unwrap(),
                expected,
                "{name}: {limit} entries of {prefix:?} from {from:?}"
            );
        }
    }
    let (k, v) = &kv.scan(b"q/", b"").unwrap()[0];
    assert_eq!(
        (k.as_slice(), v.as_slice()),
        (&b"q/a"[..], &b"q/a"[..]),
        "{name}: scan values"
    );
}

/// Applies `batches` to `kv` and to a model map, and checks after each batch that every read
/// and scan agrees. Each `(k, v)` writes key `[b'm', k % 16]` (`Some(v)`: the value `[v]`,
/// `None`: a delete); feed it random batches (a property test) to compare a store with the
/// model. `kv` must hold no key starting with `m`.
///
/// ```
/// svm_kv::testing::agrees_with_model(
///     &svm_kv::MemoryStore::new(),
///     &[vec![(1, Some(7)), (2, None)], vec![(1, None)]],
/// );
/// ```
pub fn agrees_with_model(kv: &dyn KVStore, batches: &[Vec<(u8, Option<u8>)>]) {
    let mut model = BTreeMap::new();
    for batch in batches {
        let mut b = WriteBatch::new();
        for (k, v) in batch {
            let key = vec![b'm', *k % 16];
            match v {
                Some(v) => {
                    b.put(key.clone(), vec![*v]);
                    model.insert(key, vec![*v]);
                }
                None => {
                    b.delete(key.clone());
                    model.remove(&key);
                }
            }
        }
        kv.write(b).unwrap();
        let scanned = kv.scan(b"m", b"").unwrap();
        let expected: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(scanned, expected, "{}", kv.backend());
        for k in 0..16u8 {
            assert_eq!(
                kv.get(&[b'm', k]).unwrap(),
                model.get(&vec![b'm', k]).cloned()
            );
        }
    }
}
