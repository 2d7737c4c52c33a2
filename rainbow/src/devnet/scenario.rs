//! Scenario actions during a run (at `--at`, for `--duration` slots) and what they leave for the
//! report's checks.
use super::{free_port, DevnetArgs, Node, Proc, Scenario};
use crate::http::Api;
use std::path::Path;

/// What the scenario did and saw, for the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Extra {
    pub events: Vec<String>,
    /// `(head, finalized)` of the node the scenario is about (restarted or late), at the end.
    pub subject: Option<(u64, u64)>,
    /// `(head, finalized)` of beacon-0 at the end.
    pub reference: Option<(u64, u64)>,
    /// Operator 1's delegated tokens after the scenario's delegation (before the slashing).
    pub delegated_before: Option<u64>,
    /// Operator 1 at the end: (slashed, delegated tokens, holds a current seat).
    pub operator_1: Option<(bool, u64, bool)>,
    /// The delegation-flows checks.
    pub flow_checks: Vec<super::report::Check>,
    /// Censored transfers: (tx hash, slot submitted, slot included).
    pub censored: Vec<(String, u64, Option<u64>)>,
}

pub struct ScenarioRun {
    scenario: Scenario,
    at: u64,
    duration: u64,
    late_args: Vec<String>,
    late: Option<(Proc, u16)>,
    flows: Option<std::thread::JoinHandle<anyhow::Result<Vec<super::report::Check>>>>,
    light: bool,
    extra: Extra,
    /// HTTP ports of the beacon nodes, in process order.
    http: Vec<u16>,
    slot_ms: u64,
}

/// Operator 1: (slashed, delegated tokens, holds a seat of the current epoch).
fn operator_1(http: u16) -> Option<(bool, u64, bool)> {
    let api = Api::new(&format!("http://127.0.0.1:{http}")).ok()?;
    let ops = api.get("/rainbow/v0/heavy_operators").ok()?;
    let op = ops["data"].as_array()?.get(1)?.clone();
    let seats = api.get("/rainbow/v0/seats").ok()?;
    let seated = seats["data"]["current"]
        .as_array()?
        .iter()
        .any(|s| s["operator_index"].as_u64() == Some(1));
    Some((op["operator"]["slashed"].as_bool()?, op["pool"]["delegated_tokens"].as_u64()?, seated))
}

fn status(http: u16) -> Option<(u64, u64)> {
    let v = Api::new(&format!("http://127.0.0.1:{http}")).ok()?.get("/rainbow/v0/status").ok()?;
    Some((v["data"]["head_slot"].as_u64()?, v["data"]["finalized_slot"].as_u64()?))
}

impl ScenarioRun {
    pub fn new(
        args: &DevnetArgs,
        late_chain_args: &[String],
        first_p2p: u16,
        nodes: &[Node],
    ) -> anyhow::Result<Self> {
        let mut late_args = vec!["beacon".to_string()];
        late_args.extend_from_slice(late_chain_args);
        late_args.extend(["--peers".into(), format!("/ip4/127.0.0.1/tcp/{first_p2p}")]);
        Ok(Self {
            scenario: args.scenario,
            at: args.at,
            duration: args.duration,
            late_args,
            late: None,
            flows: None,
            light: args.light > 0,
            extra: Extra::default(),
            http: nodes.iter().map(|n| n.http).collect(),
            slot_ms: args.slot_ms(),
        })
    }

    fn note(&mut self, slot: u64, what: String) {
        let line = format!("slot {slot}: {what}");
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "  >> {line}");
        self.extra.events.push(line);
    }

    pub fn on_slot(&mut self, slot: u64, dir: &Path, procs: &mut [Proc]) -> anyhow::Result<()> {
        let (start, end) = (slot == self.at, slot == self.at + self.duration);
        match self.scenario {
            Scenario::Baseline => {}
            Scenario::LightOffline => {
                if start || end {
                    for p in procs.iter_mut().filter(|p| p.name.starts_with("light-")) {
                        if start {
                            p.sigkill()
                        } else {
                            p.start()?
                        }
                    }
                    self.note(
                        slot,
                        if start {
                            "stopped every light client".into()
                        } else {
                            "restarted the light clients".into()
                        },
                    );
                }
            }
            Scenario::CrashRestart => {
                if let Some(p) = procs.iter_mut().find(|p| p.name == "beacon-1") {
                    if start {
                        p.sigkill();
                        self.note(slot, "SIGKILL beacon-1".into());
                    } else if end {
                        p.start()?;
                        self.note(slot, "restarted beacon-1 on its datadir".into());
                    }
                }
            }
            Scenario::Partition => {
                if start {
                    let http = procs
                        .iter()
                        .position(|p| p.name == "beacon-1")
                        .and_then(|i| self.http.get(i).copied());
                    if let Some(http) = http {
                        let api = Api::new(&format!("http://127.0.0.1:{http}"))?;
                        let seconds = (self.duration * self.slot_ms).div_ceil(1000);
                        api.post(
                            "/rainbow/v0/admin/isolate",
                            &serde_json::json!({ "seconds": seconds }),
                        )?;
                        self.note(slot, format!("cut beacon-1 off from its peers for {seconds} s"));
                    }
                }
            }
            Scenario::EquivocatingOperator => {
                if slot + 3 == self.at || (self.at < 3 && slot == 1) {
                    let node =
                        format!("http://127.0.0.1:{}", self.http.first().copied().unwrap_or(0));
                    let exe = std::env::current_exe()?;
                    let out = std::process::Command::new(exe)
                        .args([
                            "tx",
                            "--node",
                            &node,
                            "--interop-key",
                            "0",
                            "--timeout",
                            "20",
                            "delegate",
                            "--operator",
                            "1",
                            "--amount",
                            "100eth",
                        ])
                        .output()?;
                    let applied = String::from_utf8_lossy(&out.stdout).contains("outcome: applied");
                    self.extra.delegated_before =
                        operator_1(self.http.first().copied().unwrap_or(0)).map(|(_, d, _)| d);
                    self.note(
                        slot,
                        format!("delegated 100 ETH to operator 1 (applied: {applied})"),
                    );
                }
                if start {
                    self.note(slot, "beacon-1 signs conflicting round-1 votes".into());
                }
            }
            Scenario::CensoringProposer => {
                if slot >= self.at && slot < self.at + self.duration {
                    let node =
                        format!("http://127.0.0.1:{}", self.http.first().copied().unwrap_or(0));
                    let to = format!("0x{}", "cc".repeat(20));
                    let out = std::process::Command::new(std::env::current_exe()?)
                        .args([
                            "tx",
                            "--node",
                            &node,
                            "--interop-key",
                            "1",
                            "--no-wait",
                            "transfer",
                            "--to",
                            &to,
                            "--amount",
                        ])
                        .arg((slot + 1).to_string())
                        .output()?;
                    let text = String::from_utf8_lossy(&out.stdout);
                    if let Some(hash) =
                        text.split_whitespace().nth(1).filter(|h| h.starts_with("0x"))
                    {
                        self.extra.censored.push((hash.to_string(), slot, None));
                        self.note(slot, format!("account 1 (censored by beacon-1) sent {hash}"));
                    }
                }
            }
            Scenario::DelegationFlows => {
                if start {
                    let http = self.http.first().copied().unwrap_or(0);
                    let light = self.light;
                    self.flows = Some(std::thread::spawn(move || super::flows::run(http, light)));
                    self.note(slot, "account 0 starts its delegation flows".into());
                }
            }
            Scenario::LateJoiner => {
                if start {
                    let (p2p, http) = (free_port()?, free_port()?);
                    let mut a = self.late_args.clone();
                    a.extend([
                        "--port".into(),
                        p2p.to_string(),
                        "--http-port".into(),
                        http.to_string(),
                    ]);
                    self.late = Some((Proc::spawn("late", dir, &a)?, http));
                    self.note(slot, "started a keyless late joiner".into());
                }
            }
        }
        Ok(())
    }

    /// The end-of-run readings the checks need; stops the late joiner.
    pub fn finish(&mut self, nodes: &[Node]) -> Extra {
        self.extra.reference = nodes.first().and_then(|n| status(n.http));
        self.extra.subject = match self.scenario {
            Scenario::CrashRestart | Scenario::Partition => {
                nodes.get(1).and_then(|n| status(n.http))
            }
            Scenario::LateJoiner => self.late.as_ref().and_then(|(_, http)| status(*http)),
            _ => None,
        };
        if let Some(handle) = self.flows.take() {
            self.extra.flow_checks = match handle.join() {
                Ok(Ok(checks)) => checks,
                Ok(Err(e)) => vec![super::report::Check {
                    name: "delegation flows".into(),
                    expected: "every request sent and read back".into(),
                    observed: format!("error: {e:#}"),
                    passed: false,
                }],
                Err(_) => Vec::new(),
            };
        }
        if self.scenario == Scenario::EquivocatingOperator {
            self.extra.operator_1 = nodes.first().and_then(|n| operator_1(n.http));
        }
        if let Some(api) =
            nodes.first().and_then(|n| Api::new(&format!("http://127.0.0.1:{}", n.http)).ok())
        {
            for (hash, _, included) in self.extra.censored.iter_mut() {
                *included = api
                    .get_optional(&format!("/rainbow/v0/transactions/{hash}"))
                    .ok()
                    .flatten()
                    .filter(|v| v["data"]["status"] == "included")
                    .and_then(|v| v["data"]["slot"].as_u64());
            }
        }
        if let Some((mut p, _)) = self.late.take() {
            p.stop();
        }
        self.extra.clone()
    }
}
