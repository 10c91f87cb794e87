//! The reviewer's steps on an application: start the review, grant (with the four-eyes
//! flow), reject, ask for a supplement, set aside (`/aanvragen/{id}/beoordelingen`), and
//! scores for a ranking (`/aanvragen/{id}/scores`).

use actix_web::http::StatusCode;
use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_domain::lifecycle::Command;
use subsidie_service::application::{self, Action};

use crate::auth::Caller;
use crate::dto::{Aanvraag, Beoordeling, Besluit, HonoreringVoorgesteld, Score};
use crate::input::{money, path_id, IfMatch, JsonBody};
use crate::problem::{ApiError, InvalidParam};
use crate::routes::applications::{application_response, authorise, run_command};
use crate::state::{blocking, AppState};

fn required(
    value: Option<String>,
    name: &str,
    besluit: &str,
    errors: &mut Vec<InvalidParam>,
) -> String {
    match value {
        Some(v) => v,
        None => {
            errors.push(InvalidParam {
                name: name.to_owned(),
                reason: format!("is verplicht bij besluit '{besluit}'"),
            });
            String::new()
        }
    }
}

fn not_applicable(present: bool, name: &str, besluit: &str, errors: &mut Vec<InvalidParam>) {
    if present {
        errors.push(InvalidParam {
            name: name.to_owned(),
            reason: format!("hoort niet bij besluit '{besluit}'; laat het weg"),
        });
    }
}

fn review_command(besluit: &Besluit) -> Command {
    match besluit {
        Besluit::Starten => Command::StartReview,
        Besluit::Honoreren => Command::Grant,
        Besluit::Afwijzen => Command::Reject,
        Besluit::AanvullingVragen => Command::RequestSupplement,
        Besluit::BuitenBehandeling => Command::Lapse,
    }
}

fn review_action(b: Beoordeling) -> Result<Action, ApiError> {
    let mut errors = Vec::new();
    let action = match b.besluit {
        Besluit::Starten => {
            not_applicable(b.bedrag.is_some(), "bedrag", "starten", &mut errors);
            not_applicable(b.motivering.is_some(), "motivering", "starten", &mut errors);
            not_applicable(b.aanvulling.is_some(), "aanvulling", "starten", &mut errors);
            Action::StartReview
        }
        Besluit::Honoreren => {
            not_applicable(
                b.aanvulling.is_some(),
                "aanvulling",
                "honoreren",
                &mut errors,
            );
            let text = required(b.bedrag, "bedrag", "honoreren", &mut errors);
            let motivation = required(b.motivering, "motivering", "honoreren", &mut errors);
            let amount = if text.is_empty() {
                None
            } else {
                money("bedrag", &text).map_err(|e| errors.push(e)).ok()
            };
            match amount {
                Some(amount) => Action::Grant { amount, motivation },
                None => return Err(ApiError::invalid(errors)),
            }
        }
        Besluit::Afwijzen => {
            not_applicable(b.bedrag.is_some(), "bedrag", "afwijzen", &mut errors);
            not_applicable(
                b.aanvulling.is_some(),
                "aanvulling",
                "afwijzen",
                &mut errors,
            );
            Action::Reject {
                motivation: required(b.motivering, "motivering", "afwijzen", &mut errors),
            }
        }
        Besluit::AanvullingVragen => {
            not_applicable(
                b.bedrag.is_some(),
                "bedrag",
                "aanvulling-vragen",
                &mut errors,
            );
            not_applicable(
                b.motivering.is_some(),
                "motivering",
                "aanvulling-vragen",
                &mut errors,
            );
            Action::RequestSupplement {
                request: required(b.aanvulling, "aanvulling", "aanvulling-vragen", &mut errors),
            }
        }
        Besluit::BuitenBehandeling => {
            not_applicable(
                b.bedrag.is_some(),
                "bedrag",
                "buiten-behandeling",
                &mut errors,
            );
            not_applicable(
                b.aanvulling.is_some(),
                "aanvulling",
                "buiten-behandeling",
                &mut errors,
            );
            Action::Lapse {
                motivation: required(
                    b.motivering,
                    "motivering",
                    "buiten-behandeling",
                    &mut errors,
                ),
            }
        }
    };
    if errors.is_empty() {
        Ok(action)
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// A reviewer's step: start, grant, reject, request a supplement, or lapse.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/beoordelingen",
    tag = "aanvragen",
    operation_id = "aanvraagBeoordelen",
    summary = "Beoordeel een aanvraag",
    description = "Alleen een beoordelaar zonder belangenconflict met de regio van de aanvraag.\n\n- `starten`: de beoordeling begint (status `gereserveerd` → `in_behandeling`).\n- `honoreren` met `bedrag` (hoogstens de reservering) en `motivering`. Boven de vier-ogengrens van het instrument is het eerste besluit een voorstel (202); een tweede, andere beoordelaar bevestigt het met hetzelfde bedrag (200).\n- `afwijzen` met `motivering`.\n- `aanvulling-vragen` met `aanvulling`: wat ontbreekt; de aanvrager krijgt een termijn.\n- `buiten-behandeling` met `motivering`, nadat de aanvultermijn is verstreken.",
    params(
        ("id" = String, Path, description = "Het id van de aanvraag."),
        ("If-Match" = Option<String>, Header, description = "De ETag van de versie waarop het besluit gebaseerd is."),
    ),
    request_body(content = Beoordeling, content_type = "application/json"),
    responses(
        (status = 200, description = "De aanvraag na het besluit.", body = Aanvraag, headers(
            ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
        )),
        (status = 202, description = "Honorering voorgesteld; een tweede beoordelaar moet bevestigen.", body = HonoreringVoorgesteld, headers(
            ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
        )),
    )
)]
pub async fn beoordelen(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    if_match: IfMatch,
    body: Result<JsonBody<Beoordeling>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    // The decision asked for names the command; without a readable body, every decision
    // of this route needs the same role, so any of them says who may.
    let command = body
        .as_ref()
        .map_or(Command::StartReview, |b| review_command(&b.0.besluit));
    authorise(&state, &caller, &id, &if_match, command).await?;
    let action = review_action(body?.0)?;
    run_command(state, caller, &id, if_match, action).await
}

/// Records a review score.
#[utoipa::path(
    post,
    path = "/aanvragen/{id}/scores",
    tag = "aanvragen",
    operation_id = "aanvraagScoren",
    summary = "Geef een ingediende aanvraag een score",
    description = "Voor instrumenten die rangschikken (de onderzoeksoproep): een beoordelaar geeft een score van 0 tot en met 100 vóór de toewijzingsronde.",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    request_body(content = Score, content_type = "application/json"),
    responses((status = 200, description = "De aanvraag met de score.", body = Aanvraag, headers(
        ("ETag" = String, description = "De nieuwe versie van de aanvraag."),
    )))
)]
pub async fn scoren(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: Result<JsonBody<Score>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    application::may_score(&caller.0)?;
    let id = path_id(&id, "aanvraag")?;
    let score = body?.0.score;
    let now = state.now();
    let pool = state.pool.clone();
    let actor = caller.0;
    let row = blocking(move || application::score(&pool, &actor, &id, score, now)).await?;
    Ok(application_response(StatusCode::OK, row))
}
