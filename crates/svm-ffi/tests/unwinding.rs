//! svm-ffi catches panics at the C boundary, which only works when panics unwind: the crate
//! refuses to compile with `panic = "abort"` (a `compile_error!` in `lib.rs`), and this test
//! checks that no profile of the workspace asks for abort and that the release profile, the
//! one node artifacts are built with, says `unwind`.

use std::path::Path;

#[test]
fn the_release_profile_unwinds_and_no_profile_aborts() {
    const { assert!(cfg!(panic = "unwind"), "this test build unwinds") };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let release = workspace
        .split("[profile.release]")
        .nth(1)
        .expect("the workspace states its release profile");
    let release = release.split("\n[").next().unwrap();
    assert!(
        release.lines().any(|l| l.trim() == r#"panic = "unwind""#),
        "[profile.release] must say panic = \"unwind\""
    );
    let mut manifests = vec![root.join("Cargo.toml")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        manifests.push(entry.unwrap().path().join("Cargo.toml"));
    }
    for m in manifests {
        let text = std::fs::read_to_string(&m).unwrap_or_default();
        assert!(
            !text
                .lines()
                .any(|l| l.replace(' ', "").starts_with(r#"panic="abort""#)),
            "{} asks for panic = \"abort\"",
            m.display()
        );
    }
}
