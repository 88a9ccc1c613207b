//! The ASB case review ("Community Trigger") threshold, with its
//! explanation (DOMAIN.md 3.1; 4 item 2; 5 items 1 and 2).
//!
//! The Anti-social Behaviour, Crime and Policing Act 2014 s104(4) says the
//! threshold **must** be treated as met when at least three qualifying
//! complaints have been made about the behaviour; s104(11) makes a complaint
//! qualifying when it was made within one month of the behaviour and the
//! application comes within six months of the complaint. Review procedures
//! may set a lower number, never a higher one, and may add routes of their
//! own (s104(5)): the LLR preset's three separate incidents or one hate
//! incident in six months, with the applicant believing no effective action
//! was taken; Oadby & Wigston's three individuals about one incident; Ribble
//! Valley's five reports about one location in six months. [`TriggerRules`]
//! holds a partnership's procedure as data and [`TriggerRules::check`]
//! refuses one that would make the statutory route harder.
//!
//! [`assess`] evaluates an application route by route and returns why, as
//! data: every complaint on a timeline, with whether it counted and, if not,
//! the rule that kept it out ([`Verdict`]), for the presentation layer to
//! word in the decision letter.

use serde::{Deserialize, Serialize};

use super::clock::TimeLimit;
use crate::{BankHolidays, Date, NotCovered};

/// At least this many qualifying complaints and the threshold must be met
/// (s104(4)); local procedures may only lower it.
pub const STATUTORY_COMPLAINTS: u32 = 3;
/// A qualifying complaint is made within one month of the behaviour
/// (s104(11)(a)).
pub const STATUTORY_REPORT_WITHIN_MONTHS: u32 = 1;
/// The application is made within six months of a qualifying complaint
/// (s104(11)(b)).
pub const STATUTORY_WINDOW_MONTHS: u32 = 6;
/// The longest window a procedure may set: ten years is a typing error, not
/// a procedure, and it keeps month arithmetic in range.
const MAX_MONTHS: u32 = 120;

/// A complaint about the behaviour an application is about: a report to an
/// agency, from a case's chronology or from the application form itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// Where it came from, such as `"case:12:event:4"` or
    /// `"application:2"`; opaque to the rules, and the key of its
    /// [`TimelineEntry`].
    pub id: String,
    /// The day the behaviour allegedly occurred.
    pub behaviour_on: Date,
    /// The day it was reported: the day the complaint was made.
    pub reported_on: Date,
    /// The agency it was reported to.
    pub reported_to: String,
    /// A key shared by the reports of one incident (to several agencies,
    /// or by several people). `None`: the report is its own incident.
    pub incident: Option<String>,
    /// Who complained, for the individuals route.
    pub complainant: Option<String>,
    /// Where, for the location route: a key the caller gives linked
    /// locations in common.
    pub location: Option<String>,
    /// A hate incident: one is enough on the LLR hate route.
    pub hate: bool,
    /// Youth ASB, an aggravating factor the panel is shown.
    pub youth: bool,
}

impl Complaint {
    /// A complaint of its own incident, with no complainant, location or
    /// flags recorded.
    pub fn new(
        id: impl Into<String>,
        behaviour_on: Date,
        reported_on: Date,
        reported_to: impl Into<String>,
    ) -> Complaint {
        Complaint {
            id: id.into(),
            behaviour_on,
            reported_on,
            reported_to: reported_to.into(),
            incident: None,
            complainant: None,
            location: None,
            hate: false,
            youth: false,
        }
    }
}

/// "N reports about the same or linked location in M months" (Ribble
/// Valley: 5 in 6): reports made in the `months` before the application.
/// The procedure sets no time from the behaviour to the report, so none is
/// applied; linking locations is the caller's, through
/// [`Complaint::location`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationRoute {
    pub reports: u32,
    pub months: u32,
}

/// The procedure's timescales [K]. They are local, not statutory
/// (DOMAIN.md 3.1); the defaults are Leicester's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timescales {
    /// From the application to its acknowledgement.
    pub acknowledge: TimeLimit,
    /// From the application to the threshold decision.
    pub decision: TimeLimit,
    /// From the acceptance (the threshold met) to the review.
    pub review: TimeLimit,
}

impl Default for Timescales {
    fn default() -> Timescales {
        Timescales {
            acknowledge: TimeLimit::working(1),
            decision: TimeLimit::calendar(14),
            review: TimeLimit::calendar(28),
        }
    }
}

impl Timescales {
    pub fn acknowledge_by(
        &self,
        applied_on: Date,
        holidays: &BankHolidays,
    ) -> Result<Date, NotCovered> {
        self.acknowledge.due(applied_on, holidays)
    }

    pub fn decision_by(
        &self,
        applied_on: Date,
        holidays: &BankHolidays,
    ) -> Result<Date, NotCovered> {
        self.decision.due(applied_on, holidays)
    }

    pub fn review_by(
        &self,
        accepted_on: Date,
        holidays: &BankHolidays,
    ) -> Result<Date, NotCovered> {
        self.review.due(accepted_on, holidays)
    }
}

/// Who hears an applicant dissatisfied with how the application or the
/// review was handled (Sch 4 para 8 requires procedures to provide for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealTo {
    /// An independent CSP chair, whose decision is final: LLR.
    #[default]
    IndependentChair,
    /// The Police and Crime Commissioner's office (Devon & Cornwall).
    PoliceAndCrimeCommissioner,
}

impl AppealTo {
    pub fn label(self) -> &'static str {
        match self {
            AppealTo::IndependentChair => "Independent CSP chair",
            AppealTo::PoliceAndCrimeCommissioner => "Police and Crime Commissioner",
        }
    }
}

/// A partnership's threshold rules [S-local]: its published review
/// procedures (s104(2)) as data. The statutory route is not here: it is the
/// Act's, and no setting changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriggerRules {
    /// The local number of complaints, 1 to 3: s104(4) lets procedures
    /// specify a number, and the explanatory notes say no higher than three.
    pub local_complaints: u32,
    /// The months before the application a complaint counts for, locally:
    /// six or more, as the Act's six (s104(11)(b)) may be widened, never
    /// narrowed.
    pub window_months: u32,
    /// The months after the behaviour a complaint must be made within,
    /// locally: one or more (s104(11)(a)).
    pub report_within_months: u32,
    /// Whether being the victim of hate incidents meets the threshold.
    pub hate_route: bool,
    /// How many hate incidents the hate route needs (LLR: one).
    pub hate_incidents: u32,
    /// Count several reports of one incident (to several agencies) once on
    /// the local routes. The statutory route always does.
    pub same_incident_once: bool,
    /// At least this many individuals complaining separately about one
    /// incident (Oadby & Wigston: 3).
    pub individuals_route: Option<u32>,
    /// At least so many reports about one location in so many months.
    pub location_route: Option<LocationRoute>,
    /// Whether the local routes also need the applicant to believe no
    /// effective action was taken (LLR). Never needed for the statutory
    /// route: s104(4) leaves the bodies no choice.
    pub requires_no_effective_action: bool,
    pub timescales: Timescales,
    pub appeal_to: AppealTo,
}

impl Default for TriggerRules {
    fn default() -> TriggerRules {
        TriggerRules::llr()
    }
}

impl TriggerRules {
    /// Leicester, Leicestershire and Rutland: within the last six months
    /// three separate incidents, each reported within one calendar month of
    /// occurring, or one hate incident, and the applicant believes no
    /// effective action was taken; appeals to an independent chair.
    pub fn llr() -> TriggerRules {
        TriggerRules {
            local_complaints: STATUTORY_COMPLAINTS,
            window_months: STATUTORY_WINDOW_MONTHS,
            report_within_months: STATUTORY_REPORT_WITHIN_MONTHS,
            hate_route: true,
            hate_incidents: 1,
            same_incident_once: true,
            individuals_route: None,
            location_route: None,
            requires_no_effective_action: true,
            timescales: Timescales::default(),
            appeal_to: AppealTo::IndependentChair,
        }
    }

    /// Oadby & Wigston: LLR's rules and three individuals complaining
    /// separately about the same incident.
    pub fn oadby_and_wigston() -> TriggerRules {
        TriggerRules {
            individuals_route: Some(3),
            ..TriggerRules::llr()
        }
    }

    /// What is wrong with the rules, if anything: a local route that asks
    /// more than the Act's (a number above three, a window shorter than its
    /// months), or one that asks nothing (a count of zero would meet every
    /// application).
    pub fn check(&self) -> Result<(), String> {
        if self.local_complaints == 0 {
            return Err("the local number of complaints must be at least 1".into());
        }
        if self.local_complaints > STATUTORY_COMPLAINTS {
            return Err(format!(
                "the local number of complaints, {}, is more than the statutory {STATUTORY_COMPLAINTS} (s104(4)): it may be lower, never higher",
                self.local_complaints
            ));
        }
        if self.window_months < STATUTORY_WINDOW_MONTHS {
            return Err(format!(
                "the local window of {} months is shorter than the statutory {STATUTORY_WINDOW_MONTHS} (s104(11)(b))",
                self.window_months
            ));
        }
        if self.report_within_months < STATUTORY_REPORT_WITHIN_MONTHS {
            return Err(format!(
                "complaints reported within {} months is shorter than the statutory {STATUTORY_REPORT_WITHIN_MONTHS} (s104(11)(a))",
                self.report_within_months
            ));
        }
        for (what, months) in [
            ("window", self.window_months),
            ("reporting time", self.report_within_months),
        ] {
            if months > MAX_MONTHS {
                return Err(format!(
                    "the local {what} of {months} months is more than {MAX_MONTHS}"
                ));
            }
        }
        if self.hate_route && self.hate_incidents == 0 {
            return Err("the hate route needs at least 1 hate incident".into());
        }
        if self.individuals_route == Some(0) {
            return Err("the individuals route needs at least 1 individual".into());
        }
        if let Some(l) = self.location_route {
            if l.reports == 0 {
                return Err("the location route needs at least 1 report".into());
            }
            if l.months == 0 || l.months > MAX_MONTHS {
                return Err(format!(
                    "the location route's {} months must be 1 to {MAX_MONTHS}",
                    l.months
                ));
            }
        }
        Ok(())
    }
}

/// A way the threshold may be met, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Three qualifying complaints (s104(4), (11)).
    Statutory,
    /// The local number of complaints under the local windows.
    Local,
    /// Hate incidents.
    Hate,
    /// Individuals complaining separately about one incident.
    Individuals,
    /// Reports about one location.
    Location,
}

impl Route {
    pub fn label(self) -> &'static str {
        match self {
            Route::Statutory => "Statutory: three qualifying complaints",
            Route::Local => "Local number of complaints",
            Route::Hate => "Hate incident",
            Route::Individuals => "Individuals about one incident",
            Route::Location => "Reports about one location",
        }
    }
}

/// Whether a complaint counted on a route, and if not, why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Counts,
    /// Reported before the day of the behaviour: a report cannot precede
    /// what it reports, so one of the dates is wrong and the complaint is
    /// left out until it is corrected.
    ReportedBeforeBehaviour,
    /// Reported after the application: the application rests on the
    /// complaints already made (s104(4)(b) "have been made"); a later one
    /// may support a later application.
    AfterApplication,
    /// Not reported within the time after the behaviour (one month,
    /// s104(11)(a)); `within_by` is the last day it could have been.
    ReportedTooLate {
        within_by: Date,
    },
    /// The application came more than the window after the complaint (six
    /// months, s104(11)(b)); `counted_until` is the last day an application
    /// could have counted it.
    TooOldForApplication {
        counted_until: Date,
    },
    /// Another report of an incident already counted, by `first`.
    SameIncidentAs {
        first: String,
    },
    /// Not a hate incident (the hate route).
    NotHate,
    /// No complainant recorded, so not shown to be a separate individual
    /// (the individuals route).
    NoComplainant,
    /// The same individual about the same incident as `first` (the
    /// individuals route).
    SameComplainantAs {
        first: String,
    },
    /// No location recorded (the location route).
    NoLocation,
}

impl Verdict {
    pub fn counts(&self) -> bool {
        matches!(self, Verdict::Counts)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Counts => "Counts",
            Verdict::ReportedBeforeBehaviour => "Reported before the behaviour",
            Verdict::AfterApplication => "Reported after the application",
            Verdict::ReportedTooLate { .. } => "Reported too long after the behaviour",
            Verdict::TooOldForApplication { .. } => "Too long before the application",
            Verdict::SameIncidentAs { .. } => "Same incident as an earlier report",
            Verdict::NotHate => "Not a hate incident",
            Verdict::NoComplainant => "No complainant recorded",
            Verdict::SameComplainantAs { .. } => "Same complainant as an earlier report",
            Verdict::NoLocation => "No location recorded",
        }
    }
}

/// How a route came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteResult {
    pub route: Route,
    pub needed: u32,
    /// For the individuals and location routes, the most about any one
    /// incident or location.
    pub counted: u32,
    pub met: bool,
    /// The incident (individuals route) or location (location route) that
    /// `counted` is about.
    pub about: Option<String>,
}

/// A local route's verdict on a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteVerdict {
    pub route: Route,
    pub verdict: Verdict,
}

/// A complaint on the application's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub complaint: String,
    pub behaviour_on: Date,
    pub reported_on: Date,
    pub reported_to: String,
    pub hate: bool,
    pub youth: bool,
    /// On the statutory route.
    pub verdict: Verdict,
    /// On each local route, in the order of [`Assessment::routes`].
    pub local: Vec<RouteVerdict>,
}

impl TimelineEntry {
    /// The verdict on `route`, if it was tried.
    pub fn verdict_on(&self, route: Route) -> Option<&Verdict> {
        if route == Route::Statutory {
            return Some(&self.verdict);
        }
        self.local
            .iter()
            .find(|v| v.route == route)
            .map(|v| &v.verdict)
    }
}

/// An application assessed against the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub met: bool,
    /// The route that met it: the statutory route first, else the first
    /// local route met (when the belief it needs is there).
    pub route: Option<Route>,
    /// Every route tried, the statutory route first.
    pub routes: Vec<RouteResult>,
    /// The complaints by behaviour date, then reported date, then id.
    pub timeline: Vec<TimelineEntry>,
    /// The applicant's answer: no effective action was taken.
    pub no_effective_action: bool,
    /// Whether the local routes needed that answer.
    pub no_effective_action_required: bool,
    /// A complaint counted on some route is of youth ASB.
    pub youth: bool,
}

impl Assessment {
    pub fn route_result(&self, route: Route) -> Option<&RouteResult> {
        self.routes.iter().find(|r| r.route == route)
    }

    /// A local route is met but the threshold is not: the applicant did not
    /// say no effective action was taken, and the procedure needs it.
    pub fn waits_on_no_effective_action(&self) -> bool {
        !self.met && self.routes.iter().any(|r| r.met)
    }
}

/// Assesses an application made on `applied_on` against the complaints
/// about its behaviour and the partnership's rules.
///
/// The statutory route counts qualifying complaints under the Act's
/// windows, and counts several reports of one incident once: s104(4) counts
/// complaints "about the anti-social behaviour", one incident told to three
/// agencies is one occurrence of it, and counting it three times would let
/// a single incident force a review (the common local reading, DOMAIN.md
/// 3.1, applied to the statutory count too; the bodies may still find the
/// threshold met under s104(5)). When the statutory route is met the
/// threshold is met, whatever the applicant believes of the action taken;
/// the local routes are met only with that belief when the rules need it.
pub fn assess(
    applied_on: Date,
    no_effective_action_believed: bool,
    complaints: &[Complaint],
    rules: &TriggerRules,
) -> Assessment {
    let mut sorted: Vec<&Complaint> = complaints.iter().collect();
    sorted.sort_by(|a, b| {
        (a.behaviour_on, a.reported_on, &a.id).cmp(&(b.behaviour_on, b.reported_on, &b.id))
    });
    let statutory_windows = Windows {
        applied_on,
        report_within: Some(STATUTORY_REPORT_WITHIN_MONTHS),
        window: STATUTORY_WINDOW_MONTHS,
    };
    let local_windows = Windows {
        applied_on,
        report_within: Some(rules.report_within_months),
        window: rules.window_months,
    };

    let statutory = count_route(Route::Statutory, STATUTORY_COMPLAINTS, &sorted, true, |c| {
        statutory_windows.rule_out(c)
    });
    let once = rules.same_incident_once;
    let mut local = vec![count_route(
        Route::Local,
        rules.local_complaints,
        &sorted,
        once,
        |c| local_windows.rule_out(c),
    )];
    if rules.hate_route {
        // Not a hate incident comes before any other reason: the route is
        // about hate incidents only.
        local.push(count_route(
            Route::Hate,
            rules.hate_incidents,
            &sorted,
            once,
            |c| {
                if c.hate {
                    local_windows.rule_out(c)
                } else {
                    Some(Verdict::NotHate)
                }
            },
        ));
    }
    if let Some(needed) = rules.individuals_route {
        local.push(individuals(needed, &sorted, local_windows));
    }
    if let Some(l) = rules.location_route {
        let windows = Windows {
            applied_on,
            report_within: None,
            window: l.months,
        };
        local.push(location(l.reports, &sorted, windows, once));
    }

    let local_met = local.iter().any(|r| r.result.met);
    let belief = no_effective_action_believed || !rules.requires_no_effective_action;
    let met = statutory.result.met || (local_met && belief);
    let route = if statutory.result.met {
        Some(Route::Statutory)
    } else if met {
        local.iter().find(|r| r.result.met).map(|r| r.result.route)
    } else {
        None
    };

    let timeline: Vec<TimelineEntry> = sorted
        .iter()
        .enumerate()
        .map(|(i, c)| TimelineEntry {
            complaint: c.id.clone(),
            behaviour_on: c.behaviour_on,
            reported_on: c.reported_on,
            reported_to: c.reported_to.clone(),
            hate: c.hate,
            youth: c.youth,
            verdict: statutory.verdicts[i].clone(),
            local: local
                .iter()
                .map(|r| RouteVerdict {
                    route: r.result.route,
                    verdict: r.verdicts[i].clone(),
                })
                .collect(),
        })
        .collect();
    let youth = timeline
        .iter()
        .any(|e| e.youth && (e.verdict.counts() || e.local.iter().any(|v| v.verdict.counts())));
    let mut routes = vec![statutory.result];
    routes.extend(local.into_iter().map(|r| r.result));
    Assessment {
        met,
        route,
        routes,
        timeline,
        no_effective_action: no_effective_action_believed,
        no_effective_action_required: rules.requires_no_effective_action,
        youth,
    }
}

/// The earlier application this one repeats, if any: the latest of
/// `earlier` within the window before `applied_on`. A victim applying again
/// about the same behaviour is a sign the first review did not resolve it
/// (DOMAIN.md 4 item 2), so the coordinator is told which one.
pub fn repeat_application(
    earlier: &[Date],
    applied_on: Date,
    rules: &TriggerRules,
) -> Option<Date> {
    latest_within(earlier, applied_on, rules.window_months)
}

/// The earlier complaint that makes the one reported on `reported_on` a
/// second complaint within the window, if any: the Victims' Commissioner
/// recommends telling such a victim of their right to a case review
/// (DOMAIN.md 4 item 2).
pub fn second_complaint(earlier: &[Date], reported_on: Date, rules: &TriggerRules) -> Option<Date> {
    latest_within(earlier, reported_on, rules.window_months)
}

/// The latest of `earlier` on or before `on` with `on` no more than
/// `months` months after it.
fn latest_within(earlier: &[Date], on: Date, months: u32) -> Option<Date> {
    earlier
        .iter()
        .copied()
        .filter(|e| *e <= on && months_after(*e, months).is_none_or(|until| on <= until))
        .max()
}

/// The windows a route counts a complaint in.
#[derive(Debug, Clone, Copy)]
struct Windows {
    applied_on: Date,
    /// Months after the behaviour the complaint must be made within; `None`
    /// when the route sets no such limit.
    report_within: Option<u32>,
    /// Months after the complaint the application must be made within.
    window: u32,
}

impl Windows {
    /// Why `c` is out of the windows, or `None` when it is in them.
    fn rule_out(&self, c: &Complaint) -> Option<Verdict> {
        if c.reported_on < c.behaviour_on {
            return Some(Verdict::ReportedBeforeBehaviour);
        }
        if c.reported_on > self.applied_on {
            return Some(Verdict::AfterApplication);
        }
        // "One month" is a calendar month: on or before the same day next
        // month, its last day when shorter (behaviour on 31 January, reported
        // by 28 or 29 February). A limit past the calendar's end cannot be
        // reached, so it never rules out.
        if let Some(months) = self.report_within
            && let Some(within_by) = months_after(c.behaviour_on, months)
            && c.reported_on > within_by
        {
            return Some(Verdict::ReportedTooLate { within_by });
        }
        if let Some(counted_until) = months_after(c.reported_on, self.window)
            && self.applied_on > counted_until
        {
            return Some(Verdict::TooOldForApplication { counted_until });
        }
        None
    }
}

fn months_after(d: Date, months: u32) -> Option<Date> {
    d.plus_months(i32::try_from(months).ok()?)
}

/// A route tried: its result and a verdict per complaint, in timeline
/// order.
struct Tried {
    result: RouteResult,
    verdicts: Vec<Verdict>,
}

/// A route that counts the complaints `rule_out` leaves in, the reports
/// of one incident once when `once`: a later report of an incident already
/// counted is [`Verdict::SameIncidentAs`] its first.
fn count_route(
    route: Route,
    needed: u32,
    sorted: &[&Complaint],
    once: bool,
    rule_out: impl Fn(&Complaint) -> Option<Verdict>,
) -> Tried {
    let mut firsts: Vec<(&str, &str)> = Vec::new();
    let verdicts: Vec<Verdict> = sorted
        .iter()
        .map(|c| {
            if let Some(out) = rule_out(c) {
                return out;
            }
            let Some(incident) = c.incident.as_deref().filter(|_| once) else {
                return Verdict::Counts;
            };
            if let Some((_, first)) = firsts.iter().find(|(i, _)| *i == incident) {
                return Verdict::SameIncidentAs {
                    first: (*first).to_owned(),
                };
            }
            firsts.push((incident, &c.id));
            Verdict::Counts
        })
        .collect();
    let counted = count(&verdicts);
    Tried {
        result: RouteResult {
            route,
            needed,
            counted,
            met: counted >= needed,
            about: None,
        },
        verdicts,
    }
}

fn count(verdicts: &[Verdict]) -> u32 {
    u32::try_from(verdicts.iter().filter(|v| v.counts()).count()).unwrap_or(u32::MAX)
}

/// Individuals complaining separately about one incident: per incident,
/// the distinct complainants in the windows. A report with no incident key
/// is its own incident, so it stands alone.
fn individuals(needed: u32, sorted: &[&Complaint], windows: Windows) -> Tried {
    let mut groups: Vec<Group> = Vec::new();
    // (the group, the complainant, the id of their first report in it)
    let mut seen: Vec<(GroupKey, &str, &str)> = Vec::new();
    let verdicts: Vec<Verdict> = sorted
        .iter()
        .map(|c| {
            if let Some(out) = windows.rule_out(c) {
                return out;
            }
            let Some(who) = c.complainant.as_deref() else {
                return Verdict::NoComplainant;
            };
            let key = match c.incident.as_deref() {
                Some(incident) => GroupKey::Named(incident),
                None => GroupKey::Own(&c.id),
            };
            if let Some((_, _, first)) = seen.iter().find(|(k, w, _)| *k == key && *w == who) {
                return Verdict::SameComplainantAs {
                    first: (*first).to_owned(),
                };
            }
            seen.push((key, who, &c.id));
            add(&mut groups, key);
            Verdict::Counts
        })
        .collect();
    grouped(Route::Individuals, needed, &groups, verdicts)
}

/// Reports about one location in the window, the reports of one incident
/// once when `once`.
fn location(needed: u32, sorted: &[&Complaint], windows: Windows, once: bool) -> Tried {
    let tried = count_route(Route::Location, needed, sorted, once, |c| {
        windows
            .rule_out(c)
            .or_else(|| c.location.is_none().then_some(Verdict::NoLocation))
    });
    let mut groups: Vec<Group> = Vec::new();
    for (c, v) in sorted.iter().zip(&tried.verdicts) {
        if let (true, Some(place)) = (v.counts(), c.location.as_deref()) {
            add(&mut groups, GroupKey::Named(place));
        }
    }
    grouped(Route::Location, needed, &groups, tried.verdicts)
}

/// What a per-group route counts by: an incident or location key, or a
/// report that has no incident key and so is its own incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupKey<'a> {
    Named(&'a str),
    Own(&'a str),
}

/// The complaints counted for a group, in the order groups are first met.
struct Group<'a> {
    key: GroupKey<'a>,
    counted: u32,
}

fn add<'a>(groups: &mut Vec<Group<'a>>, key: GroupKey<'a>) {
    match groups.iter_mut().find(|g| g.key == key) {
        Some(g) => g.counted += 1,
        None => groups.push(Group { key, counted: 1 }),
    }
}

/// The result of a route that counts per group: the largest group, the
/// first of equals in timeline order.
fn grouped(route: Route, needed: u32, groups: &[Group], verdicts: Vec<Verdict>) -> Tried {
    let best = groups.iter().fold(None::<&Group>, |best, g| match best {
        Some(b) if b.counted >= g.counted => Some(b),
        _ => Some(g),
    });
    let counted = best.map_or(0, |b| b.counted);
    let about = best.and_then(|b| match b.key {
        GroupKey::Named(key) => Some(key.to_owned()),
        GroupKey::Own(_) => None,
    });
    Tried {
        result: RouteResult {
            route,
            needed,
            counted,
            met: counted >= needed,
            about,
        },
        verdicts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn complaint(id: &str, behaviour_on: &str, reported_on: &str) -> Complaint {
        Complaint::new(id, d(behaviour_on), d(reported_on), "police")
    }

    fn of(incident: &str, c: Complaint) -> Complaint {
        Complaint {
            incident: Some(incident.into()),
            ..c
        }
    }

    fn statutory(a: &Assessment) -> &RouteResult {
        a.route_result(Route::Statutory).unwrap()
    }

    fn verdict<'a>(a: &'a Assessment, id: &str) -> &'a Verdict {
        &a.timeline
            .iter()
            .find(|e| e.complaint == id)
            .unwrap()
            .verdict
    }

    #[test]
    fn the_llr_preset_holds_together_and_is_the_default() {
        let r = TriggerRules::default();
        assert_eq!(r, TriggerRules::llr());
        r.check().unwrap();
        TriggerRules::oadby_and_wigston().check().unwrap();
        assert_eq!(r.local_complaints, 3);
        assert!(r.hate_route && r.hate_incidents == 1 && r.requires_no_effective_action);
        assert_eq!(r.timescales.acknowledge, TimeLimit::working(1));
        assert_eq!(r.appeal_to, AppealTo::IndependentChair);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<TriggerRules>(&json).unwrap(), r);
        let partial: TriggerRules = serde_json::from_str(r#"{"local_complaints":2}"#).unwrap();
        assert_eq!(partial.local_complaints, 2);
        assert!(partial.hate_route);
        assert!(serde_json::from_str::<TriggerRules>(r#"{"complaints":2}"#).is_err());
        let appeal: AppealTo = serde_json::from_str(r#""police_and_crime_commissioner""#).unwrap();
        assert_eq!(appeal, AppealTo::PoliceAndCrimeCommissioner);
    }

    #[test]
    fn a_complaint_counts_up_to_one_calendar_month_after_the_behaviour() {
        let rules = TriggerRules::llr();
        let applied = d("2024-04-20");
        let a = assess(
            applied,
            true,
            &[
                complaint("edge", "2024-03-05", "2024-04-05"),
                complaint("late", "2024-03-05", "2024-04-06"),
                complaint("leap", "2024-01-31", "2024-02-29"),
                complaint("leap-late", "2024-01-31", "2024-03-01"),
            ],
            &rules,
        );
        assert_eq!(verdict(&a, "edge"), &Verdict::Counts);
        assert_eq!(
            verdict(&a, "late"),
            &Verdict::ReportedTooLate {
                within_by: d("2024-04-05")
            }
        );
        assert_eq!(verdict(&a, "leap"), &Verdict::Counts);
        assert_eq!(
            verdict(&a, "leap-late"),
            &Verdict::ReportedTooLate {
                within_by: d("2024-02-29")
            }
        );
        // In a common year, 31 January's month ends on 28 February.
        let a = assess(
            d("2023-03-10"),
            true,
            &[complaint("x", "2023-01-31", "2023-03-01")],
            &rules,
        );
        assert_eq!(
            verdict(&a, "x"),
            &Verdict::ReportedTooLate {
                within_by: d("2023-02-28")
            }
        );
    }

    #[test]
    fn the_application_counts_a_complaint_up_to_six_months_after_it() {
        let rules = TriggerRules::llr();
        let complaints = [complaint("c", "2024-01-05", "2024-01-10")];
        let a = assess(d("2024-07-10"), true, &complaints, &rules);
        assert_eq!(verdict(&a, "c"), &Verdict::Counts);
        let a = assess(d("2024-07-11"), true, &complaints, &rules);
        assert_eq!(
            verdict(&a, "c"),
            &Verdict::TooOldForApplication {
                counted_until: d("2024-07-10")
            }
        );
        // From 31 August, six months end on the last day of February.
        let complaints = [complaint("c", "2024-08-31", "2024-08-31")];
        let a = assess(d("2025-02-28"), true, &complaints, &rules);
        assert_eq!(verdict(&a, "c"), &Verdict::Counts);
        let a = assess(d("2025-03-01"), true, &complaints, &rules);
        assert!(!verdict(&a, "c").counts());
    }

    #[test]
    fn one_incident_reported_to_three_agencies_counts_once() {
        let reports: Vec<Complaint> = ["police", "council", "housing"]
            .iter()
            .enumerate()
            .map(|(i, agency)| Complaint {
                reported_to: (*agency).into(),
                ..of(
                    "noise-12-may",
                    complaint(&format!("r{i}"), "2024-05-12", "2024-05-13"),
                )
            })
            .collect();
        let a = assess(d("2024-06-01"), true, &reports, &TriggerRules::llr());
        assert!(!a.met);
        assert_eq!(statutory(&a).counted, 1);
        assert_eq!(a.route_result(Route::Local).unwrap().counted, 1);
        assert_eq!(verdict(&a, "r0"), &Verdict::Counts);
        for id in ["r1", "r2"] {
            assert_eq!(
                verdict(&a, id),
                &Verdict::SameIncidentAs { first: "r0".into() }
            );
        }
        // A procedure that counts each report: three locally, still one for
        // the Act.
        let each = TriggerRules {
            same_incident_once: false,
            ..TriggerRules::llr()
        };
        let a = assess(d("2024-06-01"), true, &reports, &each);
        assert_eq!(statutory(&a).counted, 1);
        assert_eq!(a.route, Some(Route::Local));
    }

    #[test]
    fn different_incidents_on_one_day_count_separately() {
        let applied = d("2024-06-01");
        let rules = TriggerRules::llr();
        // Keys that differ.
        let keyed = [
            of("a", complaint("1", "2024-05-12", "2024-05-12")),
            of("b", complaint("2", "2024-05-12", "2024-05-12")),
            of("c", complaint("3", "2024-05-12", "2024-05-12")),
        ];
        // No keys: each report its own incident.
        let unkeyed = [
            complaint("1", "2024-05-12", "2024-05-12"),
            complaint("2", "2024-05-12", "2024-05-12"),
            complaint("3", "2024-05-12", "2024-05-12"),
        ];
        for complaints in [&keyed, &unkeyed] {
            let a = assess(applied, false, complaints, &rules);
            assert_eq!(statutory(&a).counted, 3);
            assert!(a.met);
            assert_eq!(a.route, Some(Route::Statutory));
        }
    }

    #[test]
    fn a_local_threshold_of_two_is_met_where_the_statutory_is_not() {
        let rules = TriggerRules {
            local_complaints: 2,
            ..TriggerRules::llr()
        };
        let complaints = [
            complaint("1", "2024-04-01", "2024-04-02"),
            complaint("2", "2024-05-01", "2024-05-02"),
        ];
        let a = assess(d("2024-06-01"), true, &complaints, &rules);
        assert!(!statutory(&a).met);
        assert!(a.route_result(Route::Local).unwrap().met);
        assert!(a.met);
        assert_eq!(a.route, Some(Route::Local));
        // Without the applicant's belief that nothing effective was done,
        // the local route does not meet it.
        let a = assess(d("2024-06-01"), false, &complaints, &rules);
        assert!(!a.met && a.route.is_none());
        assert!(a.waits_on_no_effective_action());
        let relaxed = TriggerRules {
            requires_no_effective_action: false,
            ..rules.clone()
        };
        assert!(assess(d("2024-06-01"), false, &complaints, &relaxed).met);
        // A longer local window counts what the Act's does not.
        let longer = TriggerRules {
            window_months: 12,
            ..rules
        };
        let old = [
            complaint("1", "2023-09-01", "2023-09-02"),
            complaint("2", "2024-05-01", "2024-05-02"),
        ];
        let a = assess(d("2024-06-01"), true, &old, &longer);
        assert!(!verdict(&a, "1").counts());
        assert_eq!(
            a.timeline[0].verdict_on(Route::Local),
            Some(&Verdict::Counts)
        );
        assert_eq!(a.route, Some(Route::Local));
    }

    #[test]
    fn the_statutory_three_cannot_be_raised_nor_its_windows_narrowed() {
        let with = |f: fn(&mut TriggerRules)| {
            let mut r = TriggerRules::llr();
            f(&mut r);
            r.check()
        };
        let e = with(|r| r.local_complaints = 4).unwrap_err();
        assert!(e.contains("more than the statutory 3"), "{e}");
        assert!(with(|r| r.local_complaints = 0).is_err());
        assert!(with(|r| r.local_complaints = 1).is_ok());
        assert!(
            with(|r| r.window_months = 5)
                .unwrap_err()
                .contains("s104(11)(b)")
        );
        assert!(with(|r| r.window_months = 12).is_ok());
        assert!(with(|r| r.window_months = 121).is_err());
        assert!(
            with(|r| r.report_within_months = 0)
                .unwrap_err()
                .contains("s104(11)(a)")
        );
        assert!(with(|r| r.hate_incidents = 0).is_err());
        assert!(with(|r| r.individuals_route = Some(0)).is_err());
        assert!(
            with(|r| r.location_route = Some(LocationRoute {
                reports: 5,
                months: 0
            }))
            .is_err()
        );
    }

    #[test]
    fn one_hate_incident_meets_the_llr_threshold() {
        let hate = Complaint {
            hate: true,
            ..complaint("h", "2024-05-01", "2024-05-01")
        };
        let other = complaint("o", "2024-05-02", "2024-05-02");
        let a = assess(
            d("2024-06-01"),
            true,
            &[hate.clone(), other],
            &TriggerRules::llr(),
        );
        assert!(a.met);
        assert_eq!(a.route, Some(Route::Hate));
        let hate_route = a.route_result(Route::Hate).unwrap();
        assert_eq!((hate_route.needed, hate_route.counted), (1, 1));
        assert_eq!(
            a.timeline[1].verdict_on(Route::Hate),
            Some(&Verdict::NotHate)
        );
        // Still needing the report within a month of the incident, and
        // needing the belief that no effective action was taken.
        let late = Complaint {
            behaviour_on: d("2024-04-01"),
            reported_on: d("2024-05-15"),
            ..hate.clone()
        };
        assert!(!assess(d("2024-06-01"), true, &[late], &TriggerRules::llr()).met);
        let a = assess(
            d("2024-06-01"),
            false,
            std::slice::from_ref(&hate),
            &TriggerRules::llr(),
        );
        assert!(!a.met && a.waits_on_no_effective_action());
        // Not a route where the procedure has none.
        let none = TriggerRules {
            hate_route: false,
            ..TriggerRules::llr()
        };
        let a = assess(d("2024-06-01"), true, &[hate], &none);
        assert!(!a.met && a.route_result(Route::Hate).is_none());
    }

    #[test]
    fn the_statutory_route_needs_no_belief_about_the_action_taken() {
        let complaints = [
            complaint("1", "2024-03-01", "2024-03-01"),
            complaint("2", "2024-04-01", "2024-04-01"),
            complaint("3", "2024-05-01", "2024-05-01"),
        ];
        let a = assess(d("2024-06-01"), false, &complaints, &TriggerRules::llr());
        assert!(a.met);
        assert_eq!(a.route, Some(Route::Statutory));
        assert!(!a.no_effective_action && a.no_effective_action_required);
        assert!(!a.waits_on_no_effective_action());
    }

    #[test]
    fn complaints_after_the_application_or_before_the_behaviour_are_left_out() {
        let complaints = [
            complaint("1", "2024-05-01", "2024-05-01"),
            complaint("2", "2024-05-10", "2024-05-10"),
            complaint("after", "2024-05-30", "2024-06-02"),
            complaint("backwards", "2024-05-20", "2024-05-19"),
        ];
        let a = assess(d("2024-06-01"), true, &complaints, &TriggerRules::llr());
        assert!(!a.met);
        assert_eq!(statutory(&a).counted, 2);
        assert_eq!(verdict(&a, "after"), &Verdict::AfterApplication);
        assert_eq!(verdict(&a, "backwards"), &Verdict::ReportedBeforeBehaviour);
        // The timeline runs by the behaviour's date.
        let order: Vec<&str> = a.timeline.iter().map(|e| e.complaint.as_str()).collect();
        assert_eq!(order, ["1", "2", "backwards", "after"]);
    }

    #[test]
    fn three_individuals_about_one_incident_meet_the_oadby_and_wigston_route() {
        let by = |id: &str, who: Option<&str>| Complaint {
            complainant: who.map(str::to_owned),
            ..of("party", complaint(id, "2024-05-04", "2024-05-05"))
        };
        let rules = TriggerRules::oadby_and_wigston();
        let complaints = [
            by("1", Some("resident-a")),
            by("2", Some("resident-b")),
            by("3", Some("resident-a")),
            by("4", None),
        ];
        let a = assess(d("2024-06-01"), true, &complaints, &rules);
        let route = a.route_result(Route::Individuals).unwrap();
        assert_eq!((route.counted, route.met), (2, false));
        assert_eq!(route.about.as_deref(), Some("party"));
        assert_eq!(
            a.timeline[2].verdict_on(Route::Individuals),
            Some(&Verdict::SameComplainantAs { first: "1".into() })
        );
        assert_eq!(
            a.timeline[3].verdict_on(Route::Individuals),
            Some(&Verdict::NoComplainant)
        );
        assert!(!a.met);
        let mut more = complaints.to_vec();
        more.push(by("5", Some("resident-c")));
        let a = assess(d("2024-06-01"), true, &more, &rules);
        assert!(a.met);
        assert_eq!(a.route, Some(Route::Individuals));
    }

    #[test]
    fn five_reports_about_one_location_in_six_months_meet_the_ribble_valley_route() {
        let rules = TriggerRules {
            location_route: Some(LocationRoute {
                reports: 5,
                months: 6,
            }),
            ..TriggerRules::llr()
        };
        let at = |id: &str, on: &str, place: Option<&str>| Complaint {
            location: place.map(str::to_owned),
            ..complaint(id, on, on)
        };
        let mut complaints = vec![
            // Reported late for the Act, but the location route counts it.
            Complaint {
                location: Some("park".into()),
                ..complaint("1", "2024-01-01", "2024-03-01")
            },
            at("2", "2024-03-10", Some("park")),
            at("3", "2024-04-10", Some("park")),
            at("4", "2024-05-10", Some("park")),
            at("5", "2024-05-11", Some("shops")),
            at("6", "2024-05-12", None),
        ];
        let a = assess(d("2024-06-01"), true, &complaints, &rules);
        let route = a.route_result(Route::Location).unwrap();
        assert_eq!((route.counted, route.about.as_deref()), (4, Some("park")));
        assert_eq!(
            a.timeline[5].verdict_on(Route::Location),
            Some(&Verdict::NoLocation)
        );
        assert_eq!(
            a.timeline[0].verdict_on(Route::Location),
            Some(&Verdict::Counts)
        );
        assert!(!route.met);
        complaints.push(at("7", "2024-05-20", Some("park")));
        let a = assess(d("2024-06-01"), true, &complaints, &rules);
        assert!(a.met);
        assert_eq!(a.route, Some(Route::Statutory));
        assert!(a.route_result(Route::Location).unwrap().met);
    }

    #[test]
    fn youth_asb_is_flagged_only_from_a_complaint_that_counted() {
        let young = |c: Complaint| Complaint { youth: true, ..c };
        let rules = TriggerRules::llr();
        let a = assess(
            d("2024-06-01"),
            true,
            &[young(complaint("late", "2024-01-01", "2024-03-01"))],
            &rules,
        );
        assert!(!a.youth);
        let a = assess(
            d("2024-06-01"),
            true,
            &[young(complaint("ok", "2024-05-01", "2024-05-01"))],
            &rules,
        );
        assert!(a.youth);
    }

    #[test]
    fn a_second_application_or_complaint_within_six_months_is_flagged() {
        let rules = TriggerRules::llr();
        let earlier = [d("2023-06-01"), d("2024-01-10"), d("2024-03-01")];
        assert_eq!(
            repeat_application(&earlier, d("2024-07-10"), &rules),
            Some(d("2024-03-01"))
        );
        assert_eq!(
            repeat_application(&earlier[..2], d("2024-07-10"), &rules),
            Some(d("2024-01-10"))
        );
        assert_eq!(
            repeat_application(&earlier[..2], d("2024-07-11"), &rules),
            None
        );
        // An application dated later is not an earlier one.
        assert_eq!(
            repeat_application(&[d("2024-08-01")], d("2024-07-10"), &rules),
            None
        );
        assert_eq!(
            second_complaint(&[d("2024-05-01")], d("2024-05-20"), &rules),
            Some(d("2024-05-01"))
        );
        assert_eq!(second_complaint(&[], d("2024-05-20"), &rules), None);
    }

    #[test]
    fn the_timescales_fall_due_from_the_application_and_the_acceptance() {
        let t = TriggerRules::llr().timescales;
        let ew = BankHolidays::england_and_wales();
        // Applied on the Thursday before Easter 2024.
        let applied = d("2024-03-28");
        assert_eq!(t.acknowledge_by(applied, &ew), Ok(d("2024-04-02")));
        assert_eq!(t.decision_by(applied, &ew), Ok(d("2024-04-11")));
        assert_eq!(t.review_by(d("2024-04-11"), &ew), Ok(d("2024-05-09")));
    }

    #[test]
    fn the_assessment_serialises_as_data() {
        let a = assess(
            d("2024-06-01"),
            true,
            &[complaint("late", "2024-01-01", "2024-03-01")],
            &TriggerRules::llr(),
        );
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json["timeline"][0]["verdict"],
            serde_json::json!({"verdict": "reported_too_late", "within_by": "2024-02-01"})
        );
        assert_eq!(json["routes"][0]["route"], "statutory");
        assert_eq!(Verdict::NotHate.label(), "Not a hate incident");
        assert_eq!(Route::Hate.label(), "Hate incident");
    }

    // Strategies: complaints over a year and a half, with few keys so that
    // incidents, complainants and locations collide.

    fn day() -> impl Strategy<Value = Date> {
        (0i64..540).prop_map(|n| d("2023-07-01").plus_days(n).unwrap())
    }

    fn key(prefix: &'static str) -> impl Strategy<Value = Option<String>> {
        proptest::option::of((0u8..4).prop_map(move |k| format!("{prefix}{k}")))
    }

    fn any_complaint() -> impl Strategy<Value = Complaint> {
        (
            day(),
            -5i64..70,
            key("incident-"),
            key("person-"),
            key("place-"),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(behaviour_on, after, incident, complainant, location, hate, youth)| Complaint {
                    id: String::new(),
                    behaviour_on,
                    reported_on: behaviour_on.plus_days(after).unwrap(),
                    reported_to: "police".into(),
                    incident,
                    complainant,
                    location,
                    hate,
                    youth,
                },
            )
    }

    fn complaints(n: usize) -> impl Strategy<Value = Vec<Complaint>> {
        proptest::collection::vec(any_complaint(), 0..n).prop_map(|mut cs| {
            for (i, c) in cs.iter_mut().enumerate() {
                c.id = format!("c{i}");
            }
            cs
        })
    }

    /// Rules of every shape, valid or not; tests that need valid ones
    /// filter on `check`.
    fn any_rules() -> impl Strategy<Value = TriggerRules> {
        (
            (0u32..5, 5u32..14, 0u32..3),
            (any::<bool>(), 0u32..3, any::<bool>()),
            proptest::option::of(0u32..4),
            proptest::option::of((0u32..6, 0u32..12)),
            any::<bool>(),
        )
            .prop_map(
                |(
                    (local_complaints, window_months, report_within_months),
                    (hate_route, hate_incidents, same_incident_once),
                    individuals_route,
                    location,
                    requires_no_effective_action,
                )| TriggerRules {
                    local_complaints,
                    window_months,
                    report_within_months,
                    hate_route,
                    hate_incidents,
                    same_incident_once,
                    individuals_route,
                    location_route: location
                        .map(|(reports, months)| LocationRoute { reports, months }),
                    requires_no_effective_action,
                    ..TriggerRules::llr()
                },
            )
    }

    /// Rules that pass `check`: [`any_rules`] with each setting brought
    /// to its nearest allowed value, so the edges are often tried.
    fn valid_rules() -> impl Strategy<Value = TriggerRules> {
        any_rules().prop_map(|r| TriggerRules {
            local_complaints: r.local_complaints.clamp(1, STATUTORY_COMPLAINTS),
            window_months: r.window_months.max(STATUTORY_WINDOW_MONTHS),
            report_within_months: r.report_within_months.max(1),
            hate_incidents: r.hate_incidents.max(1),
            individuals_route: r.individuals_route.map(|n| n.max(1)),
            location_route: r.location_route.map(|l| LocationRoute {
                reports: l.reports.max(1),
                months: l.months.max(1),
            }),
            ..r
        })
    }

    proptest! {
        /// No setting raises the Act's three: three complaints of distinct
        /// incidents, each within a month of its behaviour and within six
        /// months of the application, meet the threshold whatever else is
        /// there and whatever the applicant believes.
        #[test]
        fn the_statutory_three_are_never_raised(
            rules in valid_rules(),
            applied in day(),
            three in proptest::collection::vec((0i64..=180, 0i64..=27, any::<bool>()), 3..6),
            noise in complaints(8),
            believed: bool,
        ) {
            prop_assert_eq!(rules.check(), Ok(()));
            let mut all = noise;
            for (i, (before, delay, keyed)) in three.iter().enumerate() {
                let reported_on = applied.plus_days(-before).unwrap();
                let mut c = Complaint::new(
                    format!("q{i}"),
                    reported_on.plus_days(-delay).unwrap(),
                    reported_on,
                    "council",
                );
                c.incident = keyed.then(|| format!("qualifying-{i}"));
                all.push(c);
            }
            let a = assess(applied, believed, &all, &rules);
            prop_assert!(a.met);
            prop_assert_eq!(a.route, Some(Route::Statutory));
        }

        /// A complaint more never undoes a threshold met.
        #[test]
        fn a_complaint_more_never_undoes_the_threshold(
            rules in any_rules(),
            applied in day(),
            cs in complaints(10),
            extra in any_complaint(),
            believed: bool,
        ) {
            let before = assess(applied, believed, &cs, &rules);
            let mut more = cs;
            more.push(Complaint { id: "extra".into(), ..extra });
            let after = assess(applied, believed, &more, &rules);
            prop_assert!(!before.met || after.met);
            for (b, a) in before.routes.iter().zip(&after.routes) {
                prop_assert!(a.counted >= b.counted);
            }
        }

        /// Every complaint is on the timeline exactly once, in order, with a
        /// verdict for each local route tried.
        #[test]
        fn every_complaint_is_on_the_timeline_once(
            rules in any_rules(),
            applied in day(),
            cs in complaints(12),
        ) {
            let a = assess(applied, true, &cs, &rules);
            prop_assert_eq!(a.timeline.len(), cs.len());
            for c in &cs {
                prop_assert_eq!(a.timeline.iter().filter(|e| e.complaint == c.id).count(), 1);
            }
            for w in a.timeline.windows(2) {
                prop_assert!((w[0].behaviour_on, w[0].reported_on) <= (w[1].behaviour_on, w[1].reported_on));
            }
            for e in &a.timeline {
                prop_assert_eq!(e.local.len(), a.routes.len() - 1);
            }
        }

        /// The statutory count is the number of complaints the timeline
        /// says counted for it, and each local count is at most its own.
        #[test]
        fn the_statutory_count_is_the_timeline_s(
            rules in any_rules(),
            applied in day(),
            cs in complaints(12),
        ) {
            let a = assess(applied, true, &cs, &rules);
            let counts = a.timeline.iter().filter(|e| e.verdict.counts()).count();
            prop_assert_eq!(counts, statutory(&a).counted as usize);
            prop_assert_eq!(statutory(&a).met, counts >= 3);
            for r in &a.routes[1..] {
                let n = a.timeline.iter().filter(|e| e.verdict_on(r.route).is_some_and(Verdict::counts)).count();
                prop_assert!(r.counted as usize <= n);
            }
        }
    }
}
