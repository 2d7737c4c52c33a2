//! `ssz_static/<Container>/<suite>/case_<i>/`: `serialized.ssz_snappy`, `value.yaml` and
//! `roots.yaml` (`root`) for zero, max, random and edge values of every container.
use super::{stream, Out};
use crate::Error;
use arbitrary::{Arbitrary, Unstructured};
use rainbow_types::ssz::Encode;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::EthSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// `roots.yaml`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roots {
    pub root: String,
}

/// Random values per container.
const RANDOM_CASES: u64 = 4;

/// The byte streams `arbitrary` builds values from, by suite (besides `ssz_zero`).
fn streams(name: &str, len: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = vec![("ssz_max", vec![0xff; len])];
    for i in 0..RANDOM_CASES {
        out.push(("ssz_random", stream(&format!("ssz_static/{name}"), i, len)));
    }
    // Edge values: single-bit and alternating patterns (lengths, selectors and integers at
    // their boundaries).
    out.push(("ssz_edge", vec![0x01; len]));
    out.push(("ssz_edge", vec![0x80; len]));
    out.push(("ssz_edge", vec![0x7f; len]));
    out.push(("ssz_edge", (0..len).map(|i| if i % 2 == 0 { 0x00 } else { 0xff }).collect()));
    out
}

fn write_case<T: Encode + TreeHash + Serialize>(
    out: &mut Out<'_>,
    name: &str,
    suite: &str,
    index: usize,
    value: &T,
) -> Result<(), Error> {
    let case = out.case("ssz_static", name, suite, &format!("case_{index}"))?;
    case.ssz("serialized", value)?;
    case.yaml("value", value)?;
    case.yaml("roots", &Roots { root: format!("{:?}", value.tree_hash_root()) })
}

fn container<T>(out: &mut Out<'_>, name: &str, stream_len: usize) -> Result<(), Error>
where
    T: Encode + TreeHash + Serialize + for<'a> Arbitrary<'a>,
{
    let mut seen = BTreeSet::new();
    // Zero: every field from zero bytes (empty lists, zero integers, the first union selector).
    let zero = T::arbitrary(&mut Unstructured::new(&vec![0u8; stream_len]))
        .map_err(|e| Error::generate(format!("{name}: zero value: {e}")))?;
    seen.insert(zero.as_ssz_bytes());
    write_case(out, name, "ssz_zero", 0, &zero)?;
    let mut index_by_suite = std::collections::BTreeMap::<&str, usize>::new();
    for (suite, bytes) in streams(name, stream_len) {
        let Ok(value) = T::arbitrary(&mut Unstructured::new(&bytes)) else { continue };
        if !seen.insert(value.as_ssz_bytes()) {
            continue;
        }
        let index = index_by_suite.entry(suite).or_default();
        write_case(out, name, suite, *index, &value)?;
        *index = index.saturating_add(1);
    }
    Ok(())
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("ssz_static");
    macro_rules! each {
        ($name:literal, $t:ty) => {
            let len = match $name {
                "BeaconState" => 1 << 16,
                "BeaconBlockBody" | "BeaconBlock" | "SignedBeaconBlock" => 1 << 15,
                _ => 1 << 12,
            };
            container::<$t>(out, $name, len)?;
        };
    }
    crate::for_each_container!(E, each);
    Ok(())
}
