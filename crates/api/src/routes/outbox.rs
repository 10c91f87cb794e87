//! The e-mail outbox for administrators (`/berichten`): how many messages wait, retry,
//! failed or went out, which ones failed and why, and putting a failed one back in the
//! queue. The same operations as `subsidie mail status` and `subsidie mail retry`.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use diesel::prelude::*;
use serde::Deserialize;
use subsidie_notify::{admin, NotifyError};
use subsidie_service::{Pool, Role, ServiceError};
use subsidie_store::rows::OutboxRow;
use subsidie_store::schema::outbox;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::dto::{Bericht, BerichtStatus, Berichtenoverzicht, Herverzending};
use crate::input::{path_id, printable, OptionalJsonBody, QueryParams};
use crate::problem::ApiError;
use crate::state::{blocking_api, AppState};

/// The most messages one answer lists; the counts always cover all of them.
const MAX_LISTED: usize = 100;

/// Query parameters of the outbox overview.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BerichtFilter {
    /// Welke berichten: `mislukt` (standaard), `wachtend` of `opnieuw_te_proberen`. Verzonden berichten worden alleen geteld.
    #[param(example = "mislukt")]
    pub status: Option<String>,
}

/// The outbox is not a service use case, so the role is checked here; the refusal reads
/// like the service's own.
fn admin_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.role == Role::Admin {
        return Ok(());
    }
    Err(ApiError::from(ServiceError::Forbidden(format!(
        "de e-mailwachtrij is voorbehouden aan een beheerder; u bent {}",
        caller.0.role
    ))))
}

/// The state asked for in `status`; the failed ones when left out.
fn wanted_state(value: Option<&str>) -> Result<BerichtStatus, ApiError> {
    match value {
        None | Some("mislukt") => Ok(BerichtStatus::Mislukt),
        Some("wachtend") => Ok(BerichtStatus::Wachtend),
        Some("opnieuw_te_proberen") => Ok(BerichtStatus::OpnieuwTeProberen),
        // Sent messages only grow; listing them is not what this overview is for.
        Some("verzonden") => Err(ApiError::field(
            "status",
            "verzonden berichten worden alleen geteld (zie aantallen); kies mislukt, wachtend of opnieuw_te_proberen",
        )),
        Some(other) => Err(ApiError::field(
            "status",
            format!(
                "onbekende status '{}'; kies mislukt, wachtend of opnieuw_te_proberen",
                printable(other)
            ),
        )),
    }
}

/// Shows the outbox.
#[utoipa::path(
    get,
    path = "/berichten",
    tag = "beheer",
    operation_id = "berichtenZoeken",
    summary = "De e-mailwachtrij: aantallen per toestand en de mislukte (of wachtende) berichten",
    description = "Alleen een beheerder. Een bericht dat na de laatste poging (of meteen, bij een fout die niet overgaat, zoals een ongeldig adres) niet verzonden kon worden, is `mislukt`; `laatsteFout` zegt waarom. Zet het na herstel opnieuw in de wachtrij met `POST /berichten/{id}/herverzendingen`. Hoogstens 100 berichten; de aantallen tellen alle berichten.",
    params(BerichtFilter),
    responses((status = 200, description = "Het overzicht.", body = Berichtenoverzicht))
)]
pub async fn zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<BerichtFilter>,
) -> Result<HttpResponse, ApiError> {
    admin_only(&caller)?;
    let wanted = wanted_state(query.0.status.as_deref())?;
    let pool = state.pool.clone();
    let (summary, rows) = blocking_api(move || {
        let summary = admin::summary(&pool)?;
        let rows = if wanted == BerichtStatus::Mislukt {
            admin::failed_messages(&pool)?
        } else {
            admin::pending_messages(&pool)?
                .into_iter()
                .filter(|row| BerichtStatus::of(row) == wanted)
                .collect()
        };
        Ok((summary, rows))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Berichtenoverzicht {
        aantallen: summary.into(),
        berichten: rows
            .into_iter()
            .take(MAX_LISTED)
            .map(Bericht::from)
            .collect(),
    }))
}

/// One outbox row by id, to tell an unknown message from one in another state.
fn find(pool: &Pool, id: &str) -> Result<Option<OutboxRow>, ApiError> {
    let mut conn = pool.get().map_err(NotifyError::from)?;
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(&mut conn)
        .optional()
        .map_err(|e| ApiError::from(ServiceError::from(e)))
}

/// Puts a failed message back in the queue: 404 when there is no such message, 409 when
/// it is not failed.
fn retry(pool: &Pool, id: &str) -> Result<OutboxRow, ApiError> {
    match admin::retry_failed(pool, id) {
        Ok(row) => Ok(row),
        // The outbox says "no failed message with this id" for an unknown id and for one
        // that is waiting or sent alike; the caller needs to know which.
        Err(NotifyError::NotFound(_)) => match find(pool, id)? {
            None => Err(ApiError::from(ServiceError::NotFound {
                what: "bericht",
                id: id.to_owned(),
            })),
            Some(row) => {
                let why = match BerichtStatus::of(&row) {
                    BerichtStatus::Verzonden => "is al verzonden",
                    BerichtStatus::OpnieuwTeProberen => {
                        "staat al in de wachtrij voor een nieuwe poging"
                    }
                    // Also a message failed and put back by someone else a moment ago.
                    BerichtStatus::Wachtend | BerichtStatus::Mislukt => "staat al in de wachtrij",
                };
                Err(ApiError::from(ServiceError::Conflict(format!(
                    "bericht '{id}' {why}; alleen een mislukt bericht kan opnieuw in de wachtrij"
                ))))
            }
        },
        Err(other) => Err(other.into()),
    }
}

/// Puts a failed message back in the queue.
#[utoipa::path(
    post,
    path = "/berichten/{id}/herverzendingen",
    tag = "beheer",
    operation_id = "berichtOpnieuwVersturen",
    summary = "Zet een mislukt e-mailbericht opnieuw in de wachtrij",
    description = "Alleen een beheerder, nadat de oorzaak (`laatsteFout`) is verholpen. Het bericht is meteen aan de beurt, met een nieuwe telling van pogingen; `laatsteFout` blijft staan tot de volgende poging. Een bericht dat niet mislukt is geeft 409. Een lege body of `{}`.",
    params(("id" = String, Path, description = "Het id van het bericht.")),
    request_body(content = Option<Herverzending>, content_type = "application/json"),
    responses((status = 200, description = "Het bericht, weer in de wachtrij.", body = Bericht))
)]
pub async fn opnieuw_versturen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    _body: OptionalJsonBody<Herverzending>,
) -> Result<HttpResponse, ApiError> {
    admin_only(&caller)?;
    let id = path_id(&id, "bericht")?;
    let pool = state.pool.clone();
    let row = blocking_api(move || retry(&pool, &id)).await?;
    Ok(HttpResponse::Ok().json(Bericht::from(row)))
}
