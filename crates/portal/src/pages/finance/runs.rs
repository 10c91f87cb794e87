//! Payment runs: make one up to a date after a confirmation with its count and total, see
//! its transfers, download its SEPA file and its table, mark a transfer the bank refused,
//! and book the run as paid after a second confirmation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_domain::deadlines;
use subsidie_domain::payment::RunState;
use subsidie_service::payments::{self, FileFormat, RunDetail};
use subsidie_service::ServiceError;
use subsidie_store::rows::{PaymentRunItemRow, PaymentRunRow};

use super::{download, kind_words, parse_date, staff};
use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// Transfers a page on a run's page; the files always hold all of them.
const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    gelukt: Option<String>,
    /// The page after this transfer (the run's file order); absent: the first page.
    #[serde(default)]
    na: String,
}

fn done_message(what: &str) -> Option<&'static str> {
    Some(match what {
        "gemaakt" => "De betaalronde is gemaakt. Download het SEPA-bestand en bied het aan bij de bank.",
        "mislukt" => "De mislukte overboeking is vastgelegd; de betaling gaat mee in de volgende betaalronde.",
        "betaald" => "De betaalronde is als betaald geboekt; de ontvangers krijgen een betaalbericht.",
        _ => return None,
    })
}

fn run_view(r: &PaymentRunRow) -> Value {
    context! {
        id => r.id.clone(),
        kenmerk => r.message_id.clone(),
        gemaakt => view::instant(r.created_at),
        tot_en_met => view::date(r.up_to),
        uitvoerdatum => view::date(r.execution_date),
        aantal => r.payment_count,
        totaal => view::amount(r.total_cents),
        betaald => r.state == RunState::Paid.as_str(),
        status => if r.state == RunState::Paid.as_str() { "Betaald" } else { "Aangemaakt, nog niet als betaald geboekt" },
        betaald_op => r.paid_at.map(view::instant),
    }
}

/// `GET /financien/betaalrondes`.
pub(crate) async fn list(req: HttpRequest, state: web::Data<PortalState>) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    list_page(&state, &visitor, &Problems::default(), StatusCode::OK).await
}

async fn list_page(
    state: &PortalState,
    visitor: &Visitor,
    p: &Problems,
    status: StatusCode,
) -> Page {
    let actor = staff(visitor)?;
    let pool = state.pool.clone();
    let rows = blocking(move || payments::runs(&pool, &actor, 100)).await??;
    let today = deadlines::amsterdam_date(state.now());
    Ok(view::page(
        status,
        "finance/betaalrondes.html",
        &visitor.frame(),
        context! {
            titel => "Betaalrondes",
            rondes => rows.iter().map(run_view).collect::<Vec<_>>(),
            vandaag => today.format("%Y-%m-%d").to_string(),
            p => p.view(),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UpTo {
    #[serde(default, rename = "totEnMet")]
    up_to: String,
}

fn up_to_date(typed: &str, fields: &Fields) -> Result<chrono::NaiveDate, Problems> {
    parse_date(typed).ok_or_else(|| {
        let mut p = Problems::new("", fields);
        p.field(
            "totEnMet",
            format!("'{typed}' is geen datum; kies een datum, bijvoorbeeld 30-06-2025"),
        );
        p
    })
}

/// The funder's account, or a refusal naming what to set: a run or a SEPA file that
/// would debit the example account is worse than none (as in the API).
fn payer(state: &PortalState) -> Result<payments::FunderAccount, Failure> {
    state.funder.clone().map_err(|why| {
        Failure::not_configured(
            "Rekening van de financier niet ingesteld",
            format!("{why}. Er is niets geboekt; vraag de beheerder de rekening in te stellen."),
        )
    })
}

/// `GET /financien/betaalrondes/nieuw?totEnMet=…`: what the run would take, to confirm.
pub(crate) async fn confirm_create(
    req: HttpRequest,
    state: web::Data<PortalState>,
    query: web::Query<UpTo>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    if actor.role == subsidie_service::Role::Finance {
        payer(&state)?;
    }
    let fields: Fields = [("totEnMet".to_owned(), query.up_to.clone())].into();
    let up_to = match up_to_date(&query.up_to, &fields) {
        Ok(d) => d,
        Err(p) => return list_page(&state, &visitor, &p, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let pool = state.pool.clone();
    let due = blocking(move || payments::due_transfers(&pool, &actor, up_to)).await??;
    if due.count == 0 {
        let mut p = Problems::new("", &fields);
        p.absorb(payments::nothing_due(up_to))?;
        return list_page(&state, &visitor, &p, StatusCode::CONFLICT).await;
    }
    let today = deadlines::amsterdam_date(state.now());
    Ok(view::page(
        StatusCode::OK,
        "finance/betaalronde-bevestigen.html",
        &visitor.frame(),
        context! {
            titel => "Betaalronde maken: bevestigen",
            tot_en_met => up_to.format("%Y-%m-%d").to_string(),
            tot_en_met_tekst => view::date(up_to),
            aantal => due.count,
            totaal => view::amount(due.total.cents()),
            uitvoerdatum => view::date(payments::execution_date(today, up_to)),
        },
    ))
}

/// `POST /financien/betaalrondes`: makes the run.
pub(crate) async fn create(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    visitor.check_csrf(fields.get("csrf"))?;
    if actor.role == subsidie_service::Role::Finance {
        payer(&state)?;
    }
    let typed = form::text(&fields, "totEnMet");
    let up_to = match up_to_date(&typed, &fields) {
        Ok(d) => d,
        Err(p) => return list_page(&state, &visitor, &p, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let (pool, now) = (state.pool.clone(), state.now());
    match blocking(move || payments::create_run(&pool, &actor, up_to, now)).await? {
        Ok(run) => Ok(see_other(&format!(
            "/financien/betaalrondes/{}?gelukt=gemaakt",
            run.id
        ))),
        Err(e) => {
            let mut p = Problems::new("", &fields);
            p.absorb(e)?;
            list_page(&state, &visitor, &p, StatusCode::CONFLICT).await
        }
    }
}

fn item_view(run: &PaymentRunRow, i: &PaymentRunItemRow) -> Value {
    context! {
        betaling => i.payment_id.clone(),
        referentie => i.reference.clone(),
        soort => kind_words(&i.kind),
        aanvraag => i.application_reference.clone(),
        ontvanger => i.creditor_name.clone(),
        iban => i.creditor_iban.clone(),
        bedrag => view::amount(i.amount_cents),
        mislukt => i.failed_at.map(view::instant),
        reden => i.failure_reason.clone(),
        status => if i.failed_at.is_some() { "Mislukt" } else if run.state == RunState::Paid.as_str() { "Betaald" } else { "Bij de bank" },
    }
}

/// The transfers that can still be marked failed, as options of a select.
fn failable(run: &PaymentRunRow, items: &[PaymentRunItemRow]) -> Vec<Value> {
    let open = run.state != RunState::Paid.as_str();
    std::iter::once(context! { waarde => "", naam => "Kies een overboeking" })
        .chain(items.iter().filter(|i| open && i.failed_at.is_none()).map(|i| {
            context! {
                waarde => i.payment_id.clone(),
                naam => format!("{} – {} – {}", i.reference, i.creditor_name, view::amount(i.amount_cents)),
            }
        }))
        .collect()
}

/// `GET /financien/betaalrondes/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let message = done.gelukt.as_deref().and_then(done_message);
    detail_page(
        &state,
        &visitor,
        (&id, &done.na),
        &Problems::default(),
        message,
        StatusCode::OK,
    )
    .await
}

/// A run, with the page of its transfers after `after` (none: the run alone), and
/// whether more follow that page.
async fn load(
    state: &PortalState,
    visitor: &Visitor,
    id: &str,
    after: Option<&str>,
) -> Result<(RunDetail, Vec<PaymentRunItemRow>, bool), Failure> {
    let actor = staff(visitor)?;
    let (pool, id) = (state.pool.clone(), id.to_owned());
    let after = after.map(str::to_owned);
    Ok(blocking(move || {
        let detail = payments::run(&pool, &actor, &id)?;
        let mut items = match after {
            None => Vec::new(),
            Some(a) => {
                let cursor = Some(a.as_str()).filter(|a| !a.is_empty());
                payments::run_items(&pool, &actor, &id, cursor, PER_PAGE + 1)?
            }
        };
        let more = items.len() > PER_PAGE as usize;
        items.truncate(PER_PAGE as usize);
        Ok((detail, items, more))
    })
    .await??)
}

async fn detail_page(
    state: &PortalState,
    visitor: &Visitor,
    (id, after): (&str, &str),
    p: &Problems,
    done: Option<&str>,
    status: StatusCode,
) -> Page {
    let (detail, items, more) = load(state, visitor, id, Some(after)).await?;
    let run = &detail.run;
    let next = items
        .last()
        .filter(|_| more)
        .map(|i| format!("/financien/betaalrondes/{id}?na={}", i.payment_id));
    let first = (!after.is_empty()).then(|| format!("/financien/betaalrondes/{id}"));
    Ok(view::page(
        status,
        "finance/betaalronde.html",
        &visitor.frame(),
        context! {
            titel => format!("Betaalronde {}", run.message_id),
            r => run_view(run),
            overboekingen => items.iter().map(|i| item_view(run, i)).collect::<Vec<_>>(),
            kunnen_mislukken => failable(run, &items),
            eerste => first, volgende => next,
            mislukt_aantal => detail.failed_count,
            mislukt_totaal => view::amount(detail.failed_cents),
            betaald_aantal => detail.paid_count,
            betaald_totaal => view::amount(detail.paid_cents),
            gelukt => done,
            p => p.view(),
        },
    ))
}

/// `GET /financien/betaalrondes/{id}/betaald`: what booking the run paid will book.
pub(crate) async fn confirm_paid(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let (detail, _, _) = load(&state, &visitor, &id, None).await?;
    let run = &detail.run;
    if run.state == RunState::Paid.as_str() {
        return Ok(see_other(&format!("/financien/betaalrondes/{}", run.id)));
    }
    Ok(view::page(
        StatusCode::OK,
        "finance/betaald-bevestigen.html",
        &visitor.frame(),
        context! {
            titel => "Betaalronde als betaald boeken: bevestigen",
            r => run_view(run),
            te_boeken_aantal => run.payment_count - detail.failed_count,
            te_boeken => view::amount(run.total_cents - detail.failed_cents),
            mislukt_aantal => detail.failed_count,
            mislukt_totaal => view::amount(detail.failed_cents),
        },
    ))
}

/// `POST /financien/betaalrondes/{id}/betaald`.
pub(crate) async fn book_paid(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, now, run_id) = (state.pool.clone(), state.now(), id.clone());
    match blocking(move || payments::mark_run_paid(&pool, &actor, &run_id, now)).await? {
        Ok(_) => Ok(see_other(&format!(
            "/financien/betaalrondes/{id}?gelukt=betaald"
        ))),
        Err(e) => {
            let mut p = Problems::new("", &fields);
            p.absorb(e)?;
            detail_page(&state, &visitor, (&id, ""), &p, None, StatusCode::CONFLICT).await
        }
    }
}

/// `POST /financien/betaalrondes/{id}/mislukt`: the bank refused one transfer of the run.
pub(crate) async fn mark_failed(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    visitor.check_csrf(fields.get("csrf"))?;
    let payment = form::text(&fields, "betaling");
    let reason = form::text(&fields, "reden");
    let (pool, now) = (state.pool.clone(), state.now());
    let result = blocking(move || {
        let mut errors = Vec::new();
        if payment.is_empty() {
            errors.push(subsidie_service::FieldError::new(
                "betaling",
                "kies de overboeking die de bank weigerde",
            ));
        }
        if reason.is_empty() {
            errors.push(subsidie_service::FieldError::new(
                "reden",
                "vul de reden van de bank in, bijvoorbeeld 'AC04 rekening opgeheven'",
            ));
        }
        if !errors.is_empty() {
            return Err(ServiceError::Validation(errors));
        }
        payments::mark_payment_failed(&pool, &actor, &payment, &reason, now)
    })
    .await?;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/financien/betaalrondes/{id}?gelukt=mislukt"
        ))),
        Err(e) => {
            let mut p = Problems::new("mislukt", &fields);
            p.absorb(e)?;
            detail_page(
                &state,
                &visitor,
                (&id, ""),
                &p,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `GET /financien/betaalrondes/{id}/sepa`: the SEPA file, streamed.
pub(crate) async fn sepa(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    let funder = payer(&state)?;
    let (pool, a, i) = (state.pool.clone(), actor.clone(), id.clone());
    let detail = blocking(move || payments::run(&pool, &a, &i)).await??;
    let name = payments::sepa_file_name(&detail.run);
    let pool = state.pool.clone();
    let id = id.into_inner();
    download::stream("application/xml", &name, move |out| {
        payments::write_sepa(&pool, &actor, &id, &funder, out).map(drop)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Format {
    #[serde(default)]
    formaat: String,
}

/// `GET /financien/betaalrondes/{id}/tabel?formaat=csv|xlsx`.
pub(crate) async fn table(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    query: web::Query<Format>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    let format = table_format(&query.formaat)?;
    let pool = state.pool.clone();
    let id = id.into_inner();
    let name = format!("betaalronde-{id}.{}", format.extension());
    download::stream(format.content_type(), &name, move |out| {
        payments::write_run_table(&pool, &actor, &id, format, out).map(drop)
    })
    .await
}

/// `csv` (also when empty) or `xlsx`; anything else is refused naming both.
pub(crate) fn table_format(typed: &str) -> Result<FileFormat, Failure> {
    if typed.is_empty() {
        return Ok(FileFormat::Csv);
    }
    FileFormat::parse(typed)
        .ok_or_else(|| Failure::bad_input(format!("onbekend formaat '{typed}'; kies csv of xlsx")))
}
