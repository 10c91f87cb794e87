//! Reports (`/rapportages/…`): disbursements, budget position and coverage, as JSON or as
//! a CSV/XLSX file.

use std::io::Write;

use actix_web::web::Data;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use serde_json::Value;
use subsidie_service::payments::FileFormat;
use subsidie_service::reports::{self, DisbursementQuery, Period};
use subsidie_service::{Actor, Pool, ServiceError};

use crate::auth::Caller;
use crate::download;
use crate::dto::reports::{
    camel_keys, Dekking, ProgrammaBudgetpositie, ProgrammaRapport, Uitbetalingen,
    UitbetalingenFilter,
};
use crate::input::{optional_id, QueryParams};
use crate::problem::{ApiError, InvalidParam};
use crate::state::{blocking, AppState};

/// Declares a report operation for the OpenAPI document: a `GET` of the tag `rapportages`
/// whose 200 answer is JSON, CSV or XLSX, the files as attachments. Only what differs per
/// report is written at the handler.
macro_rules! report_operation {
    (
        path = $path:literal,
        operation_id = $operation:literal,
        summary = $summary:literal,
        description = $description:literal,
        params = $params:ident,
        answer = $answer:literal,
        $handler:item
    ) => {
        #[utoipa::path(
            get,
            path = $path,
            tag = "rapportages",
            operation_id = $operation,
            summary = $summary,
            description = $description,
            params($params),
            responses((status = 200, description = $answer, content(
                (Object = "application/json"),
                (String = "text/csv"),
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ), headers(
                ("Content-Disposition" = String, description = "Bij `csv` en `xlsx`: `attachment` met de bestandsnaam."),
            )))
        )]
        $handler
    };
}

/// `json`, or a table format.
enum Format {
    Json,
    Table(FileFormat),
}

fn format(value: Option<&str>) -> Result<Format, InvalidParam> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some(v) => FileFormat::parse(v).map(Format::Table).ok_or(InvalidParam {
            name: "formaat".into(),
            reason: "onbekend formaat; kies json, csv of xlsx".into(),
        }),
    }
}

fn date(name: &str, value: Option<&str>) -> Result<Option<NaiveDate>, InvalidParam> {
    match value {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| InvalidParam {
                name: name.into(),
                reason: "verwacht een datum JJJJ-MM-DD".into(),
            }),
    }
}

fn json<T: serde::Serialize>(report: &T) -> Result<HttpResponse, ApiError> {
    let value = serde_json::to_value(report).map_err(|e| ApiError::internal(&e.to_string()))?;
    Ok(HttpResponse::Ok().json(camel_keys(value)))
}

/// Answers a report in the asked format: as JSON from `report`, or as a table file named
/// `{stem}-{programme}.{extension}`, streamed from `table`. Only one of the two runs, with
/// the caller's pool and actor.
async fn answer<R, J, T>(
    fmt: Format,
    (stem, programme): (&str, &str),
    (pool, actor): (Pool, Actor),
    report: J,
    table: T,
) -> Result<HttpResponse, ApiError>
where
    R: serde::Serialize + Send + 'static,
    J: FnOnce(&Pool, &Actor) -> Result<R, ServiceError> + Send + 'static,
    T: FnOnce(&Pool, &Actor, FileFormat, &mut dyn Write) -> Result<(), ServiceError>
        + Send
        + 'static,
{
    match fmt {
        Format::Json => json(&blocking(move || report(&pool, &actor)).await?),
        Format::Table(t) => {
            let name = format!("{stem}-{programme}.{}", t.extension());
            download::stream(t.content_type(), &name, move |out| {
                table(&pool, &actor, t, out)
            })
            .await
        }
    }
}

/// The service names the period `periode`; the API's parameters are `van` and `totEnMet`.
fn period_names(e: ServiceError) -> ServiceError {
    match e {
        ServiceError::Validation(mut fields) => {
            for f in &mut fields {
                if f.field == "periode" {
                    f.field = "totEnMet".into();
                }
            }
            ServiceError::Validation(fields)
        }
        other => other,
    }
}

report_operation! {
    path = "/rapportages/uitbetalingen",
    operation_id = "uitbetalingenRapporteren",
    summary = "Uitbetalingen per betaalronde, instrument, regio en maand",
    description = "Voor financiën en beheerders. Als JSON de totalen per groep en de terugvorderingen; als CSV (puntkomma, decimale komma, UTF-8 met BOM) of XLSX één regel per betaling. Een onbekend programma of een periode die eindigt vóór ze begint geeft 400 met de reden.",
    params = UitbetalingenFilter,
    answer = "Het overzicht.",
    /// The disbursement report.
    pub async fn uitbetalingen(
        state: Data<AppState>,
        caller: Caller,
        query: QueryParams<UitbetalingenFilter>,
    ) -> Result<HttpResponse, ApiError> {
        disbursements((state, caller, query.0)).await
    }
}

/// The disbursement report, after checking every parameter at once.
async fn disbursements(
    (state, caller, q): (Data<AppState>, Caller, UitbetalingenFilter),
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let from = date("van", q.van.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let to = date("totEnMet", q.totEnMet.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let fmt = format(q.formaat.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        Format::Json
    });
    let mut id = |v: Option<String>, name: &str| match optional_id(v, name) {
        Ok(v) => v,
        Err(e) => {
            errors.extend(e.problem().invalid_params.iter().cloned());
            None
        }
    };
    let instrument_id = id(q.instrument, "instrument");
    let region_id = id(q.regio, "regio");
    let run_id = id(q.betaalronde, "betaalronde");
    // Checked here too, so that a backwards period is named with the other parameters.
    if let (Some(f), Some(t)) = (from, to) {
        if let Err(e) = Period::new(f, t) {
            let e = ApiError::from(period_names(e));
            errors.extend(e.problem().invalid_params.iter().cloned());
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let dq = DisbursementQuery {
        programme_id: q.programma.clone(),
        from,
        to,
        instrument_id,
        region_id,
        run_id,
    };
    let table_query = dq.clone();
    answer(
        fmt,
        ("uitbetalingen", &q.programma),
        (state.pool.clone(), caller.0),
        move |pool, actor| {
            reports::disbursements(pool, actor, &dq)
                .map(|r| Uitbetalingen::from(&r))
                .map_err(period_names)
        },
        move |pool, actor, t, out| {
            reports::write_disbursements(pool, actor, &table_query, t, out)
                .map(drop)
                .map_err(period_names)
        },
    )
    .await
}

/// A report of a whole programme: one place says which service call answers it as JSON
/// and which writes its table.
#[derive(Debug, Clone, Copy)]
enum ProgrammeReport {
    Budget,
    Coverage,
}

impl ProgrammeReport {
    /// The stem of the file name.
    fn stem(self) -> &'static str {
        match self {
            ProgrammeReport::Budget => "budgetpositie",
            ProgrammeReport::Coverage => "dekking",
        }
    }

    /// The report in its Dutch shape.
    fn json(self, pool: &Pool, actor: &Actor, programme: &str) -> Result<Value, ServiceError> {
        let value = match self {
            ProgrammeReport::Budget => reports::budget_position(pool, actor, programme)
                .map(|r| serde_json::to_value(ProgrammaBudgetpositie::from(&r)))?,
            ProgrammeReport::Coverage => reports::coverage(pool, actor, programme)
                .map(|r| serde_json::to_value(Dekking::from(&r)))?,
        };
        value.map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// Writes the report as a table.
    fn table(
        self,
        (pool, actor, programme): (&Pool, &Actor, &str),
        format: FileFormat,
        out: &mut dyn Write,
    ) -> Result<(), ServiceError> {
        match self {
            ProgrammeReport::Budget => {
                reports::write_budget_position(pool, actor, programme, format, out).map(drop)
            }
            ProgrammeReport::Coverage => {
                reports::write_coverage(pool, actor, programme, format, out).map(drop)
            }
        }
    }
}

/// Answers a report of a whole programme (`programma`, `formaat`).
async fn programme_report(
    (state, caller, query): (Data<AppState>, Caller, ProgrammaRapport),
    report: ProgrammeReport,
) -> Result<HttpResponse, ApiError> {
    let fmt = format(query.formaat.as_deref()).map_err(|e| ApiError::invalid(vec![e]))?;
    let (programme, table_programme) = (query.programma.clone(), query.programma.clone());
    answer(
        fmt,
        (report.stem(), &query.programma),
        (state.pool.clone(), caller.0),
        move |pool, actor| report.json(pool, actor, &programme),
        move |pool, actor, t, out| report.table((pool, actor, &table_programme), t, out),
    )
    .await
}

report_operation! {
    path = "/rapportages/budgetpositie",
    operation_id = "budgetpositieRapporteren",
    summary = "De budgetpositie per instrument, gecontroleerd tegen het grootboek",
    description = "Voor financiën en beheerders. Plafond, gereserveerd, verleend, vastgesteld, betaald, teruggevorderd en beschikbaar per instrument en in totaal, en of dat tot op de cent klopt met het grootboek.",
    params = ProgrammaRapport,
    answer = "De budgetpositie.",
    /// The budget position.
    pub async fn budgetpositie(
        state: Data<AppState>,
        caller: Caller,
        query: QueryParams<ProgrammaRapport>,
    ) -> Result<HttpResponse, ApiError> {
        programme_report((state, caller, query.0), ProgrammeReport::Budget).await
    }
}

report_operation! {
    path = "/rapportages/dekking",
    operation_id = "dekkingRapporteren",
    summary = "De dekking: regio's en inwoners met een gehonoreerde uitvoeringsaanvraag",
    description = "Voor financiën, beheerders en beoordelaars. Ook aanvragen en honoreringen per instrument.",
    params = ProgrammaRapport,
    answer = "De dekking.",
    /// The coverage report.
    pub async fn dekking(
        state: Data<AppState>,
        caller: Caller,
        query: QueryParams<ProgrammaRapport>,
    ) -> Result<HttpResponse, ApiError> {
        programme_report((state, caller, query.0), ProgrammeReport::Coverage).await
    }
}
