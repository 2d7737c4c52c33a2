//! The `delegation-flows` scenario: a sequence of staking requests sent with `rainbow tx` from
//! interop account 0 while the devnet runs, each outcome checked against the LSM's own functions
//! (`rainbow-lsm`) on the pools the node reports after inclusion.
use super::report::Check;
use crate::http::Api;
use rainbow_lsm::heavy_pool::compute_tokens_for_shares;
use rainbow_lsm::light_pool::get_light_balance;
use rainbow_types::{Address, HeavyPool, LightPool};
use serde_json::Value;
use std::process::Command;

/// Rewards may be credited at an epoch boundary between a request and our reading: values are
/// compared within this relative tolerance (plus 2 Gwei of rounding).
const TOLERANCE: f64 = 1e-3;

fn close(value: u64, expected: u64) -> bool {
    (value as f64 - expected as f64).abs() <= expected as f64 * TOLERANCE + 2.0
}

struct Flows {
    api: Api,
    node: String,
    me: Address,
}

impl Flows {
    fn tx(&self, args: &[&str]) -> anyhow::Result<bool> {
        let out = Command::new(std::env::current_exe()?)
            .args(["tx", "--node", &self.node, "--interop-key", "0", "--timeout", "30"])
            .args(args)
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).contains("outcome: applied"))
    }

    fn account(&self) -> anyhow::Result<Value> {
        Ok(self.api.get(&format!("/rainbow/v0/accounts/{}", self.me))?["data"].clone())
    }

    fn shares(&self, list: &str, operator: u64) -> anyhow::Result<u64> {
        let account = self.account()?;
        Ok(account[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["operator_index"].as_u64() == Some(operator))
            .filter_map(|d| d["shares"].as_u64())
            .sum())
    }

    fn heavy_pool(&self, operator: usize) -> anyhow::Result<HeavyPool> {
        let ops = self.api.get("/rainbow/v0/heavy_operators")?;
        Ok(serde_json::from_value(ops["data"][operator]["pool"].clone())?)
    }

    fn light_pool(&self, operator: usize) -> anyhow::Result<LightPool> {
        let ops = self.api.get("/rainbow/v0/light_operators")?;
        Ok(serde_json::from_value(ops["data"][operator]["pool"].clone())?)
    }
}

fn check(name: &str, expected: String, observed: String, passed: bool) -> Check {
    Check { name: name.into(), expected, observed, passed }
}

pub fn run(node_http: u16, light: bool) -> anyhow::Result<Vec<Check>> {
    let node = format!("http://127.0.0.1:{node_http}");
    let f = Flows {
        api: Api::new(&node)?,
        node,
        me: rainbow_execution::interop_execution_key(0).address(),
    };
    let mut out = Vec::new();
    const AMOUNT: u64 = 10_000_000_000;

    // Delegate 10 ETH to operator 0: the minted shares are worth the amount.
    let before = f.shares("delegations", 0)?;
    let applied = f.tx(&["delegate", "--operator", "0", "--amount", "10eth"])?;
    let minted = f.shares("delegations", 0)?.saturating_sub(before);
    let value = compute_tokens_for_shares(&f.heavy_pool(0)?, minted)?;
    out.push(check(
        "delegate",
        format!("applied; {minted} new shares worth {AMOUNT} Gwei"),
        format!("applied {applied}; worth {value} Gwei"),
        applied && close(value, AMOUNT),
    ));

    // Tokenize half of them: shares move one for one into share tokens.
    let half = minted / 2;
    let (d0, t0) = (f.shares("delegations", 0)?, f.shares("share_tokens", 0)?);
    let applied = f.tx(&["tokenize", "--operator", "0", "--shares", &half.to_string()])?;
    let (d1, t1) = (f.shares("delegations", 0)?, f.shares("share_tokens", 0)?);
    out.push(check(
        "tokenize",
        format!("delegation −{half}, tokens +{half}"),
        format!("applied {applied}; delegation {d0}→{d1}, tokens {t0}→{t1}"),
        applied && d0 - d1 == half && t1 - t0 == half,
    ));

    // Redelegate a quarter to operator 2: the value moves (minus rounding).
    let quarter = minted / 4;
    let src_value = compute_tokens_for_shares(&f.heavy_pool(0)?, quarter)?;
    let dst_before = f.shares("delegations", 2)?;
    let applied =
        f.tx(&["redelegate", "--from", "0", "--to", "2", "--shares", &quarter.to_string()])?;
    let dst_minted = f.shares("delegations", 2)?.saturating_sub(dst_before);
    let dst_value = compute_tokens_for_shares(&f.heavy_pool(2)?, dst_minted)?;
    out.push(check("redelegate", format!("{quarter} shares of operator 0 (worth {src_value} Gwei) arrive at operator 2 with the same value"), format!("applied {applied}; {dst_minted} shares worth {dst_value} Gwei"), applied && close(dst_value, src_value)));

    if light {
        // Deposit 1 ETH with light operator 0, then withdraw half of the LightETH shares.
        let before = f.shares("lighteth", 0)?;
        let applied = f.tx(&["light-deposit", "--operator", "0", "--amount", "1eth"])?;
        let got = f.shares("lighteth", 0)?.saturating_sub(before);
        let value = get_light_balance(&f.light_pool(0)?, got)?;
        out.push(check(
            "light-deposit",
            "LightETH-0 shares worth 1 ETH".into(),
            format!("applied {applied}; {got} shares worth {value} Gwei"),
            applied && close(value, 1_000_000_000),
        ));
        let pool_before = f.light_pool(0)?;
        let half = got / 2;
        let payout = get_light_balance(&pool_before, half)?;
        let applied =
            f.tx(&["light-withdraw", "--operator", "0", "--shares", &half.to_string()])?;
        let pool_after = f.light_pool(0)?;
        let left = f.shares("lighteth", 0)?;
        out.push(check(
            "light-withdraw",
            format!("{half} shares burned, about {payout} Gwei leave the pool"),
            format!(
                "applied {applied}; pool {}→{} Gwei, {left} shares left",
                pool_before.balance, pool_after.balance
            ),
            applied
                && left == before + got - half
                && close(pool_before.balance.saturating_sub(pool_after.balance), payout),
        ));
    }
    Ok(out)
}
