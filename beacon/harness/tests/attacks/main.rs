//! Attacks on the protocol (issue 19, docs/spec/security.md): each test performs one attack
//! through the real state transition and shows the rule that defeats it. `cargo test attack_`
//! runs them all, with the tests of the other crates named `attack_…`.
mod accountable_safety;
mod grinding;
mod light;
mod slashing;
mod ssf;
