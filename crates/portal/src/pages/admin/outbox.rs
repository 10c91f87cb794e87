//! The e-mail outbox: how many messages wait, retry, failed or went out; the failed (or
//! waiting) ones with their last error; a failed one sent again once its cause is fixed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_service::outbox::admin;

use super::{administrator, Page};
use crate::catalogue::Catalogue;
use crate::form::{blocking, see_other, Fields};
use crate::view;
use crate::PortalState;

/// Messages listed at most.
const LISTED: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct OutboxQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    gedaan: String,
}

const STATES: [(&str, &str); 3] = [
    ("mislukt", "Mislukt"),
    ("opnieuw_te_proberen", "Wacht op een nieuwe poging"),
    ("wachtend", "Wacht op verzending"),
];

/// `GET /beheer/berichten?status=…`.
pub(crate) async fn overview(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<OutboxQuery>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    let q = query.into_inner();
    let status = Some(q.status.clone()).filter(|s| !s.is_empty());
    let pool = state.pool.clone();
    let overview =
        blocking(move || admin::overview(&pool, &actor, status.as_deref(), Some(LISTED))).await??;
    let messages: Vec<Value> = overview
        .messages
        .iter()
        .map(|m| {
            context! {
                id => m.id.clone(), aan => m.recipient.clone(), sjabloon => m.template.replace('_', " "),
                aangemaakt => view::instant(m.created_at), pogingen => m.attempts,
                fout => m.last_error.clone(), mislukt => m.failed_at.map(view::instant),
                aanvraag => m.application_id.clone(),
            }
        })
        .collect();
    let s = &overview.summary;
    let options: Vec<(String, String)> = STATES
        .iter()
        .map(|(v, n)| ((*v).to_owned(), (*n).to_owned()))
        .collect();
    let shown = STATES
        .iter()
        .find(|(v, _)| *v == q.status)
        .map_or("Mislukt", |(_, n)| n);
    Ok(view::page(
        StatusCode::OK,
        "admin/berichten.html",
        &visitor.frame(),
        context! {
            titel => "E-mailberichten",
            aantallen => context! { wachtend => s.waiting, opnieuw => s.retrying, mislukt => s.failed, verzonden => s.sent },
            berichten => messages, getoond => shown, status => q.status,
            keuzes => Catalogue::options(&options, "Mislukt (standaard)"),
            opnieuw_verstuurd => q.gedaan == "opnieuw",
        },
    ))
}

/// `POST /beheer/berichten/{id}/opnieuw`.
pub(crate) async fn retry(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, message) = (state.pool.clone(), id.into_inner());
    blocking(move || admin::retry(&pool, &actor, &message)).await??;
    Ok(see_other("/beheer/berichten?gedaan=opnieuw"))
}
