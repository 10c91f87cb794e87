//! What a database holds as far as the demo is concerned: nothing yet, the demo played
//! to the end, or something else that the demo must not mix with.

use diesel::prelude::*;
use subsidie_domain::lifecycle::State;
use subsidie_service::{Pool, ServiceError};
use subsidie_store::rows::{InstrumentRow, RegionRow};
use subsidie_store::schema::{applications, organisations, users};

use crate::plans::Plan;

use crate::cast::DEMO_DOMAIN;
use crate::read::connection;
use crate::users::ADMIN_EMAIL;

/// Where a database stands for the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoState {
    /// No submitted application and no demo organisation: the demo may play. Drafts do
    /// not count: a leftover concept promises no money and changes no budget.
    Empty,
    /// The demo played to the end (its administrator, made last, exists).
    Played,
    /// Something the demo would mix with; the text says what, in Dutch.
    Occupied(String),
}

/// Applications past the draft: the ones a replay would double.
pub fn submitted_count(pool: &Pool) -> Result<i64, ServiceError> {
    Ok(applications::table
        .filter(applications::state.ne(State::Draft.as_str()))
        .count()
        .get_result::<i64>(&mut *connection(pool)?)?)
}

/// Organisations the demo made (their e-mail addresses are on [`DEMO_DOMAIN`]).
pub(crate) fn demo_organisations(pool: &Pool) -> Result<i64, ServiceError> {
    let pattern = format!("%@%{DEMO_DOMAIN}");
    Ok(organisations::table
        .filter(organisations::email.like(&pattern))
        .count()
        .get_result::<i64>(&mut *connection(pool)?)?)
}

/// Where `pool`'s database stands; see [`DemoState`].
pub fn state(pool: &Pool) -> Result<DemoState, ServiceError> {
    let admin = users::table
        .filter(users::email.eq(ADMIN_EMAIL))
        .count()
        .get_result::<i64>(&mut *connection(pool)?)?;
    if admin > 0 {
        return Ok(DemoState::Played);
    }
    let existing = submitted_count(pool)?;
    if existing > 0 {
        return Ok(DemoState::Occupied(format!(
            "de database bevat al {existing} ingediende aanvra{}; de demo draait alleen op een \
             database zonder ingediende aanvragen (concepten mogen), zodat er niets dubbel \
             wordt aangemaakt of met echte aanvragen vermengd (bekijk de stand met \
             'subsidie budget', of begin met een lege database)",
            if existing == 1 { "ag" } else { "gen" }
        )));
    }
    let leftovers = demo_organisations(pool)?;
    if leftovers > 0 {
        return Ok(DemoState::Occupied(format!(
            "de database bevat {leftovers} organisaties van een eerdere, onderbroken demo \
             (e-mailadressen op {DEMO_DOMAIN}); begin met een lege database"
        )));
    }
    Ok(DemoState::Empty)
}

/// The leftover drafts that hold a place the replay needs: same instrument and region
/// (and discipline, for an instrument unique per region and discipline). The engine
/// keeps one running application per place, so the replay would stop half-way; it is
/// refused before anything is written, naming each draft.
pub(crate) fn blocking_drafts(
    pool: &Pool,
    instruments: &[InstrumentRow],
    wanted: &[(&InstrumentRow, Vec<Plan>)],
    regions: &[RegionRow],
) -> Result<Vec<String>, ServiceError> {
    let drafts: Vec<(String, String, String, Option<String>)> = applications::table
        .filter(applications::state.eq(State::Draft.as_str()))
        .filter(applications::uniqueness_key.is_not_null())
        .select((
            applications::reference,
            applications::instrument_id,
            applications::region_id,
            applications::discipline_id,
        ))
        .load(&mut *connection(pool)?)?;
    let mut blocking = Vec::new();
    for (reference, instrument_id, region_id, discipline_id) in drafts {
        let Some((instrument, plans)) = wanted.iter().find(|(i, _)| i.id == instrument_id) else {
            continue;
        };
        let per_discipline = instrument.uniqueness == "per-regio-en-discipline";
        let collides = plans.iter().any(|plan| {
            regions.get(plan.region).map(|r| r.id.as_str()) == Some(region_id.as_str())
                && (!per_discipline || plan.discipline == discipline_id)
        });
        if collides {
            let name = instruments
                .iter()
                .find(|i| i.id == instrument_id)
                .map_or(instrument_id.as_str(), |i| i.code.as_str());
            blocking.push(format!("{reference} ('{name}', regio {region_id})"));
        }
    }
    Ok(blocking)
}
