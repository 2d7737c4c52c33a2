//! The chain core without a network: two chains from one genesis exchange blocks and votes
//! through the gossip checks, both finalize every slot, light duties gate blocks under strong
//! coupling, and a chain on LevelDB reopens with its finalized chain intact.
use rainbow_chain::{BeaconChain, GossipError, Keys, SlashingProtection};
use rainbow_crypto::interop_keypair;
use rainbow_state_transition::{initialize_beacon_state_from_genesis, ChainSpec, GenesisConfig};
use rainbow_store::{BeaconStore, KeyValueStore, LevelDbStore, MemoryStore};
use rainbow_types::constants::{SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY};
use rainbow_types::{BeaconState, MinimalEthSpec};
use std::sync::Arc;

type E = MinimalEthSpec;

fn genesis(heavy: u64, light: u64) -> (BeaconState<E>, ChainSpec, Keys) {
    let spec = ChainSpec::default_for::<E>();
    let config = GenesisConfig::interop_default(heavy, light, 4).unwrap();
    let state = initialize_beacon_state_from_genesis::<E>(&config, &spec).unwrap();
    let keys = (0..heavy + light)
        .map(|i| {
            let kp = interop_keypair(i).unwrap();
            (kp.pk.compress(), kp)
        })
        .collect();
    (state, spec, keys)
}

fn open(kv: Arc<dyn KeyValueStore>, state: &BeaconState<E>, spec: &ChainSpec) -> BeaconChain<E> {
    BeaconChain::open(BeaconStore::new(kv), state.clone(), spec.clone()).unwrap()
}

/// One slot: A proposes (it holds every key), B imports A's block; A votes both rounds and B
/// checks every vote through gossip validation; light duties when there are light keys.
fn slot(
    a: &mut BeaconChain<E>,
    b: &mut BeaconChain<E>,
    s: u64,
    keys: &Keys,
    sp: &SlashingProtection,
) {
    let block = a.produce_signed_block(s, keys, sp).unwrap().expect("A proposes every slot");
    a.import_block(&block).unwrap();
    b.import_block(&block).unwrap();
    for round in [SSF_ROUND_JUSTIFY, SSF_ROUND_FINALIZE] {
        for vote in a.produce_votes(s, round, keys, sp).unwrap() {
            b.on_gossip_ssf_vote(&vote, s).unwrap();
        }
    }
    for list in a.produce_inclusion_lists(s, keys).unwrap() {
        b.on_gossip_inclusion_list(&list, s).unwrap();
    }
    for vote in a.produce_certificate_votes(s, keys).unwrap() {
        b.on_gossip_certificate_vote(&vote, s).unwrap();
    }
    if let Some(certificate) = a.produce_certificate(s).unwrap() {
        b.on_gossip_certificate(&certificate, s).unwrap();
    }
}

#[test]
fn two_chains_finalize_every_slot_under_strong_coupling() {
    let (state, spec, keys) = genesis(4, 4);
    let sp = SlashingProtection::new(Arc::new(MemoryStore::new()), state.genesis_validators_root);
    let mut a = open(Arc::new(MemoryStore::new()), &state, &spec);
    let mut b = open(Arc::new(MemoryStore::new()), &state, &spec);
    // Slot 0's light committee certifies genesis for slot 1.
    a.produce_inclusion_lists(0, &keys).unwrap();
    a.produce_certificate_votes(0, &keys).unwrap();
    assert!(a.produce_certificate(0).unwrap().is_some());
    assert!(a.produce_certificate(0).unwrap().is_none(), "made once");
    for s in 1..=20 {
        slot(&mut a, &mut b, s, &keys, &sp);
        let block = a.store.get_block(&a.head_root).unwrap().unwrap();
        assert_eq!(block.message.body.light_certificate.len(), 1, "slot {s} carries a certificate");
        if s >= 2 {
            // Block s carries the votes of s-1: s-1 is finalized by it.
            assert_eq!(a.finalized().slot, s - 1, "slot {s}");
            assert_eq!(b.finalized(), a.finalized());
            assert_eq!(b.head_root, a.head_root);
        }
    }
    // A repeated vote is ignored, a forged one rejected.
    // Signing the same vote again is safe and gives the same vote; the pool dedups it.
    let votes = a.produce_votes(20, SSF_ROUND_JUSTIFY, &keys, &sp).unwrap();
    assert_eq!(votes.len(), 4);
    for vote in &votes {
        assert_eq!(b.pools.votes[&(20, SSF_ROUND_JUSTIFY)][&vote.operator_index], *vote);
    }
    let mut forged = b.pools.votes.values().next_back().unwrap().values().next().unwrap().clone();
    assert!(matches!(b.on_gossip_ssf_vote(&forged, 20), Err(GossipError::Ignore(_))));
    forged.signature = b.pools.votes.values().next().unwrap().values().next().unwrap().signature;
    forged.operator_index = (forged.operator_index + 1) % 4;
    let _ = b
        .pools
        .votes
        .get_mut(&(forged.data.slot, forged.data.round))
        .unwrap()
        .remove(&forged.operator_index);
    assert!(matches!(b.on_gossip_ssf_vote(&forged, 20), Err(GossipError::Reject(_))));
    // The finalized chain is served by range, ascending, without gaps.
    let blocks = b.blocks_by_range(1, 100).unwrap();
    assert_eq!(
        blocks.iter().map(|b| b.message.slot).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<_>>()
    );
}

#[test]
fn a_chain_on_leveldb_reopens_with_its_finalized_chain() {
    let (state, spec, keys) = genesis(4, 0);
    let dir = tempfile::tempdir().unwrap();
    let sp = SlashingProtection::new(Arc::new(MemoryStore::new()), state.genesis_validators_root);
    let (finalized, head) = {
        let kv: Arc<dyn KeyValueStore> = Arc::new(LevelDbStore::open(dir.path()).unwrap());
        let mut a = open(kv, &state, &spec);
        let mut b = open(Arc::new(MemoryStore::new()), &state, &spec);
        for s in 1..=19 {
            slot(&mut a, &mut b, s, &keys, &sp);
        }
        (a.finalized(), a.head_root)
    };
    assert_eq!(finalized.slot, 18);
    let kv: Arc<dyn KeyValueStore> = Arc::new(LevelDbStore::open(dir.path()).unwrap());
    let mut a = open(kv, &state, &spec);
    assert_eq!(a.finalized(), finalized);
    assert_eq!(a.head_root, head);
    let index = a.store.finalized_index().unwrap();
    assert_eq!(index.iter().map(|(s, _)| *s).collect::<Vec<_>>(), (0..=18).collect::<Vec<_>>());
    // It extends the chain it resumed: the next slot finalizes 19.
    let mut b = open(Arc::new(MemoryStore::new()), &state, &spec);
    for block in a.blocks_by_range(1, 64).unwrap() {
        b.import_block(&block).unwrap();
    }
    assert_eq!(b.head_root, head);
    // The slot-19 votes were made after the last write: re-signing them after the restart is
    // allowed by slashing protection (same signing roots) and gives the same votes.
    for round in [SSF_ROUND_JUSTIFY, SSF_ROUND_FINALIZE] {
        assert_eq!(a.produce_votes(19, round, &keys, &sp).unwrap().len(), 4);
    }
    slot(&mut a, &mut b, 20, &keys, &sp);
    assert_eq!(a.finalized().slot, 19);
    // Another genesis is refused with a hint.
    let (other, _, _) = genesis(5, 0);
    drop(a);
    let kv: Arc<dyn KeyValueStore> = Arc::new(LevelDbStore::open(dir.path()).unwrap());
    let err = BeaconChain::open(BeaconStore::new(kv), other, spec).unwrap_err();
    assert!(err.to_string().contains("--datadir"), "{err}");
}

/// A proposer publishes many valid variants of its block. Gossip used to import, store and
/// forward every one. Now the first block of a `(slot, proposer)` is imported and a second, with
/// a valid signature, is ignored and kept once as `ProposerSlashing` evidence, which the next
/// block carries; a variant with a bad signature is rejected (issue 20, item 2).
#[test]
fn attack_proposer_equivocation_flood() {
    use rainbow_state_transition::helpers::{compute_epoch_at_slot, get_domain};
    use rainbow_types::constants::DOMAIN_BEACON_PROPOSER;
    use rainbow_types::{compute_signing_root, B256};
    let (state, spec, keys) = genesis(4, 0);
    let sp = SlashingProtection::new(Arc::new(MemoryStore::new()), state.genesis_validators_root);
    let mut a = open(Arc::new(MemoryStore::new()), &state, &spec);
    let mut b = open(Arc::new(MemoryStore::new()), &state, &spec);
    for s in 1..=2 {
        slot(&mut a, &mut b, s, &keys, &sp);
    }
    let block = a.store.get_block(&a.head_root).unwrap().unwrap();
    assert_eq!(b.on_gossip_block_proposal(&block), Ok(()), "the same block again");
    let proposer = block.message.proposer_index;
    let pubkey = a.head_state.heavy_operators.get(proposer as usize).unwrap().pubkey;
    let variant = |n: u8| {
        let mut message = block.message.clone();
        message.body.graffiti = B256::repeat_byte(n);
        let epoch = compute_epoch_at_slot(message.slot, &spec);
        let root = compute_signing_root(
            &message,
            get_domain(&a.head_state, DOMAIN_BEACON_PROPOSER, epoch),
        );
        let signature = keys[&pubkey].sk.sign(root.as_slice()).compress();
        rainbow_types::SignedBeaconBlock { message, signature }
    };
    let blocks_before = b.fork_choice.len();
    for n in 1..=50 {
        assert!(matches!(b.on_gossip_block_proposal(&variant(n)), Err(GossipError::Ignore(_))));
    }
    assert_eq!(b.fork_choice.len(), blocks_before, "no variant was imported");
    assert_eq!(b.pools.proposer_slashings.len(), 1, "one piece of evidence, not fifty");
    let mut forged = variant(99);
    forged.signature = block.signature;
    assert!(matches!(b.on_gossip_block_proposal(&forged), Err(GossipError::Reject(_))));
    // B's next block carries the evidence; the proposer is slashed.
    let next = b.produce_signed_block(3, &keys, &sp).unwrap().expect("B proposes");
    assert_eq!(next.message.body.proposer_slashings.len(), 1);
    b.import_block(&next).unwrap();
    assert!(b.head_state.heavy_operators.get(proposer as usize).unwrap().slashed);
}
