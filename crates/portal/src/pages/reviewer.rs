//! The reviewer's work queue: everything that needs a reviewer, by decision deadline,
//! overdue ones marked, with filters and paging.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_domain::deadlines;
use subsidie_domain::lifecycle::State;
use subsidie_service::portal::views::{self, QueueFilter, QUEUE_STATES};

use crate::catalogue::Catalogue;
use crate::failure::Failure;
use crate::form::blocking;
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

/// Rows per page of the queue.
const PER_PAGE: i64 = 25;

/// The queue's query string; every part optional.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct QueueQuery {
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    regio: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    selectie: String,
    #[serde(default)]
    pagina: i64,
}

impl QueueQuery {
    fn filter(&self) -> Result<QueueFilter, Failure> {
        let state = match self.status.as_str() {
            "" => None,
            s => Some(
                QUEUE_STATES
                    .into_iter()
                    .find(|q| q.as_str() == s)
                    .ok_or_else(|| {
                        Failure::bad_input(format!("onbekende status '{s}' voor de werkvoorraad"))
                    })?,
            ),
        };
        let some = |s: &str| Some(s.to_owned()).filter(|v| !v.is_empty());
        Ok(QueueFilter {
            instrument_id: some(&self.instrument),
            region_id: some(&self.regio),
            state,
            awaiting_me: self.selectie == "wacht-op-mij",
            acted_on_by_me: self.selectie == "door-mij",
        })
    }

    fn page_link(&self, page: i64) -> String {
        let q = [
            ("instrument", self.instrument.as_str()),
            ("regio", self.regio.as_str()),
            ("status", self.status.as_str()),
            ("selectie", self.selectie.as_str()),
        ];
        let mut link = format!("/werkvoorraad?pagina={page}");
        for (k, v) in q.iter().filter(|(_, v)| !v.is_empty()) {
            link.push_str(&format!("&{k}={}", crate::paths::encode(v)));
        }
        link
    }
}

/// `GET /werkvoorraad`.
pub(crate) async fn queue(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, Failure> {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let filter = query.filter()?;
    let page = query.pagina.max(0);
    let (pool, now, a) = (state.pool.clone(), state.now(), actor.clone());
    let (rows, catalogue) = blocking(move || {
        let rows = views::work_queue(&pool, &a, &filter, page, PER_PAGE)?;
        Ok((rows, Catalogue::load(&pool)?))
    })
    .await??;
    let me = actor.user_id.clone();
    let items: Vec<Value> = rows
        .rows
        .iter()
        .map(|r| {
            context! {
                id => r.id.clone(), referentie => r.reference.clone(), titel => r.title.clone(),
                regeling => catalogue.instrument_name(&r.instrument_id),
                regio => catalogue.region_name(&r.region_id),
                bedrag => view::amount(r.requested_cents),
                status => view::state_words(&r.state),
                termijn => r.decision_due_on.map(view::date),
                te_laat => r.decision_due_on.is_some_and(|d| deadlines::deadline_passed(d, now)),
                wacht_op_mij => r.grant_proposed_by.is_some() && r.grant_proposed_by != me,
            }
        })
        .collect();
    let instruments: Vec<(String, String)> = catalogue
        .instruments
        .iter()
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    let states: Vec<(String, String)> = QUEUE_STATES
        .iter()
        .map(|s: &State| {
            (
                s.as_str().to_owned(),
                view::state_words(s.as_str()).to_owned(),
            )
        })
        .collect();
    let selections = vec![
        (
            "wacht-op-mij".to_owned(),
            "Wacht op mijn bevestiging".to_owned(),
        ),
        ("door-mij".to_owned(), "Door mij behandeld".to_owned()),
    ];
    Ok(view::page(
        StatusCode::OK,
        "werkvoorraad.html",
        &visitor.frame(),
        context! {
            titel => "Werkvoorraad",
            rijen => items,
            pagina => page,
            meer => rows.more,
            vorige => query.page_link(page - 1),
            volgende => query.page_link(page + 1),
            regelingen => Catalogue::options(&instruments, "Alle regelingen"),
            regios => Catalogue::options(&catalogue.regions, "Alle regio's"),
            statussen => Catalogue::options(&states, "Alle statussen"),
            selecties => Catalogue::options(&selections, "Alle aanvragen"),
            filter => context! {
                instrument => query.instrument.clone(), regio => query.regio.clone(),
                status => query.status.clone(), selectie => query.selectie.clone(),
            },
        },
    ))
}
