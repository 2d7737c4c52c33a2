//! Gossip topics and their messages: SSZ, Snappy block-compressed (as consensus-specs' gossip).
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::{
    EthSpec, ForkDigest, LightCertificateEnvelope, SignedBeaconBlock, SignedInclusionList,
    SignedLightCertificateVote, SsfAggregate, SsfVote, Transaction,
};

/// The largest uncompressed gossip message (`GOSSIP_MAX_SIZE`).
pub const GOSSIP_MAX_SIZE: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GossipKind {
    BeaconBlock,
    SsfVote,
    SsfAggregate,
    InclusionList,
    LightCertificateVote,
    LightCertificate,
    Transaction,
}

impl GossipKind {
    pub const ALL: [GossipKind; 7] = [
        GossipKind::BeaconBlock,
        GossipKind::SsfVote,
        GossipKind::SsfAggregate,
        GossipKind::InclusionList,
        GossipKind::LightCertificateVote,
        GossipKind::LightCertificate,
        GossipKind::Transaction,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GossipKind::BeaconBlock => "beacon_block",
            GossipKind::SsfVote => "ssf_vote",
            GossipKind::SsfAggregate => "ssf_aggregate",
            GossipKind::InclusionList => "inclusion_list",
            GossipKind::LightCertificateVote => "light_certificate_vote",
            GossipKind::LightCertificate => "light_certificate",
            GossipKind::Transaction => "transaction",
        }
    }

    /// `/rainbow/<fork_digest>/<name>/ssz_snappy`, the digest in lowercase hex without `0x`.
    pub fn topic(self, fork_digest: ForkDigest) -> String {
        let digest: String = fork_digest.as_slice().iter().map(|b| format!("{b:02x}")).collect();
        format!("/rainbow/{digest}/{}/ssz_snappy", self.name())
    }

    /// The kind of a topic string of this fork digest.
    pub fn from_topic(topic: &str, fork_digest: ForkDigest) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.topic(fork_digest) == topic)
    }
}

/// A decoded gossip message.
#[derive(Debug, Clone, PartialEq)]
pub enum PubsubMessage<E: EthSpec> {
    BeaconBlock(Box<SignedBeaconBlock<E>>),
    SsfVote(SsfVote),
    SsfAggregate(Box<SsfAggregate<E>>),
    InclusionList(SignedInclusionList),
    LightCertificateVote(SignedLightCertificateVote),
    LightCertificate(Box<LightCertificateEnvelope<E>>),
    Transaction(Transaction),
}

/// Why a gossip payload could not be decoded (the sender is scored down).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("snappy: {0}")]
    Snappy(String),
    #[error("message of {0} bytes exceeds GOSSIP_MAX_SIZE")]
    TooLarge(usize),
    #[error("ssz: {0}")]
    Ssz(String),
}

impl<E: EthSpec> PubsubMessage<E> {
    pub fn kind(&self) -> GossipKind {
        match self {
            PubsubMessage::BeaconBlock(_) => GossipKind::BeaconBlock,
            PubsubMessage::SsfVote(_) => GossipKind::SsfVote,
            PubsubMessage::SsfAggregate(_) => GossipKind::SsfAggregate,
            PubsubMessage::InclusionList(_) => GossipKind::InclusionList,
            PubsubMessage::LightCertificateVote(_) => GossipKind::LightCertificateVote,
            PubsubMessage::LightCertificate(_) => GossipKind::LightCertificate,
            PubsubMessage::Transaction(_) => GossipKind::Transaction,
        }
    }

    fn ssz_bytes(&self) -> Vec<u8> {
        match self {
            PubsubMessage::BeaconBlock(m) => m.as_ssz_bytes(),
            PubsubMessage::SsfVote(m) => m.as_ssz_bytes(),
            PubsubMessage::SsfAggregate(m) => m.as_ssz_bytes(),
            PubsubMessage::InclusionList(m) => m.as_ssz_bytes(),
            PubsubMessage::LightCertificateVote(m) => m.as_ssz_bytes(),
            PubsubMessage::LightCertificate(m) => m.as_ssz_bytes(),
            PubsubMessage::Transaction(m) => m.as_ssz_bytes(),
        }
    }

    /// The gossip payload: Snappy block compression of the SSZ encoding.
    pub fn encode(&self) -> Vec<u8> {
        snap::raw::Encoder::new().compress_vec(&self.ssz_bytes()).unwrap_or_default()
    }

    pub fn decode(kind: GossipKind, data: &[u8]) -> Result<Self, DecodeError> {
        let len =
            snap::raw::decompress_len(data).map_err(|e| DecodeError::Snappy(e.to_string()))?;
        if len > GOSSIP_MAX_SIZE {
            return Err(DecodeError::TooLarge(len));
        }
        let bytes = snap::raw::Decoder::new()
            .decompress_vec(data)
            .map_err(|e| DecodeError::Snappy(e.to_string()))?;
        let ssz = |e: rainbow_types::ssz::DecodeError| DecodeError::Ssz(format!("{e:?}"));
        Ok(match kind {
            GossipKind::BeaconBlock => PubsubMessage::BeaconBlock(Box::new(
                SignedBeaconBlock::from_ssz_bytes(&bytes).map_err(ssz)?,
            )),
            GossipKind::SsfVote => {
                PubsubMessage::SsfVote(SsfVote::from_ssz_bytes(&bytes).map_err(ssz)?)
            }
            GossipKind::SsfAggregate => PubsubMessage::SsfAggregate(Box::new(
                SsfAggregate::from_ssz_bytes(&bytes).map_err(ssz)?,
            )),
            GossipKind::InclusionList => PubsubMessage::InclusionList(
                SignedInclusionList::from_ssz_bytes(&bytes).map_err(ssz)?,
            ),
            GossipKind::LightCertificateVote => PubsubMessage::LightCertificateVote(
                SignedLightCertificateVote::from_ssz_bytes(&bytes).map_err(ssz)?,
            ),
            GossipKind::LightCertificate => PubsubMessage::LightCertificate(Box::new(
                LightCertificateEnvelope::from_ssz_bytes(&bytes).map_err(ssz)?,
            )),
            GossipKind::Transaction => {
                PubsubMessage::Transaction(Transaction::from_ssz_bytes(&bytes).map_err(ssz)?)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rainbow_types::{MinimalEthSpec, SsfVoteData};

    #[test]
    fn topics_name_the_fork_digest_and_parse_back() {
        let digest = ForkDigest::from([0xab, 0x01, 0x02, 0x03]);
        assert_eq!(GossipKind::SsfVote.topic(digest), "/rainbow/ab010203/ssf_vote/ssz_snappy");
        for kind in GossipKind::ALL {
            assert_eq!(GossipKind::from_topic(&kind.topic(digest), digest), Some(kind));
        }
        assert_eq!(
            GossipKind::from_topic(&GossipKind::SsfVote.topic(digest), ForkDigest::ZERO),
            None
        );
    }

    #[test]
    fn messages_round_trip_and_garbage_is_an_error() {
        let vote = PubsubMessage::<MinimalEthSpec>::SsfVote(SsfVote {
            operator_index: 3,
            data: SsfVoteData { slot: 9, round: 1, ..SsfVoteData::default() },
            signature: Default::default(),
        });
        let bytes = vote.encode();
        assert_eq!(PubsubMessage::decode(GossipKind::SsfVote, &bytes).unwrap(), vote);
        assert!(matches!(
            PubsubMessage::<MinimalEthSpec>::decode(GossipKind::SsfVote, b"not snappy at all"),
            Err(DecodeError::Snappy(_) | DecodeError::Ssz(_))
        ));
        // Valid snappy, wrong container.
        assert!(matches!(
            PubsubMessage::<MinimalEthSpec>::decode(GossipKind::BeaconBlock, &bytes),
            Err(DecodeError::Ssz(_))
        ));
        // A compressed bomb is refused from its header alone.
        let huge = snap::raw::Encoder::new().compress_vec(&vec![0u8; GOSSIP_MAX_SIZE + 1]).unwrap();
        assert!(matches!(
            PubsubMessage::<MinimalEthSpec>::decode(GossipKind::BeaconBlock, &huge),
            Err(DecodeError::TooLarge(_))
        ));
    }
}
