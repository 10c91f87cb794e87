//! Payments and the ledger check.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use serde::Deserialize;
use subsidie_domain::payment::PaymentState;
use subsidie_service::disbursement::{self, PaymentFilter};
use subsidie_service::{queries, Role};
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::dto::{
    Betaling, BetalingLijst, Grootboekcontrole, GrootboekcontroleRegel, Link, PaginaLinks, BASE,
};
use crate::input::{path_id, QueryParams};
use crate::paging::{Page, QueryErrors};
use crate::problem::ApiError;
use crate::state::{blocking, AppState};

/// The payments of one application.
#[utoipa::path(
    get,
    path = "/aanvragen/{id}/betalingen",
    tag = "betalingen",
    operation_id = "betalingenVanAanvraag",
    summary = "De betalingen en terugvorderingen van een aanvraag",
    params(("id" = String, Path, description = "Het id van de aanvraag.")),
    responses((status = 200, description = "De betalingen, oudste eerst.", body = BetalingLijst))
)]
pub async fn van_aanvraag(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "aanvraag")?;
    let pool = state.pool.clone();
    let actor = caller.0;
    let href = format!("{BASE}/aanvragen/{id}/betalingen");
    let rows = blocking(move || queries::payments_of(&pool, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(BetalingLijst {
        betalingen: rows.into_iter().map(Betaling::from).collect(),
        volgende: None,
        links: PaginaLinks {
            zelf: Link { href },
            volgende: None,
        },
    }))
}

/// Query parameters of the payment list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct BetalingFilter {
    /// Alleen betalingen in deze status: `gepland`, `in_betaalronde`, `betaald`, `mislukt` of `geannuleerd`.
    #[param(example = "gepland")]
    pub status: Option<String>,
    /// Alleen betalingen onder dit instrument.
    #[param(example = "uitvoering")]
    pub instrumentId: Option<String>,
    /// Alleen betalingen van deze aanvraag.
    pub aanvraagId: Option<String>,
    /// De cursor: `volgende` uit het vorige antwoord.
    pub na: Option<String>,
    /// Hoeveel betalingen per pagina, 1 tot en met 100 (standaard 25).
    #[param(minimum = 1, maximum = 100, example = 25)]
    pub limiet: Option<i64>,
}

/// Every payment, for finance.
#[utoipa::path(
    get,
    path = "/betalingen",
    tag = "betalingen",
    operation_id = "betalingenZoeken",
    summary = "Alle betalingen en terugvorderingen, gefilterd en per pagina",
    description = "Voor financiën en beheerders.",
    params(BetalingFilter),
    responses((status = 200, description = "Een pagina betalingen.", body = BetalingLijst))
)]
pub async fn zoeken(
    state: Data<AppState>,
    caller: Caller,
    query: QueryParams<BetalingFilter>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let mut errors = QueryErrors::default();
    let instrument_id = errors.id(q.instrumentId.clone(), "instrumentId");
    let application_id = errors.id(q.aanvraagId.clone(), "aanvraagId");
    let after = errors.id(q.na.clone(), "na");
    let state_filter = errors.parse::<PaymentState>(q.status.as_deref(), "status", |_| {
        format!(
            "onbekende status; bekend zijn: {}",
            PaymentState::names().join(", ")
        )
    });
    let limit = errors.limit(q.limiet);
    errors.check()?;
    let filter = PaymentFilter {
        state: state_filter,
        instrument_id: instrument_id.clone(),
        application_id: application_id.clone(),
    };
    let pool = state.pool.clone();
    let actor = caller.0;
    let after_q = after.clone();
    let rows = blocking(move || {
        disbursement::payments(&pool, &actor, &filter, after_q.as_deref(), limit + 1)
    })
    .await?;
    let page = Page::cut(rows, limit, |r| r.id.clone());
    let filters = [
        ("status", q.status.clone()),
        ("instrumentId", instrument_id),
        ("aanvraagId", application_id),
    ];
    let links = page.links("/betalingen", &filters, after, q.limiet);
    Ok(HttpResponse::Ok().json(BetalingLijst {
        betalingen: page.rows.into_iter().map(Betaling::from).collect(),
        links,
        volgende: page.next,
    }))
}

/// The ledger check.
#[utoipa::path(
    get,
    path = "/grootboekcontrole",
    tag = "betalingen",
    operation_id = "grootboekControleren",
    summary = "Controleer de budgetposities tegen het grootboek",
    description = "Telt per instrument elke boeking op en vergelijkt de som met de opgeslagen budgetpositie, tot op de cent, en controleert het plafond. Voor financiën en beheerders.",
    responses((status = 200, description = "De controle.", body = Grootboekcontrole))
)]
pub async fn grootboekcontrole(
    state: Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    if !matches!(caller.0.role, Role::Finance | Role::Admin) {
        return Err(ApiError::forbidden(format!(
            "de grootboekcontrole is voorbehouden aan de rol financien of beheerder; u bent {}",
            caller.0.role
        )));
    }
    let pool = state.pool.clone();
    let checks = blocking(move || queries::check_ledger(&pool)).await?;
    let instrumenten: Vec<GrootboekcontroleRegel> = checks
        .into_iter()
        .map(GrootboekcontroleRegel::from)
        .collect();
    Ok(HttpResponse::Ok().json(Grootboekcontrole {
        klopt: instrumenten.iter().all(|c| c.klopt),
        instrumenten,
    }))
}
