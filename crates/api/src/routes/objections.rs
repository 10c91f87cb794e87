//! The steps on an objection, as subresources of `/bezwaren/{id}`: a request to mend,
//! the mending, a deferral, the hearing and the decision. Each answers the objection.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_domain::objection::ObjectionCommand;
use subsidie_service::application::{self, ObjectionStep};

use crate::auth::Caller;
use crate::dto::objections::{
    BeslissingOpBezwaar, Herstel, Herstelverzoek, Hoorzitting, Uitkomst, Verdaging,
};
use crate::dto::Bezwaar;
use crate::input::{money, path_id, JsonBody};
use crate::problem::ApiError;
use crate::state::{blocking, AppState};

async fn step(
    state: Data<AppState>,
    caller: Caller,
    id: &str,
    step: ObjectionStep,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(id, "bezwaar")?;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let row =
        blocking(move || application::handle_objection(&pool, &actor, &id, &step, now)).await?;
    Ok(HttpResponse::Ok().json(Bezwaar::from(row)))
}

/// Asks to mend an omission.
#[utoipa::path(
    post,
    path = "/bezwaren/{id}/herstelverzoeken",
    tag = "aanvragen",
    operation_id = "herstelVragen",
    summary = "Vraag de bezwaarmaker een verzuim te herstellen",
    description = "Een beoordelaar; de bezwaarmaker krijgt twee weken (art. 6:6 Awb) en een brief.",
    params(("id" = String, Path, description = "Het id van het bezwaar.")),
    request_body(content = Herstelverzoek, content_type = "application/json"),
    responses((status = 200, description = "Het bezwaar.", body = Bezwaar))
)]
pub async fn herstel_vragen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<Herstelverzoek>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let what = body?.0.herstel;
    step(state, caller, &id, ObjectionStep::RequestMend { what }).await
}

/// The objector mends the omission.
#[utoipa::path(
    post,
    path = "/bezwaren/{id}/herstellingen",
    tag = "aanvragen",
    operation_id = "bezwaarHerstellen",
    summary = "Herstel het verzuim in een bezwaar",
    description = "Alleen de bezwaarmaker.",
    params(("id" = String, Path, description = "Het id van het bezwaar.")),
    request_body(content = Herstel, content_type = "application/json"),
    responses((status = 200, description = "Het bezwaar.", body = Bezwaar))
)]
pub async fn herstellen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<Herstel>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let note = body?.0.toelichting;
    step(state, caller, &id, ObjectionStep::Mend { note }).await
}

/// Defers the decision once.
#[utoipa::path(
    post,
    path = "/bezwaren/{id}/verdagingen",
    tag = "aanvragen",
    operation_id = "bezwaarVerdagen",
    summary = "Verdaag de beslissing op een bezwaar",
    description = "Eén keer, met zes weken, vóór de beslistermijn verstrijkt (art. 7:10 lid 3 Awb); de bezwaarmaker krijgt een brief met de nieuwe termijn.",
    params(("id" = String, Path, description = "Het id van het bezwaar.")),
    request_body(content = Verdaging, content_type = "application/json"),
    responses((status = 200, description = "Het bezwaar.", body = Bezwaar))
)]
pub async fn verdagen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<Verdaging>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let reason = body?.0.reden;
    step(state, caller, &id, ObjectionStep::Extend { reason }).await
}

/// Records the hearing.
#[utoipa::path(
    post,
    path = "/bezwaren/{id}/hoorzittingen",
    tag = "aanvragen",
    operation_id = "hoorzittingVastleggen",
    summary = "Leg de hoorzitting vast, of dat de bezwaarmaker ervan afzag",
    description = "Een beoordelaar (art. 7:2 en 7:3 Awb). Nodig voordat een bezwaar ongegrond wordt verklaard.",
    params(("id" = String, Path, description = "Het id van het bezwaar.")),
    request_body(content = Hoorzitting, content_type = "application/json"),
    responses((status = 200, description = "Het bezwaar.", body = Bezwaar))
)]
pub async fn horen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<Hoorzitting>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let b = body?.0;
    let hearing = ObjectionStep::Hearing {
        held: b.gehouden,
        note: b.toelichting,
    };
    step(state, caller, &id, hearing).await
}

/// Decides the objection.
#[utoipa::path(
    post,
    path = "/bezwaren/{id}/beslissingen",
    tag = "aanvragen",
    operation_id = "bezwaarBeslissen",
    summary = "Beslis op een bezwaar",
    description = "Een beoordelaar die het bestreden besluit niet nam of voorstelde (art. 7:5 Awb). Gegrond tegen een afwijzing: verlening uit het beschikbare budget, of als eerste op de wachtlijst als er niets is (art. 7:11 Awb); heeft de regio intussen een nieuwe lopende aanvraag, dan 409 tot die is ingetrokken. Gegrond tegen een verlening of een vaststelling: een hoger bedrag (`bedrag`), de verhoging uit het beschikbare budget, met de nabetaling; wat niet in het plafond past wordt geweigerd met het beschikbare bedrag. Gegrond tegen een intrekking: de verlening of vaststelling hersteld (`bedrag`, standaard wat de intrekking wegnam); tegen een verlaging: het hogere bedrag hersteld; tegen de weigering van een wijzigingsverzoek: de gevraagde wijziging toegekend; steeds uit het beschikbare budget (409 met het beschikbare bedrag als het niet past) en alleen zolang er daarna geen ander besluit is genomen. De brief noemt het beroep bij de rechtbank.",
    params(("id" = String, Path, description = "Het id van het bezwaar.")),
    request_body(content = BeslissingOpBezwaar, content_type = "application/json"),
    responses((status = 200, description = "Het bezwaar.", body = Bezwaar))
)]
pub async fn beslissen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<BeslissingOpBezwaar>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let b = body?.0;
    let amount = b
        .bedrag
        .as_deref()
        .map(|text| money("bedrag", text))
        .transpose()
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let command = match b.uitkomst {
        Uitkomst::NietOntvankelijk => ObjectionCommand::DeclareInadmissible,
        Uitkomst::Ongegrond => ObjectionCommand::DeclareUnfounded,
        Uitkomst::Gegrond => ObjectionCommand::DeclareFounded,
    };
    let decision = ObjectionStep::Decide {
        command,
        motivation: b.motivering,
        amount,
    };
    step(state, caller, &id, decision).await
}
