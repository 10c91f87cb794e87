//! The e-mail outbox for administrators (`/berichten`): how many messages wait, retry,
//! failed or went out, which ones failed and why, and putting a failed one back in the
//! queue: the use cases of `subsidie_service::outbox::admin`, as `subsidie mail status`
//! and `subsidie mail retry` call them too.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use serde::Deserialize;
use subsidie_service::outbox::admin;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::dto::{Bericht, Berichtenoverzicht, Herverzending};
use crate::input::{path_id, OptionalJsonBody, QueryParams};
use crate::problem::ApiError;
use crate::state::{blocking_api, AppState};

/// The most messages one answer lists; the counts always cover all of them.
const MAX_LISTED: i64 = 100;

/// Query parameters of the outbox overview.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BerichtFilter {
    /// Welke berichten: `mislukt` (standaard), `wachtend` of `opnieuw_te_proberen`. Verzonden berichten worden alleen geteld.
    #[param(example = "mislukt")]
    pub status: Option<String>,
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
    let pool = state.pool.clone();
    let overview = blocking_api(move || {
        let status = query.0.status.as_deref();
        Ok(admin::overview(&pool, &caller.0, status, Some(MAX_LISTED))?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Berichtenoverzicht {
        aantallen: overview.summary.into(),
        berichten: overview.messages.into_iter().map(Bericht::from).collect(),
    }))
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
    let id = path_id(&id, "bericht")?;
    let pool = state.pool.clone();
    let row = blocking_api(move || Ok(admin::retry(&pool, &caller.0, &id)?)).await?;
    Ok(HttpResponse::Ok().json(Bericht::from(row)))
}
