//! The finance pages: the budget dashboard, payment runs with their files and what the
//! bank did, recoveries, settlement, and the reports with their downloads. Every page
//! calls the same use cases as `/api/v1` (the same role rules: finance acts,
//! administrators may read), never the API itself.

use actix_web::web;
use serde::Deserialize;
use subsidie_service::{queries, Actor, Pool, Role, ServiceError};

use crate::failure::Failure;
use crate::session::Visitor;

mod chart;
mod dashboard;
mod download;
mod recoveries;
mod reports;
mod runs;
mod settlement;

/// Registers the finance pages under `/financien`.
pub(crate) fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/financien", web::get().to(dashboard::show))
        .route("/financien/betaalrondes", web::get().to(runs::list))
        .route("/financien/betaalrondes", web::post().to(runs::create))
        .route(
            "/financien/betaalrondes/nieuw",
            web::get().to(runs::confirm_create),
        )
        .route("/financien/betaalrondes/{id}", web::get().to(runs::show))
        .route(
            "/financien/betaalrondes/{id}/sepa",
            web::get().to(runs::sepa),
        )
        .route(
            "/financien/betaalrondes/{id}/tabel",
            web::get().to(runs::table),
        )
        .route(
            "/financien/betaalrondes/{id}/betaald",
            web::get().to(runs::confirm_paid),
        )
        .route(
            "/financien/betaalrondes/{id}/betaald",
            web::post().to(runs::book_paid),
        )
        .route(
            "/financien/betaalrondes/{id}/mislukt",
            web::post().to(runs::mark_failed),
        )
        .route(
            "/financien/terugvorderingen",
            web::get().to(recoveries::list),
        )
        .route(
            "/financien/terugvorderingen/{id}/ontvangen",
            web::post().to(recoveries::received),
        )
        .route(
            "/financien/vaststellingen/{id}",
            web::get().to(settlement::form),
        )
        .route(
            "/financien/vaststellingen/{id}",
            web::post().to(settlement::submit),
        )
        .route(
            "/financien/rapportages/uitbetalingen",
            web::get().to(reports::disbursements),
        )
        .route(
            "/financien/rapportages/budgetpositie",
            web::get().to(reports::budget),
        )
        .route(
            "/financien/rapportages/dekking",
            web::get().to(reports::coverage),
        );
}

/// The signed-in finance user or administrator; anyone else is refused in Dutch.
pub(crate) fn staff(visitor: &Visitor) -> Result<Actor, Failure> {
    let actor = visitor.signed_in()?.actor.clone();
    match actor.role {
        Role::Finance | Role::Admin => Ok(actor),
        other => Err(ServiceError::Forbidden(format!(
            "de pagina's van financiën zijn voor de rollen financien en beheerder; u bent {other}"
        ))
        .into()),
    }
}

/// Which programme a page is about: `?programma=`, or the first one.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ProgrammeQuery {
    #[serde(default)]
    programma: String,
}

/// The programmes as `(code, name)` and the one chosen (the first when none was asked).
pub(crate) fn programmes(
    pool: &Pool,
    asked: &str,
) -> Result<(Vec<(String, String)>, String), ServiceError> {
    let all: Vec<(String, String)> = queries::programmes(pool)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let chosen = if asked.is_empty() {
        all.first().map(|p| p.0.clone()).unwrap_or_default()
    } else {
        asked.to_owned()
    };
    Ok((all, chosen))
}

/// Options for a select of `(value, name)`, without an empty first choice.
pub(crate) fn options(items: &[(String, String)]) -> Vec<minijinja::Value> {
    items
        .iter()
        .map(|(id, name)| minijinja::context! { waarde => id, naam => name })
        .collect()
}

/// Percent-encodes a query value, keeping letters, digits, `-` and `_`.
pub(crate) fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A date typed as `JJJJ-MM-DD` (what `<input type="date">` sends) or `31-12-2025`.
pub(crate) fn parse_date(typed: &str) -> Option<chrono::NaiveDate> {
    let t = typed.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d-%m-%Y"))
        .ok()
}

/// A payment kind in words.
pub(crate) fn kind_words(kind: &str) -> &'static str {
    match kind {
        "voorschot" => "Voorschot",
        "restant" => "Restantbetaling",
        "terugvordering" => "Terugvordering",
        _ => "Betaling",
    }
}

/// A payment state in words.
pub(crate) fn payment_state_words(state: &str) -> &'static str {
    match state {
        "gepland" => "Gepland",
        "in_betaalronde" => "In een betaalronde",
        "betaald" => "Betaald",
        "geannuleerd" => "Geannuleerd",
        "mislukt" => "Mislukt",
        _ => "Onbekend",
    }
}
