//! The reports on screen, with their filters, and as CSV or XLSX downloads with the same
//! filters: disbursements, the budget position and the coverage. The figures come from
//! the same service functions as `/api/v1/rapportages/…`; the files are streamed.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_service::reports::{self, DisbursementQuery, Group};
use subsidie_service::{FieldError, ServiceError};

use super::chart;
use super::dashboard::figures;
use super::runs::table_format;
use super::{download, encode, options, parse_date, programmes, staff, ProgrammeQuery};
use crate::catalogue::Catalogue;
use crate::failure::Failure;
use crate::form::{blocking, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// The filters of the disbursement report as the form sends them; every one optional.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct DisbursementFilter {
    #[serde(default)]
    programma: String,
    #[serde(default)]
    van: String,
    #[serde(default, rename = "totEnMet")]
    tot_en_met: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    regio: String,
    #[serde(default)]
    betaalronde: String,
    #[serde(default)]
    formaat: String,
}

impl DisbursementFilter {
    fn fields(&self) -> Fields {
        [
            ("van", &self.van),
            ("totEnMet", &self.tot_en_met),
            ("instrument", &self.instrument),
            ("regio", &self.regio),
            ("betaalronde", &self.betaalronde),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }

    /// The query, or the dates that are not dates.
    fn query(&self, programme: &str) -> Result<DisbursementQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut day = |name: &str, typed: &str| {
            if typed.is_empty() {
                return None;
            }
            let d = parse_date(typed);
            if d.is_none() {
                errors.push(FieldError::new(
                    name,
                    format!("'{typed}' is geen datum; kies een datum, bijvoorbeeld 31-01-2025"),
                ));
            }
            d
        };
        let from = day("van", &self.van);
        let to = day("totEnMet", &self.tot_en_met);
        let some = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DisbursementQuery {
            programme_id: programme.to_owned(),
            from,
            to,
            instrument_id: some(&self.instrument),
            region_id: some(&self.regio),
            run_id: some(&self.betaalronde),
        })
    }

    /// The link of the download in `format` with the same filters.
    fn download(&self, programme: &str, format: &str) -> String {
        let mut link = format!(
            "/financien/rapportages/uitbetalingen?programma={}&formaat={format}",
            encode(programme)
        );
        for (k, v) in [
            ("van", &self.van),
            ("totEnMet", &self.tot_en_met),
            ("instrument", &self.instrument),
            ("regio", &self.regio),
            ("betaalronde", &self.betaalronde),
        ] {
            if !v.is_empty() {
                link.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        link
    }
}

/// The service calls the period `periode`; the form's field is `totEnMet`.
fn period_field(e: ServiceError) -> ServiceError {
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

fn groups(items: &[Group], name: impl Fn(&Group) -> String) -> Vec<Value> {
    items
        .iter()
        .map(|g| {
            context! {
                naam => name(g), aantal => g.total.count, bedrag => view::amount(g.total.amount.cents()),
            }
        })
        .collect()
}

/// `GET /financien/rapportages/uitbetalingen`.
pub(crate) async fn disbursements(
    req: HttpRequest,
    state: web::Data<PortalState>,
    filter: web::Query<DisbursementFilter>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    let filter = filter.into_inner();
    let (pool, asked) = (state.pool.clone(), filter.programma.clone());
    let (all, chosen, catalogue) = blocking(move || {
        let (all, chosen) = programmes(&pool, &asked)?;
        Ok((all, chosen, Catalogue::load(&pool)?))
    })
    .await??;
    let mut p = Problems::new("", &filter.fields());
    let query = match filter.query(&chosen) {
        Ok(q) => Some(q),
        Err(errors) => {
            p.absorb(ServiceError::Validation(errors))?;
            None
        }
    };
    if let (Some(q), false) = (&query, filter.formaat.is_empty()) {
        let format = table_format(&filter.formaat)?;
        let (pool, q) = (state.pool.clone(), q.clone());
        let name = format!("uitbetalingen-{chosen}.{}", format.extension());
        return download::stream(format.content_type(), &name, move |out| {
            reports::write_disbursements(&pool, &actor, &q, format, out)
                .map(drop)
                .map_err(period_field)
        })
        .await;
    }
    let report = match query {
        Some(q) => {
            let (pool, a) = (state.pool.clone(), actor.clone());
            match blocking(move || reports::disbursements(&pool, &a, &q).map_err(period_field))
                .await?
            {
                Ok(r) => Some(r),
                Err(e) => {
                    p.absorb(e)?;
                    None
                }
            }
        }
        None => None,
    };
    let (pool, a) = (state.pool.clone(), actor.clone());
    let runs = blocking(move || subsidie_service::payments::runs(&pool, &a, 100)).await??;
    let run_options: Vec<(String, String)> = runs
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                format!(
                    "{} (uitgevoerd {})",
                    r.message_id,
                    view::date(r.execution_date)
                ),
            )
        })
        .collect();
    let instruments: Vec<(String, String)> = catalogue
        .instruments
        .iter()
        .filter(|i| i.programme_id == chosen)
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    let status = if p.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shown = report.as_ref().map(|r| {
        let named = |g: &Group| g.name.clone().unwrap_or_else(|| g.key.clone());
        let run_name = |g: &Group| {
            runs.iter()
                .find(|r| r.id == g.key)
                .map_or_else(|| named(g), |r| format!("{} ({})", r.message_id, named(g)))
        };
        context! {
            totaal => view::amount(r.total.amount.cents()),
            aantal => r.total.count,
            per_ronde => groups(&r.per_run, run_name),
            per_instrument => groups(&r.per_instrument, named),
            per_regio => groups(&r.per_region, named),
            per_maand => groups(&r.per_month, |g| chart::month(&g.key)),
            terug_open => view::amount(r.recoveries.open.amount.cents()),
            terug_open_aantal => r.recoveries.open.count,
            terug_ontvangen => view::amount(r.recoveries.received.amount.cents()),
            terug_ontvangen_aantal => r.recoveries.received.count,
        }
    });
    Ok(view::page(
        status,
        "finance/uitbetalingen.html",
        &visitor.frame(),
        context! {
            titel => "Uitbetalingen",
            programma => chosen.clone(),
            programmas => options(&all),
            instrumenten => Catalogue::options(&instruments, "Alle instrumenten"),
            regios => Catalogue::options(&catalogue.regions, "Alle regio's"),
            rondes => Catalogue::options(&run_options, "Alle betaalrondes"),
            r => shown,
            csv => filter.download(&chosen, "csv"),
            xlsx => filter.download(&chosen, "xlsx"),
            p => p.view(),
        },
    ))
}

#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ProgrammeFormat {
    #[serde(flatten)]
    programme: ProgrammeQuery,
    #[serde(default)]
    formaat: String,
}

/// Which programme-wide report.
#[derive(Clone, Copy)]
enum Whole {
    Budget,
    Coverage,
}

impl Whole {
    fn stem(self) -> &'static str {
        match self {
            Whole::Budget => "budgetpositie",
            Whole::Coverage => "dekking",
        }
    }
}

/// A programme-wide report as a download, when a format was asked.
async fn whole_download(
    state: &PortalState,
    actor: subsidie_service::Actor,
    which: Whole,
    q: &ProgrammeFormat,
) -> Result<Option<HttpResponse>, Failure> {
    if q.formaat.is_empty() {
        return Ok(None);
    }
    let format = table_format(&q.formaat)?;
    let (pool, asked) = (state.pool.clone(), q.programme.programma.clone());
    let (_, chosen) = blocking(move || programmes(&pool, &asked)).await??;
    let name = format!("{}-{chosen}.{}", which.stem(), format.extension());
    let pool = state.pool.clone();
    let res = download::stream(format.content_type(), &name, move |out| match which {
        Whole::Budget => {
            reports::write_budget_position(&pool, &actor, &chosen, format, out).map(drop)
        }
        Whole::Coverage => reports::write_coverage(&pool, &actor, &chosen, format, out).map(drop),
    })
    .await?;
    Ok(Some(res))
}

fn downloads(which: Whole, programme: &str) -> Value {
    let link = |f: &str| {
        format!(
            "/financien/rapportages/{}?programma={}&formaat={f}",
            which.stem(),
            encode(programme)
        )
    };
    context! { csv => link("csv"), xlsx => link("xlsx") }
}

/// `GET /financien/rapportages/budgetpositie`.
pub(crate) async fn budget(
    req: HttpRequest,
    state: web::Data<PortalState>,
    q: web::Query<ProgrammeFormat>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    if let Some(file) = whole_download(&state, actor.clone(), Whole::Budget, &q).await? {
        return Ok(file);
    }
    let (pool, asked) = (state.pool.clone(), q.programme.programma.clone());
    let (all, report) = blocking(move || {
        let (all, chosen) = programmes(&pool, &asked)?;
        Ok((all, reports::budget_position(&pool, &actor, &chosen)?))
    })
    .await??;
    let rows: Vec<Value> = report
        .instruments
        .iter()
        .map(|i| context! { code => i.instrument_id.clone(), naam => i.name.clone(), b => figures(&i.amounts), klopt => i.ledger_matches })
        .collect();
    Ok(view::page(
        StatusCode::OK,
        "finance/budgetpositie.html",
        &visitor.frame(),
        context! {
            titel => "Budgetpositie",
            programma => report.programme_id.clone(),
            programma_naam => report.name.clone(),
            programmas => options(&all),
            regels => rows,
            totaal => figures(&report.total),
            klopt => report.ledger_matches,
            binnen_plafond => report.within_envelope,
            plafond_programma => view::amount(report.envelope.cents()),
            bestanden => downloads(Whole::Budget, &report.programme_id),
        },
    ))
}

/// `GET /financien/rapportages/dekking`.
pub(crate) async fn coverage(
    req: HttpRequest,
    state: web::Data<PortalState>,
    q: web::Query<ProgrammeFormat>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    if let Some(file) = whole_download(&state, actor.clone(), Whole::Coverage, &q).await? {
        return Ok(file);
    }
    let (pool, asked) = (state.pool.clone(), q.programme.programma.clone());
    let (all, report) = blocking(move || {
        let (all, chosen) = programmes(&pool, &asked)?;
        Ok((all, reports::coverage(&pool, &actor, &chosen)?))
    })
    .await??;
    let name = all
        .iter()
        .find(|(id, _)| *id == report.programme_id)
        .map_or_else(|| report.programme_id.clone(), |(_, n)| n.clone());
    let per_instrument: Vec<Value> = report
        .per_instrument
        .iter()
        .map(|i| {
            context! {
                naam => i.name.clone(), soort => i.kind.clone(), aanvragen => i.applications,
                gehonoreerd => i.honoured, regios => i.regions_honoured, verleend => view::amount(i.granted.cents()),
            }
        })
        .collect();
    let uncovered: Vec<Value> = report
        .uncovered
        .iter()
        .map(|r| context! { naam => r.name.clone(), inwoners => dutch_count(r.inhabitants) })
        .collect();
    Ok(view::page(
        StatusCode::OK,
        "finance/dekking.html",
        &visitor.frame(),
        context! {
            titel => "Dekking",
            programma => report.programme_id.clone(),
            programma_naam => name,
            programmas => options(&all),
            regios => report.regions,
            regios_gedekt => report.regions_covered,
            regios_procent => report.region_share_percent.to_string().replace('.', ","),
            inwoners => dutch_count(report.inhabitants),
            inwoners_gedekt => dutch_count(report.inhabitants_covered),
            inwoners_procent => report.inhabitant_share_percent.to_string().replace('.', ","),
            per_instrument => per_instrument,
            niet_gedekt => uncovered,
            bestanden => downloads(Whole::Coverage, &report.programme_id),
        },
    ))
}

/// A count with Dutch thousands separators: `17.811.291`.
fn dutch_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dutch_count;

    #[test]
    fn counts_have_dutch_thousands_separators() {
        assert_eq!(dutch_count(17_811_291), "17.811.291");
        assert_eq!(dutch_count(999), "999");
        assert_eq!(dutch_count(1000), "1.000");
        assert_eq!(dutch_count(-1000), "-1.000");
    }
}
