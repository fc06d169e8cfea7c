//! The runtime's test kit, as the tests name it.
#![allow(dead_code, unused_imports)]

pub(crate) use svm_runtime::testing::*;
use svm_storage::GlobalState;

/// A test node over [`GlobalState`] on key-value store `K`.
pub(crate) type Node<K> = TestNode<GlobalState<K>>;
