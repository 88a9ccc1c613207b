//! Instants and the clock that tells them.
//!
//! Every part of Safer that needs "now" (session expiry, when a change was
//! entered, what is overdue today, the statutory clocks of case work) asks a
//! [`Clock`], never the operating system, so tests can set the time. The
//! rules themselves take a date or an instant as an argument; only the edges
//! read a clock.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::Date;

/// An instant, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    secs: i64,
}

impl Timestamp {
    pub fn from_unix_seconds(secs: i64) -> Timestamp {
        Timestamp { secs }
    }

    pub fn unix_seconds(self) -> i64 {
        self.secs
    }

    /// The instant `secs` seconds later (or earlier, for negative `secs`).
    pub fn plus_seconds(self, secs: i64) -> Timestamp {
        Timestamp {
            secs: self.secs.saturating_add(secs),
        }
    }

    /// The UTC date of the instant (clamped to the years 0 to 9999 a
    /// [`Date`] can hold).
    pub fn date(self) -> Date {
        Date::from_unix_seconds(self.secs).unwrap_or_else(|| {
            let (y, m, d) = if self.secs < 0 {
                (0, 1, 1)
            } else {
                (9999, 12, 31)
            };
            Date::new(y, m, d).expect("the first and last days are dates")
        })
    }

    /// RFC 3339 in UTC, as stored in `*_at` columns: `2024-05-01T09:30:00Z`.
    pub fn to_rfc3339(self) -> String {
        let rem = self.secs.rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

/// Where the time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// A clock that says what it is told, for tests: it starts at a given
/// instant and moves only when set or advanced.
#[derive(Debug)]
pub struct FixedClock {
    secs: AtomicI64,
}

impl FixedClock {
    pub fn at(t: Timestamp) -> FixedClock {
        FixedClock {
            secs: AtomicI64::new(t.unix_seconds()),
        }
    }

    pub fn set(&self, t: Timestamp) {
        self.secs.store(t.unix_seconds(), Ordering::SeqCst);
    }

    pub fn advance(&self, secs: i64) {
        self.secs.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_seconds(self.secs.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_dates() {
        let t = Timestamp::from_unix_seconds(1_714_555_800);
        assert_eq!(t.to_rfc3339(), "2024-05-01T09:30:00Z");
        assert_eq!(t.date().to_string(), "2024-05-01");
        assert_eq!(
            Timestamp::from_unix_seconds(0).to_rfc3339(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(951_782_400).date().to_string(),
            "2000-02-29",
            "a leap day"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(-1).to_rfc3339(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(i64::MAX).date().to_string(),
            "9999-12-31"
        );
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let c = FixedClock::at(Timestamp::from_unix_seconds(100));
        assert_eq!(c.now().unix_seconds(), 100);
        c.advance(3600);
        assert_eq!(c.now().unix_seconds(), 3700);
        c.set(Timestamp::from_unix_seconds(5));
        assert_eq!(c.now(), Timestamp::from_unix_seconds(5));
    }
}
