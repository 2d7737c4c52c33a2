//! Slashing protection (docs/spec/validator.md#slashing-protection): before a key signs a block
//! or an SSF vote, the record of what it signed is checked and extended in one store write, so a
//! node never signs two different blocks for one slot, two different votes for one slot and
//! round, or a vote that surrounds one it signed (`is_slashable_ssf_vote_data`), even across
//! restarts: an honest operator that cast round 2 for slot `u` abstains from round 1 while its
//! head's justified checkpoint is older than `u`. Each key's record has a constant size
//! ([`record`]): the cost of a signature does not grow with the key's history. Records import
//! from and export to EIP-3076 interchange JSON.
//!
//! EIP-3076 mapping (SSF checkpoints are slots, and each slot has two heights): a block is
//! `{slot, signing_root}`; a vote is an "attestation" `{source_epoch, target_epoch,
//! signing_root}` whose epochs are the vote's **heights** (`compute_vote_heights`): round 1 of
//! slot `t` with source slot `s` is `{2s, 2t}`, round 2 of slot `t` is `{2t, 2t + 1}`. EIP-3076's
//! own double and surround checks on these epochs are then exactly this chain's slashing
//! conditions. Imported history raises a low watermark: nothing at or below the highest imported
//! slot is signed again.
mod record;

use rainbow_store::{Column, KeyValueStore, StoreError};
use rainbow_types::{PublicKeyBytes, Root, Slot};
use record::{heights, KeyRecord, RecordedVote};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSafe {
    #[error("already signed a different block at slot {slot}")]
    DoubleBlock { slot: Slot },
    #[error("already signed a different round-{round} vote at slot {slot}")]
    DoubleVote { slot: Slot, round: u8 },
    #[error(
        "a round-{round} vote at slot {slot} from source slot {source_slot} would surround a vote \
         already signed: the key is locked at slot {lock_slot} until its head justifies it"
    )]
    SurroundVote { slot: Slot, round: u8, source_slot: Slot, lock_slot: Slot },
    #[error("slot {slot} is at or below slot {watermark}, which the key already signed at")]
    BelowWatermark { slot: Slot, watermark: Slot },
    #[error("a round-{round} vote at slot {slot} is out of range")]
    OutOfRange { slot: Slot, round: u8 },
    #[error("interchange file: {0}")]
    Interchange(String),
    #[error("interchange is for genesis_validators_root {theirs}, this chain is {ours}")]
    WrongChain { theirs: Root, ours: Root },
    #[error(transparent)]
    Store(#[from] StoreError),
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
        let Some(bytes) = self.kv.get(Column::SlashingProtection, pubkey.as_bytes())? else {
            return Ok(KeyRecord::default());
        };
        let mut record: KeyRecord = serde_json::from_slice(&bytes).map_err(|e| {
            NotSafe::Store(StoreError::Corrupt {
                column: "slashing_protection",
                key: format!("{pubkey:?}"),
                reason: e.to_string(),
            })
        })?;
        record.migrate()?;
        Ok(record)
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
        if record.check_block(slot, signing_root)? {
            record.note_block(slot, Some(signing_root));
            self.save(pubkey, &record)?;
        }
        Ok(())
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
        let vote = RecordedVote { slot, round, source, signing_root: Some(signing_root) };
        if record.check_vote(&vote)? {
            record.note_vote(vote)?;
            self.save(pubkey, &record)?;
        }
        Ok(())
    }

    /// EIP-3076 interchange (format version 5) of every key's record: its last block, the votes
    /// of its latest slot, and, when the highest source height came from an older vote, a vote
    /// without signing root at the highest heights (the minimal form's watermark).
    pub fn export(&self) -> Result<Interchange, NotSafe> {
        let mut data = Vec::new();
        for (key, value) in self.kv.entries(Column::SlashingProtection)? {
            let pubkey = PublicKeyBytes::from_slice(&key)
                .map_err(|_| NotSafe::Interchange("stored key is not a public key".into()))?;
            let mut record: KeyRecord =
                serde_json::from_slice(&value).map_err(|e| NotSafe::Interchange(e.to_string()))?;
            record.migrate()?;
            data.push(InterchangeKey {
                pubkey,
                signed_blocks: record
                    .last_block
                    .map(|(slot, signing_root)| InterchangeBlock { slot, signing_root })
                    .into_iter()
                    .collect(),
                signed_attestations: export_votes(&record)?,
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

    /// Merges an interchange into the records: each key's last block, latest votes and highest
    /// heights rise to the highest imported ones (nothing older than what the file shows signed
    /// is signed again). Returns the number of keys touched.
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
                record.note_block(block.slot, block.signing_root);
            }
            for vote in &key.signed_attestations {
                // Heights back to slots: an odd target height is round 2 of slot target / 2.
                let round = if vote.target_epoch % 2 == 1 { 2 } else { 1 };
                let (source, slot) = (vote.source_epoch / 2, vote.target_epoch / 2);
                record.note_vote(RecordedVote {
                    slot,
                    round,
                    source,
                    signing_root: vote.signing_root,
                })?;
                // A source height above what the vote's own heights say (a minimal file's
                // watermark) still raises the lock.
                record.max_source_height = record.max_source_height.max(Some(vote.source_epoch));
            }
            self.save(&key.pubkey, &record)?;
        }
        Ok(interchange.data.len())
    }
}

/// A record's votes as EIP-3076 attestations over heights.
fn export_votes(record: &KeyRecord) -> Result<Vec<InterchangeVote>, NotSafe> {
    let mut out = Vec::new();
    for vote in &record.last_votes {
        let (source_epoch, target_epoch) = heights(vote.round, vote.source, vote.slot)?;
        out.push(InterchangeVote { source_epoch, target_epoch, signing_root: vote.signing_root });
    }
    let shown_source = out.iter().map(|v| v.source_epoch).max();
    let shown_target = out.iter().map(|v| v.target_epoch).max();
    if let (Some(source), Some(target)) = (record.max_source_height, record.max_target_height) {
        if shown_source < Some(source) || shown_target < Some(target) {
            out.push(InterchangeVote {
                source_epoch: source,
                target_epoch: target,
                signing_root: None,
            });
        }
    }
    Ok(out)
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
        assert_eq!(
            fresh.check_and_record_block(&key(1), 5, b),
            Err(NotSafe::DoubleBlock { slot: 5 })
        );
        assert!(matches!(
            fresh.check_and_record_block(&key(1), 4, b),
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
            Err(NotSafe::SurroundVote { slot: 12, round: 1, source_slot: 9, lock_slot: 10 })
        );
        sp.check_and_record_vote(&key(1), 12, 1, 10, c).unwrap();
        // A wide round-1 vote of key 2 (source 3, slot 20): a vote inside it (an older target)
        // is refused.
        sp.check_and_record_vote(&key(2), 20, 1, 3, a).unwrap();
        assert!(matches!(
            sp.check_and_record_vote(&key(2), 15, 2, 15, b),
            Err(NotSafe::BelowWatermark { watermark: 20, .. })
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
        // The record keeps the latest slot's vote; its heights carry the lock (source 20).
        assert_eq!(heights, vec![(20, 24)]);
    }
}
