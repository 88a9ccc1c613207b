//! Calendar months, financial years, their quarters and periods.
//!
//! police.uk publishes by calendar month, and partnerships report by
//! financial year (1 April to 31 March), so every period in Safer is a run of
//! whole months.

use serde::{Deserialize, Serialize};

/// A calendar month, such as 2023-04.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    /// Months since January of year 0, so that ordering and arithmetic are
    /// plain integer operations.
    ordinal: u32,
}

/// Why text is not a month, financial year or period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("expected a month as YYYY-MM (for example 2023-04), found {0:?}")]
    BadMonth(String),
    #[error("expected a financial year as YYYY/YY (for example 2023/24), found {0:?}")]
    BadFinancialYear(String),
    #[error("the month {month} is not in financial year {year}")]
    OutsideYear { month: Month, year: FinancialYear },
}

impl Month {
    /// The month of `year` and `month` (1–12), if both are in range: from
    /// April 1000, the first month of the first financial year that can be
    /// written (1000/01), to March 9999, the last month of the last
    /// (9998/99), so every month's year and quarter read back as written.
    pub fn new(year: u32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month)
            && (1000..=9999).contains(&year)
            && (year > 1000 || month >= 4)
            && (year < 9999 || month <= 3))
            .then(|| Month {
                ordinal: year * 12 + (month - 1),
            })
    }

    /// The month a day falls in, if it is a month Safer can write.
    pub fn of_date(d: crate::Date) -> Option<Month> {
        Month::new(u32::from(d.year()), u32::from(d.month()))
    }

    /// Parses `YYYY-MM` from bytes, as police.uk writes the `Month` column.
    pub fn parse_bytes(text: &[u8]) -> Option<Month> {
        let [y1, y2, y3, y4, b'-', m1, m2] = *text else {
            return None;
        };
        let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
        let year = digit(y1)? * 1000 + digit(y2)? * 100 + digit(y3)? * 10 + digit(y4)?;
        let month = digit(m1)? * 10 + digit(m2)?;
        Month::new(year, month)
    }

    pub fn year(self) -> u32 {
        self.ordinal / 12
    }

    /// The month of the year, 1 for January.
    pub fn month(self) -> u32 {
        self.ordinal % 12 + 1
    }

    /// The month's name in English, "January" to "December".
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        NAMES[(self.ordinal % 12) as usize]
    }

    /// The month `n` months later (or earlier, for negative `n`).
    pub fn plus(self, n: i32) -> Month {
        Month {
            ordinal: self.ordinal.saturating_add_signed(n),
        }
    }

    /// A dense number for the month, usable as an array index after
    /// subtracting another month's ordinal.
    pub fn ordinal(self) -> u32 {
        self.ordinal
    }

    pub fn from_ordinal(ordinal: u32) -> Month {
        Month { ordinal }
    }

    /// The financial year (April to March) this month falls in.
    pub fn financial_year(self) -> FinancialYear {
        let start = if self.month() >= 4 {
            self.year()
        } else {
            self.year() - 1
        };
        FinancialYear { start_year: start }
    }
}

impl std::str::FromStr for Month {
    type Err = MonthError;
    fn from_str(s: &str) -> Result<Month, MonthError> {
        Month::parse_bytes(s.trim().as_bytes()).ok_or_else(|| MonthError::BadMonth(s.to_owned()))
    }
}

impl TryFrom<String> for Month {
    type Error = MonthError;
    fn try_from(s: String) -> Result<Month, MonthError> {
        s.parse()
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A financial year, 1 April to 31 March, written `2023/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear {
    start_year: u32,
}

impl FinancialYear {
    /// The financial year starting in April of `start_year`.
    pub fn starting(start_year: u32) -> FinancialYear {
        FinancialYear { start_year }
    }

    pub fn start_year(self) -> u32 {
        self.start_year
    }

    pub fn first_month(self) -> Month {
        Month {
            ordinal: self.start_year * 12 + 3,
        }
    }

    pub fn last_month(self) -> Month {
        self.first_month().plus(11)
    }

    /// The whole year as a period.
    pub fn period(self) -> Period {
        Period {
            first: self.first_month(),
            last: self.last_month(),
        }
    }

    /// The year to date: April up to and including `as_at`.
    pub fn to_date(self, as_at: Month) -> Result<Period, MonthError> {
        if as_at < self.first_month() || as_at > self.last_month() {
            return Err(MonthError::OutsideYear {
                month: as_at,
                year: self,
            });
        }
        Ok(Period {
            first: self.first_month(),
            last: as_at,
        })
    }

    pub fn previous(self) -> FinancialYear {
        FinancialYear {
            start_year: self.start_year - 1,
        }
    }
}

impl std::str::FromStr for FinancialYear {
    type Err = MonthError;
    /// Accepts `2023/24` (the form partnership documents use), `2023-24`
    /// and `2023/2024`; the second year must follow the first.
    fn from_str(s: &str) -> Result<FinancialYear, MonthError> {
        let bad = || MonthError::BadFinancialYear(s.to_owned());
        let t = s.trim();
        let (a, b) = t.split_once(['/', '-']).ok_or_else(bad)?;
        if a.len() != 4 || !(b.len() == 2 || b.len() == 4) {
            return Err(bad());
        }
        let start: u32 = a.parse().map_err(|_| bad())?;
        let end: u32 = b.parse().map_err(|_| bad())?;
        let next = start + 1;
        let ok = if b.len() == 2 {
            end == next % 100
        } else {
            end == next
        };
        if !ok || !(1000..=9998).contains(&start) {
            return Err(bad());
        }
        Ok(FinancialYear { start_year: start })
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = MonthError;
    fn try_from(s: String) -> Result<FinancialYear, MonthError> {
        s.parse()
    }
}

impl From<FinancialYear> for String {
    fn from(y: FinancialYear) -> String {
        y.to_string()
    }
}

impl std::fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{:02}", self.start_year, (self.start_year + 1) % 100)
    }
}

/// A quarter of a financial year: Q1 is April–June, Q4 January–March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quarter {
    year: FinancialYear,
    /// 1 to 4.
    number: u8,
}

impl Quarter {
    /// Quarter `number` (1 to 4) of `year`.
    pub fn new(year: FinancialYear, number: u8) -> Option<Quarter> {
        (1..=4)
            .contains(&number)
            .then_some(Quarter { year, number })
    }

    /// Quarter 1 of `year`: April to June.
    pub fn first_of(year: FinancialYear) -> Quarter {
        Quarter { year, number: 1 }
    }

    /// Quarter 4 of `year`: January to March, the year end.
    pub fn last_of(year: FinancialYear) -> Quarter {
        Quarter { year, number: 4 }
    }

    /// The financial year the quarter belongs to.
    pub fn year(self) -> FinancialYear {
        self.year
    }

    /// The quarter's number in its year, 1 to 4.
    pub fn number(self) -> u8 {
        self.number
    }

    pub fn first_month(self) -> Month {
        self.year
            .first_month()
            .plus(3 * (i32::from(self.number) - 1))
    }

    pub fn last_month(self) -> Month {
        self.first_month().plus(2)
    }

    /// The quarter a month falls in.
    pub fn of(month: Month) -> Quarter {
        let fy = month.financial_year();
        let n = (month.ordinal() - fy.first_month().ordinal()) / 3 + 1;
        Quarter {
            year: fy,
            number: n as u8,
        }
    }

    pub fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter::first_of(FinancialYear::starting(self.year.start_year() + 1))
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter::last_of(self.year.previous())
        } else {
            Quarter {
                year: self.year,
                number: self.number - 1,
            }
        }
    }
}

impl std::str::FromStr for Quarter {
    type Err = String;
    /// `2024-Q2` is quarter 2 of the financial year that starts in April 2024
    /// (July–September 2024), the way partnerships number quarters.
    /// `2024/25-Q2` and `2024/25 Q2` say the same thing.
    fn from_str(s: &str) -> Result<Quarter, String> {
        let bad = || {
            format!(
                "expected a quarter as YYYY-Qn or YYYY/YY-Qn (for example 2024-Q2, quarter 2 of 2024/25), found {s:?}"
            )
        };
        let t = s.trim();
        let (y, q) = t.rsplit_once(['-', ' ']).ok_or_else(bad)?;
        let n: u8 = q
            .strip_prefix(['Q', 'q'])
            .and_then(|n| n.parse().ok())
            .ok_or_else(bad)?;
        let year = if y.len() == 4 {
            FinancialYear::starting(y.parse().map_err(|_| bad())?)
        } else {
            y.parse().map_err(|_| bad())?
        };
        Quarter::new(year, n).ok_or_else(bad)
    }
}

impl TryFrom<String> for Quarter {
    type Error = String;
    fn try_from(s: String) -> Result<Quarter, String> {
        s.parse()
    }
}

impl From<Quarter> for String {
    fn from(q: Quarter) -> String {
        q.to_string()
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

/// A run of whole months, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub first: Month,
    pub last: Month,
}

impl Period {
    /// A period from `first` to `last`; `None` if `last` is before `first`.
    pub fn new(first: Month, last: Month) -> Option<Period> {
        (first <= last).then_some(Period { first, last })
    }

    pub fn contains(self, m: Month) -> bool {
        self.first <= m && m <= self.last
    }

    pub fn len(self) -> u32 {
        self.last.ordinal - self.first.ordinal + 1
    }

    /// Always false: a period holds at least one month.
    pub fn is_empty(self) -> bool {
        false
    }

    pub fn months(self) -> impl Iterator<Item = Month> {
        (self.first.ordinal..=self.last.ordinal).map(Month::from_ordinal)
    }

    /// The same months one year earlier: the comparison period of a
    /// year-to-date figure.
    pub fn year_before(self) -> Period {
        Period {
            first: self.first.plus(-12),
            last: self.last.plus(-12),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{} to {}", self.first, self.last)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn financial_year_runs_april_to_march() {
        let y: FinancialYear = "2023/24".parse().unwrap();
        assert_eq!(y.first_month().to_string(), "2023-04");
        assert_eq!(y.last_month().to_string(), "2024-03");
        assert_eq!(y.period().len(), 12);
        assert_eq!(y.to_string(), "2023/24");
        assert_eq!(y.previous().to_string(), "2022/23");
    }

    #[test]
    fn financial_year_forms_and_errors() {
        assert_eq!(
            "2023-24".parse::<FinancialYear>().unwrap().start_year(),
            2023
        );
        assert_eq!(
            "2023/2024".parse::<FinancialYear>().unwrap().start_year(),
            2023
        );
        assert_eq!(
            "1999/00".parse::<FinancialYear>().unwrap().start_year(),
            1999
        );
        for bad in ["2023/25", "2023", "23/24", "2023/2025", "abcd/ef", ""] {
            assert!(bad.parse::<FinancialYear>().is_err(), "{bad}");
        }
    }

    #[test]
    fn year_to_date_and_year_before() {
        let y: FinancialYear = "2023/24".parse().unwrap();
        let ytd = y.to_date("2023-09".parse().unwrap()).unwrap();
        assert_eq!(ytd.len(), 6);
        assert_eq!(ytd.year_before().to_string(), "2022-04 to 2022-09");
        assert!(y.to_date("2024-04".parse().unwrap()).is_err());
        assert!(y.to_date("2023-03".parse().unwrap()).is_err());
    }

    #[test]
    fn january_to_march_belong_to_the_previous_start_year() {
        let m: Month = "2024-03".parse().unwrap();
        assert_eq!(m.financial_year().to_string(), "2023/24");
        let m: Month = "2024-04".parse().unwrap();
        assert_eq!(m.financial_year().to_string(), "2024/25");
    }

    #[test]
    fn month_names() {
        assert_eq!("2024-01".parse::<Month>().unwrap().name(), "January");
        assert_eq!("2024-09".parse::<Month>().unwrap().name(), "September");
        assert_eq!("2024-12".parse::<Month>().unwrap().name(), "December");
    }

    #[test]
    fn bad_months_are_rejected() {
        for bad in [
            "2023-13", "2023-00", "2023-4", "23-04", "2023/04", "2023-04x",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn quarters_follow_the_financial_year() {
        let q: Quarter = "2024-Q2".parse().unwrap();
        assert_eq!(q.first_month().to_string(), "2024-07");
        assert_eq!(q.last_month().to_string(), "2024-09");
        assert_eq!(q.to_string(), "2024/25-Q2");
        assert_eq!("2024/25 Q2".parse::<Quarter>().unwrap(), q);
        let q4: Quarter = "2023/24-Q4".parse().unwrap();
        assert_eq!(q4.first_month().to_string(), "2024-01");
        assert_eq!(Quarter::of("2024-03".parse().unwrap()), q4);
        assert_eq!(q.previous().previous(), q4);
        assert_eq!(
            (q.year().to_string(), q.number()),
            ("2024/25".to_owned(), 2)
        );
        assert_eq!(Quarter::first_of(q.year()).next().next(), q.next());
        assert_eq!(Quarter::last_of(q4.year()), q4);
        assert_eq!(q4.next(), Quarter::first_of(q.year()));
        assert_eq!(Quarter::new(q.year(), 0), None);
        assert_eq!(Quarter::new(q.year(), 5), None);
        for bad in ["2024-Q5", "2024-Q0", "2024Q1", "Q1", "2024/26-Q1"] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }

    /// Found by the round-trip property: April 9999 fell in a financial
    /// year, 9999/00, that cannot be written back.
    #[test]
    fn months_end_with_the_last_financial_year_that_can_be_written() {
        assert_eq!(Month::new(9999, 4), None);
        assert!("9999-04".parse::<Month>().is_err());
        let last = Month::new(9999, 3).unwrap();
        let q = Quarter::of(last);
        assert_eq!(q.to_string().parse::<Quarter>().unwrap(), q);
        assert_eq!(last.financial_year().to_string(), "9998/99");
    }

    /// Found by the round-trip property: January 1000 fell in a financial
    /// year, 999/00, that cannot be written back.
    #[test]
    fn months_begin_with_the_first_financial_year_that_can_be_written() {
        assert_eq!(Month::new(1000, 3), None);
        assert!("1000-01".parse::<Month>().is_err());
        let first = Month::new(1000, 4).unwrap();
        let q = Quarter::of(first);
        assert_eq!(q.to_string().parse::<Quarter>().unwrap(), q);
        assert_eq!(first.financial_year().to_string(), "1000/01");
    }

    proptest! {
        #[test]
        fn month_text_round_trips(
            (year, month) in (1000u32..=9999, 1u32..=12)
                .prop_filter("a month from April 1000 to March 9999", |(y, m)| {
                    (*y > 1000 || *m >= 4) && (*y < 9999 || *m <= 3)
                })
        ) {
            let m = Month::new(year, month).unwrap();
            prop_assert_eq!(m.to_string().parse::<Month>().unwrap(), m);
            prop_assert_eq!(m.financial_year().period().contains(m), true);
            let q = Quarter::of(m);
            prop_assert!(q.first_month() <= m && m <= q.last_month());
            prop_assert_eq!(q.to_string().parse::<Quarter>().unwrap(), q);
            prop_assert_eq!(q.next().previous(), q);
        }

        #[test]
        fn month_parser_never_panics(s in "\\PC{0,10}") {
            let _ = Month::parse_bytes(s.as_bytes());
            let _ = s.parse::<FinancialYear>();
        }
    }
}
