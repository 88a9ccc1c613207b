//! Locations on cases, read through the caller's [`CaseScope`]: a
//! location is found only through a case in the scope.

use safer_domain::casework::access::CaseScope;
use safer_domain::casework::location::{Location, Place};
use safer_domain::{CaseId, LocationId};
use sqlx::Row;

use super::audit::{AuditEntry, append};
use super::cases::{scope_params, scope_sql};
use super::{Database, DbError};

fn location_of(r: &sqlx::any::AnyRow) -> Result<(LocationId, Location), DbError> {
    let street: Option<String> = r.try_get(2)?;
    let code: Option<String> = r.try_get(3)?;
    let name: Option<String> = r.try_get(4)?;
    let place = match (street, code, name) {
        (Some(street), Some(lsoa_code), Some(lsoa_name)) => Some(Place {
            street,
            lsoa_code,
            lsoa_name,
        }),
        _ => None,
    };
    Ok((
        LocationId::from_stored(r.try_get(0)?),
        Location {
            address: r.try_get(1)?,
            place,
        },
    ))
}

impl Database {
    /// Adds a location to a case in the scope (else not found), with the
    /// audit entry, in one transaction.
    pub async fn add_case_location(
        &self,
        case: CaseId,
        scope: &CaseScope,
        l: &Location,
        created_by: &str,
        audit: &AuditEntry,
    ) -> Result<LocationId, DbError> {
        let mut tx = self.pool.begin().await?;
        if !self.case_visible(&mut tx, case, scope).await? {
            return Err(DbError::NotFound(format!("case {case}")));
        }
        let p = l.place.as_ref();
        let row = sqlx::query(
            "INSERT INTO locations (address, street, lsoa_code, lsoa_name, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&l.address)
        .bind(p.map(|p| p.street.clone()))
        .bind(p.map(|p| p.lsoa_code.clone()))
        .bind(p.map(|p| p.lsoa_name.clone()))
        .bind(created_by)
        .bind(self.now_text())
        .fetch_one(&mut *tx)
        .await?;
        let id = LocationId::from_stored(row.try_get(0)?);
        sqlx::query("INSERT INTO case_locations (case_id, location_id) VALUES ($1, $2)")
            .bind(case.get())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        append(&mut tx, self.backend(), &self.now_text(), audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The locations on the cases in the scope (of one case, or one
    /// location, or all), by id.
    pub async fn locations_in_scope(
        &self,
        scope: &CaseScope,
        case: Option<CaseId>,
        only: Option<LocationId>,
    ) -> Result<Vec<(LocationId, Location)>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT l.id, l.address, l.street, l.lsoa_code, l.lsoa_name FROM locations l
             WHERE ($1 = 0 OR l.id = $1) AND EXISTS (SELECT 1 FROM case_locations cl JOIN cases c ON c.id = cl.case_id
               WHERE cl.location_id = l.id AND ($2 = 0 OR c.id = $2) AND ",
            scope_sql!("$3", "$4"),
            ") ORDER BY l.id"
        ))
        .bind(only.map_or(0, LocationId::get))
        .bind(case.map_or(0, CaseId::get))
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(location_of).collect()
    }

    /// The cases in the scope a location is on.
    pub async fn cases_at(
        &self,
        location: LocationId,
        scope: &CaseScope,
    ) -> Result<Vec<CaseId>, DbError> {
        let (agency, denied) = scope_params(scope);
        let rows = sqlx::query(concat!(
            "SELECT cl.case_id FROM case_locations cl JOIN cases c ON c.id = cl.case_id
             WHERE cl.location_id = $1 AND ",
            scope_sql!("$2", "$3"),
            " ORDER BY cl.case_id DESC"
        ))
        .bind(location.get())
        .bind(agency)
        .bind(denied)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(CaseId::from_stored(r.try_get(0)?)))
            .collect()
    }
}
