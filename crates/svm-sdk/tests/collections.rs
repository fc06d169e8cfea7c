//! The SDK's collections against std models, on the mock host (which keeps maps as the
//! runtime does: ordered `bytes -> bytes`): `Vec` against `Vec`, `Map` and `SortedSet`
//! against `BTreeMap`/`BTreeSet` (iteration in key order, signed keys included), `Set`
//! against `BTreeSet` membership. Every operation's answer and the final contents agree.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use svm_sdk::collections::{Map, Set, SortedSet, Vec as List};
use svm_sdk::testing::MockHost;

#[derive(Debug, Clone)]
enum Op {
    Push(u64),
    Pop,
    SetAt(u64, u64),
    Insert(i32, u64),
    Remove(i32),
    Add(i16),
    Drop(i16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u64>().prop_map(Op::Push),
        Just(Op::Pop),
        (0u64..8, any::<u64>()).prop_map(|(i, v)| Op::SetAt(i, v)),
        (-20i32..20, any::<u64>()).prop_map(|(k, v)| Op::Insert(k, v)),
        (-20i32..20).prop_map(Op::Remove),
        (-30i16..30).prop_map(Op::Add),
        (-30i16..30).prop_map(Op::Drop),
    ]
}

const LIST: List<u64> = List::new(0);
const MAP: Map<i32, u64> = Map::new(1);
const SORTED: SortedSet<i16> = SortedSet::new(2);
const SET: Set<i16> = Set::new(3);

proptest! {
    #[test]
    fn collections_agree_with_std_models(ops in prop::collection::vec(op(), 1..120)) {
        let mut host = MockHost::new(&[]);
        host.gas_limit = u64::MAX;
        host.install();
        let mut list = Vec::new();
        let mut map = BTreeMap::new();
        let mut sorted = BTreeSet::new();
        for op in ops {
            match op {
                Op::Push(v) => { LIST.push(&v); list.push(v); }
                Op::Pop => prop_assert_eq!(LIST.pop(), list.pop()),
                Op::SetAt(i, v) => {
                    if (i as usize) < list.len() {
                        LIST.set(i, &v);
                        list[i as usize] = v;
                    }
                    prop_assert_eq!(LIST.get(i), list.get(i as usize).copied());
                }
                Op::Insert(k, v) => prop_assert_eq!(MAP.insert(&k, &v), map.insert(k, v).is_some()),
                Op::Remove(k) => prop_assert_eq!(MAP.remove(&k), map.remove(&k).is_some()),
                Op::Add(x) => {
                    let new = sorted.insert(x);
                    prop_assert_eq!(SORTED.insert(&x), new);
                    prop_assert_eq!(SET.insert(&x), new);
                }
                Op::Drop(x) => {
                    let was = sorted.remove(&x);
                    prop_assert_eq!(SORTED.remove(&x), was);
                    prop_assert_eq!(SET.remove(&x), was);
                }
            }
            prop_assert_eq!(LIST.len(), list.len() as u64);
        }
        prop_assert_eq!(LIST.iter().collect::<Vec<_>>(), list);
        prop_assert_eq!(MAP.iter().collect::<Vec<_>>(), map.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>());
        prop_assert_eq!(SORTED.iter().collect::<Vec<_>>(), sorted.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(SORTED.first(), sorted.first().copied());
        if let Some(mid) = sorted.iter().nth(sorted.len() / 2) {
            prop_assert_eq!(
                SORTED.iter_from(mid).collect::<Vec<_>>(),
                sorted.range(*mid..).copied().collect::<Vec<_>>()
            );
        }
        for x in -30i16..30 {
            prop_assert_eq!(SET.contains(&x), sorted.contains(&x));
            prop_assert_eq!(SORTED.contains(&x), sorted.contains(&x));
        }
        let set: BTreeSet<i16> = SET.iter().collect();
        prop_assert_eq!(set, sorted);
    }
}
