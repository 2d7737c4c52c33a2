//! The duty loop of `rainbow light run`.
use super::protection::{Decision, Protection};
use super::LightCommon;
use crate::http::Api;
use anyhow::Context;
use rainbow_crypto::Keypair;
use rainbow_node::MAX_LISTS_PER_BATCH;
use rainbow_types::constants::{DOMAIN_INCLUSION_LIST, DOMAIN_LIGHT_CERTIFICATE};
use rainbow_types::ssz::{Decode, Encode};
use rainbow_types::ssz_types::VariableList;
use rainbow_types::{
    compute_domain, compute_signing_root, InclusionList, LightCertificateVote, Root,
    SignedInclusionList, SignedLightCertificateVote, Slot, Transaction,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing::{debug, info, warn};

/// What the chain tells the client once (per connection).
#[derive(Debug, Clone)]
pub(crate) struct ChainInfo {
    pub genesis_time: u64,
    pub slot_ms: u64,
    pub slots_per_epoch: u64,
    pub list_bps: u64,
    pub freeze_bps: u64,
    pub max_list_bytes: u64,
    pub fork_version: rainbow_types::Version,
    pub genesis_validators_root: Root,
}

fn field<'a>(v: &'a Value, name: &str) -> anyhow::Result<&'a str> {
    v["data"][name].as_str().with_context(|| format!("the node's answer lacks {name}"))
}

impl ChainInfo {
    pub fn fetch(api: &Api) -> anyhow::Result<Self> {
        let genesis = api.get("/eth/v1/beacon/genesis")?;
        let spec = api.get("/eth/v1/config/spec")?;
        let num = |name: &str| -> anyhow::Result<u64> {
            field(&spec, name)?.parse().with_context(|| name.to_string())
        };
        Ok(Self {
            genesis_time: field(&genesis, "genesis_time")?.parse()?,
            slot_ms: num("SLOT_DURATION_MS")?,
            slots_per_epoch: num("SLOTS_PER_EPOCH")?,
            list_bps: num("SSF_VOTE_ROUND_1_BPS")? / 2,
            freeze_bps: num("LIGHT_VIEW_FREEZE_BPS")?,
            max_list_bytes: num("MAX_BYTES_PER_INCLUSION_LIST")?,
            fork_version: field(&genesis, "genesis_fork_version")?.parse()?,
            genesis_validators_root: field(&genesis, "genesis_validators_root")?.parse()?,
        })
    }

    fn now_ms() -> u128 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    }

    pub fn current_slot(&self) -> Slot {
        let since = Self::now_ms().saturating_sub(u128::from(self.genesis_time) * 1000);
        (since / u128::from(self.slot_ms.max(1))) as Slot
    }

    /// Sleeps until `bps` into `slot` (returns at once if past).
    fn sleep_until(&self, slot: Slot, bps: u64) {
        let at = u128::from(self.genesis_time) * 1000
            + u128::from(slot) * u128::from(self.slot_ms)
            + u128::from(self.slot_ms) * u128::from(bps) / 10_000;
        let now = Self::now_ms();
        if at > now {
            std::thread::sleep(Duration::from_millis((at - now) as u64));
        }
    }
}

/// Duties done and missed, kept in the datadir for `rainbow light status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct DutyLog {
    pub lists_published: u64,
    pub votes_published: u64,
    pub missed: u64,
    pub last_slot: Option<Slot>,
    pub last_error: Option<String>,
}

impl DutyLog {
    pub fn path(datadir: &Path) -> std::path::PathBuf {
        datadir.join("duties.json")
    }

    pub fn load(datadir: &Path) -> Self {
        std::fs::read(Self::path(datadir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, datadir: &Path) {
        if let Ok(bytes) = serde_json::to_vec_pretty(self) {
            let _ = std::fs::write(Self::path(datadir), bytes);
        }
    }
}

/// Our operator index, if the key is registered.
pub(crate) fn find_operator(api: &Api, kp: &Keypair) -> anyhow::Result<Option<(u64, Value)>> {
    let pubkey = format!("0x{}", hex::encode(kp.pk.compress().as_bytes()));
    let ops = api.get("/rainbow/v0/light_operators")?;
    Ok(ops["data"].as_array().into_iter().flatten().find_map(|op| {
        let key = op["operator"]["pubkey"].as_str()?.to_lowercase();
        (key == pubkey).then(|| (op["index"].as_u64().unwrap_or(0), op.clone()))
    }))
}

/// Our positions in the committee of `slot`.
fn positions(api: &Api, slot: Slot, operator: u64) -> anyhow::Result<Vec<u64>> {
    let committee = api.get(&format!("/rainbow/v0/light_committee/{slot}"))?;
    Ok(committee["data"]["committee"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, o)| o.as_u64() == Some(operator))
        .map(|(p, _)| p as u64)
        .collect())
}

/// The mempool's transactions by price within the list's byte limit.
fn view(api: &Api, info: &ChainInfo) -> anyhow::Result<Vec<Transaction>> {
    let pool = api.get("/rainbow/v0/mempool")?;
    let mut bytes = 0u64;
    let mut out = Vec::new();
    for hex_tx in pool["data"]["transactions"].as_array().into_iter().flatten() {
        let Some(raw) = hex_tx.as_str().and_then(|s| hex::decode(s.trim_start_matches("0x")).ok())
        else {
            continue;
        };
        let Ok(tx) = Transaction::from_ssz_bytes(&raw) else { continue };
        bytes = bytes.saturating_add(raw.len() as u64);
        if bytes > info.max_list_bytes || out.len() >= 128 {
            break;
        }
        out.push(tx);
    }
    Ok(out)
}

fn post_ssz(api: &Api, path: &str, ssz: Vec<u8>) -> anyhow::Result<Value> {
    api.post(path, &json!({ "ssz": format!("0x{}", hex::encode(ssz)) }))
}

struct Client {
    api: Api,
    info: ChainInfo,
    kp: Keypair,
    protection: Protection,
    log: DutyLog,
    datadir: std::path::PathBuf,
}

impl Client {
    fn lists(&mut self, slot: Slot, positions: &[u64]) -> anyhow::Result<()> {
        let transactions = view(&self.api, &self.info)?;
        let domain = compute_domain(
            DOMAIN_INCLUSION_LIST,
            self.info.fork_version,
            self.info.genesis_validators_root,
        );
        // Sign every position first and record the new signatures with one durable write
        // before any list leaves; then hand them to the node in batches.
        let mut signed = Vec::with_capacity(positions.len());
        let mut fresh = Vec::new();
        for &position in positions {
            let list = InclusionList {
                slot,
                position,
                transactions: VariableList::new(transactions.clone()).unwrap_or_default(),
            };
            let root = compute_signing_root(&list, domain);
            let signature = match self.protection.check_list(slot, position, root) {
                Decision::Refuse => {
                    warn!(
                        slot,
                        position,
                        "a different list was signed for this position before; not signing another"
                    );
                    continue;
                }
                Decision::Reuse(sig) => sig,
                Decision::Sign => {
                    let sig = self.kp.sk.sign(root.as_slice()).compress();
                    fresh.push((position, root, sig));
                    sig
                }
            };
            signed.push(SignedInclusionList { message: list, signature });
        }
        if !fresh.is_empty() {
            self.protection.record_lists(slot, &fresh)?;
        }
        for batch in signed.chunks(MAX_LISTS_PER_BATCH) {
            let ssz: Vec<String> =
                batch.iter().map(|l| format!("0x{}", hex::encode(l.as_ssz_bytes()))).collect();
            let answer =
                self.api.post("/rainbow/v0/inclusion_lists/batch", &json!({ "ssz": ssz }))?;
            let results = answer["data"].as_array().cloned().unwrap_or_default();
            let published = results.iter().filter(|r| r["published"] == true).count();
            for r in results.iter().filter(|r| r["rejected"] == true) {
                warn!(slot, position = %r["position"], reason = %r["reason"], "the node refused an inclusion list");
            }
            self.log.lists_published += batch.len() as u64;
            info!(
                slot,
                lists = batch.len(),
                published,
                transactions = transactions.len(),
                "inclusion lists"
            );
        }
        Ok(())
    }

    fn vote(&mut self, slot: Slot, operator: u64) -> anyhow::Result<()> {
        let seen = self.api.get(&format!("/rainbow/v0/light_view/{slot}"))?;
        let vote = LightCertificateVote {
            slot,
            parent_root: field(&seen, "head_root")?.parse()?,
            inclusion_list_root: field(&seen, "merged_root")?.parse()?,
        };
        let domain = compute_domain(
            DOMAIN_LIGHT_CERTIFICATE,
            self.info.fork_version,
            self.info.genesis_validators_root,
        );
        let root = compute_signing_root(&vote, domain);
        let signature = match self.protection.check_vote(slot, root) {
            Decision::Refuse => {
                warn!(slot, "a different certificate vote was signed for this slot before; not signing another");
                return Ok(());
            }
            Decision::Reuse(sig) => sig,
            Decision::Sign => {
                let sig = self.kp.sk.sign(root.as_slice()).compress();
                self.protection.record_vote(slot, root, sig)?;
                sig
            }
        };
        let signed =
            SignedLightCertificateVote { message: vote, operator_index: operator, signature };
        let answer =
            post_ssz(&self.api, "/rainbow/v0/light_certificate_votes", signed.as_ssz_bytes())?;
        self.log.votes_published += 1;
        info!(slot, merged = %seen["data"]["merged_transactions"], published = %answer["data"]["published"], "certificate vote");
        Ok(())
    }

    /// The duties of one slot; `Ok(false)` when the operator has none.
    fn slot(&mut self, slot: Slot, operator: u64) -> anyhow::Result<bool> {
        let positions = positions(&self.api, slot, operator)?;
        if positions.is_empty() {
            return Ok(false);
        }
        self.info.sleep_until(slot, self.info.list_bps);
        self.lists(slot, &positions)?;
        self.info.sleep_until(slot, self.info.freeze_bps);
        self.vote(slot, operator)?;
        Ok(true)
    }
}

/// Follows the node's SSE stream (heads, certificates) on its own thread; clears `connected`
/// when the stream drops.
fn follow_events(url: &str, connected: Arc<AtomicBool>) {
    let Some(rest) = url.strip_prefix("http://") else { return };
    let addr = rest.trim_end_matches('/').to_string();
    std::thread::spawn(move || loop {
        match std::net::TcpStream::connect(&addr) {
            Ok(mut stream) => {
                let _ = write!(stream, "GET /eth/v1/events?topics=head,light_certificate HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                connected.store(true, Ordering::Relaxed);
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if let Some(data) = line.strip_prefix("data:") {
                        debug!(event = data.trim(), "beacon node event");
                    }
                }
                connected.store(false, Ordering::Relaxed);
                warn!("lost the beacon node's event stream; reconnecting");
            }
            Err(_) => connected.store(false, Ordering::Relaxed),
        }
        std::thread::sleep(Duration::from_secs(2));
    });
}

pub fn run(common: &LightCommon) -> anyhow::Result<()> {
    let kp = super::load_keypair(&common.datadir)?;
    let api = Api::new(&common.node)?;
    let protection = Protection::open(&common.datadir)?;
    let connected = Arc::new(AtomicBool::new(false));
    follow_events(&common.node, connected.clone());
    info!(pubkey = %hex::encode(kp.pk.compress().as_bytes()), node = %common.node, "light operator starting");
    let mut client: Option<Client> = None;
    let mut protection = Some(protection);
    let mut last_done: Option<Slot> = None;
    let mut announced_unregistered = false;
    // The operator index, looked up once per epoch.
    let mut known: Option<(u64, u64)> = None;
    loop {
        // (Re)connect: the chain's parameters, then our operator index.
        let Some(c) = client.as_mut() else {
            match ChainInfo::fetch(&api) {
                Ok(info) => {
                    info!(
                        genesis_time = info.genesis_time,
                        slot_ms = info.slot_ms,
                        "connected to the beacon node"
                    );
                    client = Some(Client {
                        api: api.clone(),
                        info,
                        kp: kp.clone(),
                        protection: protection.take().context("protection store")?,
                        log: DutyLog::load(&common.datadir),
                        datadir: common.datadir.clone(),
                    });
                }
                Err(e) => {
                    warn!(error = %e, "beacon node unreachable; retrying in 2 s");
                    std::thread::sleep(Duration::from_secs(2));
                }
            }
            continue;
        };
        let slot = c.info.current_slot();
        if last_done == Some(slot) {
            c.info.sleep_until(slot + 1, 0);
            continue;
        }
        let epoch = slot / c.info.slots_per_epoch.max(1);
        let cached = known.filter(|(e, _)| *e == epoch).map(|(_, index)| index);
        let lookup = match cached {
            Some(index) => Ok(Some((index, Value::Null))),
            None => find_operator(&c.api, &c.kp),
        };
        let operator = match lookup {
            Ok(Some((index, _))) => {
                known = Some((epoch, index));
                index
            }
            Ok(None) => {
                if !announced_unregistered {
                    info!("the key is not a registered light operator yet (rainbow light register); waiting");
                    announced_unregistered = true;
                }
                c.info.sleep_until(slot + 1, 0);
                continue;
            }
            Err(e) => {
                warn!(error = %e, "cannot reach the beacon node; reconnecting");
                protection = client.take().map(|c| c.protection);
                std::thread::sleep(Duration::from_secs(2));
                continue;
            }
        };
        match c.slot(slot, operator) {
            Ok(had_duty) => {
                if had_duty {
                    c.log.last_slot = Some(slot);
                }
            }
            Err(e) => {
                warn!(slot, error = %e, "duty failed");
                c.log.missed += 1;
                c.log.last_error = Some(e.to_string());
            }
        }
        c.log.save(&c.datadir);
        last_done = Some(slot);
    }
}
