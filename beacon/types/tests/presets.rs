//! Presets and configurations: the Rust values, the shipped YAML and the type-level lengths agree.
use rainbow_types::config::{MAINNET_CONFIG_YAML, MINIMAL_CONFIG_YAML};
use rainbow_types::preset::{MAINNET_PRESET_YAML, MINIMAL_PRESET_YAML};
use rainbow_types::*;

#[test]
fn preset_yaml_files_equal_the_rust_presets() {
    assert_eq!(Preset::from_yaml_str(MAINNET_PRESET_YAML).unwrap(), Preset::mainnet());
    assert_eq!(Preset::from_yaml_str(MINIMAL_PRESET_YAML).unwrap(), Preset::minimal());
    assert_eq!(Preset::by_name("minimal"), Some(Preset::minimal()));
    assert_eq!(Preset::by_name("sepolia"), None);
}

#[test]
fn type_level_lengths_equal_preset_values() {
    assert_eq!(preset_type_mismatches::<MainnetEthSpec>(), Vec::<&str>::new());
    assert_eq!(preset_type_mismatches::<MinimalEthSpec>(), Vec::<&str>::new());
    assert_eq!(MinimalEthSpec::slots_per_epoch(), 8);
}

#[test]
fn preset_yaml_refuses_unknown_and_missing_keys() {
    let extra = format!("{MINIMAL_PRESET_YAML}\nSURPRISE: 1\n");
    assert!(Preset::from_yaml_str(&extra).is_err());
    let missing = MINIMAL_PRESET_YAML.replace("SLOTS_PER_EPOCH: 8\n", "");
    assert!(Preset::from_yaml_str(&missing).is_err());
}

#[test]
fn config_yaml_files_equal_the_defaults_and_round_trip() {
    assert_eq!(ChainConfig::from_yaml_str(MINIMAL_CONFIG_YAML).unwrap(), ChainConfig::minimal());
    assert_eq!(ChainConfig::from_yaml_str(MAINNET_CONFIG_YAML).unwrap(), ChainConfig::mainnet());
    let mut weak = ChainConfig::minimal();
    weak.coupling = Coupling::Weak;
    weak.issuance_curve = IssuanceCurve::Tempered;
    let text = weak.to_yaml_string().unwrap();
    assert!(text.contains("COUPLING: weak"), "{text}");
    assert_eq!(ChainConfig::from_yaml_str(&text).unwrap(), weak);
}

#[test]
fn config_validation_names_the_field() {
    let mut c = ChainConfig::minimal();
    c.light_view_freeze_bps = 4000; // before round 2
    assert!(matches!(
        c.validate(),
        Err(ConfigError::InvalidField { field: "LIGHT_VIEW_FREEZE_BPS", .. })
    ));
    let mut c = ChainConfig::minimal();
    c.slot_duration_ms = 10;
    assert!(matches!(
        c.validate(),
        Err(ConfigError::InvalidField { field: "SLOT_DURATION_MS", .. })
    ));
    let mut c = ChainConfig::minimal();
    c.light_issuance_bps = 10_001;
    assert!(matches!(
        c.validate(),
        Err(ConfigError::InvalidField { field: "LIGHT_ISSUANCE_BPS", .. })
    ));
    let mut c = ChainConfig::minimal();
    c.issuance_curve = IssuanceCurve::Tempered;
    c.tempered_issuance_k = 0;
    assert!(matches!(
        c.validate(),
        Err(ConfigError::InvalidField { field: "TEMPERED_ISSUANCE_K", .. })
    ));
    let bad = MINIMAL_CONFIG_YAML.replace("COUPLING: strong", "COUPLING: loose");
    assert!(matches!(ChainConfig::from_yaml_str(&bad), Err(ConfigError::Yaml(_))));
    assert_eq!("weak".parse::<Coupling>(), Ok(Coupling::Weak));
    assert!("loose".parse::<Coupling>().is_err());
}

#[test]
fn slot_phases_in_milliseconds() {
    let c = ChainConfig::minimal();
    assert_eq!(c.phase_offset_ms(c.ssf_vote_round_1_bps), 500);
    assert_eq!(c.phase_offset_ms(c.light_view_freeze_bps), 1500);
    assert_eq!(c.phase_offset_ms(c.light_certificate_deadline_bps), 1750);
}
