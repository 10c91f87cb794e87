//! What an application's page shows, read in one go through the service's read models.

use std::collections::HashMap;

use subsidie_service::portal::views;
use subsidie_service::{decisions, queries, Actor, Pool, Role, ServiceError};
use subsidie_store::rows::{
    ApplicationRow, DecisionLetterRow, HistoryRow, ObjectionRow, OutboxRow, PaymentRow,
};

use crate::catalogue::Catalogue;

/// Everything the page shows, read in one go.
pub(crate) struct Facts {
    pub(crate) app: ApplicationRow,
    pub(crate) history: Vec<HistoryRow>,
    pub(crate) payments: Vec<PaymentRow>,
    pub(crate) objections: Vec<ObjectionRow>,
    pub(crate) letters: Vec<OutboxRow>,
    /// The decisions' PDF letters, by the id of the mail that carried each.
    pub(crate) decisions: HashMap<String, DecisionLetterRow>,
    pub(crate) names: HashMap<String, String>,
    pub(crate) catalogue: Catalogue,
    pub(crate) conflict: bool,
}

pub(crate) fn load_facts(pool: &Pool, actor: &Actor, id: &str) -> Result<Facts, ServiceError> {
    let app = queries::application(pool, actor, id)?;
    let history = queries::history(pool, actor, id)?;
    let ids: Vec<String> = history.iter().filter_map(|h| h.actor_id.clone()).collect();
    let conflict =
        actor.role == Role::Reviewer && views::has_conflict(pool, actor, &app.region_id)?;
    Ok(Facts {
        payments: queries::payments_of(pool, actor, id)?,
        objections: queries::objections_of(pool, actor, id)?,
        letters: views::letters_of(pool, actor, id)?,
        decisions: decision_letters(pool, actor, id)?,
        names: views::user_names(pool, &ids)?,
        catalogue: Catalogue::load(pool)?,
        history,
        conflict,
        app,
    })
}

/// The decisions' letters; none for a reviewer with a conflict of interest for the
/// region, who sees the page but not what it holds (as with the documents).
fn decision_letters(
    pool: &Pool,
    actor: &Actor,
    id: &str,
) -> Result<HashMap<String, DecisionLetterRow>, ServiceError> {
    match decisions::list(pool, actor, id) {
        Ok(rows) => Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect()),
        Err(ServiceError::NotFound { .. }) if actor.role == Role::Reviewer => Ok(HashMap::new()),
        Err(e) => Err(e),
    }
}
