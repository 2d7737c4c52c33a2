use blst::BLST_ERROR;

/// Why a BLS operation refused its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlsError {
    #[error("expected {expected} bytes, got {got}")]
    InvalidByteLength { expected: usize, got: usize },
    #[error("the bytes do not encode a point on the curve")]
    BadEncoding,
    #[error("the point is not in the prime-order subgroup")]
    PointNotInGroup,
    #[error("the public key is the point at infinity")]
    PublicKeyIsInfinity,
    #[error("the secret key is zero or not below the curve order")]
    InvalidSecretKey,
    #[error("an empty set of public keys verifies nothing")]
    EmptyPublicKeySet,
    #[error("an empty set of signatures cannot be aggregated")]
    EmptySignatureSet,
    #[error("blst reported {0}")]
    Blst(&'static str),
}

impl From<BLST_ERROR> for BlsError {
    fn from(e: BLST_ERROR) -> Self {
        match e {
            BLST_ERROR::BLST_BAD_ENCODING => BlsError::BadEncoding,
            BLST_ERROR::BLST_POINT_NOT_ON_CURVE => BlsError::BadEncoding,
            BLST_ERROR::BLST_POINT_NOT_IN_GROUP => BlsError::PointNotInGroup,
            BLST_ERROR::BLST_PK_IS_INFINITY => BlsError::PublicKeyIsInfinity,
            BLST_ERROR::BLST_BAD_SCALAR => BlsError::InvalidSecretKey,
            BLST_ERROR::BLST_SUCCESS => BlsError::Blst("success where an error was expected"),
            BLST_ERROR::BLST_VERIFY_FAIL => BlsError::Blst("verification failure"),
            BLST_ERROR::BLST_AGGR_TYPE_MISMATCH => BlsError::Blst("aggregate type mismatch"),
        }
    }
}
