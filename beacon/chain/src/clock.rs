//! Wall-clock slots (docs/spec/configuration.md#slot-timeline).
use rainbow_types::Slot;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotClock {
    /// Unix seconds of slot 0.
    pub genesis_time: u64,
    pub slot_duration_ms: u64,
}

impl SlotClock {
    fn now_ms() -> u128 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    }

    fn genesis_ms(&self) -> u128 {
        u128::from(self.genesis_time).saturating_mul(1000)
    }

    /// The current slot (0 before genesis).
    pub fn current_slot(&self) -> Slot {
        self.slot_at_ms(Self::now_ms())
    }

    pub fn slot_at_ms(&self, unix_ms: u128) -> Slot {
        let since = unix_ms.saturating_sub(self.genesis_ms());
        let slot = since.checked_div(u128::from(self.slot_duration_ms.max(1))).unwrap_or(0);
        Slot::try_from(slot).unwrap_or(Slot::MAX)
    }

    /// Unix milliseconds at which `slot` starts.
    pub fn slot_start_ms(&self, slot: Slot) -> u128 {
        self.genesis_ms()
            .saturating_add(u128::from(slot).saturating_mul(u128::from(self.slot_duration_ms)))
    }

    /// How long until `bps` basis points into `slot` (zero if past).
    pub fn until(&self, slot: Slot, bps: u64) -> Duration {
        let offset = u128::from(self.slot_duration_ms).saturating_mul(u128::from(bps)) / 10_000;
        let at = self.slot_start_ms(slot).saturating_add(offset);
        let wait = at.saturating_sub(Self::now_ms());
        Duration::from_millis(u64::try_from(wait).unwrap_or(u64::MAX))
    }

    /// Whether the genesis time has passed.
    pub fn is_after_genesis(&self) -> bool {
        Self::now_ms() >= self.genesis_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_from_unix_milliseconds() {
        let clock = SlotClock { genesis_time: 100, slot_duration_ms: 2000 };
        assert_eq!(clock.slot_at_ms(0), 0);
        assert_eq!(clock.slot_at_ms(100_000), 0);
        assert_eq!(clock.slot_at_ms(101_999), 0);
        assert_eq!(clock.slot_at_ms(102_000), 1);
        assert_eq!(clock.slot_start_ms(3), 106_000);
    }
}
