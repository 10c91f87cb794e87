//! Recoveries (*terugvorderingen*): what grantees still have to pay back, and marking one
//! received when the money is in.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_domain::payment::PaymentState;
use subsidie_service::payments::{self, RecoveryView};

use super::{payment_state_words, staff};
use crate::failure::Failure;
use crate::form::{blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// Recoveries a page, open ones first.
const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    gelukt: Option<String>,
    /// Which page, from 0.
    #[serde(default)]
    pagina: i64,
}

fn line(r: &RecoveryView) -> Value {
    let p = &r.payment;
    context! {
        id => p.id.clone(),
        referentie => p.reference.clone(),
        aanvraag => r.application_reference.clone(),
        aanvraag_id => p.application_id.clone(),
        organisatie => r.organisation.clone(),
        vervalt => view::date(p.due_on),
        bedrag => view::amount(p.amount_cents),
        open => p.state == PaymentState::Scheduled.as_str(),
        status => payment_state_words(&p.state),
        ontvangen => p.settled_at.map(view::instant),
    }
}

/// `GET /financien/terugvorderingen`.
pub(crate) async fn list(
    req: HttpRequest,
    state: web::Data<PortalState>,
    done: web::Query<Done>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let message = done
        .gelukt
        .as_deref()
        .filter(|d| *d == "ontvangen")
        .map(|_| "De terugbetaling is vastgelegd; de teruggevorderde positie van het instrument is bijgewerkt.");
    page(
        &state,
        &visitor,
        &Problems::default(),
        (message, done.pagina.max(0)),
        StatusCode::OK,
    )
    .await
}

async fn page(
    state: &PortalState,
    visitor: &Visitor,
    p: &Problems,
    (done, number): (Option<&str>, i64),
    status: StatusCode,
) -> Page {
    let actor = staff(visitor)?;
    let pool = state.pool.clone();
    let found = blocking(move || payments::recoveries(&pool, &actor, number, PER_PAGE)).await??;
    let link = |n: i64| format!("/financien/terugvorderingen?pagina={n}");
    Ok(view::page(
        status,
        "finance/terugvorderingen.html",
        &visitor.frame(),
        context! {
            titel => "Terugvorderingen",
            regels => found.rows.iter().map(line).collect::<Vec<_>>(),
            open_totaal => view::amount(found.open_total.cents()),
            open_aantal => found.open_count,
            pagina => number, meer => found.more,
            vorige => link(number - 1), volgende => link(number + 1),
            gelukt => done,
            p => p.view(),
        },
    ))
}

/// `POST /financien/terugvorderingen/{id}/ontvangen`.
pub(crate) async fn received(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, now, id) = (state.pool.clone(), state.now(), id.into_inner());
    match blocking(move || payments::record_recovery_received(&pool, &actor, &id, now)).await? {
        Ok(_) => Ok(see_other("/financien/terugvorderingen?gelukt=ontvangen")),
        Err(e) => {
            let mut p = Problems::new("", &fields);
            p.absorb(e)?;
            page(&state, &visitor, &p, (None, 0), StatusCode::CONFLICT).await
        }
    }
}
