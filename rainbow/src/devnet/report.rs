//! The run report: `report.json` (per-slot records and per-check results) and `report.md`.
use super::monitor::SlotRecord;
use super::scenario::Extra;
use super::{DevnetArgs, Scenario};
use rainbow_types::{ChainConfig, Coupling};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub expected: String,
    pub observed: String,
    pub passed: bool,
}

pub struct Verdict {
    pub passed: bool,
    pub lines: Vec<String>,
}

/// Slots at the start not held against the network (processes connecting, first certificate).
const WARMUP: u64 = 3;

fn checks(
    args: &DevnetArgs,
    config: &ChainConfig,
    records: &[SlotRecord],
    extra: &Extra,
) -> Vec<Check> {
    let steady: Vec<&SlotRecord> = records.iter().filter(|r| r.slot > WARMUP).collect();
    let n = steady.len() as u64;
    let blocks = steady.iter().filter(|r| r.block.is_some()).count() as u64;
    let lagging = steady.iter().filter(|r| r.finalized + 2 < r.slot).count() as u64;
    let mut out = vec![Check {
        name: "slots observed".into(),
        expected: "at least one slot after the warm-up".into(),
        observed: format!("{n} slot(s) after slot {WARMUP}"),
        passed: n > 0,
    }];
    let strong = config.coupling == Coupling::Strong && args.light > 0;
    let every_slot = match args.scenario {
        Scenario::Baseline | Scenario::LateJoiner => true,
        Scenario::LightOffline => !strong,
        Scenario::CrashRestart | Scenario::Partition => false,
        Scenario::EquivocatingOperator => false,
        // The flows start several `rainbow tx` processes; on a loaded machine a slot may finalize
        // late, so only finality at the end is required.
        Scenario::DelegationFlows => false,
        Scenario::CensoringProposer => false,
    };
    if every_slot {
        out.push(Check {
            name: "a block every slot".into(),
            expected: "every slot after the warm-up has a canonical block".into(),
            observed: format!("{blocks} of {n}"),
            passed: blocks == n,
        });
        out.push(Check {
            name: "finality every slot".into(),
            expected: "finalized slot ≥ slot − 2 at the end of every slot".into(),
            observed: format!("{} of {n} slot(s) lag more", lagging),
            passed: lagging == 0,
        });
        if strong && args.scenario != Scenario::LightOffline {
            let certified =
                steady.iter().filter(|r| r.certificate_participants.is_some()).count() as u64;
            out.push(Check {
                name: "certificate-gated blocks".into(),
                expected: "every slot's light committee made a certificate (strong coupling: blocks need it)".into(),
                observed: format!("{certified} of {n}"),
                passed: certified == n,
            });
        }
    }
    scenario_checks(args, strong, records, extra, &mut out);
    out
}

fn scenario_checks(
    args: &DevnetArgs,
    strong: bool,
    records: &[SlotRecord],
    extra: &Extra,
    out: &mut Vec<Check>,
) {
    let (at, end) = (args.at, args.at + args.duration);
    let has_block = |s: u64| records.iter().any(|r| r.slot == s && r.block.is_some());
    let caught_up = |what: &str| {
        let (subject, reference) = (extra.subject, extra.reference);
        Check {
            name: format!("{what} catches up"),
            expected: "its finalized slot within 2 of beacon-0's at the end".into(),
            observed: format!("{what} (head, finalized) {subject:?}, beacon-0 {reference:?}"),
            passed: matches!((subject, reference), (Some((_, f)), Some((_, r))) if f + 2 >= r),
        }
    };
    match args.scenario {
        Scenario::Baseline => {}
        Scenario::LightOffline if strong => {
            let during: Vec<u64> = (at + 2..=end).filter(|s| has_block(*s)).collect();
            out.push(Check {
                name: "no blocks without light clients (strong coupling)".into(),
                expected: format!("no block in slots {}..={end}", at + 2),
                observed: format!("blocks at {during:?}"),
                passed: during.is_empty() && records.iter().any(|r| r.slot == end),
            });
            let after: Vec<u64> = (end + 1..=end + 4).filter(|s| has_block(*s)).collect();
            out.push(Check {
                name: "recovery after the light clients return".into(),
                expected: format!("a block in slots {}..={}", end + 1, end + 4),
                observed: format!("blocks at {after:?}"),
                passed: !after.is_empty(),
            });
        }
        Scenario::LightOffline => {}
        Scenario::CrashRestart => {
            let f = records.iter().find(|r| r.slot == end).map(|r| r.finalized).unwrap_or(0);
            out.push(Check {
                name: "finality goes on without beacon-1".into(),
                expected: format!(
                    "finalized ≥ {} at slot {end} ({} of {} equal seats online; 2/3 needed)",
                    end.saturating_sub(2),
                    args.heavy - 1,
                    args.heavy
                ),
                observed: format!("finalized {f}"),
                passed: f + 2 >= end,
            });
            out.push(caught_up("beacon-1"));
        }
        Scenario::LateJoiner => out.push(caught_up("the late joiner")),
        Scenario::EquivocatingOperator => {
            let (slashed, after, seated) = extra.operator_1.unwrap_or((false, 0, true));
            out.push(Check {
                name: "the equivocating operator is slashed".into(),
                expected: "operator 1 slashed by the end".into(),
                observed: format!("slashed: {slashed}"),
                passed: slashed,
            });
            out.push(Check {
                name: "its delegations are cut".into(),
                expected: "operator 1's delegated tokens below their value after the delegation"
                    .into(),
                observed: format!("before {:?} Gwei, after {after} Gwei", extra.delegated_before),
                passed: extra.delegated_before.is_some_and(|b| after < b),
            });
            out.push(Check {
                name: "it loses its seat".into(),
                expected: "operator 1 holds no seat of the current epoch at the end (run past the next epoch boundary)".into(),
                observed: format!("seated: {seated}"),
                passed: !seated,
            });
        }
        Scenario::CensoringProposer => {
            let delays: Vec<Option<u64>> = extra
                .censored
                .iter()
                .map(|(_, sent, got)| got.map(|g| g.saturating_sub(*sent)))
                .collect();
            let bound = 4;
            out.push(Check {
                name: "censored transactions land".into(),
                expected: format!(
                    "each of account 1's transfers included within {bound} slots despite beacon-1"
                ),
                observed: format!("inclusion delays (slots) {delays:?}"),
                passed: !delays.is_empty() && delays.iter().all(|d| d.is_some_and(|d| d <= bound)),
            });
        }
        Scenario::DelegationFlows => {
            if extra.flow_checks.is_empty() {
                out.push(Check {
                    name: "delegation flows ran".into(),
                    expected: "the flows finished before the run ended (give --slots enough room after --at)".into(),
                    observed: "no results".into(),
                    passed: false,
                });
            }
            out.extend(extra.flow_checks.iter().cloned());
            let last = records.last().map(|r| (r.slot, r.finalized)).unwrap_or((0, 0));
            out.push(Check {
                name: "finality at the end".into(),
                expected: "finalized slot ≥ last slot − 2".into(),
                observed: format!("slot {}, finalized {}", last.0, last.1),
                passed: last.1 + 2 >= last.0,
            });
        }
        Scenario::Partition => {
            let f = records.iter().find(|r| r.slot == end).map(|r| r.finalized).unwrap_or(0);
            out.push(Check {
                name: "finality goes on without beacon-1".into(),
                expected: format!("finalized ≥ {} at slot {end}", end.saturating_sub(2)),
                observed: format!("finalized {f}"),
                passed: f + 2 >= end,
            });
            out.push(caught_up("beacon-1"));
        }
    }
}

pub fn write(
    dir: &Path,
    args: &DevnetArgs,
    config: &ChainConfig,
    records: &[SlotRecord],
    extra: &Extra,
) -> anyhow::Result<Verdict> {
    let checks = checks(args, config, records, extra);
    let passed = checks.iter().all(|c| c.passed);
    let json = serde_json::json!({
        "scenario": scenario_name(args.scenario),
        "heavy": args.heavy,
        "light": args.light,
        "slot_time_ms": args.slot_ms(),
        "coupling": config.coupling.to_string(),
        "seed": args.seed,
        "passed": passed,
        "checks": checks,
        "events": extra.events,
        "slots": records,
    });
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&json)? + "\n")?;
    let blocks = records.iter().filter(|r| r.block.is_some()).count();
    let lag: Vec<u64> = records.iter().map(|r| r.slot.saturating_sub(r.finalized)).collect();
    let mean_lag =
        if lag.is_empty() { 0.0 } else { lag.iter().sum::<u64>() as f64 / lag.len() as f64 };
    let participation: Vec<u64> =
        records.iter().filter_map(|r| r.certificate_participants).collect();
    let mean_participation = if participation.is_empty() {
        0.0
    } else {
        participation.iter().sum::<u64>() as f64 / participation.len() as f64
    };
    let mut md = format!(
        "# Devnet run: {}\n\n{} beacon nodes, {} light clients, {} coupling, {} ms slots, seed {}.\n\n\
         | | |\n| - | - |\n| slots observed | {} |\n| blocks | {} ({} missed) |\n| mean finality lag | {:.2} slots |\n\
         | mean certificate participation | {:.1} of {} positions |\n| certified transactions | {} |\n\n## Checks\n\n| check | expected | observed | result |\n| - | - | - | - |\n",
        scenario_name(args.scenario), args.heavy, args.light, config.coupling, args.slot_ms(), args.seed,
        records.len(), blocks, records.len() - blocks, mean_lag, mean_participation,
        config.preset().light_committee_size,
        records.iter().filter_map(|r| r.certified_transactions).sum::<u64>(),
    );
    let mut lines = Vec::new();
    for c in &checks {
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.name,
            c.expected,
            c.observed,
            if c.passed { "pass" } else { "**FAIL**" }
        ));
        lines.push(format!(
            "{} {}: {} (expected {})",
            if c.passed { "PASS" } else { "FAIL" },
            c.name,
            c.observed,
            c.expected
        ));
    }
    md.push_str(&summary_more(records, extra));
    md.push_str("\nPlots in `report.html`; per-slot records in `report.json`; one log per process in `logs/`.\n");
    std::fs::write(dir.join("report.md"), &md)?;
    std::fs::write(
        dir.join("report.html"),
        super::html::render("Devnet run", &md, records, config.preset().light_committee_size),
    )?;
    Ok(Verdict { passed, lines })
}

/// The scenario's name as on the command line (`light-offline`).
pub fn scenario_name(s: Scenario) -> String {
    clap::ValueEnum::to_possible_value(&s).map(|v| v.get_name().to_string()).unwrap_or_default()
}

fn eth(gwei: u64) -> String {
    format!("{}.{:09} ETH", gwei / 1_000_000_000, gwei % 1_000_000_000)
}

/// Stake by class, the LSM's total, LightETH rates at the end, censored-transaction delays.
fn summary_more(records: &[SlotRecord], extra: &Extra) -> String {
    let (Some(first), Some(last)) = (records.first(), records.last()) else { return String::new() };
    let heavy = |r: &SlotRecord| r.heavy_stakes.iter().sum::<u64>();
    let mut md = String::from("\n## Stake and rewards by class\n\n| class | at the first slot | at the last slot | change |\n| - | - | - | - |\n");
    let row = |name: &str, a: u64, b: u64| {
        format!(
            "| {name} | {} | {} | {}{} |\n",
            eth(a),
            eth(b),
            if b >= a { "+" } else { "−" },
            eth(b.abs_diff(a))
        )
    };
    md.push_str(&row("heavy (bonds + delegated)", heavy(first), heavy(last)));
    md.push_str(&row("LSM delegated tokens", first.heavy_delegated, last.heavy_delegated));
    md.push_str(&row("light (bonds + LightETH pools)", first.light_stake, last.light_stake));
    md.push_str("\nChanges include rewards (minted at epoch boundaries), deposits and withdrawals by the\nscenario, and slashings.\n\n## LightETH exchange rates at the end\n\n| token | Gwei per share |\n| - | - |\n");
    for (i, rate) in last.lighteth_rates.iter().enumerate() {
        if *rate == 0 {
            md.push_str(&format!("| LightETH-{i} | — (nothing deposited) |\n"));
        } else {
            md.push_str(&format!(
                "| LightETH-{i} | {}.{:09} |\n",
                rate / 1_000_000_000,
                rate % 1_000_000_000
            ));
        }
    }
    if !extra.censored.is_empty() {
        md.push_str("\n## Censored-transaction inclusion delay\n\n| transaction | sent at slot | included at slot | delay |\n| - | - | - | - |\n");
        for (hash, sent, got) in &extra.censored {
            let (got, delay) = match got {
                Some(g) => (g.to_string(), g.saturating_sub(*sent).to_string()),
                None => ("never".into(), "—".into()),
            };
            md.push_str(&format!(
                "| `{}…` | {sent} | {got} | {delay} |\n",
                hash.get(..12).unwrap_or(hash)
            ));
        }
    }
    md
}
