//! The time every retention decision is taken at, injectable so tests can stand six months and a day
//! in the future without waiting.

use std::sync::Mutex;
use time::OffsetDateTime;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The system clock, in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system clock moved by a fixed offset: lets the real server stand months in the future in
/// end-to-end tests (`clock_offset_days` in the server's configuration) while time still passes.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock {
    offset: time::Duration,
}

impl OffsetClock {
    pub fn new(offset: time::Duration) -> OffsetClock {
        OffsetClock { offset }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset
    }
}

/// A clock that says what it is told: for tests, and for `paxwatch retention run --as-of`.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<OffsetDateTime>,
}

impl FixedClock {
    pub fn new(now: OffsetDateTime) -> FixedClock {
        FixedClock {
            now: Mutex::new(now),
        }
    }

    pub fn set(&self, now: OffsetDateTime) {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_clock_stands_ahead_of_the_system_clock_by_its_offset() {
        let clock = OffsetClock::new(time::Duration::days(184));
        let ahead = clock.now() - SystemClock.now();
        assert!(ahead > time::Duration::days(183) && ahead <= time::Duration::days(184));
    }
}
