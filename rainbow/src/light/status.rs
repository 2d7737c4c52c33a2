//! `rainbow light status`.
use super::client::{find_operator, ChainInfo, DutyLog};
use super::LightCommon;
use crate::http::Api;
use std::io::Write;

fn eth(gwei: u64) -> String {
    format!("{}.{:09} ETH", gwei / 1_000_000_000, gwei % 1_000_000_000)
}

pub fn run(common: &LightCommon) -> anyhow::Result<()> {
    let kp = super::load_keypair(&common.datadir)?;
    let api = Api::new(&common.node)?;
    let info = ChainInfo::fetch(&api)?;
    let log = DutyLog::load(&common.datadir);
    let mut out = std::io::stdout().lock();
    writeln!(out, "key:          0x{}", hex::encode(kp.pk.compress().as_bytes()))?;
    let Some((index, op)) = find_operator(&api, &kp)? else {
        writeln!(out, "operator:     not registered (rainbow light register --bond 2eth …)")?;
        return Ok(());
    };
    let u = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let pool = &op["pool"];
    let rate = u(&op["lighteth_per_share_e9"]);
    writeln!(out, "operator:     #{index} (token LightETH-{index})")?;
    writeln!(
        out,
        "state:        {}",
        if op["operator"]["slashed"] == true {
            "penalized (equivocation) and exiting"
        } else if u(&op["operator"]["exit_epoch"]) != u64::MAX {
            "exiting"
        } else {
            "active"
        }
    )?;
    writeln!(out, "bond:         {}", eth(u(&pool["bond"])))?;
    writeln!(
        out,
        "pool:         {} in {} shares, {} delegator(s)",
        eth(u(&pool["balance"])),
        u(&pool["shares"]),
        u(&op["delegators"])
    )?;
    writeln!(
        out,
        "LightETH:     {}.{:09} Gwei per share (LightETH-{index} is worth that much ETH per Gwei deposited)",
        rate / 1_000_000_000,
        rate % 1_000_000_000
    )?;
    writeln!(out, "weight:       {}", eth(u(&op["weight"])))?;
    writeln!(
        out,
        "rewards:      {} pending (credited at the next epoch)",
        eth(u(&op["pending_reward"]))
    )?;
    // Penalties come out of the bond; against the bond registered from this datadir, the
    // shortfall is what penalties (and any bond withdrawals) took.
    let registered = std::fs::read(common.datadir.join("registration.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["bond_gwei"].as_u64());
    let bond = u(&pool["bond"]);
    let penalties = match registered {
        Some(at) if bond < at => format!("{} taken from the bond since registration ({} then, {} now; bond withdrawals count too)", eth(at - bond), eth(at), eth(bond)),
        Some(at) => format!("none since registration (bond {} then, {} now)", eth(at), eth(bond)),
        None => "not tracked (the key was not registered from this datadir)".to_string(),
    };
    let penalties = if op["operator"]["slashed"] == true {
        format!("equivocation penalty (MIN_LIGHT_BOND) and forced exit; {penalties}")
    } else {
        penalties
    };
    writeln!(out, "penalties:    {penalties}")?;
    writeln!(
        out,
        "duties:       {} list(s) and {} vote(s) published, {} missed{}",
        log.lists_published,
        log.votes_published,
        log.missed,
        log.last_error.map(|e| format!(" (last error: {e})")).unwrap_or_default()
    )?;
    let current = info.current_slot();
    // Committees are known for the current epoch only: the next one's seed is final when it
    // starts.
    let end = (current / info.slots_per_epoch.max(1) + 1) * info.slots_per_epoch;
    let mut next = None;
    for slot in current..end {
        let committee = api.get(&format!("/rainbow/v0/light_committee/{slot}"))?;
        let n = committee["data"]["committee"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o.as_u64() == Some(index))
            .count();
        if n > 0 {
            next = Some((slot, n));
            break;
        }
    }
    match next {
        Some((slot, n)) => {
            writeln!(out, "next duty:    slot {slot} ({n} position(s)); current slot {current}")?
        }
        None => writeln!(
            out,
            "next duty:    none this epoch (the next epoch's committees are drawn when it \
             starts); current slot {current}"
        )?,
    }
    Ok(())
}
