//! `svm proof`: proofs of accounts and storage for light clients, made from the data
//! directory's committed layers (`svm_storage::GlobalState::prove_account`/`prove_storage`)
//! and verified against a root alone (`svm_proof`), as a light client would.

use std::path::Path;

use serde_json::{Value as Json, json};
use svm_proof::Proof;
use svm_storage::{GlobalState, WorldState};
use svm_types::{Address, Layer, State};

use crate::error::{CliError, Result};
use crate::node::Node;
use crate::output::{account_json, event_json, outln, print_json};
use crate::{Cli, ProofCommand, input};

/// Runs `svm proof ACTION`.
pub(crate) fn run(cli: &Cli, action: &ProofCommand) -> Result<()> {
    match action {
        ProofCommand::Account {
            address,
            layer,
            output,
        } => {
            let node = Node::open(&cli.store_args(), false)?;
            let (layer, root) = committed(&node, *layer)?;
            let proof = node.rt.state().prove_account(address, layer)?;
            // check it as a client would, and report what it proves
            let account = proof.verify(&root, address).map_err(refused)?;
            let bytes = Proof::Account(proof).encode();
            let mut doc = json!({"layer": layer.0.to_string(), "root": root.to_string(), "proven": account_json(address, account.as_ref())});
            finish(cli.json, output.as_deref(), &bytes, &mut doc)
        }
        ProofCommand::Storage {
            address,
            var,
            offset,
            len,
            layer,
            output,
        } => {
            let node = Node::open(&cli.store_args(), false)?;
            let (layer, root) = committed(&node, *layer)?;
            let (offset, len) = match (var, offset, len) {
                (Some(var), _, _) => var_range(&node, address, *var)?,
                (None, Some(offset), Some(len)) => (*offset, *len),
                _ => return Err(CliError::usage("give --var ID, or --offset and --len")),
            };
            let state = node.rt.state();
            let proof = state.prove_storage(address, offset, len, layer)?;
            let page_size = state.page_size();
            let value = proof
                .verify(&root, address, page_size, offset, len)
                .map_err(refused)?;
            let bytes = Proof::Storage(proof).encode();
            let mut doc = json!({"layer": layer.0.to_string(), "root": root.to_string(), "account": address.to_string(),
                "offset": offset, "len": len, "value": hex::encode(value)});
            finish(cli.json, output.as_deref(), &bytes, &mut doc)
        }
        ProofCommand::Map {
            address,
            map,
            key,
            layer,
            output,
        } => {
            let node = Node::open(&cli.store_args(), false)?;
            let (layer, root) = committed(&node, *layer)?;
            let key = input::hex_text("--key", key)?;
            let proof = node
                .rt
                .state()
                .prove_map_entry(address, *map, &key, layer)?;
            let value = proof.verify(&root, address, *map, &key).map_err(refused)?;
            let bytes = Proof::MapEntry(Box::new(proof)).encode();
            let mut doc = json!({"layer": layer.0.to_string(), "root": root.to_string(), "account": address.to_string(),
                "map": map, "key": hex::encode(&key), "value": value.map(hex::encode)});
            finish(cli.json, output.as_deref(), &bytes, &mut doc)
        }
        ProofCommand::Event {
            event,
            layer,
            output,
        } => {
            let node = Node::open(&cli.store_args(), false)?;
            let (layer, root) = committed(&node, *layer)?;
            let proof = node.rt.state().prove_event(event.layer, event.seq, layer)?;
            let proven = proof
                .verify(&root, event.layer, event.seq)
                .map_err(refused)?;
            let bytes = Proof::Event(Box::new(proof)).encode();
            let mut doc = json!({"layer": layer.0.to_string(), "root": root.to_string(),
                "proven": event_json(event.layer, event.seq, &proven)});
            finish(cli.json, output.as_deref(), &bytes, &mut doc)
        }
        ProofCommand::Verify {
            proof,
            root,
            address,
            event,
            offset,
            len,
            map,
            key,
            page_size,
        } => {
            let what = proof.display().to_string();
            let bytes = proof_bytes(&what, &input::read(proof)?)?;
            let proof = Proof::decode(&bytes).map_err(refused)?;
            let proof = match (proof, event) {
                (Proof::Event(p), Some(e)) => {
                    let proven = p.verify(root, e.layer, e.seq).map_err(refused)?;
                    let doc = json!({"verified": true, "root": root.to_string(),
                        "proven": event_json(e.layer, e.seq, &proven)});
                    return verified(cli.json, root, &doc);
                }
                (Proof::Event(_), None) => {
                    return Err(CliError::usage(
                        "an event proof: give the --event LAYER:INDEX it must be about",
                    ));
                }
                (_, Some(_)) => {
                    return Err(CliError::usage("--event is for event proofs"));
                }
                (proof, None) => proof,
            };
            let Some(address) = address else {
                return Err(CliError::usage(
                    "give the --address the proof must be about",
                ));
            };
            let map_key = match (map, key) {
                (Some(m), Some(k)) => Some((*m, input::hex_text("--key", k)?)),
                _ => None,
            };
            let doc = match (proof, offset.zip(*len)) {
                (Proof::MapEntry(p), None) => {
                    let Some((map, key)) = map_key else {
                        return Err(CliError::usage(
                            "a map proof: give the --map and --key it must be about",
                        ));
                    };
                    let value = p.verify(root, address, map, &key).map_err(refused)?;
                    json!({"verified": true, "root": root.to_string(), "account": address.to_string(),
                        "map": map, "key": hex::encode(&key), "value": value.map(hex::encode)})
                }
                (Proof::MapEntry(_), Some(_)) => {
                    return Err(CliError::usage(
                        "a map proof: verify it with --map and --key, not --offset/--len",
                    ));
                }
                (_, _) if map_key.is_some() => {
                    return Err(CliError::usage("--map and --key are for map proofs"));
                }
                (Proof::Account(p), None) => {
                    let account = p.verify(root, address).map_err(refused)?;
                    json!({"verified": true, "root": root.to_string(), "proven": account_json(address, account.as_ref())})
                }
                (Proof::Storage(p), Some((offset, len))) => {
                    let value = p
                        .verify(root, address, *page_size, offset, len)
                        .map_err(refused)?;
                    json!({"verified": true, "root": root.to_string(), "account": address.to_string(),
                        "offset": offset, "len": len, "value": hex::encode(value)})
                }
                (Proof::Account(_), Some(_)) => {
                    return Err(CliError::usage(
                        "an account proof: verify it without --offset/--len",
                    ));
                }
                (Proof::Storage(_), None) => {
                    return Err(CliError::usage(
                        "a storage proof: give the --offset and --len it must cover",
                    ));
                }
                (Proof::Event(_), _) => {
                    return Err(CliError::usage(
                        "an event proof: give the --event LAYER:INDEX it must be about",
                    ));
                }
            };
            verified(cli.json, root, &doc)
        }
    }
}

/// Prints what a verified proof shows.
fn verified(json: bool, root: &State, doc: &Json) -> Result<()> {
    if json {
        print_json(doc, true)
    } else {
        outln!("verified against root {root}")?;
        print_json(doc, false)
    }
}

/// `layer` (default: the last committed one) and its root.
fn committed(node: &Node, layer: Option<u64>) -> Result<(Layer, State)> {
    let state = node.rt.state();
    let layer = layer.map_or_else(|| state.last_layer(), Layer);
    let root = state
        .layer_root(layer)?
        .filter(|_| layer <= state.last_layer());
    let root = root.ok_or(svm_storage::StorageError::NoSuchLayer {
        requested: layer,
        last: state.last_layer(),
    })?;
    Ok((layer, root))
}

/// The byte range of variable `var` of the template of `address` (committed state).
fn var_range(node: &Node, address: &Address, var: u32) -> Result<(u32, u32)> {
    let mut view = GlobalState::new(node.kv().clone(), node.rt.config().storage)?;
    let account = view
        .account(address)?
        .ok_or(svm_storage::StorageError::AccountNotFound(*address))?;
    let template = account.template.ok_or_else(|| {
        CliError::usage(format!(
            "account {address} has no template, so no variables: use --offset and --len"
        ))
    })?;
    let template = view.template(&template)?.ok_or_else(|| {
        CliError::usage(format!(
            "template {template} of account {address} is not deployed"
        ))
    })?;
    let slot = template.layout.var(var)?;
    Ok((slot.offset, slot.len))
}

/// A proof file's bytes: hex text (what `svm proof` prints), or the binary form (`-o`, which
/// starts with the version byte 0x00, never a hex digit).
fn proof_bytes(what: &str, raw: &[u8]) -> Result<Vec<u8>> {
    match std::str::from_utf8(raw).map(str::trim) {
        Ok(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()) => {
            input::hex_text(what, text)
        }
        _ => Ok(raw.to_vec()),
    }
}

fn refused(e: svm_proof::ProofError) -> CliError {
    CliError::Usage(format!("proof refused: {e}"))
}

/// Prints `doc` with the proof (hex and size) and writes its bytes to `output` if asked.
fn finish(json: bool, output: Option<&Path>, bytes: &[u8], doc: &mut Json) -> Result<()> {
    if let Some(path) = output {
        input::write_atomic(path, bytes)?;
    }
    doc["proof_bytes"] = json!(bytes.len());
    doc["proof"] = json!(hex::encode(bytes));
    print_json(doc, json)
}
