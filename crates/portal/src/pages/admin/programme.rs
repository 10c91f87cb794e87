//! One instrument's programme settings: its ceiling and its window changed by an
//! administrator (the use cases of `subsidie_service::programme`), with the history of
//! every change.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use minijinja::{context, Value};
use subsidie_domain::programme::dutch_wall_clock;
use subsidie_domain::programme_change::WindowChange;
use subsidie_service::allocation::commitments;
use subsidie_service::portal::views;
use subsidie_service::{budget, programme, queries};

use super::{administrator, Done, Page};
use crate::catalogue::Catalogue;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

fn change_words(kind: &str) -> &'static str {
    use programme::ChangeKind;
    match kind {
        k if k == ChangeKind::Ceiling.as_str() => "Subsidieplafond gewijzigd",
        k if k == ChangeKind::Window.as_str() => "Openstelling gewijzigd",
        k if k == ChangeKind::InstrumentAdded.as_str() => "Regeling toegevoegd",
        _ => "Gewijzigd",
    }
}

/// How many days of lottery commitments the page lists, newest first.
const LOTS_SHOWN: usize = 16;

async fn render(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    id: String,
    problems: &Problems,
    done: &str,
) -> Page {
    let actor = visitor.signed_in()?.actor.clone();
    let pool = state.pool.clone();
    let (instrument, rounds, changes, names, lots) = blocking(move || {
        let instrument = queries::instrument(&pool, &id)?;
        let rounds = subsidie_service::rounds::list(&pool, &instrument)?;
        // The last fortnight's commitments and the days drawn ahead: enough to check a
        // recent run against what was published before it.
        let lots = commitments::list(&pool, &instrument.id, None)?
            .into_iter()
            .take(LOTS_SHOWN)
            .collect::<Vec<_>>();
        let changes: Vec<_> = programme::history(&pool, &actor, &instrument.programme_id)?
            .into_iter()
            .filter(|c| c.instrument_id.as_deref() == Some(instrument.id.as_str()))
            .collect();
        let ids: Vec<String> = changes.iter().filter_map(|c| c.actor_id.clone()).collect();
        let names = views::user_names(&pool, &ids)?;
        Ok((instrument, rounds, changes, names, lots))
    })
    .await??;
    let available = budget::position_of(&instrument)
        .map(|p| p.available().cents())
        .unwrap_or(0);
    let history: Vec<Value> = changes
        .iter()
        .rev()
        .map(|c| {
            let by = c.actor_id.as_ref().map_or_else(
                || "de engine zelf".to_owned(),
                |a| names.get(a).cloned().unwrap_or_else(|| a.clone()),
            );
            context! {
                op => view::instant(c.at), wat => change_words(&c.change), door => by,
                oud => c.old_value.clone(), nieuw => c.new_value.clone(), reden => c.reason.clone(),
            }
        })
        .collect();
    let rondes: Vec<Value> = rounds
        .iter()
        .map(|r| {
            context! {
                code => r.code.clone(), naam => r.name.clone(),
                opent => dutch_wall_clock(r.opens), sluit => dutch_wall_clock(r.closes),
                plafond => r.ceiling.map_or_else(
                    || "dat van de regeling".to_owned(),
                    |c| view::amount(c.cents()),
                ),
                overloop => r.carry_over, alleen_zonder => r.only_unfunded_in.clone(),
            }
        })
        .collect();
    let lotingen: Vec<Value> = lots
        .iter()
        .map(|c| {
            context! {
                dag => view::date(c.day), commitment => c.commitment.clone(),
                getrokken => view::instant(c.drawn_at.naive_utc()), seed => c.seed.clone(),
                ronde => c.revealed_by.clone(),
            }
        })
        .collect();
    let kinds: Vec<(String, String)> = [
        ("openen", "Openen (van … tot en met …)"),
        ("verlengen", "Verlengen tot en met …"),
        ("sluiten", "Sluiten (vanaf vandaag geen aanvragen meer)"),
    ]
    .iter()
    .map(|(v, n)| ((*v).to_owned(), (*n).to_owned()))
    .collect();
    let melding = match done {
        "plafond" => Some("Het subsidieplafond is gewijzigd."),
        "openstelling" => Some("De openstelling is gewijzigd."),
        "toegevoegd" => Some("De regeling is toegevoegd aan het programma. Aanvragen kunnen binnenkomen zodra de openstelling begint."),
        _ => None,
    };
    Ok(view::page(
        status,
        "admin/regeling.html",
        &visitor.frame(),
        context! {
            titel => format!("Regeling {}", instrument.name),
            i => context! {
                id => instrument.id.clone(), naam => instrument.name.clone(),
                plafond => view::amount(instrument.ceiling_cents),
                plafond_invoer => view::amount_input(instrument.ceiling_cents),
                gereserveerd => view::amount(instrument.reserved_cents),
                verleend => view::amount(instrument.granted_cents),
                beschikbaar => view::amount(available),
                van => view::date(instrument.opens_on), tot => view::date(instrument.closes_on),
            },
            rondes => rondes, lotingen => lotingen, historie => history, soorten => Catalogue::options(&kinds, "Kies wat u wijzigt"),
            p => problems.view(), melding => melding,
        },
    ))
}

/// `GET /beheer/regelingen/{id}`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    done: web::Query<Done>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    let empty = Problems::default();
    render(
        StatusCode::OK,
        &visitor,
        &state,
        id.into_inner(),
        &empty,
        &done.gedaan,
    )
    .await
}

/// `POST /beheer/regelingen/{id}/plafond`.
pub(crate) async fn change_ceiling(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let mut problems = Problems::new("plafond", &fields);
    match form::amount(&form::text(&fields, "plafond")) {
        Err(e) => problems.field("plafond", e),
        Ok(ceiling) => {
            let reason = form::optional(&fields, "reden");
            let (pool, now, inst) = (state.pool.clone(), state.now(), id.clone());
            let changed = blocking(move || {
                programme::change_ceiling(&pool, &actor, &inst, ceiling, reason.as_deref(), now)
            })
            .await?;
            match changed {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/beheer/regelingen/{id}?gedaan=plafond"
                    )))
                }
                Err(e) => problems.absorb(e)?,
            }
        }
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        id,
        &problems,
        "",
    )
    .await
}

/// `POST /beheer/regelingen/{id}/openstelling`.
pub(crate) async fn change_window(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let mut problems = Problems::new("openstelling", &fields);
    let opens = form::date(&fields, "van", &mut problems);
    let closes = form::date(&fields, "tot", &mut problems);
    let change = match (form::text(&fields, "openstelling").as_str(), closes) {
        ("sluiten", _) => Some(WindowChange::Close),
        ("openen", Some(closes)) => Some(WindowChange::Open { opens, closes }),
        ("verlengen", Some(closes)) => Some(WindowChange::Extend { closes }),
        ("openen" | "verlengen", None) => {
            problems.field(
                "tot",
                "vul de laatste dag in waarop aanvragen binnen mogen komen",
            );
            None
        }
        _ => {
            problems.field("openstelling", "kies openen, verlengen of sluiten");
            None
        }
    };
    if let (Some(change), true) = (change, problems.is_empty()) {
        let reason = form::optional(&fields, "reden");
        let (pool, now, inst) = (state.pool.clone(), state.now(), id.clone());
        let changed = blocking(move || {
            programme::change_window(&pool, &actor, &inst, change, reason.as_deref(), now)
        })
        .await?;
        match changed {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/beheer/regelingen/{id}?gedaan=openstelling"
                )))
            }
            Err(e) => problems.absorb(e)?,
        }
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        id,
        &problems,
        "",
    )
    .await
}
