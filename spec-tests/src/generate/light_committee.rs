//! `light_committee/sampling/<suite>/<case>/data.yaml`: `input` (`seed`, `weights`, `size`,
//! `max_weight`, `rounds`) and `output`, the indices `compute_light_committee_indices` selects
//! (in selection order; an index may repeat).
use super::{seed, Out};
use crate::Error;
use rainbow_state_transition::light::compute_light_committee_indices;
use rainbow_types::constants::GWEI_PER_ETH;
use rainbow_types::EthSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingInput {
    pub seed: rainbow_types::B256,
    pub weights: Vec<u64>,
    pub size: u64,
    pub max_weight: u64,
    pub rounds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingCase {
    pub input: SamplingInput,
    pub output: Vec<u64>,
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("light_committee");
    let preset = E::preset();
    let (size, max, rounds) =
        (preset.light_committee_size, preset.max_light_weight, preset.shuffle_round_count);
    let eth = GWEI_PER_ETH;
    let cases: Vec<(&str, Vec<u64>, u64)> = vec![
        ("empty_registry", vec![], size),
        ("one_operator", vec![32 * eth], size),
        ("equal_weights_at_max", vec![max; 8], size),
        ("proportional_weights", vec![max, max / 2, max / 4, max / 8], size),
        ("small_weights_below_max_over_255", vec![eth, 2 * eth, 3 * eth], size),
        ("one_heavy_many_light", [vec![max], vec![eth; 15]].concat(), size),
        ("size_one", vec![max, max], 1),
        ("size_zero", vec![max], 0),
    ];
    for (name, weights, size) in cases {
        let input = SamplingInput { seed: seed(name), weights, size, max_weight: max, rounds };
        let output = compute_light_committee_indices(
            &input.seed,
            &input.weights,
            input.size,
            input.max_weight,
            input.rounds,
        )
        .map_err(Error::generate)?
        .into_iter()
        .map(|i| i as u64)
        .collect();
        let case = out.case("light_committee", "sampling", "pyspec_tests", name)?;
        case.yaml("data", &SamplingCase { input, output })?;
    }
    Ok(())
}
