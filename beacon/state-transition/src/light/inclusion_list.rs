//! Inclusion lists (docs/spec/light-committee.md#inclusion-lists): validation, equivocation, and
//! the deterministic merge of a slot's lists into the list a certificate certifies.
use crate::helpers::{compute_epoch_at_slot, get_domain};
use crate::{ChainSpec, InclusionListInvalid, StateError, TransitionCaches};
use rainbow_types::constants::{DOMAIN_INCLUSION_LIST, MIN_GAS_PRICE};
use rainbow_types::ssz_types::{BitVector, VariableList};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    compute_signing_root, BeaconState, CertifiedTransaction, EthSpec, InclusionList,
    LightOperatorIndex, Root, SignedInclusionList, Transaction,
};
use std::collections::{HashMap, HashSet};

/// `get_inclusion_list_signing_root`: `InclusionList` under `DOMAIN_INCLUSION_LIST` at its
/// slot's epoch.
pub fn get_inclusion_list_signing_root<E: EthSpec>(
    state: &BeaconState<E>,
    list: &InclusionList,
    spec: &ChainSpec,
) -> Root {
    let domain = get_domain(state, DOMAIN_INCLUSION_LIST, compute_epoch_at_slot(list.slot, spec));
    compute_signing_root(list, domain)
}

/// `get_inclusion_list_size`: the bytes of all its transactions.
pub fn get_inclusion_list_size(list: &InclusionList) -> u64 {
    list.transactions.iter().map(|t| t.0.len() as u64).sum()
}

/// `is_valid_inclusion_list`: the list's position is in `committee` (the committee of its slot),
/// its transactions fit in `MAX_BYTES_PER_INCLUSION_LIST`, and the operator at its position
/// signed it. Returns that operator. `which` names the list in a signature error (1 or 2 for
/// equivocation evidence).
pub fn is_valid_inclusion_list<E: EthSpec>(
    state: &BeaconState<E>,
    signed: &SignedInclusionList,
    committee: &[LightOperatorIndex],
    which: u8,
    spec: &ChainSpec,
    caches: &mut TransitionCaches,
) -> Result<LightOperatorIndex, InclusionListInvalid> {
    let list = &signed.message;
    if committee.is_empty() {
        return Err(InclusionListInvalid::EmptyCommittee(list.slot));
    }
    let operator =
        usize::try_from(list.position).ok().and_then(|p| committee.get(p)).copied().ok_or(
            InclusionListInvalid::PositionOutOfRange {
                position: list.position,
                size: committee.len() as u64,
            },
        )?;
    let bytes = get_inclusion_list_size(list);
    if bytes > spec.preset.max_bytes_per_inclusion_list {
        return Err(InclusionListInvalid::TooLarge {
            bytes,
            max: spec.preset.max_bytes_per_inclusion_list,
        });
    }
    let key = usize::try_from(operator)
        .ok()
        .and_then(|i| state.light_operators.get(i))
        .map(|op| op.pubkey)
        .ok_or(InclusionListInvalid::BadSignature(which))?;
    let root = get_inclusion_list_signing_root(state, list, spec);
    let valid = match (caches.pubkeys.get_or_decompress(&key), signed.signature.decompress()) {
        (Ok(pk), Ok(sig)) => sig.verify(&pk, root.as_slice()),
        _ => false,
    };
    if !valid {
        return Err(InclusionListInvalid::BadSignature(which));
    }
    Ok(operator)
}

/// `is_inclusion_list_equivocation`: two different lists for the same slot and position.
pub fn is_inclusion_list_equivocation(a: &InclusionList, b: &InclusionList) -> bool {
    a.slot == b.slot && a.position == b.position && a != b
}

/// `is_listable_transaction`: a list entry the merge may certify: it decodes as a signed
/// transaction of this chain that pays at least `MIN_GAS_PRICE`. Stateless and cheap (no
/// signature recovery); whether it executes is the payload's business.
pub fn is_listable_transaction(transaction: &Transaction, spec: &ChainSpec) -> bool {
    rainbow_execution::decode_transaction(transaction).is_ok_and(|signed| {
        signed.message.chain_id == spec.config.execution_chain_id
            && signed.message.gas_price >= MIN_GAS_PRICE
    })
}

/// `compute_merged_inclusion_list`: the lists of one slot (at most one per position; a position
/// with two different lists is an equivocation and all its lists are dropped) merged **round by
/// round**: round `r` takes the `r`-th listable transaction of each position's list, in order of
/// committee position, while fewer than `MAX_CERTIFIED_TRANSACTIONS` are taken. One member thus
/// claims at most its fair share of the certified list however long its own list is. Every
/// position whose list names a taken transaction is one of its holders.
pub fn compute_merged_inclusion_list<E: EthSpec>(
    lists: &[InclusionList],
    spec: &ChainSpec,
) -> Result<Vec<CertifiedTransaction<E>>, StateError> {
    let mut sorted: Vec<&InclusionList> = lists.iter().collect();
    sorted.sort_by_key(|l| l.position);
    sorted.dedup();
    let equivocating: Vec<u64> = sorted
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a.position == b.position => Some(a.position),
            _ => None,
        })
        .collect();
    let max = usize::try_from(spec.preset.max_certified_transactions)
        .map_err(|_| StateError::Overflow("max certified transactions"))?;
    // Each kept position's listable transactions, each once, in list order.
    let mut queues: Vec<(usize, Vec<&Transaction>)> = Vec::new();
    for list in sorted.into_iter().filter(|l| !equivocating.contains(&l.position)) {
        let position =
            usize::try_from(list.position).map_err(|_| StateError::Overflow("position"))?;
        let mut seen = HashSet::new();
        let queue = list
            .transactions
            .iter()
            .filter(|t| seen.insert(*t) && is_listable_transaction(t, spec))
            .collect();
        queues.push((position, queue));
    }
    let mut taken: HashMap<&Transaction, usize> = HashMap::new();
    let mut merged: Vec<(Transaction, BitVector<E::LightCommitteeSize>)> = Vec::new();
    let rounds = queues.iter().map(|(_, q)| q.len()).max().unwrap_or(0);
    'rounds: for round in 0..rounds {
        for (_, queue) in &queues {
            if merged.len() >= max {
                break 'rounds;
            }
            if let Some(transaction) = queue.get(round) {
                if !taken.contains_key(transaction) {
                    taken.insert(transaction, merged.len());
                    merged.push(((*transaction).clone(), BitVector::new()));
                }
            }
        }
    }
    for (position, queue) in &queues {
        for transaction in queue {
            if let Some((_, bits)) = taken.get(transaction).and_then(|i| merged.get_mut(*i)) {
                bits.set(*position, true)
                    .map_err(|_| StateError::Overflow("committee position"))?;
            }
        }
    }
    Ok(merged
        .into_iter()
        .map(|(transaction, holders)| CertifiedTransaction { transaction, holders })
        .collect())
}

/// `compute_inclusion_list_root`: `hash_tree_root` of the merged list as
/// `List[CertifiedTransaction, MAX_CERTIFIED_TRANSACTIONS]`.
pub fn compute_inclusion_list_root<E: EthSpec>(
    certified: &[CertifiedTransaction<E>],
) -> Result<Root, StateError> {
    let list: VariableList<CertifiedTransaction<E>, E::MaxCertifiedTransactions> =
        VariableList::new(certified.to_vec())
            .map_err(|_| StateError::Overflow("certified transactions"))?;
    Ok(list.tree_hash_root())
}
