//! Before `svm_init`, no runtime can be created (its own process: the flag is global).

use std::ptr::null;

use svm_ffi::*;

#[test]
fn a_runtime_needs_init_first() {
    let mut rt = svm_runtime_t::default();
    // SAFETY: valid pointers.
    let err = unsafe { svm_runtime_new(null(), 0, null(), &mut rt) };
    // SAFETY: a live error.
    assert_eq!(unsafe { svm_error_code(err) }, SVM_ERR_NOT_INITIALISED);
    // SAFETY: freed once.
    unsafe { svm_error_free(err) };
    assert!(svm_init(SVM_ABI_VERSION).is_null());
    assert!(svm_init(SVM_ABI_VERSION).is_null(), "init is idempotent");
    // SAFETY: valid pointers.
    assert!(unsafe { svm_runtime_new(null(), 0, null(), &mut rt) }.is_null());
    assert!(svm_runtime_destroy(rt).is_null());
    assert_eq!(svm_errors_count(), 0);
}
