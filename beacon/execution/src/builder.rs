//! Building a payload's transaction list (docs/spec/execution.md#payload-building).
use crate::{
    compute_transaction_hash, decode_transaction, execute_transaction, recover_sender, AccountView,
    ExecutionContext, Mempool, Overlay, QueuedTransaction,
};
use alloy_primitives::Address;
use rainbow_types::constants::GAS_TRANSFER;
use rainbow_types::{Hash256, Transaction};
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

/// Chooses transactions for a payload on top of `pre_state`: the inclusion list's transactions
/// first, in list order, then the mempool by gas price with each sender's nonces in order. Every
/// chosen transaction executes on a scratch overlay, so the result is a valid sequence. A listed
/// transaction that cannot execute yet because its sender's earlier nonces are still in the
/// mempool gets those predecessors first; whatever is still not executable is tried again at the
/// end, so the payload satisfies the inclusion list whenever it can.
pub fn build_payload_transactions<V: AccountView>(
    pre_state: &V,
    mempool: &Mempool,
    inclusion_list: &[Transaction],
    context: &ExecutionContext,
    gas_limit: u64,
    max_transactions: usize,
) -> Vec<Transaction> {
    let mut scratch = Overlay::new(pre_state);
    let mut chosen: Vec<Transaction> = Vec::new();
    let mut seen: HashSet<Hash256> = HashSet::new();
    let mut gas_used: u64 = 0;

    let mut try_add =
        |transaction: &Transaction, chosen: &mut Vec<Transaction>, gas_used: &mut u64| -> Added {
            let tx_hash = compute_transaction_hash(transaction);
            if seen.contains(&tx_hash) {
                return Added::AlreadyIn;
            }
            if chosen.len() >= max_transactions {
                return Added::No;
            }
            let remaining = gas_limit.saturating_sub(*gas_used);
            match execute_transaction(&mut scratch, transaction, context, remaining) {
                Ok(receipt) => {
                    *gas_used = gas_used.saturating_add(receipt.gas_used);
                    seen.insert(tx_hash);
                    chosen.push(transaction.clone());
                    Added::Yes
                }
                Err(_) => Added::No,
            }
        };

    let mut deferred: Vec<&Transaction> = Vec::new();
    for transaction in inclusion_list {
        if try_add(transaction, &mut chosen, &mut gas_used) == Added::No {
            deferred.push(transaction);
        }
    }

    // A listed transaction often waits on its sender's earlier nonces: take those from the
    // mempool first, then retry it, before anything is chosen by price.
    let queues_by_sender: HashMap<Address, Vec<QueuedTransaction>> =
        mempool.queues().into_iter().collect();
    deferred.retain(|transaction| {
        let Some((sender, nonce)) = sender_and_nonce(transaction) else { return false };
        if let Some(queue) = queues_by_sender.get(&sender) {
            for queued in queue.iter().filter(|q| q.nonce < nonce) {
                if try_add(&queued.transaction, &mut chosen, &mut gas_used) == Added::No {
                    break;
                }
            }
        }
        try_add(transaction, &mut chosen, &mut gas_used) == Added::No
    });

    // Mempool: a max-heap of each sender's next transaction by (gas price, lowest hash).
    let mut queues: Vec<VecDeque<QueuedTransaction>> =
        mempool.queues().into_iter().map(|(_, q)| q.into_iter().collect()).collect();
    let mut heap: BinaryHeap<(u64, std::cmp::Reverse<Hash256>, usize)> = BinaryHeap::new();
    for (i, queue) in queues.iter().enumerate() {
        if let Some(head) = queue.front() {
            heap.push((
                head.gas_price,
                std::cmp::Reverse(compute_transaction_hash(&head.transaction)),
                i,
            ));
        }
    }
    while let Some((_, _, i)) = heap.pop() {
        if chosen.len() >= max_transactions || gas_limit.saturating_sub(gas_used) < GAS_TRANSFER {
            break;
        }
        let Some(queue) = queues.get_mut(i) else { continue };
        let Some(head) = queue.pop_front() else { continue };
        if try_add(&head.transaction, &mut chosen, &mut gas_used) != Added::No {
            if let Some(next) = queue.front() {
                heap.push((
                    next.gas_price,
                    std::cmp::Reverse(compute_transaction_hash(&next.transaction)),
                    i,
                ));
            }
        }
        // A sender whose next transaction fails is dropped: its later nonces cannot execute.
    }

    let mut progress = true;
    while progress && !deferred.is_empty() {
        progress = false;
        deferred.retain(|transaction| {
            let added = try_add(transaction, &mut chosen, &mut gas_used) != Added::No;
            progress |= added;
            !added
        });
    }
    chosen
}

fn sender_and_nonce(transaction: &Transaction) -> Option<(Address, u64)> {
    let signed = decode_transaction(transaction).ok()?;
    Some((recover_sender(&signed).ok()?, signed.message.nonce))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Added {
    Yes,
    /// Chosen earlier (an inclusion-list transaction also held by the mempool).
    AlreadyIn,
    No,
}
