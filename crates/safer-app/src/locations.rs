//! Locations on cases: adding one (an address, and the police.uk place it
//! stands at, found among the places of the partnership's district), and
//! a location's file: its cases, the incidents recorded on them, the
//! police.uk records at its place, and whether it is a repeat location by
//! the partnership's rule.

use safer_analysis::{PlaceFound, PlaceMonth};
use safer_domain::casework::chronology::EventKind;
use safer_domain::casework::location::{Location, Place};
use safer_domain::{CaseId, Category, Date, LocationId, Month};

use crate::casework::{CASE_READERS, CASE_WORKERS, CaseSummary};
use crate::{Actor, App, AppError};

/// The police.uk records at a place within a window of months, and the
/// window (latest month held, first month counted).
type PoliceUkWindow = (Vec<PlaceMonth>, Option<(Month, Month)>);

/// How many places a search shows.
const PLACES_SHOWN: usize = 30;

/// Everything a reader may see of a location.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationFile {
    pub id: LocationId,
    pub location: Location,
    pub cases: Vec<CaseSummary>,
    /// Incidents recorded on its cases within the repeat window.
    pub case_incidents: Vec<(CaseId, Date, String)>,
    pub repeat_by_cases: bool,
    /// The police.uk records at its place, by month, within the months of
    /// the repeat rule ending with the latest month held.
    pub police_uk: Vec<PlaceMonth>,
    /// The latest month police.uk data is held for, and the first of the
    /// window.
    pub window: Option<(Month, Month)>,
    /// Anti-social behaviour records at the place in that window.
    pub police_uk_asb: u32,
    pub repeat_by_police_uk: bool,
}

impl App {
    /// The police.uk places of the partnership's district whose location
    /// text holds `text` ("park road"), the busiest first, for a caseworker
    /// choosing a case's location.
    pub fn find_places(&self, actor: &Actor, text: &str) -> Result<Vec<PlaceFound>, AppError> {
        actor.require(CASE_WORKERS)?;
        let Some(district) = self.default_district()? else {
            return Ok(Vec::new());
        };
        Ok(self.dir()?.find_places(&district, text, PLACES_SHOWN)?)
    }

    /// Adds a location to a case the actor may see, for a caseworker or
    /// coordinator; audited as `add_case_location`.
    pub async fn add_case_location(
        &self,
        actor: &Actor,
        case: CaseId,
        location: &Location,
    ) -> Result<LocationId, AppError> {
        actor.require(CASE_WORKERS)?;
        let scope = self
            .case_scope(actor)
            .ok_or_else(|| AppError::NotFound(format!("There is no case {case}.")))?;
        if location.address.trim().is_empty() {
            return Err(AppError::Invalid("Enter the address.".into()));
        }
        let audit = actor.audit(
            "add_case_location",
            &format!("case {case}"),
            if location.place.is_some() {
                "with its police.uk place"
            } else {
                "an address"
            },
        );
        match self
            .db
            .add_case_location(case, &scope, location, &actor.name(), &audit)
            .await
        {
            Err(safer_store::DbError::NotFound(_)) => {
                Err(AppError::NotFound(format!("There is no case {case}.")))
            }
            other => Ok(other?),
        }
    }

    /// A location's file, for a reader who may see a case it is on (else
    /// not found); audited as `view_location`.
    pub async fn location(&self, actor: &Actor, id: LocationId) -> Result<LocationFile, AppError> {
        actor.require(CASE_READERS)?;
        let missing = || AppError::NotFound(format!("There is no location {id}."));
        let scope = self.case_scope(actor).ok_or_else(missing)?;
        let (_, location) = self
            .db
            .locations_in_scope(&scope, None, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(missing)?;
        let case_ids = self.db.cases_at(id, &scope).await?;
        let cases: Vec<CaseSummary> = self
            .cases_in(&scope)
            .await?
            .into_iter()
            .filter(|c| case_ids.contains(&c.case.id))
            .collect();
        let rule = self.casework().repeat_location;
        let today = self.today();
        let start = rule.window_start(today);
        let case_incidents: Vec<(CaseId, Date, String)> = self
            .db
            .case_events(&scope, None)
            .await?
            .into_iter()
            .filter(|e| case_ids.contains(&e.case_id) && e.event.kind == EventKind::Incident)
            .filter(|e| e.event.on >= start && e.event.on <= today)
            .map(|e| (e.case_id, e.event.on, e.event.text))
            .collect();
        let dates: Vec<Date> = case_incidents.iter().map(|i| i.1).collect();
        let repeat_by_cases = rule.is_repeat(&dates, today);
        let (police_uk, window) = match &location.place {
            Some(place) => self.police_uk_window(place, rule.months)?,
            None => (Vec::new(), None),
        };
        let police_uk_asb: u32 = police_uk
            .iter()
            .map(|m| {
                m.by_category
                    .get(&Category::AntiSocialBehaviour)
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        self.db
            .audit(&actor.audit("view_location", &format!("location {id}"), ""))
            .await?;
        Ok(LocationFile {
            id,
            location,
            cases,
            case_incidents,
            repeat_by_cases,
            repeat_by_police_uk: rule.incidents > 0 && police_uk_asb >= rule.incidents,
            police_uk,
            window,
            police_uk_asb,
        })
    }

    /// The police.uk records at a place in the `months` months ending with
    /// the latest month held for its district.
    fn police_uk_window(&self, place: &Place, months: u32) -> Result<PoliceUkWindow, AppError> {
        let dir = self.dir()?;
        let district = safer_analysis::district_of_lsoa_name(&place.lsoa_name).unwrap_or("");
        let latest = dir
            .crimes()?
            .entries()?
            .iter()
            .filter(|e| e.districts.iter().any(|d| d.eq_ignore_ascii_case(district)))
            .map(|e| e.month)
            .max();
        let Some(latest) = latest else {
            return Ok((Vec::new(), None));
        };
        let back = i32::try_from(months.saturating_sub(1)).unwrap_or(i32::MAX);
        let first = latest.plus(-back);
        let records = dir
            .records_at(place)?
            .into_iter()
            .filter(|m| m.month >= first && m.month <= latest)
            .collect();
        Ok((records, Some((latest, first))))
    }
}
