//! Slashing protection (docs/spec/validator.md#slashing-protection): before a key signs a block
//! or an SSF vote, the record of what it signed is checked and extended in one store write, so a
//! node never signs two different blocks for one slot or two different votes for one slot and
//! round, even across restarts. Records import from and export to EIP-3076 interchange JSON.
//!
//! Votes are also checked against the surround rule: a key never signs a vote that surrounds, or
//! is surrounded by, one it signed (`is_slashable_ssf_vote_data`), so an honest operator that
//! cast round 2 for slot `u` abstains from round 1 while its head's justified checkpoint is older
//! than `u` (docs/spec/validator.md#slashing-protection).
//!
//! EIP-3076 mapping (SSF checkpoints are slots, and each slot has two heights): a block is
//! `{slot, signing_root}`; a vote is an "attestation" `{source_epoch, target_epoch,
//! signing_root}` whose epochs are the vote's **heights** (`compute_vote_heights`): round 1 of
//! slot `t` with source slot `s` is `{2s, 2t}`, round 2 of slot `t` is `{2t, 2t + 1}`. EIP-3076's
//! own double and surround checks on these epochs are then exactly this chain's slashing
//! conditions. Imported history raises a low watermark: nothing at or below the highest imported
//! slot is signed again.
use rainbow_state_transition::per_block::{compute_vote_heights, is_slashable_ssf_vote_data};
use rainbow_store::{Column, KeyValueStore, StoreError};
use rainbow_types::{PublicKeyBytes, Root, Slot, SsfVoteData};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSafe {
    #[error("already signed a different block at slot {slot}")]
    DoubleBlock { slot: Slot },
    #[error("already signed a different round-{round} vote at slot {slot}")]
    DoubleVote { slot: Slot, round: u8 },
    #[error(
        "a round-{round} vote at slot {slot} with source slot {source_slot} would surround or be \
         surrounded by the round-{other_round} vote signed at slot {other_slot}"
    )]
    SurroundVote { slot: Slot, round: u8, source_slot: Slot, other_slot: Slot, other_round: u8 },
    #[error("slot {slot} is at or below the protection watermark {watermark} (imported history)")]
    BelowWatermark { slot: Slot, watermark: Slot },
    #[error("interchange file: {0}")]
    Interchange(String),
    #[error("interchange is for genesis_validators_root {theirs}, this chain is {ours}")]
    WrongChain { theirs: Root, ours: Root },
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct KeyRecord {
    blocks: BTreeMap<Slot, Root>,
    /// `(slot, round)` → `(source slot, signing root)`.
    votes: BTreeMap<String, (Slot, Root, Slot, u8)>,
    block_watermark: Option<Slot>,
    vote_watermark: Option<Slot>,
}

impl KeyRecord {
    /// A recorded vote that the vote `(slot, round, source)` would surround, be surrounded by,
    /// or double at the same height: `(slot, round)` of the first found.
    fn surrounding(&self, slot: Slot, round: u8, source: Slot) -> Option<(Slot, u8)> {
        let new = vote_data(slot, round, source);
        self.votes
            .values()
            .find(|(s, _, t, r)| is_slashable_ssf_vote_data(&vote_data(*t, *r, *s), &new))
            .map(|(_, _, t, r)| (*t, *r))
    }
}

/// The parts of a vote that decide its heights (the roots only make two votes differ, which
/// the double-vote check above compares by signing root).
fn vote_data(slot: Slot, round: u8, source: Slot) -> SsfVoteData {
    let mut data = SsfVoteData { slot, round, ..SsfVoteData::default() };
    data.source.slot = source;
    data.target.slot = slot;
    data
}

fn vote_key(slot: Slot, round: u8) -> String {
    format!("{slot:020}-{round}")
}

#[derive(Debug, Clone)]
pub struct SlashingProtection {
    kv: Arc<dyn KeyValueStore>,
    genesis_validators_root: Root,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interchange {
    pub metadata: InterchangeMetadata,
    pub data: Vec<InterchangeKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterchangeMetadata {
    pub interchange_format_version: String,
    pub genesis_validators_root: Root,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterchangeKey {
    pub pubkey: PublicKeyBytes,
    pub signed_blocks: Vec<InterchangeBlock>,
    pub signed_attestations: Vec<InterchangeVote>,
}

/// EIP-3076 writes integers as decimal strings.
mod dec {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterchangeBlock {
    #[serde(with = "dec")]
    pub slot: Slot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_root: Option<Root>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterchangeVote {
    #[serde(with = "dec")]
    pub source_epoch: Slot,
    #[serde(with = "dec")]
    pub target_epoch: Slot,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_root: Option<Root>,
}

impl SlashingProtection {
    pub fn new(kv: Arc<dyn KeyValueStore>, genesis_validators_root: Root) -> Self {
        Self { kv, genesis_validators_root }
    }

    fn load(&self, pubkey: &PublicKeyBytes) -> Result<KeyRecord, NotSafe> {
        match self.kv.get(Column::SlashingProtection, pubkey.as_bytes())? {
            None => Ok(KeyRecord::default()),
            Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                NotSafe::Store(StoreError::Corrupt {
                    column: "slashing_protection",
                    key: format!("{pubkey:?}"),
                    reason: e.to_string(),
                })
            }),
        }
    }

    fn save(&self, pubkey: &PublicKeyBytes, record: &KeyRecord) -> Result<(), NotSafe> {
        let bytes = serde_json::to_vec(record).map_err(|e| NotSafe::Interchange(e.to_string()))?;
        Ok(self.kv.put(Column::SlashingProtection, pubkey.as_bytes(), &bytes)?)
    }

    /// Checks that signing `signing_root` as the block of `slot` is safe and records it.
    pub fn check_and_record_block(
        &self,
        pubkey: &PublicKeyBytes,
        slot: Slot,
        signing_root: Root,
    ) -> Result<(), NotSafe> {
        let mut record = self.load(pubkey)?;
        if let Some(watermark) = record.block_watermark.filter(|w| slot <= *w) {
            return Err(NotSafe::BelowWatermark { slot, watermark });
        }
        match record.blocks.get(&slot) {
            Some(root) if *root == signing_root => Ok(()),
            Some(_) => Err(NotSafe::DoubleBlock { slot }),
            None => {
                record.blocks.insert(slot, signing_root);
                self.save(pubkey, &record)
            }
        }
    }

    /// Checks that signing `signing_root` as the round-`round` vote of `slot` (with source slot
    /// `source`) is safe and records it.
    pub fn check_and_record_vote(
        &self,
        pubkey: &PublicKeyBytes,
        slot: Slot,
        round: u8,
        source: Slot,
        signing_root: Root,
    ) -> Result<(), NotSafe> {
        let mut record = self.load(pubkey)?;
        if let Some(watermark) = record.vote_watermark.filter(|w| slot <= *w) {
            return Err(NotSafe::BelowWatermark { slot, watermark });
        }
        let key = vote_key(slot, round);
        match record.votes.get(&key) {
            Some((_, root, _, _)) if *root == signing_root => Ok(()),
            Some(_) => Err(NotSafe::DoubleVote { slot, round }),
            None => {
                if let Some((other_slot, other_round)) = record.surrounding(slot, round, source) {
                    return Err(NotSafe::SurroundVote {
                        slot,
                        round,
                        source_slot: source,
                        other_slot,
                        other_round,
                    });
                }
                record.votes.insert(key, (source, signing_root, slot, round));
                self.save(pubkey, &record)
            }
        }
    }

    /// EIP-3076 interchange (format version 5) of every key's history.
    pub fn export(&self) -> Result<Interchange, NotSafe> {
        let mut data = Vec::new();
        for (key, value) in self.kv.entries(Column::SlashingProtection)? {
            let pubkey = PublicKeyBytes::from_slice(&key)
                .map_err(|_| NotSafe::Interchange("stored key is not a public key".into()))?;
            let record: KeyRecord =
                serde_json::from_slice(&value).map_err(|e| NotSafe::Interchange(e.to_string()))?;
            data.push(InterchangeKey {
                pubkey,
                signed_blocks: record
                    .blocks
                    .iter()
                    .map(|(slot, root)| InterchangeBlock { slot: *slot, signing_root: Some(*root) })
                    .collect(),
                signed_attestations: record
                    .votes
                    .values()
                    .filter_map(|(source, root, slot, round)| {
                        let (s, t) = compute_vote_heights(*round, *source, *slot)?;
                        Some(InterchangeVote {
                            source_epoch: u64::try_from(s).ok()?,
                            target_epoch: u64::try_from(t).ok()?,
                            signing_root: Some(*root),
                        })
                    })
                    .collect(),
            });
        }
        Ok(Interchange {
            metadata: InterchangeMetadata {
                interchange_format_version: "5".into(),
                genesis_validators_root: self.genesis_validators_root,
            },
            data,
        })
    }

    /// Merges an interchange into the records: every entry is kept, and each key's watermark
    /// rises to the highest imported slot. Returns the number of keys touched.
    pub fn import(&self, interchange: &Interchange) -> Result<usize, NotSafe> {
        if interchange.metadata.interchange_format_version != "5" {
            return Err(NotSafe::Interchange(format!(
                "interchange_format_version {} (expected \"5\")",
                interchange.metadata.interchange_format_version
            )));
        }
        if interchange.metadata.genesis_validators_root != self.genesis_validators_root {
            return Err(NotSafe::WrongChain {
                theirs: interchange.metadata.genesis_validators_root,
                ours: self.genesis_validators_root,
            });
        }
        for key in &interchange.data {
            let mut record = self.load(&key.pubkey)?;
            for block in &key.signed_blocks {
                if let Some(root) = block.signing_root {
                    record.blocks.entry(block.slot).or_insert(root);
                }
                record.block_watermark = record.block_watermark.max(Some(block.slot));
            }
            for vote in &key.signed_attestations {
                // Heights back to slots: an odd target height is round 2 of slot target / 2.
                let round = if vote.target_epoch % 2 == 1 { 2 } else { 1 };
                let (source, slot) = (vote.source_epoch / 2, vote.target_epoch / 2);
                if let Some(root) = vote.signing_root {
                    record
                        .votes
                        .entry(vote_key(slot, round))
                        .or_insert((source, root, slot, round));
                }
                record.vote_watermark = record.vote_watermark.max(Some(slot));
            }
            self.save(&key.pubkey, &record)?;
        }
        Ok(interchange.data.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rainbow_store::MemoryStore;

    fn key(n: u8) -> PublicKeyBytes {
        PublicKeyBytes::from_slice(&[n; 48]).unwrap()
    }

    #[test]
    fn refuses_conflicts_allows_the_same_again_and_round_trips_eip_3076() {
        let gvr = Root::repeat_byte(9);
        let sp = SlashingProtection::new(Arc::new(MemoryStore::new()), gvr);
        let (a, b) = (Root::repeat_byte(1), Root::repeat_byte(2));
        sp.check_and_record_block(&key(1), 5, a).unwrap();
        sp.check_and_record_block(&key(1), 5, a).unwrap();
        assert_eq!(sp.check_and_record_block(&key(1), 5, b), Err(NotSafe::DoubleBlock { slot: 5 }));
        sp.check_and_record_block(&key(2), 5, b).unwrap();
        sp.check_and_record_vote(&key(1), 5, 1, 4, a).unwrap();
        sp.check_and_record_vote(&key(1), 5, 2, 5, b).unwrap();
        assert_eq!(
            sp.check_and_record_vote(&key(1), 5, 1, 4, b),
            Err(NotSafe::DoubleVote { slot: 5, round: 1 })
        );

        let exported = sp.export().unwrap();
        let json = serde_json::to_string(&exported).unwrap();
        assert!(json.contains("\"interchange_format_version\":\"5\""), "{json}");
        assert!(json.contains("\"slot\":\"5\""), "integers as strings: {json}");

        // Into a fresh database: the same conflicts are refused, and the watermark holds.
        let fresh = SlashingProtection::new(Arc::new(MemoryStore::new()), gvr);
        let parsed: Interchange = serde_json::from_str(&json).unwrap();
        assert_eq!(fresh.import(&parsed).unwrap(), 2);
        assert_eq!(fresh.export().unwrap(), exported);
        assert!(matches!(
            fresh.check_and_record_block(&key(1), 5, b),
            Err(NotSafe::BelowWatermark { .. })
        ));
        assert!(matches!(
            fresh.check_and_record_vote(&key(1), 4, 1, 3, b),
            Err(NotSafe::BelowWatermark { .. })
        ));
        fresh.check_and_record_block(&key(1), 6, b).unwrap();

        // Another chain's file is refused.
        let other = SlashingProtection::new(Arc::new(MemoryStore::new()), Root::ZERO);
        assert!(matches!(other.import(&parsed), Err(NotSafe::WrongChain { .. })));
    }

    /// The lock: after round 2 of slot 10, a key does not sign a round-1 vote whose source is
    /// older than 10 (it would surround the round-2 vote), but signs one with source 10; a vote
    /// inside an older, wider one is refused too; and the export's epochs are the heights.
    #[test]
    fn attack_honest_key_signs_no_surround_vote() {
        let sp = SlashingProtection::new(Arc::new(MemoryStore::new()), Root::repeat_byte(9));
        let (a, b, c) = (Root::repeat_byte(1), Root::repeat_byte(2), Root::repeat_byte(3));
        sp.check_and_record_vote(&key(1), 10, 1, 9, a).unwrap();
        sp.check_and_record_vote(&key(1), 10, 2, 10, b).unwrap();
        assert_eq!(
            sp.check_and_record_vote(&key(1), 12, 1, 9, c),
            Err(NotSafe::SurroundVote {
                slot: 12,
                round: 1,
                source_slot: 9,
                other_slot: 10,
                other_round: 2
            })
        );
        sp.check_and_record_vote(&key(1), 12, 1, 10, c).unwrap();
        // A wide round-1 vote of key 2 (source 3, slot 20), then one inside it.
        sp.check_and_record_vote(&key(2), 20, 1, 3, a).unwrap();
        assert!(matches!(
            sp.check_and_record_vote(&key(2), 15, 2, 15, b),
            Err(NotSafe::SurroundVote { other_slot: 20, .. })
        ));
        let exported = sp.export().unwrap();
        let heights: Vec<(u64, u64)> = exported
            .data
            .iter()
            .find(|k| k.pubkey == key(1))
            .unwrap()
            .signed_attestations
            .iter()
            .map(|v| (v.source_epoch, v.target_epoch))
            .collect();
        assert_eq!(heights, vec![(18, 20), (20, 21), (20, 24)]);
    }
}
