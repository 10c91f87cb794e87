//! Reference data: programmes, instruments with their live budget, regions, disciplines.

use actix_web::web::{Data, Path};
use actix_web::HttpResponse;
use subsidie_service::{queries, rounds};

use crate::auth::Caller;
use crate::dto::reference::{
    Discipline, DisciplineLijst, Instrument, InstrumentLijst, Programma, ProgrammaLijst, Regio,
    RegioLijst,
};
use crate::input::path_id;
use crate::problem::ApiError;
use crate::state::AppState;

/// Every programme.
#[utoipa::path(
    get,
    path = "/programmas",
    tag = "referentiegegevens",
    operation_id = "programmasOphalen",
    summary = "Alle programma's",
    description = "Elk programma met zijn envelop en looptijd. Voor elke rol.",
    responses((status = 200, description = "De programma's.", body = ProgrammaLijst))
)]
pub async fn programmas(state: Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let rows = state.run(queries::programmes).await?;
    Ok(HttpResponse::Ok().json(ProgrammaLijst {
        programmas: rows.into_iter().map(Programma::from).collect(),
    }))
}

/// Every instrument with its live budget position.
#[utoipa::path(
    get,
    path = "/instrumenten",
    tag = "referentiegegevens",
    operation_id = "instrumentenOphalen",
    summary = "Alle instrumenten met hun budgetpositie",
    description = "Elk instrument (regeling) met zijn regels en de actuele budgetpositie: plafond, gereserveerd, verleend, vastgesteld, betaald, teruggevorderd en beschikbaar. Voor elke rol.",
    responses((status = 200, description = "De instrumenten.", body = InstrumentLijst))
)]
pub async fn instrumenten(
    state: Data<AppState>,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .run(|pool| {
            queries::instruments(pool)?
                .into_iter()
                .map(|row| rounds::with_rounds(pool, row))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(InstrumentLijst {
        instrumenten: rows
            .into_iter()
            .map(|(row, rounds)| Instrument::with_rounds(row, &rounds))
            .collect(),
    }))
}

/// One instrument.
#[utoipa::path(
    get,
    path = "/instrumenten/{id}",
    tag = "referentiegegevens",
    operation_id = "instrumentOphalen",
    summary = "Eén instrument met zijn budgetpositie",
    params(("id" = String, Path, description = "De code van het instrument, zoals `uitvoering`.")),
    responses((status = 200, description = "Het instrument.", body = Instrument))
)]
pub async fn instrument(
    state: Data<AppState>,
    _caller: Caller,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "instrument")?;
    let (row, rounds) = state
        .run(move |pool| rounds::with_rounds(pool, queries::instrument(pool, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(Instrument::with_rounds(row, &rounds)))
}

/// Every region.
#[utoipa::path(
    get,
    path = "/regios",
    tag = "referentiegegevens",
    operation_id = "regiosOphalen",
    summary = "Alle regio's",
    responses((status = 200, description = "De regio's.", body = RegioLijst))
)]
pub async fn regios(state: Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let rows = state.run(queries::regions).await?;
    Ok(HttpResponse::Ok().json(RegioLijst {
        regios: rows.into_iter().map(Regio::from).collect(),
    }))
}

/// Every discipline.
#[utoipa::path(
    get,
    path = "/disciplines",
    tag = "referentiegegevens",
    operation_id = "disciplinesOphalen",
    summary = "Alle disciplines",
    responses((status = 200, description = "De disciplines.", body = DisciplineLijst))
)]
pub async fn disciplines(state: Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let rows = state.run(queries::disciplines).await?;
    Ok(HttpResponse::Ok().json(DisciplineLijst {
        disciplines: rows.into_iter().map(Discipline::from).collect(),
    }))
}
