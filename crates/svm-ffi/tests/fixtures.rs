//! The deploy messages of the example templates, as files the C and Go tests read
//! (`bindings/go/svm/testdata/<name>.deploy`): written with `SVM_BLESS=1`, otherwise compared,
//! so they cannot drift from `svm_runtime::examples`.

use svm_codec::Codec;
use svm_runtime::examples::ALL;

#[test]
fn the_template_fixtures_are_current() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bindings/go/svm/testdata");
    let bless = std::env::var_os("SVM_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    for t in ALL {
        let bytes = t.deploy_message().unwrap().encode();
        let path = dir.join(format!("{}.deploy", t.name));
        if bless {
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "{} is stale: run `SVM_BLESS=1 cargo test -p svm-ffi --test fixtures`",
            path.display()
        );
    }
}
