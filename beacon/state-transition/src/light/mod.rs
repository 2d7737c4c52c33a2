//! The light layer (docs/spec/light-committee.md): committees sampled by light weight, inclusion
//! lists and their merge, certificate votes, aggregation and validity.
pub mod certificate;
pub mod committee;
pub mod committee_cache;
pub mod inclusion_list;

pub use certificate::*;
pub use committee::*;
pub use committee_cache::*;
pub use inclusion_list::*;
