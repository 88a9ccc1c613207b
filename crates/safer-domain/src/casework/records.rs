//! The case records a plan measure counts (`source = "case_records"`,
//! `record = "…"` in a plan): what each name counts, and the monthly counts
//! a measure is evaluated from.
//!
//! A name is one of the fixed kinds below, or `<forum>_referrals` for the
//! cases referred to one of the partnership's forums (`jag_referrals`,
//! `youth_jag_referrals`, `adults_at_risk_referrals` with the default
//! forums), or `<kind>_referrals` for a referral out of a case
//! (`channel_referrals`, `criminal_exploitation_referrals`). A name Safer
//! does not know is not counted, and the measure says so.

use std::collections::BTreeMap;

use serde::Serialize;

use super::case::Forum;
use super::referral::ReferralKind;
use crate::{Date, Month};

/// What a measure's `record` counts, each by the day that puts it in a
/// month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseRecord {
    /// Referrals of cases to a forum, by the day referred (a case referred
    /// again counts again).
    ForumReferrals { forum: String },
    /// Referrals out of cases, by the day made.
    Referrals { referral: ReferralKind },
    /// Acceptable Behaviour Contracts completed without breach, by the day
    /// they completed (DOMAIN.md 3.6).
    Abcs,
    /// Community Trigger applications with youth ASB as an aggravating
    /// factor, by the day received.
    CommunityTriggers,
    /// Youth ASB Police Management Plans, by the day opened.
    YouthAsbPmps,
    /// Steps of the incremental approach taken with a young person (under
    /// 18 on the day), by the day taken.
    YouthAsbInterventions,
    /// Legal interventions on the ladder (CPW, CPN, civil injunction, CBO)
    /// with a person of any age, by the day taken.
    AsbInterventions,
    /// Breaches recorded against legal interventions, by the day of the
    /// breach.
    AsbInterventionBreaches,
    /// Young people who became engaged in a diversionary activity, by the
    /// day the activity started.
    DiversionaryEngagement,
}

impl CaseRecord {
    /// The kind a plan's `record` names, given the partnership's forums.
    pub fn parse(name: &str, forums: &[Forum]) -> Option<CaseRecord> {
        let fixed = match name {
            "abcs" => Some(CaseRecord::Abcs),
            "community_triggers" => Some(CaseRecord::CommunityTriggers),
            "youth_asb_pmps" => Some(CaseRecord::YouthAsbPmps),
            "youth_asb_interventions" => Some(CaseRecord::YouthAsbInterventions),
            "asb_interventions" => Some(CaseRecord::AsbInterventions),
            "asb_intervention_breaches" => Some(CaseRecord::AsbInterventionBreaches),
            "diversionary_engagement" => Some(CaseRecord::DiversionaryEngagement),
            _ => None,
        };
        if fixed.is_some() {
            return fixed;
        }
        let prefix = name.strip_suffix("_referrals")?;
        if let Some(referral) = ReferralKind::parse(prefix) {
            return Some(CaseRecord::Referrals { referral });
        }
        forums
            .iter()
            .any(|f| f.id == prefix)
            .then(|| CaseRecord::ForumReferrals {
                forum: prefix.to_owned(),
            })
    }
}

/// A case-record kind's counts by month, over the months Safer holds case
/// records for: a month inside `held` with no entry is a real zero, a month
/// outside it is not known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CaseRecordCounts {
    /// The first and last months held, or `None` when none are.
    pub held: Option<(Month, Month)>,
    pub by_month: BTreeMap<Month, u64>,
}

impl CaseRecordCounts {
    /// Counts the days given by their month, keeping only the held months.
    pub fn from_days(held: Option<(Month, Month)>, days: impl IntoIterator<Item = Date>) -> Self {
        let mut by_month = BTreeMap::new();
        for d in days {
            let Some(m) = Month::of_date(d) else { continue };
            if held.is_some_and(|(first, last)| m >= first && m <= last) {
                *by_month.entry(m).or_insert(0) += 1;
            }
        }
        CaseRecordCounts { held, by_month }
    }

    pub fn is_held(&self, m: Month) -> bool {
        self.held
            .is_some_and(|(first, last)| m >= first && m <= last)
    }

    /// The total over the months given (months not held count nothing;
    /// the caller's coverage says which were left out).
    pub fn total(&self, months: impl IntoIterator<Item = Month>) -> u64 {
        months
            .into_iter()
            .filter_map(|m| self.by_month.get(&m))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn forums() -> Vec<Forum> {
        ["jag", "youth_jag", "adults_at_risk"]
            .iter()
            .map(|id| Forum {
                id: (*id).into(),
                name: (*id).into(),
                cycle_days: 42,
                chair: String::new(),
                members: vec![],
            })
            .collect()
    }

    #[test]
    fn every_name_in_the_charnwood_plans_is_known() {
        let f = forums();
        for name in [
            "youth_jag_referrals",
            "jag_referrals",
            "adults_at_risk_referrals",
            "youth_asb_interventions",
            "abcs",
            "community_triggers",
            "youth_asb_pmps",
            "criminal_exploitation_referrals",
            "channel_referrals",
            "asb_interventions",
            "asb_intervention_breaches",
        ] {
            assert!(CaseRecord::parse(name, &f).is_some(), "{name}");
        }
        assert_eq!(
            CaseRecord::parse("youth_jag_referrals", &f),
            Some(CaseRecord::ForumReferrals {
                forum: "youth_jag".into()
            })
        );
        assert_eq!(
            CaseRecord::parse("channel_referrals", &f),
            Some(CaseRecord::Referrals {
                referral: ReferralKind::Channel
            })
        );
        assert_eq!(CaseRecord::parse("marac_referrals", &f), None);
        assert_eq!(CaseRecord::parse("things", &f), None);
    }

    #[test]
    fn months_outside_those_held_are_not_counted() {
        let m = |s: &str| s.parse::<Month>().unwrap();
        let d = |s: &str| s.parse::<Date>().unwrap();
        let c = CaseRecordCounts::from_days(
            Some((m("2022-04"), m("2022-06"))),
            [
                d("2022-03-31"),
                d("2022-04-01"),
                d("2022-04-30"),
                d("2022-07-01"),
            ],
        );
        assert_eq!(c.by_month.get(&m("2022-04")), Some(&2));
        assert_eq!(c.total([m("2022-03"), m("2022-04"), m("2022-05")]), 2);
        assert!(c.is_held(m("2022-05")) && !c.is_held(m("2022-07")));
        assert_eq!(
            CaseRecordCounts::from_days(None, [d("2022-04-01")])
                .by_month
                .len(),
            0
        );
    }

    proptest! {
        /// Every held day is counted once, in its month.
        #[test]
        fn counts_add_up_to_the_days_held(days in proptest::collection::vec(0i64..1000, 0..50)) {
            let base: Date = "2022-04-01".parse().unwrap();
            let days: Vec<Date> = days.iter().map(|d| base.plus_days(*d).unwrap()).collect();
            let held = Some(("2022-04".parse().unwrap(), "2024-12".parse().unwrap()));
            let c = CaseRecordCounts::from_days(held, days.iter().copied());
            let total: u64 = c.by_month.values().sum();
            prop_assert_eq!(total as usize, days.len());
        }
    }
}
