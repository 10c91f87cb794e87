//! The budget dashboard of a programme: per instrument a chart of the ceiling against
//! reserved, granted, settled, paid and recovered, with the same figures as a table; the
//! disbursements per month; and the ledger check. The figures are those of
//! `reports::budget_position`, the function behind `GET /api/v1/rapportages/budgetpositie`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use subsidie_service::reports::{self, Amounts, DisbursementQuery};

use super::chart::{self, Bar};
use super::{options, programmes, staff, ProgrammeQuery};
use crate::failure::Failure;
use crate::form::blocking;
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

/// The figures of one position as the table and the chart show them.
pub(crate) fn figures(a: &Amounts) -> Value {
    context! {
        plafond => view::amount(a.ceiling.cents()),
        gereserveerd => view::amount(a.reserved.cents()),
        verleend => view::amount(a.granted.cents()),
        vastgesteld => view::amount(a.settled.cents()),
        betaald => view::amount(a.paid.cents()),
        teruggevorderd => view::amount(a.recovered.cents()),
        beschikbaar => view::amount(a.available.cents()),
    }
}

fn budget_chart(id: &str, name: &str, a: &Amounts) -> String {
    let bars = [
        Bar {
            label: "Plafond",
            cents: a.ceiling.cents(),
            class: "plafond",
        },
        Bar {
            label: "Gereserveerd",
            cents: a.reserved.cents(),
            class: "gereserveerd",
        },
        Bar {
            label: "Verleend",
            cents: a.granted.cents(),
            class: "verleend",
        },
        Bar {
            label: "Vastgesteld",
            cents: a.settled.cents(),
            class: "vastgesteld",
        },
        Bar {
            label: "Betaald",
            cents: a.paid.cents(),
            class: "betaald",
        },
        Bar {
            label: "Teruggevorderd",
            cents: a.recovered.cents(),
            class: "teruggevorderd",
        },
    ];
    chart::bars(
        id,
        &format!("Budget van {name}"),
        &format!(
            "Plafond {} tegen gereserveerd {}, verleend {}, vastgesteld {}, betaald {} en teruggevorderd {}. De tabel ernaast geeft dezelfde bedragen.",
            view::amount(a.ceiling.cents()),
            view::amount(a.reserved.cents()),
            view::amount(a.granted.cents()),
            view::amount(a.settled.cents()),
            view::amount(a.paid.cents()),
            view::amount(a.recovered.cents()),
        ),
        &bars,
    )
}

/// `GET /financien`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<ProgrammeQuery>,
) -> Result<HttpResponse, Failure> {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    let (pool, asked) = (state.pool.clone(), query.programma.clone());
    let (all, budget, paid) = blocking(move || {
        let (all, chosen) = programmes(&pool, &asked)?;
        let budget = reports::budget_position(&pool, &actor, &chosen)?;
        let q = DisbursementQuery {
            programme_id: chosen,
            ..DisbursementQuery::default()
        };
        let paid = reports::disbursements(&pool, &actor, &q)?;
        Ok((all, budget, paid))
    })
    .await??;
    let instruments: Vec<Value> = budget
        .instruments
        .iter()
        .map(|i| {
            context! {
                id => i.instrument_id.clone(),
                naam => i.name.clone(),
                grafiek => Value::from_safe_string(budget_chart(&format!("grafiek-{}", i.instrument_id), &i.name, &i.amounts)),
                bedragen => figures(&i.amounts),
                klopt => i.ledger_matches,
                grootboek => i.from_ledger.as_ref().map(figures),
            }
        })
        .collect();
    let months: Vec<(String, i64)> = paid
        .per_month
        .iter()
        .map(|g| (chart::month(&g.key), g.total.amount.cents()))
        .collect();
    let month_rows: Vec<Value> = paid
        .per_month
        .iter()
        .map(|g| context! { maand => chart::month(&g.key), aantal => g.total.count, bedrag => view::amount(g.total.amount.cents()) })
        .collect();
    let month_chart = (!months.is_empty()).then(|| {
        Value::from_safe_string(chart::columns(
            "grafiek-maanden",
            "Uitbetaald per maand",
            "Het bedrag dat per maand is uitbetaald; de tabel eronder geeft dezelfde bedragen.",
            &months,
        ))
    });
    Ok(view::page(
        StatusCode::OK,
        "finance/dashboard.html",
        &visitor.frame(),
        context! {
            titel => format!("Budget {}", budget.name),
            programma => budget.programme_id.clone(),
            programma_naam => budget.name.clone(),
            programmas => options(&all),
            plafond_programma => view::amount(budget.envelope.cents()),
            binnen_plafond => budget.within_envelope,
            grootboek_klopt => budget.ledger_matches,
            instrumenten => instruments,
            totaal => figures(&budget.total),
            maandgrafiek => month_chart,
            maanden => month_rows,
            uitbetaald => view::amount(paid.total.amount.cents()),
            uitbetaald_aantal => paid.total.count,
        },
    ))
}
