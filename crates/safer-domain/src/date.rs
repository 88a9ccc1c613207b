//! Calendar dates and day arithmetic.
//!
//! Actions are due on a date, their updates are dated, and the statutory
//! clocks of the case work to come run in days: a Community Trigger
//! acknowledged within so many working days, a Domestic Homicide Review
//! decided within a month and completed within six (see
//! [`BankHolidays`](crate::BankHolidays) for working days). A [`Date`] is a
//! day of the proleptic Gregorian calendar from 0000-01-01 to 9999-12-31,
//! written `YYYY-MM-DD`, with no time and no time zone.

use serde::{Deserialize, Serialize};

use crate::Quarter;

/// Days from 0000-03-01 (the start of the 400-year cycle the conversions
/// below count in) to 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;
/// The first and last day a [`Date`] can be, as days since 1970-01-01.
const FIRST_DAY: i32 = days_from_civil(0, 1, 1);
const LAST_DAY: i32 = days_from_civil(9999, 12, 31);
const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    /// Days since 1970-01-01 (negative before), so that ordering and
    /// arithmetic are plain integer operations.
    days: i32,
}

/// Why text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD, found {0:?}")]
    BadDate(String),
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }

    /// The ISO 8601 day number: 1 for Monday to 7 for Sunday.
    pub fn iso_number(self) -> u8 {
        self as u8 + 1
    }
}

impl Date {
    /// 1970-01-01, the day Unix time counts from.
    pub const UNIX_EPOCH: Date = Date { days: 0 };

    /// The date of `year`, `month` (1–12) and `day`, if it exists (years
    /// 0 to 9999).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        (year <= 9999 && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then(|| Date {
                days: days_from_civil(i64::from(year), i64::from(month), i64::from(day)),
            })
    }

    /// A date known to be valid, for tables compiled into Safer: an invalid
    /// one stops the build.
    pub(crate) const fn from_table(year: u16, month: u8, day: u8) -> Date {
        assert!(year <= 9999 && month >= 1 && month <= 12 && day >= 1);
        assert!(day <= days_in_month(year, month), "not a date");
        Date {
            days: days_from_civil(year as i64, month as i64, day as i64),
        }
    }

    pub fn year(self) -> u16 {
        self.civil().0
    }

    /// The month of the year, 1 for January.
    pub fn month(self) -> u8 {
        self.civil().1
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.civil().2
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(i64::from(self.days) + 3).rem_euclid(7) as usize]
    }

    /// The date `days` days later (earlier, for negative `days`); `None`
    /// past 9999-12-31 or before 0000-01-01.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        i64::from(self.days)
            .checked_add(days)
            .and_then(Date::from_day_number)
    }

    /// How many days from `self` to `other`: positive when `other` is
    /// later, so that `a.plus_days(a.days_until(b)) == Some(b)`.
    pub fn days_until(self, other: Date) -> i64 {
        i64::from(other.days) - i64::from(self.days)
    }

    /// The same day `months` months later (earlier, for negative
    /// `months`), or the last day of that month when it is shorter (31
    /// August plus 6 months is 28 or 29 February); `None` outside years 0
    /// to 9999.
    pub fn plus_months(self, months: i32) -> Option<Date> {
        let (y, m, d) = self.civil();
        let total = i64::from(y) * 12 + i64::from(m) - 1 + i64::from(months);
        let year = u16::try_from(total.div_euclid(12)).ok()?;
        let month = (total.rem_euclid(12) + 1) as u8;
        if year > 9999 {
            return None;
        }
        Date::new(year, month, d.min(days_in_month(year, month)))
    }

    /// The day after; `None` after 9999-12-31.
    pub fn next(self) -> Option<Date> {
        self.plus_days(1)
    }

    /// The date (UTC) of a Unix time in seconds; `None` outside years 0 to
    /// 9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Date> {
        Date::from_day_number(seconds.div_euclid(SECONDS_PER_DAY))
    }

    /// The Unix time of the start of the day, 00:00 UTC.
    pub fn to_unix_seconds(self) -> i64 {
        i64::from(self.days) * SECONDS_PER_DAY
    }

    /// The last day of a quarter: the "as at" date of a quarterly report.
    pub fn end_of(q: Quarter) -> Date {
        let m = q.last_month();
        let (year, month) = (m.year() as u16, m.month() as u8);
        Date::new(year, month, days_in_month(year, month))
            .expect("a quarter ends on a date of years 1000 to 9999")
    }

    fn from_day_number(days: i64) -> Option<Date> {
        (i64::from(FIRST_DAY)..=i64::from(LAST_DAY))
            .contains(&days)
            .then_some(Date { days: days as i32 })
    }

    /// (year, month, day).
    fn civil(self) -> (u16, u8, u8) {
        // Howard Hinnant's civil_from_days, over 400-year eras starting on
        // 1 March, so that a leap day is the last day of its year.
        let z = i64::from(self.days) + EPOCH_SHIFT;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year as u16, month as u8, day as u8)
    }
}

const fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a valid date (Howard Hinnant's
/// days_from_civil).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - EPOCH_SHIFT) as i32
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let bad = || DateError::BadDate(s.to_owned());
        let b = s.trim().as_bytes();
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else {
            return Err(bad());
        };
        let digit = |c: u8| c.is_ascii_digit().then(|| u16::from(c - b'0'));
        let number = |cs: &[u8]| cs.iter().try_fold(0u16, |n, &c| Some(n * 10 + digit(c)?));
        let year = number(&[y1, y2, y3, y4]).ok_or_else(bad)?;
        let month = number(&[m1, m2]).ok_or_else(bad)?;
        let day = number(&[d1, d2]).ok_or_else(bad)?;
        Date::new(year, month as u8, day as u8).ok_or_else(bad)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;
    fn try_from(s: String) -> Result<Date, DateError> {
        s.parse()
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn dates() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert_eq!(
            Date::end_of("2024-Q2".parse().unwrap()).to_string(),
            "2024-09-30"
        );
        assert_eq!(
            Date::end_of("2024-Q4".parse().unwrap()).to_string(),
            "2025-03-31"
        );
        assert_eq!(
            Date::end_of("2023-Q3".parse().unwrap()).to_string(),
            "2023-12-31"
        );
    }

    #[test]
    fn parse_forms_and_errors() {
        assert_eq!(d(" 2024-07-31 ").to_string(), "2024-07-31");
        assert_eq!(d("0000-01-01").to_string(), "0000-01-01");
        assert_eq!(d("9999-12-31").to_string(), "9999-12-31");
        assert_eq!(d("2000-02-29").day(), 29);
        for bad in [
            "1900-02-29",
            "2024-00-10",
            "2024-04-31",
            "2024-04-00",
            "2024-4-01",
            "24-04-01",
            "2024/04/01",
            "2024-04-01x",
            "+024-04-01",
            "2024-0a-01",
            "",
        ] {
            assert_eq!(
                bad.parse::<Date>(),
                Err(DateError::BadDate(bad.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(
            "2023-02-29".parse::<Date>().unwrap_err().to_string(),
            "expected a date as YYYY-MM-DD, found \"2023-02-29\""
        );
    }

    #[test]
    fn new_checks_the_calendar() {
        let x = Date::new(2024, 2, 29).unwrap();
        assert_eq!((x.year(), x.month(), x.day()), (2024, 2, 29));
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(Date::new(2024, 13, 1), None);
        assert_eq!(Date::new(2024, 6, 31), None);
        assert_eq!(Date::new(2024, 6, 0), None);
        assert_eq!(Date::new(10_000, 1, 1), None);
    }

    #[test]
    fn serde_is_the_text_form() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let de: StrDeserializer<'_, Error> = "2024-09-30".into_deserializer();
        assert_eq!(Date::deserialize(de), Ok(d("2024-09-30")));
        let de: StrDeserializer<'_, Error> = "2024-09-31".into_deserializer();
        assert!(Date::deserialize(de).is_err());
        assert_eq!(String::from(d("2024-09-30")), "2024-09-30");
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("2024-01-01").weekday(), Weekday::Monday);
        assert_eq!(d("2024-03-29").weekday(), Weekday::Friday);
        assert_eq!(d("2022-09-19").weekday(), Weekday::Monday);
        assert_eq!(d("2000-02-29").weekday(), Weekday::Tuesday);
        assert_eq!(d("1969-12-31").weekday(), Weekday::Wednesday);
        assert_eq!(d("0000-01-01").weekday(), Weekday::Saturday);
        assert!(d("2024-06-08").weekday().is_weekend());
        assert!(!d("2024-06-07").weekday().is_weekend());
        assert_eq!(Weekday::Monday.iso_number(), 1);
        assert_eq!(Weekday::Sunday.iso_number(), 7);
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(d("2024-02-28").plus_days(1), Some(d("2024-02-29")));
        assert_eq!(d("2023-02-28").plus_days(1), Some(d("2023-03-01")));
        assert_eq!(d("2024-12-31").next(), Some(d("2025-01-01")));
        assert_eq!(d("2024-03-01").plus_days(-1), Some(d("2024-02-29")));
        assert_eq!(d("2024-01-01").plus_days(366), Some(d("2025-01-01")));
        assert_eq!(d("2024-01-01").days_until(d("2025-01-01")), 366);
        assert_eq!(d("2025-01-01").days_until(d("2024-01-01")), -366);
        assert_eq!(d("9999-12-31").next(), None);
        assert_eq!(d("0000-01-01").plus_days(-1), None);
        assert_eq!(d("2024-01-01").plus_days(i64::MAX), None);
        assert_eq!(d("2024-01-01").plus_days(i64::MIN), None);
        assert!(d("2024-01-31") < d("2024-02-01"));
    }

    #[test]
    fn unix_seconds_are_utc_days() {
        assert_eq!(Date::from_unix_seconds(0), Some(d("1970-01-01")));
        assert_eq!(Date::UNIX_EPOCH, d("1970-01-01"));
        assert_eq!(Date::from_unix_seconds(-1), Some(d("1969-12-31")));
        assert_eq!(Date::from_unix_seconds(86_399), Some(d("1970-01-01")));
        // 2024-09-30T23:59:59Z.
        assert_eq!(
            Date::from_unix_seconds(1_727_740_799),
            Some(d("2024-09-30"))
        );
        assert_eq!(d("2024-10-01").to_unix_seconds(), 1_727_740_800);
        assert_eq!(Date::from_unix_seconds(i64::MAX), None);
        assert_eq!(Date::from_unix_seconds(i64::MIN), None);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (FIRST_DAY..=LAST_DAY).prop_map(|days| Date { days })
    }

    proptest! {
        #[test]
        fn text_round_trips(date in any_date()) {
            let text = date.to_string();
            prop_assert_eq!(text.parse::<Date>().unwrap(), date);
            prop_assert_eq!(
                Date::new(date.year(), date.month(), date.day()),
                Some(date)
            );
        }

        #[test]
        fn fields_round_trip(year in 0u16..=9999, month in 1u8..=12, day in 1u8..=31) {
            match Date::new(year, month, day) {
                Some(x) => {
                    prop_assert_eq!((x.year(), x.month(), x.day()), (year, month, day));
                    prop_assert_eq!(x.to_string(), format!("{year:04}-{month:02}-{day:02}"));
                }
                None => prop_assert!(day > days_in_month(year, month)),
            }
        }

        #[test]
        fn arithmetic_agrees_with_the_calendar(date in any_date(), n in -40_000i64..40_000) {
            if let Some(later) = date.plus_days(n) {
                prop_assert_eq!(date.days_until(later), n);
                prop_assert_eq!(later.plus_days(-n), Some(date));
                prop_assert_eq!(n > 0, later > date);
                let weekday = (date.weekday() as i64 + n).rem_euclid(7);
                prop_assert_eq!(later.weekday() as i64, weekday);
            }
            if let Some(next) = date.next() {
                // The next day is the next in the calendar's own terms.
                let (y, m, dd) = (date.year(), date.month(), date.day());
                let expected = Date::new(y, m, dd + 1)
                    .or_else(|| Date::new(y, m + 1, 1))
                    .or_else(|| Date::new(y + 1, 1, 1));
                prop_assert_eq!(Some(next), expected);
            }
        }

        #[test]
        fn unix_seconds_round_trip(date in any_date(), second in 0i64..86_400) {
            let t = date.to_unix_seconds();
            prop_assert_eq!(Date::from_unix_seconds(t + second), Some(date));
        }

        #[test]
        fn date_parser_never_panics(s in "\\PC{0,12}") {
            let _ = s.parse::<Date>();
        }
    }
}
