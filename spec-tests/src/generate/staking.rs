//! `operations/<action>/`: one handler per staking action. A staking request never fails a
//! block: a refused one is refunded, so every case has `post.ssz_snappy`, and `meta.yaml` gives
//! the receipt (`status`, `refund`) and, when refused, the rule.
use super::chains::{FIRST_ACCOUNT, HEAVY};
use super::{seed, Out};
use crate::handlers::{apply_staking_request, staking_handler};
use crate::Error;
use rainbow_execution::interop_execution_key;
use rainbow_harness::Harness;
use rainbow_state_transition::{ChainSpec, TransitionCaches};
use rainbow_types::constants::{
    DOMAIN_HEAVY_REGISTRATION, DOMAIN_LIGHT_REGISTRATION, GWEI_PER_ETH,
};
use rainbow_types::{
    BeaconState, EthSpec, LightTransfer, OperatorAmount, OperatorRef, OperatorShares, Redelegate,
    StakingAction as A, StakingRequest, TransferShareTokens,
};
use serde::{Deserialize, Serialize};

/// `meta.yaml` of a staking case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakingMeta {
    /// `StakingReceipt.status`: 0 applied, else the refusal's code.
    pub status: u16,
    /// Gwei refunded to the sender.
    pub refund: u64,
    /// The refusal, as the implementation names it (absent when applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

struct Gen<'a, 'o, E: EthSpec> {
    out: &'a mut Out<'o>,
    spec: ChainSpec,
    caches: TransitionCaches,
    counter: u64,
    _e: std::marker::PhantomData<E>,
}

impl<E: EthSpec> Gen<'_, '_, E> {
    fn request(&mut self, sender: u64, value: u64, action: A) -> StakingRequest {
        self.counter = self.counter.saturating_add(1);
        StakingRequest {
            tx_hash: seed(&format!("staking request {}", self.counter)),
            sender: interop_execution_key(sender).address(),
            value,
            action,
        }
    }

    /// Writes the case and returns its post-state.
    fn case(
        &mut self,
        pre: &BeaconState<E>,
        name: &str,
        sender: u64,
        value: u64,
        action: A,
        rule: Option<&str>,
    ) -> Result<BeaconState<E>, Error> {
        let request = self.request(sender, value, action);
        let handler = staking_handler(&request.action);
        let mut post = pre.clone();
        let (receipt, refusal) =
            apply_staking_request(&mut post, &request, &self.spec, &mut self.caches)
                .map_err(|e| Error::generate(format!("{handler}/{name}: {e:?}")))?;
        match (&refusal, rule) {
            (None, None) => {}
            (Some(r), Some(rule)) if r.contains(rule) => {}
            (got, want) => {
                return Err(Error::generate(format!(
                    "{handler}/{name}: refusal {got:?}, expected {want:?}"
                )))
            }
        }
        let case = self.out.case("operations", handler, "pyspec_tests", name)?;
        case.ssz("pre", pre)?;
        case.ssz("staking_request", &request)?;
        case.ssz("post", &post)?;
        case.yaml(
            "meta",
            &StakingMeta {
                status: receipt.status,
                refund: receipt.refund,
                rule: rule.map(str::to_string),
            },
        )?;
        Ok(post)
    }
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>, h: &mut Harness<E>) -> Result<(), Error> {
    let eth = GWEI_PER_ETH;
    let pre = h.state_at(h.slot.saturating_add(1));
    let min_heavy = h.spec.preset.min_heavy_bond;
    let min_light = h.spec.preset.min_light_bond;
    let acct = FIRST_ACCOUNT;
    let light_controller = HEAVY; // light operator 0's controller key
    let heavy_reg =
        |bond, commission| h.registration(40, acct, bond, commission, DOMAIN_HEAVY_REGISTRATION);
    let valid_reg = heavy_reg(min_heavy, 500);
    let low_reg = heavy_reg(min_heavy.saturating_sub(1), 500);
    let high_commission = heavy_reg(min_heavy, 10_001);
    let taken = h.registration(0, acct, min_heavy, 500, DOMAIN_HEAVY_REGISTRATION);
    let mut bad_pop = valid_reg;
    bad_pop.proof_of_possession =
        h.registration(41, acct, min_heavy, 500, DOMAIN_HEAVY_REGISTRATION).proof_of_possession;
    let light_reg = h.registration(42, acct + 1, 2 * eth, 300, DOMAIN_LIGHT_REGISTRATION);
    let light_low =
        h.registration(42, acct + 1, min_light.saturating_sub(1), 300, DOMAIN_LIGHT_REGISTRATION);
    let light_wrong_domain = h.registration(42, acct + 1, 2 * eth, 300, DOMAIN_HEAVY_REGISTRATION);

    let mut g = Gen::<E> {
        out,
        spec: h.spec.clone(),
        caches: h.caches.clone(),
        counter: 0,
        _e: std::marker::PhantomData,
    };
    let amount = |operator_index, amount| OperatorAmount { operator_index, amount };
    let shares = |operator_index, shares| OperatorShares { operator_index, shares };

    // Heavy operators.
    g.case(&pre, "valid", acct, min_heavy, A::RegisterHeavyOperator(valid_reg), None)?;
    g.case(
        &pre,
        "refused_bond_too_low",
        acct,
        low_reg.bond,
        A::RegisterHeavyOperator(low_reg),
        Some("BondTooLow"),
    )?;
    g.case(
        &pre,
        "refused_commission_too_high",
        acct,
        min_heavy,
        A::RegisterHeavyOperator(high_commission),
        Some("CommissionTooHigh"),
    )?;
    g.case(
        &pre,
        "refused_pubkey_taken",
        acct,
        min_heavy,
        A::RegisterHeavyOperator(taken),
        Some("PubkeyTaken"),
    )?;
    g.case(
        &pre,
        "refused_bad_proof_of_possession",
        acct,
        min_heavy,
        A::RegisterHeavyOperator(bad_pop),
        Some("BadProofOfPossession"),
    )?;
    g.case(
        &pre,
        "refused_value_mismatch",
        acct,
        1,
        A::RegisterHeavyOperator(valid_reg),
        Some("ValueMismatch"),
    )?;

    let rich = g.case(&pre, "valid", 0, 8 * eth, A::TopUpHeavyBond(amount(0, 8 * eth)), None)?;
    g.case(
        &pre,
        "refused_not_controller",
        acct,
        eth,
        A::TopUpHeavyBond(amount(0, eth)),
        Some("NotController"),
    )?;
    g.case(
        &pre,
        "refused_unknown_operator",
        0,
        eth,
        A::TopUpHeavyBond(amount(999, eth)),
        Some("UnknownOperator"),
    )?;
    g.case(&pre, "refused_zero_amount", 0, 0, A::TopUpHeavyBond(amount(0, 0)), Some("ZeroAmount"))?;

    g.case(&rich, "valid", 0, 0, A::WithdrawHeavyBond(amount(0, 4 * eth)), None)?;
    g.case(
        &rich,
        "refused_amount_exceeds_bond",
        0,
        0,
        A::WithdrawHeavyBond(amount(0, 100_000 * eth)),
        Some("AmountExceedsBond"),
    )?;
    g.case(
        &rich,
        "refused_not_controller",
        acct,
        0,
        A::WithdrawHeavyBond(amount(0, eth)),
        Some("NotController"),
    )?;

    g.case(&pre, "valid", 1, 0, A::ExitHeavyOperator(OperatorRef { operator_index: 1 }), None)?;
    g.case(
        &pre,
        "refused_not_controller",
        acct,
        0,
        A::ExitHeavyOperator(OperatorRef { operator_index: 1 }),
        Some("NotController"),
    )?;
    g.case(
        &pre,
        "refused_unknown_operator",
        1,
        0,
        A::ExitHeavyOperator(OperatorRef { operator_index: 999 }),
        Some("UnknownOperator"),
    )?;

    // Light operators.
    g.case(&pre, "valid", acct + 1, 2 * eth, A::RegisterLightOperator(light_reg), None)?;
    g.case(
        &pre,
        "refused_bond_too_low",
        acct + 1,
        light_low.bond,
        A::RegisterLightOperator(light_low),
        Some("BondTooLow"),
    )?;
    g.case(
        &pre,
        "refused_bad_proof_of_possession",
        acct + 1,
        2 * eth,
        A::RegisterLightOperator(light_wrong_domain),
        Some("BadProofOfPossession"),
    )?;

    g.case(&pre, "valid", light_controller, eth, A::TopUpLightBond(amount(0, eth)), None)?;
    g.case(
        &pre,
        "refused_unknown_light_operator",
        light_controller,
        eth,
        A::TopUpLightBond(amount(99, eth)),
        Some("UnknownLightOperator"),
    )?;
    g.case(
        &pre,
        "refused_not_controller",
        acct,
        eth,
        A::TopUpLightBond(amount(0, eth)),
        Some("NotController"),
    )?;

    g.case(&pre, "valid", light_controller, 0, A::WithdrawLightBond(amount(0, eth / 2)), None)?;
    g.case(
        &pre,
        "refused_amount_exceeds_bond",
        light_controller,
        0,
        A::WithdrawLightBond(amount(0, 1000 * eth)),
        Some("AmountExceedsBond"),
    )?;

    g.case(
        &pre,
        "valid",
        light_controller,
        0,
        A::ExitLightOperator(OperatorRef { operator_index: 0 }),
        None,
    )?;
    g.case(
        &pre,
        "refused_not_controller",
        acct,
        0,
        A::ExitLightOperator(OperatorRef { operator_index: 0 }),
        Some("NotController"),
    )?;

    // Heavy delegation (LSM).
    let delegated = g.case(&pre, "valid", acct, 5 * eth, A::Delegate(amount(2, 5 * eth)), None)?;
    g.case(&pre, "refused_zero_amount", acct, 0, A::Delegate(amount(2, 0)), Some("ZeroAmount"))?;
    g.case(
        &pre,
        "refused_unknown_operator",
        acct,
        eth,
        A::Delegate(amount(999, eth)),
        Some("UnknownOperator"),
    )?;
    g.case(
        &pre,
        "refused_value_mismatch",
        acct,
        eth,
        A::Delegate(amount(2, 2 * eth)),
        Some("ValueMismatch"),
    )?;

    let half = 2 * eth;
    g.case(&delegated, "valid", acct, 0, A::Undelegate(shares(2, half)), None)?;
    g.case(
        &delegated,
        "refused_no_delegation",
        acct + 1,
        0,
        A::Undelegate(shares(2, half)),
        Some("NoDelegation"),
    )?;
    let redelegate =
        |src, dst, shares| Redelegate { src_operator_index: src, dst_operator_index: dst, shares };
    g.case(&delegated, "valid", acct, 0, A::Redelegate(redelegate(2, 3, half)), None)?;
    g.case(
        &delegated,
        "refused_no_delegation",
        acct + 1,
        0,
        A::Redelegate(redelegate(2, 3, half)),
        Some("NoDelegation"),
    )?;
    let tokenized =
        g.case(&delegated, "valid", acct, 0, A::TokenizeShares(shares(2, half)), None)?;
    g.case(
        &delegated,
        "refused_no_delegation",
        acct + 1,
        0,
        A::TokenizeShares(shares(2, half)),
        Some("NoDelegation"),
    )?;
    g.case(&tokenized, "valid", acct, 0, A::RedeemTokens(shares(2, eth)), None)?;
    g.case(
        &tokenized,
        "refused_without_tokens",
        acct + 1,
        0,
        A::RedeemTokens(shares(2, eth)),
        Some("ShareToken"),
    )?;
    let to = interop_execution_key(acct + 1).address();
    let transfer = |amount| TransferShareTokens { operator_index: 2, to, amount };
    g.case(&tokenized, "valid", acct, 0, A::TransferShareTokens(transfer(eth)), None)?;
    g.case(
        &tokenized,
        "refused_more_than_held",
        acct,
        0,
        A::TransferShareTokens(transfer(100 * eth)),
        Some("ShareToken"),
    )?;

    // LightETH.
    let deposited =
        g.case(&pre, "valid", acct, 3 * eth, A::LightDeposit(amount(0, 3 * eth)), None)?;
    g.case(
        &pre,
        "refused_unknown_light_operator",
        acct,
        eth,
        A::LightDeposit(amount(99, eth)),
        Some("UnknownLightOperator"),
    )?;
    g.case(&deposited, "valid", acct, 0, A::LightWithdraw(shares(0, eth)), None)?;
    g.case(
        &deposited,
        "refused_more_than_held",
        acct,
        0,
        A::LightWithdraw(shares(0, 100 * eth)),
        Some("LightPool"),
    )?;
    g.case(&deposited, "valid", acct, 0, A::LightRedelegate(redelegate(0, 1, eth)), None)?;
    g.case(
        &deposited,
        "refused_more_than_held",
        acct,
        0,
        A::LightRedelegate(redelegate(0, 1, 100 * eth)),
        Some("LightPool"),
    )?;
    let light_transfer =
        |value, by_shares| LightTransfer { operator_index: 0, to, value, by_shares };
    g.case(
        &deposited,
        "valid_by_value",
        acct,
        0,
        A::LightTransfer(light_transfer(eth, false)),
        None,
    )?;
    g.case(
        &deposited,
        "valid_by_shares",
        acct,
        0,
        A::LightTransfer(light_transfer(eth, true)),
        None,
    )?;
    g.case(
        &deposited,
        "refused_more_than_held",
        acct,
        0,
        A::LightTransfer(light_transfer(100 * eth, false)),
        Some("LightPool"),
    )?;
    Ok(())
}
