//! Allocation rounds: start one for an instrument (it runs as a job, so a long round shows
//! that it is busy), see a round's seed, lottery days and order with the recipe to
//! recompute the lot, and close an instrument's waiting list after a confirmation.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use minijinja::{context, Value};
use subsidie_domain::lottery::Seed;
use subsidie_service::portal::{admin, signin, views};
use subsidie_service::{allocation, budget, queries};
use subsidie_store::rows::InstrumentRow;

use super::jobs::{self, Progress};
use super::{administrator, Done, Page};
use crate::catalogue::Catalogue;
use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

/// How long the start of a round waits for it before showing the progress page.
const WAIT_FOR_RESULT: Duration = Duration::from_secs(1);
/// Rounds listed on the overview.
const RUNS_LISTED: i64 = 100;

fn policy_words(policy: &str) -> &'static str {
    match policy {
        "volgorde-van-binnenkomst" | "volgorde_van_binnenkomst" => {
            "Volgorde van binnenkomst (loting per dag)"
        }
        "rangschikking" => "Rangschikking op score",
        _ => "Onbekende verdeling",
    }
}

fn decision_words(decision: &str) -> &'static str {
    match decision {
        "gereserveerd" => "Budget gereserveerd",
        "wachtlijst" => "Op de wachtlijst",
        "van_wachtlijst" => "Van de wachtlijst: budget gereserveerd",
        _ => "Onbekend besluit",
    }
}

fn instrument_view(i: &InstrumentRow, waiting: i64) -> Value {
    let available = budget::position_of(i)
        .map(|p| p.available().cents())
        .unwrap_or(0);
    context! {
        id => i.id.clone(), naam => i.name.clone(), verdeling => policy_words(&i.policy),
        plafond => view::amount(i.ceiling_cents), gereserveerd => view::amount(i.reserved_cents),
        verleend => view::amount(i.granted_cents), beschikbaar => view::amount(available),
        wachtend => waiting, gesloten => i.waitlist_closed,
    }
}

async fn render_overview(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    problems: &Problems,
    done: &Done,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let (catalogue, waiting, runs, programmes) = blocking(move || {
        Ok((
            Catalogue::load(&pool)?,
            admin::waiting_counts(&pool, &actor)?,
            allocation::list_runs(&pool, &actor, None, None, RUNS_LISTED)?,
            queries::programmes(&pool)?,
        ))
    })
    .await??;
    let programmes: Vec<Value> = programmes
        .into_iter()
        .map(|p| context! { id => p.id, naam => p.name })
        .collect();
    let instruments: Vec<Value> = catalogue
        .instruments
        .iter()
        .map(|i| instrument_view(i, waiting.get(&i.id).copied().unwrap_or(0)))
        .collect();
    let options: Vec<(String, String)> = catalogue
        .instruments
        .iter()
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    let rounds: Vec<Value> = runs
        .iter()
        .rev()
        .map(|r| {
            context! {
                id => r.id.clone(), regeling => catalogue.instrument_name(&r.instrument_id),
                op => view::instant(r.at), gereserveerd => view::amount(r.reserved_total_cents),
            }
        })
        .collect();
    let melding = match (done.gedaan.as_str(), done.aantal) {
        ("wachtlijst", Some(0)) => Some(
            "De wachtlijst is gesloten. Er stond niemand op; er is niemand afgewezen.".to_owned(),
        ),
        ("wachtlijst", Some(n)) => {
            Some(format!(
            "De wachtlijst is gesloten. {n} {} afgewezen omdat het subsidieplafond is bereikt; \
             de aanvragers krijgen een beschikking per e-mail.",
            if n == 1 { "aanvraag is" } else { "aanvragen zijn" }
        ))
        }
        _ => None,
    };
    Ok(view::page(
        status,
        "admin/toewijzing.html",
        &visitor.frame(),
        context! {
            titel => "Toewijzing van budget", regelingen => instruments, rondes => rounds,
            keuzes => Catalogue::options(&options, "Kies een regeling"),
            programmas => programmes, p => problems.view(), melding => melding,
        },
    ))
}

/// `GET /beheer`: the instruments with their budget and waiting list, the form that
/// starts a round, and the rounds so far.
pub(crate) async fn overview(
    req: HttpRequest,
    state: web::Data<PortalState>,
    done: web::Query<Done>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    render_overview(
        StatusCode::OK,
        &visitor,
        &state,
        &Problems::default(),
        &done,
    )
    .await
}

/// `POST /beheer/toewijzingsrondes`: starts a round as a job and waits a moment for it;
/// the browser goes to the job's page, which shows progress or forwards to the round.
pub(crate) async fn start(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let instrument = form::text(&fields, "instrument");
    let typed_seed = form::text(&fields, "seed");
    let mut problems = Problems::new("", &fields);
    if instrument.is_empty() {
        problems.field("instrument", "kies de regeling waarvoor u budget toewijst");
    }
    let seed = match typed_seed.as_str() {
        "" => None,
        _ if !state.config.caller_seeds => {
            problems.field(
                "seed",
                "een zelfgekozen seed kan alleen in test- of demomodus; laat het veld leeg: de ronde \
                 gebruikt dan voor elke lotingsdag de seed die vóór die dag is vastgelegd",
            );
            None
        }
        text => match text.parse::<Seed>() {
            Ok(s) => Some(s),
            Err(e) => {
                problems.field("seed", e.to_string());
                None
            }
        },
    };
    if !problems.is_empty() {
        return render_overview(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            &state,
            &problems,
            &Done::default(),
        )
        .await;
    }
    let owner = actor.user_id.clone().unwrap_or_default();
    let job = signin::random_token();
    jobs::start(&job, &owner, "Toewijzingsronde");
    let (pool, now, id) = (state.pool.clone(), state.now(), job.clone());
    let work = web::block(move || {
        let outcome = allocation::run(&pool, &actor, &instrument, seed, now)
            .map(|run| format!("/beheer/toewijzingsrondes/{}?gedaan=1", run.run.id))
            .map_err(Failure::from);
        jobs::finish(&id, outcome);
    });
    // The round goes on in the blocking pool when this wait ends first; the job records
    // its end either way.
    let _ = actix_web::rt::time::timeout(WAIT_FOR_RESULT, work).await;
    Ok(see_other(&format!("/beheer/taken/{job}")))
}

/// `GET /beheer/taken/{id}`: a job's progress; when it is done, on to its result. A
/// request from htmx's polling is forwarded with `HX-Redirect`.
pub(crate) async fn task(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    let owner = actor.user_id.clone().unwrap_or_default();
    let from_htmx = req.headers().contains_key("HX-Request");
    match jobs::progress(&id, &owner) {
        Progress::Done(to) if from_htmx => Ok(HttpResponse::Ok()
            .insert_header(("HX-Redirect", to))
            .finish()),
        Progress::Done(to) => Ok(see_other(&to)),
        Progress::Failed(failure) => Err(failure),
        Progress::Running { seconds, label } => Ok(view::page(
            StatusCode::OK,
            "admin/taak.html",
            &visitor.frame(),
            context! { titel => format!("{label} wordt uitgevoerd"), seconden => seconds, taak => id.as_str() },
        )),
        Progress::Unknown => Ok(view::page(
            StatusCode::NOT_FOUND,
            "melding.html",
            &visitor.frame(),
            context! {
                titel => "Taak niet bekend",
                melding => "Deze taak is op deze server niet (meer) bekend. Een toewijzingsronde die is \
                            uitgevoerd, staat in de lijst van toewijzingsrondes.",
                verder => "/beheer", verder_tekst => "Naar de toewijzing",
            },
        )),
    }
}

/// Where a round's seed came from, in words.
fn seed_source_words(code: &str) -> &'static str {
    match code {
        "committed" => "vóór elke lotingsdag vastgelegd (de commitment was vooraf gepubliceerd); deze ronde onthult de seed",
        "caller" => "opgegeven door wie de ronde startte: alleen in test- of demomodus",
        "drawn" => "getrokken bij de start van de ronde",
        _ => "niet vastgelegd (een ronde van vóór de vastgelegde loting)",
    }
}

fn lottery_days(text: &str) -> Vec<String> {
    text.split(',')
        .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(view::date)
        .collect()
}

/// `GET /beheer/toewijzingsrondes/{id}`: one round with seed, lottery days, order and
/// how anyone can recompute the lot.
pub(crate) async fn show_run(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    let (pool, run_id) = (state.pool.clone(), id.into_inner());
    let (found, instrument, names) = blocking(move || {
        let found = allocation::get_run(&pool, &run_id)?;
        let instrument = queries::instrument(&pool, &found.run.instrument_id)?;
        let ids: Vec<String> = found.run.actor_id.iter().cloned().collect();
        Ok((found, instrument, views::user_names(&pool, &ids)?))
    })
    .await??;
    let run = &found.run;
    let placements: Vec<Value> = found
        .placements
        .iter()
        .map(|p| {
            context! {
                positie => p.position, id => p.application_id.clone(), referentie => p.reference.clone(),
                besluit => decision_words(&p.decision), lotsleutel => p.lot_key.clone(),
            }
        })
        .collect();
    let drawn: Vec<String> = found
        .placements
        .iter()
        .filter(|p| p.lot_key.is_some())
        .map(|p| p.reference.clone())
        .collect();
    let by = run
        .actor_id
        .as_ref()
        .and_then(|a| names.get(a).cloned())
        .unwrap_or_else(|| "de engine zelf".to_owned());
    Ok(view::page(
        StatusCode::OK,
        "admin/ronde.html",
        &visitor.frame(),
        context! {
            titel => format!("Toewijzingsronde {}", instrument.name),
            r => context! {
                id => run.id.clone(), regeling => instrument.name.clone(), regeling_id => instrument.id.clone(),
                verdeling => policy_words(&run.policy), seed => run.seed.clone(),
                herkomst => seed_source_words(&run.seed_source),
                dag => run.day.map(view::date),
                seeds => found.seeds.iter().map(|s| context! {
                    dag => view::date(s.day), seed => s.seed.clone(), commitment => s.commitment.clone(),
                }).collect::<Vec<Value>>(),
                lotingsdagen => lottery_days(&run.lottery_days),
                beschikbaar => view::amount(run.available_before_cents),
                gereserveerd => view::amount(run.reserved_total_cents),
                door => by, op => view::instant(run.at),
                wachtlijst_open => !instrument.waitlist_closed,
            },
            plaatsingen => placements, geloot => drawn.join(" "),
            gedaan => !done.gedaan.is_empty(),
        },
    ))
}

/// `GET /beheer/regelingen/{id}/wachtlijst-sluiten`: what closing the list would do.
pub(crate) async fn confirm_close(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    let (pool, inst) = (state.pool.clone(), id.into_inner());
    let (instrument, waiting) = blocking(move || {
        let instrument = queries::instrument(&pool, &inst)?;
        let waiting = admin::waiting_counts(&pool, &actor)?;
        Ok((instrument, waiting))
    })
    .await??;
    let count = waiting.get(&instrument.id).copied().unwrap_or(0);
    Ok(view::page(
        StatusCode::OK,
        "admin/wachtlijst.html",
        &visitor.frame(),
        context! {
            titel => format!("Wachtlijst sluiten: {}", instrument.name),
            i => instrument_view(&instrument, count),
        },
    ))
}

/// `POST /beheer/regelingen/{id}/wachtlijst-sluiten`.
pub(crate) async fn close(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let (pool, now, inst) = (state.pool.clone(), state.now(), id.into_inner());
    let rejected =
        blocking(move || allocation::close_waiting_list(&pool, &actor, &inst, now)).await??;
    Ok(see_other(&format!(
        "/beheer?gedaan=wachtlijst&aantal={}",
        rejected.len()
    )))
}
