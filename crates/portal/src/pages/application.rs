//! One application's page, for applicant and reviewer alike: the request, its history as
//! a timeline, the letters sent, payments and objections, and the forms of what the
//! visitor may do now. Where the visitor may not act, the page says why.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Deserialize;
use subsidie_service::application::{self, Action, Outcome};
use subsidie_service::portal::views;
use subsidie_service::{budget, Role};
use subsidie_store::rows::{OutboxRow, PaymentRow};

use super::actions;
use super::facts::{load_facts, Facts};
use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

#[derive(Deserialize)]
pub(crate) struct Done {
    gelukt: Option<String>,
}

/// `GET /aanvragen/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let message = done.gelukt.as_deref().and_then(actions::done_message);
    detail(
        &state,
        &visitor,
        &id,
        &Problems::default(),
        message,
        StatusCode::OK,
    )
    .await
}

/// `GET /referentie/{reference}`: where the letters link to; on to the application.
pub(crate) async fn by_reference(
    req: HttpRequest,
    state: web::Data<PortalState>,
    reference: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let reference = reference.into_inner();
    let id = blocking(move || views::application_by_reference(&pool, &actor, &reference)).await??;
    Ok(see_other(&format!("/aanvragen/{id}")))
}

pub(crate) async fn detail(
    state: &PortalState,
    visitor: &Visitor,
    id: &str,
    p: &Problems,
    done: Option<&str>,
    status: StatusCode,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let (pool, a, i) = (state.pool.clone(), actor.clone(), id.to_owned());
    let facts = blocking(move || load_facts(&pool, &a, &i)).await??;
    let (pool, a, i, st) = (
        state.pool.clone(),
        actor.clone(),
        id.to_owned(),
        facts.app.state.clone(),
    );
    let documents = blocking(move || super::document_list::section(&pool, &a, &i, &st)).await??;
    let (pool, a, i, st) = (
        state.pool.clone(),
        actor.clone(),
        id.to_owned(),
        facts.app.state.clone(),
    );
    let partners = blocking(move || super::partner_list::section(&pool, &a, &i, &st)).await??;
    let now = state.now();
    let (forms, reasons) = actions::available(&facts, &actor, now);
    let app = &facts.app;
    let budget = (actor.role != Role::Applicant)
        .then(|| facts.catalogue.instrument(&app.instrument_id))
        .flatten()
        .map(|i| {
            let available = budget::position_of(i).map(|p| p.available().cents()).unwrap_or(0);
            context! {
                plafond => view::amount(i.ceiling_cents), gereserveerd => view::amount(i.reserved_cents),
                verleend => view::amount(i.granted_cents), beschikbaar => view::amount(available),
            }
        });
    Ok(view::page(
        status,
        "aanvraag.html",
        &visitor.frame(),
        context! {
            titel => format!("Aanvraag {}", app.reference),
            a => summary(&facts, now),
            tijdlijn => timeline(&facts),
            brieven => facts.letters.iter().map(|l| letter(l, &facts)).collect::<Vec<_>>(),
            betalingen => facts.payments.iter().map(payment).collect::<Vec<_>>(),
            bezwaren => facts.objections.iter().map(|o| context! {
                ingediend => view::instant(o.submitted_at), gronden => o.grounds.clone(), status => o.state.clone(),
            }).collect::<Vec<_>>(),
            budget => budget,
            acties => forms,
            documenten => documents,
            partners => partners,
            niet_mogelijk => reasons,
            gelukt => done,
            p => p.view(),
        },
    ))
}

fn summary(facts: &Facts, now: chrono::DateTime<chrono::Utc>) -> Value {
    let a = &facts.app;
    let cat = &facts.catalogue;
    let money = |c: i64| (c > 0).then(|| view::amount(c));
    let decided = a.decided_at.is_some();
    context! {
        id => a.id.clone(), referentie => a.reference.clone(), titel => a.title.clone(), omschrijving => a.description.clone(),
        status => view::state_words(&a.state),
        regeling => cat.instrument_name(&a.instrument_id),
        discipline => a.discipline_id.as_deref().map(|d| cat.discipline_name(d)),
        regio => cat.region_name(&a.region_id),
        bedrag => view::amount(a.requested_cents),
        gereserveerd => money(a.reserved_cents),
        verleend => money(a.granted_cents),
        ontvangen => a.received_at.map(view::instant),
        beslissen_uiterlijk => a.decision_due_on.filter(|_| !decided).map(view::date),
        te_laat => a.decision_due_on.is_some_and(|d| !decided && subsidie_domain::deadlines::deadline_passed(d, now)),
        aanvullen_uiterlijk => a.supplement_due_on.map(view::date),
        aanvulling_vraag => a.supplement_request.as_ref().filter(|_| a.state == "aanvulling_gevraagd"),
        bezwaar_uiterlijk => a.objection_due_on.map(view::date),
        motivering => a.decision_motivation.clone(),
    }
}

fn timeline(facts: &Facts) -> Vec<Value> {
    facts
        .history
        .iter()
        .rev()
        .map(|h| {
            let changed = h.from_state.as_deref() != Some(h.to_state.as_str());
            context! {
                wat => view::command_words(&h.command),
                wanneer => view::instant(h.at),
                wie => h.actor_id.as_ref().map(|id| facts.names.get(id).cloned().unwrap_or_else(|| "een medewerker".to_owned())),
                status => changed.then(|| view::state_words(&h.to_state)),
                toelichting => h.reason.clone(),
            }
        })
        .collect()
}

fn letter(row: &OutboxRow, facts: &Facts) -> Value {
    let rendered = serde_json::from_str(&row.payload)
        .ok()
        .and_then(|payload| subsidie_notify::render(&row.template, &payload).ok());
    let status = match (row.sent_at, row.failed_at) {
        (Some(at), _) => format!("verzonden op {}", view::instant(at)),
        (None, Some(_)) => "verzending mislukt; wij proberen het niet opnieuw".to_owned(),
        (None, None) => format!(
            "klaargezet op {}, wordt verzonden",
            view::instant(row.created_at)
        ),
    };
    // A decision's letter as it was made and archived, to download.
    let pdf = facts.decisions.get(&row.id).map(|d| {
        context! {
            id => d.id.clone(),
            naam => d.file_name.clone(),
            grootte => format!("{} KiB", (d.size_bytes + 1023) / 1024),
        }
    });
    match rendered {
        Some(r) => {
            context! { onderwerp => r.subject, tekst => r.text, verzonden => status, pdf => pdf }
        }
        None => context! {
            onderwerp => format!("Bericht '{}'", row.template),
            tekst => "Dit bericht kan hier niet worden getoond.",
            verzonden => status,
        },
    }
}

fn payment(row: &PaymentRow) -> Value {
    context! {
        kenmerk => row.reference.clone(),
        soort => row.kind.clone(),
        bedrag => view::amount(row.amount_cents),
        datum => view::date(row.due_on),
        status => row.state.clone(),
    }
}

/// What a form asks the engine to do.
enum Request {
    Lifecycle(Action),
    Object(String),
    Score(i32),
}

fn request(verb: &str, fields: &Fields, p: &mut Problems) -> Result<Request, Failure> {
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    Ok(Request::Lifecycle(match verb {
        "indienen" => Action::Submit,
        "verwijderen" => Action::Delete,
        "aanvullen" => Action::Supply {
            note: text("toelichting"),
        },
        "intrekken" => Action::Withdraw {
            reason: form::optional(fields, "toelichting"),
        },
        "verantwoorden" => Action::Report {
            summary: text("toelichting"),
        },
        "beoordeling-starten" => Action::StartReview,
        "aanvulling-vragen" => Action::RequestSupplement {
            request: text("aanvulling"),
        },
        "afwijzen" => Action::Reject {
            motivation: text("motivering"),
        },
        "honoreren" => {
            let amount = form::amount(&form::text(fields, "bedrag")).unwrap_or_else(|e| {
                p.field("bedrag", e);
                subsidie_domain::Money::ZERO
            });
            Action::Grant {
                amount,
                motivation: text("motivering"),
            }
        }
        "bezwaar" => return Ok(Request::Object(text("gronden"))),
        "score" => match form::text(fields, "score").parse::<i32>() {
            Ok(s) => return Ok(Request::Score(s)),
            Err(_) => {
                p.field("score", "vul een geheel getal van 0 tot en met 100 in");
                return Ok(Request::Score(0));
            }
        },
        _ => return Err(Failure::no_page()),
    }))
}

/// `POST /aanvragen/{id}/{actie}`: one command, then back to the page (or, when a draft
/// was deleted, to the list).
pub(crate) async fn act(
    req: HttpRequest,
    state: web::Data<PortalState>,
    path: web::Path<(String, String)>,
    fields: web::Form<Fields>,
) -> Page {
    let (id, verb) = path.into_inner();
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let actor = visitor.signed_in()?.actor.clone();
    let mut p = Problems::new(&verb, &fields);
    let request = request(&verb, &fields, &mut p)?;
    if !p.is_empty() {
        return detail(
            &state,
            &visitor,
            &id,
            &p,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let (pool, now, i) = (state.pool.clone(), state.now(), id.clone());
    let result = blocking(move || match request {
        Request::Lifecycle(action) => application::execute(&pool, &actor, &i, None, &action, now),
        Request::Object(grounds) => {
            application::object(&pool, &actor, &i, &grounds, now).map(|_| Outcome::Deleted)
        }
        Request::Score(score) => {
            application::score(&pool, &actor, &i, score, now).map(|a| Outcome::Changed(Box::new(a)))
        }
    })
    .await?;
    match result {
        Ok(Outcome::Deleted) if verb == "verwijderen" => {
            Ok(see_other("/aanvragen?gelukt=verwijderen"))
        }
        Ok(Outcome::GrantProposed(_)) => {
            Ok(see_other(&format!("/aanvragen/{id}?gelukt=voorgesteld")))
        }
        Ok(_) => Ok(see_other(&format!("/aanvragen/{id}?gelukt={verb}"))),
        Err(err) => {
            p.absorb(err)?;
            detail(
                &state,
                &visitor,
                &id,
                &p,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
