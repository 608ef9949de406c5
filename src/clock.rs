//! Time as an injectable dependency, so deadlines and auto-lock can be tested without waiting.

use chrono::{DateTime, Duration, Local, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// The shop's calendar date: deadlines are in days as the counter sees them.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Local).date_naive()
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock the test moves by hand.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A clock that starts at a given instant and then runs at real speed, so a shell can be
/// started "in the future" and still lock after idle minutes.
#[derive(Debug, Clone)]
pub struct OffsetClock {
    offset: Duration,
}

impl OffsetClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        OffsetClock {
            offset: start - Utc::now(),
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// The variable end-to-end checks set to move time (RFC 3339); read only by debug builds.
pub const FAKE_NOW_VAR: &str = "SKRANKE_FAKE_NOW";

/// The clock a shell runs on: the system clock, or in a debug build the time `SKRANKE_FAKE_NOW`
/// names (then running on). A release build ignores the variable.
pub fn shell_clock() -> Arc<dyn Clock> {
    if cfg!(debug_assertions) {
        if let Some(start) = std::env::var(FAKE_NOW_VAR)
            .ok()
            .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        {
            return Arc::new(OffsetClock::starting_at(start.with_timezone(&Utc)));
        }
    }
    Arc::new(SystemClock)
}

/// Tracks the last activity; the vault locks itself once the idle limit has passed.
#[derive(Debug, Clone)]
pub struct IdleTimer {
    last: DateTime<Utc>,
    limit: Duration,
}

impl IdleTimer {
    pub fn new(now: DateTime<Utc>, limit: Duration) -> Self {
        IdleTimer { last: now, limit }
    }
    pub fn touch(&mut self, now: DateTime<Utc>) {
        self.last = now;
    }
    pub fn set_limit(&mut self, limit: Duration) {
        self.limit = limit;
    }
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.last >= self.limit
    }
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        (self.limit - (now - self.last)).max(Duration::zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_timer_expires_only_after_the_limit() {
        let clock = ManualClock::new(Utc::now());
        let mut t = IdleTimer::new(clock.now(), Duration::minutes(10));
        clock.advance(Duration::minutes(9));
        assert!(!t.expired(clock.now()), "9 of 10 idle minutes must not lock");
        t.touch(clock.now());
        clock.advance(Duration::minutes(9));
        assert!(!t.expired(clock.now()), "activity restarts the idle period");
        clock.advance(Duration::minutes(1));
        assert!(t.expired(clock.now()), "10 idle minutes must lock");
        assert_eq!(
            t.remaining(clock.now()),
            Duration::zero(),
            "nothing remains once expired"
        );
    }
}
