//! `light_committee/sampling/<suite>/<case>/data.yaml`: `input` (`seed`, `weights`, `size`,
//! `max_weight`, `rounds`) and `output`, the indices `compute_light_committee_indices` selects
//! (in selection order; an index may repeat).
use super::{seed, Out};
use crate::Error;
use rainbow_state_transition::light::compute_light_committee_indices;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::EthSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingInput {
    pub seed: rainbow_types::B256,
    pub weights: Vec<u64>,
    pub size: u64,
    pub max_weight: u64,
    pub rounds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingCase {
    pub input: SamplingInput,
    pub output: Vec<u64>,
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("light_committee");
    let preset = E::preset();
    let (size, max, rounds) =
        (preset.light_committee_size, preset.max_light_weight, preset.shuffle_round_count);
    let eth = GWEI_PER_ETH;
    let cases: Vec<(&str, Vec<u64>, u64)> = vec![
        ("empty_registry", vec![], size),
        ("one_operator", vec![32 * eth], size),
        ("equal_weights_at_max", vec![max; 8], size),
        ("proportional_weights", vec![max, max / 2, max / 4, max / 8], size),
        ("small_weights_below_max_over_255", vec![eth, 2 * eth, 3 * eth], size),
        ("one_heavy_many_light", [vec![max], vec![eth; 15]].concat(), size),
        ("size_one", vec![max, max], 1),
        ("size_zero", vec![max], 0),
    ];
    for (name, weights, size) in cases {
        let input = SamplingInput { seed: seed(name), weights, size, max_weight: max, rounds };
        let output = compute_light_committee_indices(
            &input.seed,
            &input.weights,
            input.size,
            input.max_weight,
            input.rounds,
        )
        .map_err(Error::generate)?
        .into_iter()
        .map(|i| i as u64)
        .collect();
        let case = out.case("light_committee", "sampling", "pyspec_tests", name)?;
        case.yaml("data", &SamplingCase { input, output })?;
    }
    generate_certificate::<E>(out)?;
    generate_merge::<E>(out)
}

/// `light_committee/inclusion_list_merge/<suite>/<case>/`: `lists_<i>.ssz_snappy`
/// (`InclusionList`), `meta.yaml` (`lists_count`), `merged.ssz_snappy`
/// (`List[CertifiedTransaction, MAX_CERTIFIED_TRANSACTIONS]`) and `roots.yaml` (`root`: the
/// `inclusion_list_root`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeMeta {
    pub lists_count: u64,
}

/// A signed transfer of interop execution key 0 with nonce `nonce`, paying `gas_price`, on
/// `chain_id`: a listable entry unless the price or chain is wrong.
fn signed_tx(
    nonce: u64,
    gas_price: u64,
    chain_id: u64,
) -> Result<rainbow_types::Transaction, Error> {
    use rainbow_execution::{encode_transaction, interop_execution_key, sign_transaction};
    let key = interop_execution_key(0);
    let action = rainbow_types::TransactionAction::Transfer(rainbow_types::Transfer {
        to: interop_execution_key(1).address(),
        amount: 1,
    });
    let message = rainbow_types::TransactionMessage { chain_id, nonce, gas_price, action };
    let signed = sign_transaction(message, &key).map_err(|e| Error::generate(format!("{e:?}")))?;
    encode_transaction(&signed).map_err(|e| Error::generate(format!("{e:?}")))
}

/// Bytes that do not decode as a transaction.
fn undecodable(tag: u8) -> rainbow_types::Transaction {
    rainbow_types::Transaction(
        rainbow_types::ssz_types::VariableList::new(vec![tag; 3]).unwrap_or_default(),
    )
}

fn list(position: u64, txs: &[&rainbow_types::Transaction]) -> rainbow_types::InclusionList {
    rainbow_types::InclusionList {
        slot: 5,
        position,
        transactions: rainbow_types::ssz_types::VariableList::new(
            txs.iter().map(|t| (*t).clone()).collect(),
        )
        .unwrap_or_default(),
    }
}

pub(crate) fn generate_merge<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    use rainbow_state_transition::light::{
        compute_inclusion_list_root, compute_merged_inclusion_list,
    };
    let spec = rainbow_state_transition::ChainSpec::default_for::<E>();
    let chain = spec.config.execution_chain_id;
    let (a, b, c) = (signed_tx(0, 1, chain)?, signed_tx(1, 2, chain)?, signed_tx(2, 3, chain)?);
    let max = E::preset().max_certified_transactions;
    let many = (10..max.saturating_add(13))
        .map(|nonce| signed_tx(nonce, 1, chain))
        .collect::<Result<Vec<_>, _>>()?;
    let (zero_fee, other_chain) =
        (signed_tx(3, 0, chain)?, signed_tx(4, 1, chain.wrapping_add(1))?);
    // One list holds at most MAX_TRANSACTIONS_PER_INCLUSION_LIST transactions and
    // MAX_BYTES_PER_INCLUSION_LIST bytes: 60 signed transfers fit both; more than the cap need
    // several positions.
    let chunks: Vec<rainbow_types::InclusionList> = many
        .chunks(60)
        .enumerate()
        .map(|(position, chunk)| list(position as u64, &chunk.iter().collect::<Vec<_>>()))
        .collect();
    let mut long_then_c: Vec<&rainbow_types::Transaction> = many.iter().take(60).collect();
    long_then_c.push(&c);
    let cases: Vec<(&str, Vec<rainbow_types::InclusionList>)> = vec![
        ("no_lists", vec![]),
        ("one_list", vec![list(0, &[&a, &b])]),
        (
            "shared_transactions_gain_holders",
            vec![list(0, &[&a, &b]), list(3, &[&b, &c]), list(1, &[&a])],
        ),
        ("identical_duplicate_list_counts_once", vec![list(2, &[&a]), list(2, &[&a])]),
        ("equivocating_position_is_dropped", vec![list(0, &[&a]), list(1, &[&b]), list(1, &[&c])]),
        ("empty_lists_hold_nothing", vec![list(0, &[]), list(1, &[])]),
        ("capped_at_max_certified_transactions", chunks),
        // Round by round: one long list cannot crowd out the first entry of another position.
        ("one_long_list_cannot_crowd_others", vec![list(0, &long_then_c), list(1, &[&c, &a])]),
        ("round_robin_order", vec![list(0, &[&a, &b]), list(1, &[&c, &a])]),
        (
            "unlistable_entries_are_skipped",
            vec![list(0, &[&undecodable(0xde), &zero_fee, &other_chain, &a]), list(1, &[&b])],
        ),
        ("repeated_entry_in_one_list_counts_once", vec![list(0, &[&a, &a, &b])]),
    ];
    for (name, lists) in cases {
        let merged = compute_merged_inclusion_list::<E>(&lists, &spec).map_err(Error::generate)?;
        let taken: Vec<&rainbow_types::Transaction> =
            merged.iter().map(|m| &m.transaction).collect();
        let expected_ok = match name {
            "one_long_list_cannot_crowd_others" => taken.get(1) == Some(&&c),
            "capped_at_max_certified_transactions" => taken.len() as u64 == max,
            "round_robin_order" => taken == [&a, &c, &b],
            "unlistable_entries_are_skipped" => taken == [&a, &b],
            "repeated_entry_in_one_list_counts_once" => taken == [&a, &b],
            _ => true,
        };
        if !expected_ok {
            return Err(Error::generate(format!("inclusion_list_merge/{name}: merged {taken:?}")));
        }
        let root = compute_inclusion_list_root(&merged).map_err(Error::generate)?;
        let case = out.case("light_committee", "inclusion_list_merge", "pyspec_tests", name)?;
        for (i, l) in lists.iter().enumerate() {
            case.ssz(&format!("lists_{i}"), l)?;
        }
        case.yaml("meta", &MergeMeta { lists_count: lists.len() as u64 })?;
        let merged: rainbow_types::ssz_types::VariableList<_, E::MaxCertifiedTransactions> =
            rainbow_types::ssz_types::VariableList::new(merged)
                .map_err(|e| Error::generate(format!("{e:?}")))?;
        case.ssz("merged", &merged)?;
        case.yaml("roots", &super::ssz_static::Roots { root: format!("{root:?}") })?;
    }
    Ok(())
}

/// `light_committee/certificate/<suite>/<case>/`: `pre.ssz_snappy`, `certificate.ssz_snappy`
/// and `meta.yaml` (`valid`, and `rule` when not): a certificate checked against the committee of
/// its slot in the state (`is_valid_light_certificate` and its aggregate signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateMeta {
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// Checks `certificate` against `state` as the `certificate` handler defines it.
pub fn check_certificate<E: EthSpec>(
    state: &rainbow_types::BeaconState<E>,
    certificate: &rainbow_types::LightCertificate<E>,
) -> Result<(), String> {
    use rainbow_state_transition::light::{
        get_light_committee, is_valid_light_certificate, light_certificate_signature_set,
    };
    let spec = rainbow_state_transition::ChainSpec::default_for::<E>();
    let committee =
        get_light_committee(state, certificate.slot, &spec).map_err(|e| format!("{e:?}"))?;
    is_valid_light_certificate(certificate, &committee, &spec).map_err(|e| format!("{e:?}"))?;
    let mut cache = rainbow_crypto::PublicKeyCache::new();
    let set = light_certificate_signature_set(state, certificate, &committee, &spec, &mut cache)
        .map_err(|e| format!("{e:?}"))?;
    if !set.verify() {
        return Err("BadSignature".into());
    }
    Ok(())
}

pub(crate) fn generate_certificate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    use rainbow_harness::Strategy;
    let mut h = super::chains::harness::<E>(rainbow_types::Coupling::Strong);
    h.extend(3, &Strategy::honest());
    let Some(pending) = h.pending_certificate.clone() else {
        return Err(Error::generate("no pending certificate"));
    };
    let valid = pending.certificate;
    let state = h.state_at(h.slot.saturating_add(1));
    let mut cases = vec![("valid", valid.clone(), None)];
    let mut c = valid.clone();
    for i in 0..c.participation.len() {
        c.participation.set(i, false).map_err(|e| Error::generate(format!("{e:?}")))?;
    }
    cases.push(("below_threshold", c, Some("BelowThreshold")));
    let mut c = valid.clone();
    c.signature = rainbow_types::SignatureBytes::infinity();
    cases.push(("bad_signature", c, Some("BadSignature")));
    let mut c = valid.clone();
    c.inclusion_list_root = rainbow_types::B256::repeat_byte(1);
    cases.push(("signed_over_another_list", c, Some("BadSignature")));
    let mut c = valid;
    c.slot = c.slot.saturating_add(E::slots_per_epoch().saturating_mul(3));
    cases.push(("slot_beyond_the_state", c, Some("EpochOutOfRange")));
    for (name, certificate, rule) in cases {
        let result = check_certificate(&state, &certificate);
        match (&result, rule) {
            (Ok(()), None) => {}
            (Err(e), Some(r)) if e.contains(r) => {}
            _ => {
                return Err(Error::generate(format!(
                    "certificate/{name}: {result:?}, expected {rule:?}"
                )))
            }
        }
        let case = out.case("light_committee", "certificate", "pyspec_tests", name)?;
        case.ssz("pre", &state)?;
        case.ssz("certificate", &certificate)?;
        case.yaml(
            "meta",
            &CertificateMeta { valid: rule.is_none(), rule: rule.map(str::to_string) },
        )?;
    }
    Ok(())
}
