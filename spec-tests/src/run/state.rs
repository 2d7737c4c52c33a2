//! The `tests/<preset>/rainbow/*` runners: each re-executes the case with the state transition
//! and compares SSZ bytes (and roots) with the vector.
use super::CasePath;
use crate::generate::light_committee::SamplingCase;
use crate::generate::sanity::BlocksMeta;
use crate::generate::ssz_static::Roots;
use crate::generate::staking::StakingMeta;
use crate::handlers::{apply_epoch_step, apply_staking_request, Operation, STAKING_HANDLERS};
use crate::io::CaseReader;
use crate::Error;
use rainbow_state_transition::light::compute_light_committee_indices;
use rainbow_state_transition::per_block::{state_transition, BlockSignatureStrategy};
use rainbow_state_transition::{process_slots, TransitionCaches};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{BeaconState, EthSpec, SignedBeaconBlock};
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub(crate) fn run<E: EthSpec>(case: &CasePath, reader: &CaseReader) -> Result<(), Error> {
    match case.runner.as_str() {
        "ssz_static" => ssz_static::<E>(&case.handler, reader),
        "operations" => operations::<E>(&case.handler, reader),
        "epoch_processing" => epoch_processing::<E>(&case.handler, reader),
        "sanity" => match case.handler.as_str() {
            "slots" => sanity_slots::<E>(reader),
            "blocks" => sanity_blocks::<E>(reader),
            other => Err(Error::Format(format!("unknown sanity handler {other:?}"))),
        },
        "lsm" => sanity_blocks::<E>(reader),
        "rewards" => rewards::<E>(&case.handler, reader),
        "fork_choice" => fork_choice::<E>(reader),
        "light_committee" => match case.handler.as_str() {
            "sampling" => sampling(reader),
            "certificate" => certificate::<E>(reader),
            "inclusion_list_merge" => merge::<E>(reader),
            other => Err(Error::Format(format!("unknown light_committee handler {other:?}"))),
        },
        other => Err(Error::Format(format!("unknown runner {other:?}"))),
    }
}

fn check_container<T>(reader: &CaseReader) -> Result<(), Error>
where
    T: Encode + Decode + TreeHash + DeserializeOwned,
{
    let bytes = reader.ssz_bytes("serialized")?;
    let value = T::from_ssz_bytes(&bytes)
        .map_err(|e| Error::mismatch(format!("serialized does not decode: {e:?}")))?;
    if value.as_ssz_bytes() != bytes {
        return Err(Error::mismatch("re-encoding differs from serialized"));
    }
    let roots: Roots = reader.yaml("roots")?;
    let root = format!("{:?}", value.tree_hash_root());
    if root != roots.root {
        return Err(Error::mismatch(format!("root {root}, expected {}", roots.root)));
    }
    let from_yaml: T = reader.yaml("value")?;
    if from_yaml.as_ssz_bytes() != bytes {
        return Err(Error::mismatch("value.yaml encodes differently from serialized"));
    }
    Ok(())
}

fn ssz_static<E: EthSpec>(handler: &str, reader: &CaseReader) -> Result<(), Error> {
    macro_rules! each {
        ($name:literal, $t:ty) => {
            if handler == $name {
                return check_container::<$t>(reader);
            }
        };
    }
    crate::for_each_container!(E, each);
    Err(Error::Format(format!("unknown container {handler:?}")))
}

fn same_state<E: EthSpec>(got: &BeaconState<E>, want: &BeaconState<E>) -> Result<(), Error> {
    if got.as_ssz_bytes() == want.as_ssz_bytes() {
        return Ok(());
    }
    let mut got = got.clone();
    let mut want = want.clone();
    Err(Error::mismatch(format!(
        "post-state root {:?}, expected {:?}",
        got.canonical_root().unwrap_or_default(),
        want.canonical_root().unwrap_or_default()
    )))
}

/// `meta.yaml` of an operations case (block operations: only `rule`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailMeta {
    rule: String,
}

fn operations<E: EthSpec>(handler: &str, reader: &CaseReader) -> Result<(), Error> {
    let spec = super::default_spec::<E>();
    let mut caches = TransitionCaches::new();
    let mut state: BeaconState<E> = reader.ssz("pre")?;
    if STAKING_HANDLERS.contains(&handler) {
        let request = reader.ssz("staking_request")?;
        let meta: StakingMeta = reader.yaml("meta")?;
        let post: BeaconState<E> = reader.ssz("post")?;
        let (receipt, refusal) = apply_staking_request(&mut state, &request, &spec, &mut caches)
            .map_err(|e| Error::mismatch(format!("fault: {e}")))?;
        if receipt.status != meta.status || receipt.refund != meta.refund {
            return Err(Error::mismatch(format!(
                "receipt status {} refund {}, expected status {} refund {} ({:?})",
                receipt.status, receipt.refund, meta.status, meta.refund, refusal
            )));
        }
        if let Some(rule) = &meta.rule {
            if !refusal.as_deref().is_some_and(|r| r.contains(rule.as_str())) {
                return Err(Error::mismatch(format!(
                    "refused for {refusal:?}, expected rule {rule}"
                )));
            }
        }
        return same_state(&state, &post);
    }
    let op = Operation::<E>::read(handler, reader)?;
    let post: Option<BeaconState<E>> = reader.ssz_opt("post")?;
    let meta: Option<FailMeta> = reader.yaml_opt("meta")?;
    let result = op.apply(&mut state, &spec, &mut caches);
    match (post, result) {
        (Some(post), Ok(())) => same_state(&state, &post),
        (Some(_), Err(e)) => Err(Error::mismatch(format!("refused a valid operation: {e}"))),
        (None, Ok(())) => Err(Error::mismatch("accepted an invalid operation")),
        (None, Err(e)) => match meta {
            Some(meta) if !format!("{e:?}").contains(&meta.rule) => {
                Err(Error::mismatch(format!("refused for {e:?}, expected rule {}", meta.rule)))
            }
            _ => Ok(()),
        },
    }
}

fn epoch_processing<E: EthSpec>(step: &str, reader: &CaseReader) -> Result<(), Error> {
    let spec = super::default_spec::<E>();
    let mut state: BeaconState<E> = reader.ssz("pre")?;
    let post: BeaconState<E> = reader.ssz("post")?;
    apply_epoch_step(step, &mut state, &spec)?;
    same_state(&state, &post)
}

fn sanity_slots<E: EthSpec>(reader: &CaseReader) -> Result<(), Error> {
    let spec = super::default_spec::<E>();
    let mut state: BeaconState<E> = reader.ssz("pre")?;
    let slots: u64 = reader.yaml("slots")?;
    let post: BeaconState<E> = reader.ssz("post")?;
    let target = state.slot.saturating_add(slots);
    process_slots(&mut state, target, &spec).map_err(|e| Error::mismatch(e.to_string()))?;
    same_state(&state, &post)
}

fn sanity_blocks<E: EthSpec>(reader: &CaseReader) -> Result<(), Error> {
    let meta: BlocksMeta = reader.yaml("meta")?;
    let mut spec = super::default_spec::<E>();
    spec.config.coupling = meta.coupling;
    let mut caches = TransitionCaches::new();
    let mut state: BeaconState<E> = reader.ssz("pre")?;
    let post: Option<BeaconState<E>> = reader.ssz_opt("post")?;
    let mut refused = None;
    for i in 0..meta.blocks_count {
        let block: SignedBeaconBlock<E> = reader.ssz(&format!("blocks_{i}"))?;
        if refused.is_some() {
            continue;
        }
        if let Err(e) = state_transition(
            &mut state,
            &block,
            BlockSignatureStrategy::VerifyBulk,
            true,
            &spec,
            &mut caches,
        ) {
            refused = Some((i, e));
        }
    }
    match (post, refused) {
        (Some(post), None) => same_state(&state, &post),
        (Some(_), Some((i, e))) => Err(Error::mismatch(format!("block {i} refused: {e}"))),
        (None, None) => Err(Error::mismatch("every block was accepted; one must be refused")),
        (None, Some((i, e))) => match &meta.rule {
            Some(rule) if !format!("{e:?}").contains(rule.as_str()) => {
                Err(Error::mismatch(format!("block {i} refused for {e:?}, expected rule {rule}")))
            }
            _ => Ok(()),
        },
    }
}

fn sampling(reader: &CaseReader) -> Result<(), Error> {
    let case: SamplingCase = reader.yaml("data")?;
    let i = &case.input;
    let got: Vec<u64> =
        compute_light_committee_indices(&i.seed, &i.weights, i.size, i.max_weight, i.rounds)
            .map_err(|e| Error::mismatch(e.to_string()))?
            .into_iter()
            .map(|x| x as u64)
            .collect();
    if got != case.output {
        return Err(Error::mismatch(format!("indices {got:?}, expected {:?}", case.output)));
    }
    Ok(())
}

fn certificate<E: EthSpec>(reader: &CaseReader) -> Result<(), Error> {
    use crate::generate::light_committee::{check_certificate, CertificateMeta};
    let state: BeaconState<E> = reader.ssz("pre")?;
    let certificate: rainbow_types::LightCertificate<E> = reader.ssz("certificate")?;
    let meta: CertificateMeta = reader.yaml("meta")?;
    match (check_certificate(&state, &certificate), meta.valid) {
        (Ok(()), true) => Ok(()),
        (Ok(()), false) => Err(Error::mismatch("accepted an invalid certificate")),
        (Err(e), true) => Err(Error::mismatch(format!("refused a valid certificate: {e}"))),
        (Err(e), false) => match meta.rule {
            Some(rule) if !e.contains(&rule) => {
                Err(Error::mismatch(format!("refused for {e}, expected rule {rule}")))
            }
            _ => Ok(()),
        },
    }
}

fn merge<E: EthSpec>(reader: &CaseReader) -> Result<(), Error> {
    use crate::generate::light_committee::MergeMeta;
    use rainbow_state_transition::light::{
        compute_inclusion_list_root, compute_merged_inclusion_list,
    };
    let meta: MergeMeta = reader.yaml("meta")?;
    let mut lists = Vec::new();
    for i in 0..meta.lists_count {
        lists.push(reader.ssz::<rainbow_types::InclusionList>(&format!("lists_{i}"))?);
    }
    let spec = super::default_spec::<E>();
    let merged = compute_merged_inclusion_list::<E>(&lists, &spec)
        .map_err(|e| Error::mismatch(e.to_string()))?;
    let expected = reader.ssz_bytes("merged")?;
    let got: rainbow_types::ssz_types::VariableList<_, E::MaxCertifiedTransactions> =
        rainbow_types::ssz_types::VariableList::new(merged.clone())
            .map_err(|e| Error::mismatch(format!("{e:?}")))?;
    if got.as_ssz_bytes() != expected {
        return Err(Error::mismatch(format!(
            "merged list differs ({} transactions)",
            merged.len()
        )));
    }
    let roots: Roots = reader.yaml("roots")?;
    let root = compute_inclusion_list_root(&merged).map_err(|e| Error::mismatch(e.to_string()))?;
    if format!("{root:?}") != roots.root {
        return Err(Error::mismatch(format!("root {root:?}, expected {}", roots.root)));
    }
    Ok(())
}

fn rewards<E: EthSpec>(handler: &str, reader: &CaseReader) -> Result<(), Error> {
    use crate::rewards::{apply_rewards, compute_deltas, Deltas};
    let spec = super::default_spec::<E>();
    let pre: BeaconState<E> = reader.ssz("pre")?;
    let block: Option<rainbow_types::BeaconBlock<E>> = reader.ssz_opt("block")?;
    let expected: Deltas = reader.yaml("deltas")?;
    let mut post = pre.clone();
    apply_rewards(handler, &mut post, block.as_ref(), &spec)?;
    let got = compute_deltas(&pre, &post);
    if got != expected {
        return Err(Error::mismatch(format!("deltas {got:?}, expected {expected:?}")));
    }
    Ok(())
}

fn fork_choice<E: EthSpec>(reader: &CaseReader) -> Result<(), Error> {
    use crate::fork_choice::{Step, Store};
    let anchor: BeaconState<E> = reader.ssz("anchor_state")?;
    let steps: Vec<Step> = reader.yaml("steps")?;
    let mut store = Store::new(anchor, super::default_spec::<E>());
    let verdict =
        |i: usize, what: &str, result: Result<(), String>, valid: bool| match (result, valid) {
            (Ok(()), true) | (Err(_), false) => Ok(()),
            (Ok(()), false) => {
                Err(Error::mismatch(format!("step {i}: {what} accepted, expected refused")))
            }
            (Err(e), true) => Err(Error::mismatch(format!("step {i}: {what} refused: {e}"))),
        };
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::Tick { tick } => store.on_tick(*tick),
            Step::Block { block, valid } => {
                let b: SignedBeaconBlock<E> = reader.ssz(block)?;
                verdict(i, block, store.on_block(&b), *valid)?;
            }
            Step::Vote { vote, valid } => {
                let v: rainbow_types::SsfVote = reader.ssz(vote)?;
                verdict(i, vote, store.on_vote(&v), *valid)?;
            }
            Step::Certificate { certificate, valid } => {
                let c: rainbow_types::LightCertificate<E> = reader.ssz(certificate)?;
                verdict(i, certificate, store.on_certificate(&c), *valid)?;
            }
            Step::Checks { checks } => {
                let got = store.checks();
                if got != *checks {
                    return Err(Error::mismatch(format!(
                        "step {i}: store {got:?}, expected {checks:?}"
                    )));
                }
            }
        }
    }
    Ok(())
}
