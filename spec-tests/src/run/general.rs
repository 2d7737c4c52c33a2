//! The standard consensus-spec-tests *general* formats: `bls/*` and `shuffling`.
use crate::io::CaseReader;
use crate::Error;

pub(crate) fn bls(handler: &str, _reader: &CaseReader) -> Result<(), Error> {
    Err(Error::Format(format!("bls/{handler}: not supported yet")))
}

pub(crate) fn shuffling(preset: &str, _reader: &CaseReader) -> Result<(), Error> {
    Err(Error::Format(format!("{preset}/shuffling: not supported yet")))
}
