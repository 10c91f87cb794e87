//! The notice of a late decision (Awb 4:14), a command on the application.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use chrono::NaiveDate;
use subsidie_domain::lifecycle::Command;
use subsidie_service::application::Action;

use super::applications::{authorise, run_command};
use crate::auth::Caller;
use crate::dto::applications::BeslistermijnVerlenging;
use crate::dto::Aanvraag;
use crate::input::{IfMatch, JsonBody};
use crate::problem::ApiError;
use crate::state::AppState;

/// Tells the applicant the decision will be late, with the new term.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/beslistermijnverlengingen",
    tag = "aanvragen",
    operation_id = "beslistermijnVerlengen",
    summary = "Meld dat het besluit later komt, met de nieuwe termijn",
    description = "Een beoordelaar, zolang de aanvraag op haar eerste besluit wacht (status `ingediend`, `wachtlijst`, `gereserveerd`, `in_behandeling` of `aanvulling_gevraagd`) en vóór het einde van de beslistermijn (art. 4:14 Awb). De nieuwe `beslissenUiterlijk` ligt na de huidige; de aanvrager krijgt een brief met de nieuwe termijn en de reden. Aanvragen waarvan de termijn zonder besluit verstreek: `GET /aanvragen?termijnVerstreken=true`.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop de opdracht gebaseerd is."),
    ),
    request_body(content = BeslistermijnVerlenging, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag met de nieuwe beslistermijn.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn beslistermijn_verlengen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<BeslistermijnVerlenging>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    authorise(&state, &caller, &id, &if_match, Command::ExtendDecisionTerm).await?;
    let b = body?.0;
    let until = NaiveDate::parse_from_str(&b.beslissenUiterlijk, "%Y-%m-%d").map_err(|_| {
        ApiError::field(
            "beslissenUiterlijk",
            "is geen datum; geef een dag als JJJJ-MM-DD, zoals 2026-03-16",
        )
    })?;
    let action = Action::ExtendDecisionTerm {
        until,
        reason: b.reden,
    };
    run_command(state, caller, &id, if_match, action).await
}
