//! The example templates shipped with svm (WAT sources in `templates/`), ready to deploy:
//! used by the tests, the CLI's demo and as starting points for template authors.

use svm_codec::{CodeKind, CodeSection, DataSection, DeployMessage};

/// An example template: its source, storage layout and constructors.
#[derive(Debug, Clone, Copy)]
pub struct ExampleTemplate {
    /// Short name.
    pub name: &'static str,
    /// WAT source.
    pub wat: &'static str,
    /// Variable sizes in bytes.
    pub vars: &'static [u32],
    /// Constructors.
    pub ctors: &'static [&'static str],
}

/// A counter: `initialize`, `add`, `get`.
pub const COUNTER: ExampleTemplate = ExampleTemplate {
    name: "counter",
    wat: include_str!("../templates/counter.wat"),
    vars: &[8],
    ctors: &["initialize"],
};

/// A wallet with `svm_verify` and transfers.
pub const WALLET: ExampleTemplate = ExampleTemplate {
    name: "wallet",
    wat: include_str!("../templates/wallet.wat"),
    vars: &[8, 8],
    ctors: &["init"],
};

/// A wallet whose `svm_verify` checks the owner's ed25519 signature of the transaction's
/// signing hash (`svm_sighash`); its constructor stores the 32-byte public key.
pub const SIGNED_WALLET: ExampleTemplate = ExampleTemplate {
    name: "signed_wallet",
    wat: include_str!("../templates/signed_wallet.wat"),
    vars: &[32],
    ctors: &["init"],
};

/// A 2-of-3 multisig wallet: its `svm_verify` needs ed25519 signatures of the signing hash
/// by two of the three keys its constructor stores (96 bytes).
pub const MULTISIG: ExampleTemplate = ExampleTemplate {
    name: "multisig",
    wat: include_str!("../templates/multisig.wat"),
    vars: &[96],
    ctors: &["init"],
};

/// Several variables across pages.
pub const PAGES: ExampleTemplate = ExampleTemplate {
    name: "pages",
    wat: include_str!("../templates/pages.wat"),
    vars: &[100, 4000, 200, 5000, 8],
    ctors: &["ctor"],
};

/// A template that fails on purpose, one way per function.
pub const FAULTY: ExampleTemplate = ExampleTemplate {
    name: "faulty",
    wat: include_str!("../templates/faulty.wat"),
    vars: &[8],
    ctors: &["init_ok", "init_trap"],
};

/// A template for contract-to-contract calls: `run` follows a program in its calldata, one
/// frame per level (nested, static, paying, failing, spinning, asynchronous calls).
pub const RELAY: ExampleTemplate = ExampleTemplate {
    name: "relay",
    wat: include_str!("../templates/relay.wat"),
    vars: &[8, 8, 8],
    ctors: &["init"],
};

/// A template that emits events (`emit`, `emit_and_fail`, `emit_then_call`).
pub const EMITTER: ExampleTemplate = ExampleTemplate {
    name: "emitter",
    wat: include_str!("../templates/emitter.wat"),
    vars: &[8],
    ctors: &["init"],
};

/// Every example template.
pub const ALL: [ExampleTemplate; 8] = [
    COUNTER,
    WALLET,
    SIGNED_WALLET,
    MULTISIG,
    PAGES,
    FAULTY,
    RELAY,
    EMITTER,
];

impl ExampleTemplate {
    /// The template's Wasm bytes.
    pub fn wasm(&self) -> Result<Vec<u8>, wat::Error> {
        wat::parse_str(self.wat)
    }

    /// A deploy message for the template.
    pub fn deploy_message(&self) -> Result<DeployMessage, wat::Error> {
        Ok(DeployMessage {
            code: CodeSection {
                kind: CodeKind::Wasm,
                flags: 0,
                code: self.wasm()?,
            },
            data: DataSection {
                vars: self.vars.to_vec(),
            },
            ctors: self.ctors.iter().map(|c| c.to_string()).collect(),
            api: None,
            header: None,
            extra: vec![],
        })
    }
}
