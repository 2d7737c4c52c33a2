//! `rainbow devnet`: a local devnet of real processes (beacon nodes holding the heavy seats,
//! light-operator clients, a transaction spammer) on 127.0.0.1 from a deterministic genesis,
//! with one status line per slot, and a run report whose checks decide the exit code.
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use rainbow_crypto::interop_keypair;
use rainbow_crypto::keystore::{encrypt, Kdf};
use rainbow_state_transition::GenesisConfig;
use rainbow_types::{ChainConfig, Coupling};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod flows;
mod html;
mod monitor;
mod report;
mod scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// Every process honest: blocks every slot, finality one slot behind, certificates carried.
    Baseline,
    /// Every light client stopped for `--duration` slots from `--at`: under strong coupling no
    /// blocks, then recovery; under weak coupling blocks go on.
    LightOffline,
    /// beacon-1 killed with SIGKILL at `--at`, restarted `--duration` slots later: it catches up.
    CrashRestart,
    /// A keyless beacon node joins at `--at` and syncs to the head.
    LateJoiner,
    /// beacon-1 cut off from its peers for `--duration` slots from `--at`: the others keep
    /// finalizing, it rejoins and syncs.
    Partition,
    /// A delegation to operator 1 before `--at`; at `--at` beacon-1 double-votes: operator 1 is
    /// slashed, its delegations are cut and it loses its seat at the next epoch boundary.
    EquivocatingOperator,
    /// At `--at`, account 0 delegates, tokenizes, redelegates, deposits and withdraws LightETH
    /// with `rainbow tx`; every outcome is checked with the LSM's functions.
    DelegationFlows,
    /// beacon-1 censors account 1's transactions as proposer; from `--at` account 1 sends a
    /// transfer a slot for `--duration` slots: under strong coupling the censor cannot make a
    /// valid block while the light committee lists them, and each lands within a few slots.
    CensoringProposer,
}

impl DevnetArgs {
    /// `--slot-time-ms`, or the preset's default.
    pub fn slot_ms(&self) -> u64 {
        self.slot_time_ms.unwrap_or(match self.preset {
            crate::genesis::PresetArg::Minimal => 2000,
            crate::genesis::PresetArg::Mainnet => 6000,
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct DevnetArgs {
    /// Beacon nodes, one heavy operator key each.
    #[arg(long, default_value_t = 4)]
    pub heavy: u64,
    /// Light-operator clients, one light operator each.
    #[arg(long, default_value_t = 8)]
    pub light: u64,
    /// Slot length in milliseconds [default: 2000 with the minimal preset, 6000 with mainnet,
    /// whose 512 inclusion lists a slot are more than 2 cores verify in 2 s with 4 nodes].
    #[arg(long, alias = "slot-time")]
    pub slot_time_ms: Option<u64>,
    /// Preset: `minimal` (16-position light committee, 8-slot epochs) or `mainnet` (512
    /// positions, 32-slot epochs; heavier on a laptop).
    #[arg(long, value_enum, default_value = "minimal")]
    pub preset: crate::genesis::PresetArg,
    /// Strong: a block must carry a light certificate on its parent; weak: certificates are
    /// optional (enforced and rewarded when carried).
    #[arg(long, value_enum, default_value = "strong")]
    pub coupling: crate::genesis::CouplingArg,
    /// Stop after this many slots (default: run until Ctrl-C).
    #[arg(long, env = "SLOTS")]
    pub slots: Option<u64>,
    /// Run directory: genesis, configuration, datadirs, one log per process, the report.
    #[arg(long, default_value = "devnet-run")]
    pub out: PathBuf,
    /// What to do to the devnet and check afterwards (the checks decide the exit code).
    #[arg(long, value_enum, default_value = "baseline")]
    pub scenario: Scenario,
    /// Seed of the spammer's choices (reproducible runs).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Slot at which the scenario acts.
    #[arg(long, default_value_t = 6)]
    pub at: u64,
    /// How many slots the scenario's fault lasts.
    #[arg(long, default_value_t = 4)]
    pub duration: u64,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A process the devnet started; stopped (SIGTERM, then SIGKILL) when dropped.
pub(crate) struct Proc {
    pub name: String,
    log: PathBuf,
    args: Vec<String>,
    pub child: Option<Child>,
}

impl Proc {
    fn spawn(name: &str, dir: &Path, args: &[String]) -> anyhow::Result<Self> {
        let mut p = Self {
            name: name.to_string(),
            log: dir.join("logs").join(format!("{name}.log")),
            args: args.to_vec(),
            child: None,
        };
        p.start()?;
        Ok(p)
    }

    /// (Re)starts the process with its arguments, appending to its log.
    pub(crate) fn start(&mut self) -> anyhow::Result<()> {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log)?;
        let exe = std::env::current_exe()?;
        let child = Command::new(exe)
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", self.name))?;
        self.child = Some(child);
        Ok(())
    }

    /// SIGKILL, no chance to clean up.
    pub(crate) fn sigkill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            for _ in 0..30 {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

pub(crate) struct Node {
    pub http: u16,
}

pub fn run(args: DevnetArgs) -> anyhow::Result<()> {
    if args.heavy == 0 {
        bail!("--heavy must be at least 1: the heavy operators hold the seats");
    }
    let dir = &args.out;
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "--out {} exists and is not empty; choose another directory or remove it",
            dir.display()
        );
    }
    if matches!(
        args.scenario,
        Scenario::CrashRestart
            | Scenario::Partition
            | Scenario::EquivocatingOperator
            | Scenario::CensoringProposer
    ) && args.heavy < 2
    {
        bail!(
            "--scenario {} needs --heavy 2 or more (beacon-1 is the one cut off)",
            report::scenario_name(args.scenario)
        );
    }
    // Stop on Ctrl-C or SIGTERM, from here on.
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                rt.block_on(async {
                    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {}
                        _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
                    }
                });
                stop.store(true, Ordering::Relaxed);
            }
        });
    }

    // Genesis: heavy keys 0..H, light keys H..H+L, accounts after them; starts in a few seconds.
    let accounts = 16;
    let mut config = match args.preset {
        crate::genesis::PresetArg::Minimal => ChainConfig::minimal(),
        crate::genesis::PresetArg::Mainnet => ChainConfig::mainnet(),
    };
    config.config_name = "devnet".into();
    config.slot_duration_ms = args.slot_ms();
    config.coupling = match args.coupling {
        crate::genesis::CouplingArg::Strong => Coupling::Strong,
        crate::genesis::CouplingArg::Weak => Coupling::Weak,
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    config.genesis_time = now + 4;
    config.validate()?;
    let genesis = GenesisConfig::interop_default(args.heavy, args.light, accounts)?;
    std::fs::create_dir_all(dir.join("logs"))?;
    let mut out = std::io::stdout().lock();
    std::fs::write(dir.join("genesis.yaml"), genesis.to_yaml_string()?)?;
    std::fs::write(dir.join("config.yaml"), config.to_yaml_string()?)?;
    writeln!(
        out,
        "devnet in {}: {} beacon nodes, {} light clients, {} coupling, {} ms slots, genesis at {}",
        dir.display(),
        args.heavy,
        args.light,
        config.coupling,
        args.slot_ms(),
        config.genesis_time
    )?;

    let s = |p: &Path| p.display().to_string();
    let chain_args = |datadir: &Path| -> Vec<String> {
        vec![
            "--genesis".into(),
            s(&dir.join("genesis.yaml")),
            "--config".into(),
            s(&dir.join("config.yaml")),
            "--datadir".into(),
            s(datadir),
        ]
    };
    let mut procs: Vec<Proc> = Vec::new();
    let mut nodes = Vec::new();
    let mut first_p2p = None;
    for i in 0..args.heavy {
        let (p2p, http) = (free_port()?, free_port()?);
        let mut a = vec!["beacon".to_string()];
        a.extend(chain_args(&dir.join(format!("beacon-{i}"))));
        a.extend([
            "--keys".into(),
            format!("interop:{i}"),
            "--port".into(),
            p2p.to_string(),
            "--http-port".into(),
            http.to_string(),
            "--metrics".into(),
            // The partition scenario cuts a node off through POST /rainbow/v0/admin/isolate.
            "--admin-api".into(),
        ]);
        if args.scenario == Scenario::CensoringProposer && i == 1 {
            let victim = rainbow_execution::interop_execution_key(1).address();
            a.extend(["--censor".into(), victim.to_string()]);
        }
        if args.scenario == Scenario::EquivocatingOperator && i == 1 {
            a.extend(["--equivocate-at-slot".into(), args.at.to_string()]);
        }
        if let Some(first) = first_p2p {
            a.extend(["--peers".into(), format!("/ip4/127.0.0.1/tcp/{first}")]);
        }
        first_p2p.get_or_insert(p2p);
        procs.push(Proc::spawn(&format!("beacon-{i}"), dir, &a)?);
        nodes.push(Node { http });
    }
    // Light clients, each with its interop key in a keystore, spread over the nodes.
    for j in 0..args.light {
        let index = args.heavy + j;
        let datadir = dir.join(format!("light-{j}"));
        std::fs::create_dir_all(&datadir)?;
        let kp =
            interop_keypair(index).map_err(|e| anyhow::anyhow!("interop key {index}: {e:?}"))?;
        let keystore = encrypt(
            &kp.sk,
            "devnet",
            Kdf::Pbkdf2 { c: 1 << 10 },
            "",
            Some(format!("devnet light {j}")),
        )?;
        std::fs::write(super::light::keystore_path(&datadir), keystore.to_json_string()?)?;
        std::fs::write(super::light::password_path(&datadir), "devnet\n")?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                super::light::password_path(&datadir),
                std::fs::Permissions::from_mode(0o600),
            )?;
        }
        let node = nodes.get((j % args.heavy) as usize).map(|n| n.http).unwrap_or(0);
        let a = vec![
            "light".into(),
            "run".into(),
            "--datadir".into(),
            s(&datadir),
            "--node".into(),
            format!("http://127.0.0.1:{node}"),
        ];
        procs.push(Proc::spawn(&format!("light-{j}"), dir, &a)?);
    }
    // The spammer: one transfer a slot from the prefunded accounts.
    let first_account = args.heavy + args.light;
    let spam = vec![
        "tx-spammer".into(),
        "--node".into(),
        format!("http://127.0.0.1:{}", nodes.first().map(|n| n.http).unwrap_or(0)),
        "--from".into(),
        first_account.to_string(),
        "--count".into(),
        accounts.to_string(),
        "--interval-ms".into(),
        args.slot_ms().to_string(),
        "--seed".into(),
        args.seed.to_string(),
        "--run-dir".into(),
        s(dir),
        "--genesis-time".into(),
        config.genesis_time.to_string(),
    ];
    procs.push(Proc::spawn("spammer", dir, &spam)?);
    writeln!(out, "started {} processes; logs in {}", procs.len(), dir.join("logs").display())?;
    drop(out);

    let mut scenario = scenario::ScenarioRun::new(
        &args,
        &chain_args(&dir.join("late")),
        first_p2p.unwrap_or(0),
        &nodes,
    )?;
    let records = monitor::run(&config, &nodes, args.slots, &stop, |slot| {
        scenario.on_slot(slot, dir, &mut procs)
    })?;
    let extra = scenario.finish(&nodes);
    // Spammer and light clients first, so they do not log the nodes' absence as failures.
    for p in procs.iter_mut().rev() {
        p.stop();
    }
    let verdict = report::write(dir, &args, &config, &records, &extra)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "stopped every process; report in {}", dir.join("report.md").display())?;
    for line in &verdict.lines {
        writeln!(out, "{line}")?;
    }
    if !verdict.passed {
        bail!("some expected outcomes failed (see {})", dir.join("report.md").display());
    }
    Ok(())
}
