//! Public documentation resources: the landing answer of `/api/v1` and the page behind
//! each problem `type`. No token needed, no personal data, cacheable.

use actix_web::web::Path;
use actix_web::HttpResponse;

use crate::dto::common::{Link, BASE};
use crate::dto::meta::{Ingang, IngangLinks, Probleemsoort, ProbleemsoortLijst};
use crate::input::printable;
use crate::middleware::API_VERSION;
use crate::problem::ApiError;
use crate::problem_types::{self, KINDS};

/// The landing answer.
#[utoipa::path(
    get,
    path = "/",
    tag = "documentatie",
    operation_id = "ingangOphalen",
    summary = "De ingang van de API",
    description = "Naam, versie en verwijzingen naar het OpenAPI-document, de documentatie en de uitleg van de problemen. Zonder token.",
    responses((status = 200, description = "De ingang.", body = Ingang))
)]
pub async fn ingang() -> HttpResponse {
    let link = |path: &str| Link::to(format!("{BASE}{path}"));
    HttpResponse::Ok().json(Ingang {
        naam: "subsidie".to_owned(),
        omschrijving: "Een subsidieprogramma van aanvraag tot betaling.".to_owned(),
        versie: API_VERSION.to_owned(),
        links: IngangLinks {
            zelf: Link::to(BASE.to_owned()),
            openapi: link("/openapi.json"),
            documentatie: link("/docs/"),
            problemen: link("/problemen"),
        },
    })
}

/// Every kind of problem.
#[utoipa::path(
    get,
    path = "/problemen",
    tag = "documentatie",
    operation_id = "probleemsoortenOphalen",
    summary = "Elke soort probleem",
    description = "De uitleg van elke soort probleem die de API geeft, op status. Zonder token.",
    responses((status = 200, description = "De soorten.", body = ProbleemsoortLijst))
)]
pub async fn problemen() -> HttpResponse {
    HttpResponse::Ok().json(ProbleemsoortLijst {
        problemen: KINDS.iter().map(Probleemsoort::from).collect(),
    })
}

/// One kind of problem: where a problem's `type` leads.
#[utoipa::path(
    get,
    path = "/problemen/{soort}",
    tag = "documentatie",
    operation_id = "probleemsoortOphalen",
    summary = "De uitleg van één soort probleem",
    description = "Waar de `type` van een probleem naar verwijst: wat het probleem betekent en wat de client kan doen. Zonder token.",
    params(("soort" = String, Path, description = "De soort, het laatste deel van de `type`.", pattern = "^[a-z]+(-[a-z]+)*$", max_length = 100)),
    responses(
        (status = 200, description = "De uitleg.", body = Probleemsoort),
        (status = 404, description = "Deze soort probleem bestaat niet.", body = crate::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn probleem(soort: Path<String>) -> Result<HttpResponse, ApiError> {
    let plain = soort.len() <= 100
        && soort
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase()));
    if !plain {
        return Err(ApiError::field(
            "soort",
            format!(
                "'{}' is geen soort probleem; verwacht kleine letters met koppeltekens, zoals ongeldige-invoer",
                printable(&soort)
            ),
        ));
    }
    match problem_types::find(&soort) {
        Some(kind) => Ok(HttpResponse::Ok().json(Probleemsoort::from(kind))),
        None => Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "niet-gevonden",
            "Niet gevonden",
            format!(
                "'{}' is geen soort probleem van deze API; zie {BASE}/problemen",
                printable(&soort)
            ),
        )),
    }
}
