//! `process_light_certificate` (docs/spec/beacon-chain-operations.md#process_light_certificate): where the
//! light certificate gates the block. The certificate rules, strong and weak coupling and the
//! inclusion-list check arrive with the light-committee work (issue 5); until then a block
//! carrying a certificate or certified transactions is refused rather than accepted unchecked.
use crate::BlockProcessingError;
use rainbow_types::{BeaconBlockBody, BeaconState, EthSpec};

pub fn process_light_certificate<E: EthSpec>(
    _state: &mut BeaconState<E>,
    body: &BeaconBlockBody<E>,
) -> Result<(), BlockProcessingError> {
    if !body.light_certificate.is_empty() || !body.certified_transactions.is_empty() {
        return Err(BlockProcessingError::LightCertificate(
            "light certificates are not processed by this version yet".into(),
        ));
    }
    Ok(())
}
