//! The standard consensus-spec-tests *general* formats: `bls/<handler>` (`data.yaml` with
//! `input` and `output`, `output: null` meaning the input is invalid) and
//! `shuffling/core/shuffle` (`mapping.yaml`). The project's own copies live in
//! `spec-tests/general/`, written by py_ecc (`scripts/spec-tests/gen_general_vectors.py`).
use crate::io::CaseReader;
use crate::Error;
use rainbow_crypto::{
    aggregate_signatures, eth_aggregate_pubkeys, eth_fast_aggregate_verify, verify_signature_sets,
    PublicKey, SecretKey, Signature, SignatureSet,
};
use rainbow_state_transition::helpers::compute_shuffled_index;
use rainbow_types::{Preset, B256};
use serde::Deserialize;
use serde_yaml::Value;

fn bytes(value: &Value) -> Result<Vec<u8>, Error> {
    let text =
        value.as_str().ok_or_else(|| Error::Format(format!("expected hex, got {value:?}")))?;
    let hex_text = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(hex_text).map_err(|e| Error::Format(format!("{text:?}: {e}")))
}

fn list(value: &Value) -> Result<Vec<Vec<u8>>, Error> {
    value
        .as_sequence()
        .ok_or_else(|| Error::Format(format!("expected a list, got {value:?}")))?
        .iter()
        .map(bytes)
        .collect()
}

fn field<'a>(input: &'a Value, name: &str) -> Result<&'a Value, Error> {
    input.get(name).ok_or_else(|| Error::Format(format!("input has no {name:?}")))
}

fn pubkeys(raw: &[Vec<u8>]) -> Option<Vec<PublicKey>> {
    raw.iter().map(|b| PublicKey::deserialize(b).ok()).collect()
}

fn signature(raw: &[u8]) -> Option<Signature> {
    Signature::deserialize(raw).ok()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    input: Value,
    output: Value,
}

/// What the implementation answers for one BLS case, in the vector's terms.
fn bls_answer(handler: &str, input: &Value) -> Result<Value, Error> {
    let hex_value = |b: &[u8]| Value::String(format!("0x{}", hex::encode(b)));
    Ok(match handler {
        "sign" => {
            let key = SecretKey::deserialize(&bytes(field(input, "privkey")?)?);
            let message = bytes(field(input, "message")?)?;
            match key {
                Ok(key) => hex_value(&key.sign(&message).serialize()),
                Err(_) => Value::Null,
            }
        }
        "verify" => {
            let pk = PublicKey::deserialize(&bytes(field(input, "pubkey")?)?).ok();
            let sig = signature(&bytes(field(input, "signature")?)?);
            let message = bytes(field(input, "message")?)?;
            Value::Bool(match (pk, sig) {
                (Some(pk), Some(sig)) => sig.verify(&pk, &message),
                _ => false,
            })
        }
        "aggregate" => {
            let sigs: Option<Vec<Signature>> = list(input)?.iter().map(|b| signature(b)).collect();
            match sigs {
                Some(sigs) if !sigs.is_empty() => {
                    let refs: Vec<&Signature> = sigs.iter().collect();
                    aggregate_signatures(&refs)
                        .map(|s| hex_value(&s.serialize()))
                        .unwrap_or(Value::Null)
                }
                _ => Value::Null,
            }
        }
        "fast_aggregate_verify" | "eth_fast_aggregate_verify" => {
            let keys = pubkeys(&list(field(input, "pubkeys")?)?);
            let sig = signature(&bytes(field(input, "signature")?)?);
            let message = bytes(field(input, "message")?)?;
            Value::Bool(match (keys, sig) {
                (Some(keys), Some(sig)) => {
                    let refs: Vec<&PublicKey> = keys.iter().collect();
                    if handler == "eth_fast_aggregate_verify" {
                        eth_fast_aggregate_verify(&refs, &message, &sig)
                    } else {
                        sig.fast_aggregate_verify(&refs, &message)
                    }
                }
                _ => false,
            })
        }
        "aggregate_verify" => {
            let keys = pubkeys(&list(field(input, "pubkeys")?)?);
            let messages = list(field(input, "messages")?)?;
            let sig = signature(&bytes(field(input, "signature")?)?);
            Value::Bool(match (keys, sig) {
                (Some(keys), Some(sig)) if keys.len() == messages.len() => {
                    let refs: Vec<&PublicKey> = keys.iter().collect();
                    let msgs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
                    sig.aggregate_verify(&refs, &msgs)
                }
                _ => false,
            })
        }
        "eth_aggregate_pubkeys" => match pubkeys(&list(input)?) {
            Some(keys) if !keys.is_empty() => {
                let refs: Vec<&PublicKey> = keys.iter().collect();
                eth_aggregate_pubkeys(&refs).map(|k| hex_value(k.as_bytes())).unwrap_or(Value::Null)
            }
            _ => Value::Null,
        },
        "batch_verify" => {
            let keys = pubkeys(&list(field(input, "pubkeys")?)?);
            let messages = list(field(input, "messages")?)?;
            let sigs: Option<Vec<Signature>> =
                list(field(input, "signatures")?)?.iter().map(|b| signature(b)).collect();
            Value::Bool(match (keys, sigs) {
                (Some(keys), Some(sigs))
                    if keys.len() == sigs.len() && keys.len() == messages.len() =>
                {
                    let mut sets = Vec::with_capacity(keys.len());
                    for ((key, sig), message) in keys.into_iter().zip(sigs).zip(&messages) {
                        let Ok(message) = <[u8; 32]>::try_from(message.as_slice()) else {
                            return Err(Error::Format("batch_verify messages are 32 bytes".into()));
                        };
                        sets.push(SignatureSet::single_pubkey(sig, key, message));
                    }
                    verify_signature_sets(&sets)
                }
                _ => false,
            })
        }
        // Decoding only: a point on the curve, in the subgroup, or the point at infinity.
        "deserialization_G1" => {
            let raw = bytes(field(input, "pubkey")?)?;
            Value::Bool(
                blst::min_pk::PublicKey::uncompress(&raw)
                    .is_ok_and(|p| p.validate().is_ok() || p.compress() == INFINITY_G1),
            )
        }
        "deserialization_G2" => {
            let raw = bytes(field(input, "signature")?)?;
            Value::Bool(
                blst::min_pk::Signature::uncompress(&raw).is_ok_and(|s| s.validate(false).is_ok()),
            )
        }
        other => return Err(Error::Format(format!("unknown bls handler {other:?}"))),
    })
}

const INFINITY_G1: [u8; 48] = {
    let mut b = [0u8; 48];
    b[0] = 0xc0;
    b
};

pub(crate) fn bls(handler: &str, reader: &CaseReader) -> Result<(), Error> {
    let data: Data = reader.yaml("data")?;
    let got = bls_answer(handler, &data.input)?;
    // Hex outputs compare case-insensitively.
    let norm = |v: &Value| match v {
        Value::String(s) => Value::String(s.to_lowercase()),
        other => other.clone(),
    };
    if norm(&got) != norm(&data.output) {
        return Err(Error::mismatch(format!("answered {got:?}, expected {:?}", data.output)));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapping {
    seed: B256,
    count: u64,
    mapping: Vec<u64>,
}

pub(crate) fn shuffling(preset: &str, reader: &CaseReader) -> Result<(), Error> {
    let rounds = Preset::by_name(preset)
        .ok_or_else(|| Error::Format(format!("unknown preset {preset:?}")))?
        .shuffle_round_count;
    let case: Mapping = reader.yaml("mapping")?;
    let got: Vec<u64> = (0..case.count)
        .map(|i| compute_shuffled_index(i, case.count, &case.seed, rounds))
        .collect::<Result<_, _>>()
        .map_err(|e| Error::mismatch(e.to_string()))?;
    if got != case.mapping {
        return Err(Error::mismatch(format!("mapping {got:?}, expected {:?}", case.mapping)));
    }
    Ok(())
}
