//! The applicant's pages: my applications, a new application, editing a concept and the
//! confirmation before submitting.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use subsidie_domain::deadlines;
use subsidie_service::application::{self, DraftChanges, NewApplication};
use subsidie_service::paging::MAX_PAGE;
use subsidie_service::queries::{self, ApplicationFilter};
use subsidie_service::{Actor, ServiceError};
use subsidie_store::rows::ApplicationRow;

use crate::catalogue::Catalogue;
use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

/// The next date that matters for an application, in words.
pub(crate) fn next_deadline(
    app: &ApplicationRow,
    catalogue: &Catalogue,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<String> {
    let open = |d: chrono::NaiveDate| !deadlines::deadline_passed(d, now);
    match app.state.as_str() {
        "concept" => catalogue
            .instrument(&app.instrument_id)
            .map(|i| format!("indienen uiterlijk {}", view::date(i.closes_on))),
        "aanvulling_gevraagd" => app
            .supplement_due_on
            .map(|d| format!("aanvullen uiterlijk {}", view::date(d))),
        "ingediend" | "wachtlijst" | "gereserveerd" | "in_behandeling" => app
            .decision_due_on
            .map(|d| format!("besluit uiterlijk {}", view::date(d))),
        "gehonoreerd" => {
            let objection = app.objection_due_on.filter(|d| open(*d));
            let accounting = catalogue
                .instrument(&app.instrument_id)
                .and_then(|i| i.accounting_deadline);
            objection
                .map(|d| format!("bezwaar mogelijk tot en met {}", view::date(d)))
                .or_else(|| {
                    accounting.map(|d| format!("verantwoorden uiterlijk {}", view::date(d)))
                })
        }
        _ => app
            .objection_due_on
            .filter(|d| open(*d))
            .map(|d| format!("bezwaar mogelijk tot en met {}", view::date(d))),
    }
}

/// `GET /aanvragen`: the applications of the applicant's organisation.
pub(crate) async fn list(req: HttpRequest, state: web::Data<PortalState>) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let (pool, now) = (state.pool.clone(), state.now());
    let (rows, catalogue) = blocking(move || {
        let rows =
            queries::applications(&pool, &actor, &ApplicationFilter::default(), None, MAX_PAGE)?;
        Ok((rows, Catalogue::load(&pool)?))
    })
    .await??;
    let items: Vec<Value> = rows
        .iter()
        .rev()
        .map(|a| {
            context! {
                id => a.id.clone(), referentie => a.reference.clone(), titel => a.title.clone(),
                regeling => catalogue.instrument_name(&a.instrument_id),
                bedrag => view::amount(a.requested_cents),
                status => view::state_words(&a.state),
                termijn => next_deadline(a, &catalogue, now),
            }
        })
        .collect();
    Ok(view::page(
        StatusCode::OK,
        "mijn-aanvragen.html",
        &visitor.frame(),
        context! { titel => "Mijn aanvragen", aanvragen => items },
    ))
}

/// What the form shows as the current values.
struct Current {
    instrument: String,
    discipline: String,
    title: String,
    description: String,
    amount: String,
}

fn form_page(
    status: StatusCode,
    visitor: &Visitor,
    catalogue: &Catalogue,
    target: Option<&ApplicationRow>,
    p: &Problems,
) -> HttpResponse {
    let current = match target {
        Some(a) => Current {
            instrument: a.instrument_id.clone(),
            discipline: a.discipline_id.clone().unwrap_or_default(),
            title: a.title.clone(),
            description: a.description.clone(),
            amount: view::amount_input(a.requested_cents),
        },
        None => Current {
            instrument: String::new(),
            discipline: String::new(),
            title: String::new(),
            description: String::new(),
            amount: String::new(),
        },
    };
    let instruments: Vec<(String, String)> = catalogue
        .instruments
        .iter()
        .map(|i| {
            let bounds = if i.fixed_amount {
                format!("vast bedrag {}", view::amount(i.max_cents))
            } else {
                format!(
                    "{} tot {}",
                    view::amount(i.min_cents),
                    view::amount(i.max_cents)
                )
            };
            (i.id.clone(), format!("{} ({bounds})", i.name))
        })
        .collect();
    let title = if target.is_some() {
        "Concept wijzigen"
    } else {
        "Nieuwe aanvraag"
    };
    view::page(
        status,
        "aanvraagformulier.html",
        &visitor.frame(),
        context! {
            titel => title,
            nieuw => target.is_none(),
            actie => target.map_or_else(|| "/aanvragen/nieuw".to_owned(), |a| format!("/aanvragen/{}/wijzigen", a.id)),
            regeling => target.map(|a| catalogue.instrument_name(&a.instrument_id)),
            regelingen => Catalogue::options(&instruments, "Kies een regeling"),
            disciplines => Catalogue::options(&catalogue.disciplines, "Geen discipline"),
            huidig => context! {
                instrument => current.instrument, discipline => current.discipline,
                titel => current.title, omschrijving => current.description, bedrag => current.amount,
            },
            p => p.view(),
        },
    )
}

/// `GET /aanvragen/nieuw`.
pub(crate) async fn new_form(req: HttpRequest, state: web::Data<PortalState>) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.signed_in()?;
    let pool = state.pool.clone();
    let catalogue = blocking(move || Catalogue::load(&pool)).await??;
    Ok(form_page(
        StatusCode::OK,
        &visitor,
        &catalogue,
        None,
        &Problems::default(),
    ))
}

/// Reads the amount field; a wrong one becomes a field error.
fn typed_amount(fields: &Fields, p: &mut Problems) -> Option<subsidie_domain::Money> {
    match form::amount(&form::text(fields, "bedrag")) {
        Ok(m) => Some(m),
        Err(e) => {
            p.field("bedrag", e);
            None
        }
    }
}

/// `POST /aanvragen/nieuw`: a draft, or the form again with the engine's messages.
pub(crate) async fn create(
    req: HttpRequest,
    state: web::Data<PortalState>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let actor = visitor.signed_in()?.actor.clone();
    let mut p = Problems::new("", &fields);
    let instrument_id = form::text(&fields, "instrument");
    if instrument_id.is_empty() {
        p.field("instrument", "kies de regeling waaronder u aanvraagt");
    }
    let requested = typed_amount(&fields, &mut p);
    let (pool, now) = (state.pool.clone(), state.now());
    let outcome = match requested {
        Some(requested) if p.is_empty() => {
            let new = NewApplication {
                instrument_id,
                discipline_id: form::optional(&fields, "discipline"),
                title: form::text(&fields, "titel"),
                description: fields.get("omschrijving").cloned().unwrap_or_default(),
                requested,
            };
            let pool = pool.clone();
            Some(blocking(move || application::create_draft(&pool, &actor, &new, now)).await?)
        }
        _ => None,
    };
    match outcome {
        Some(Ok(app)) => Ok(see_other(&format!("/aanvragen/{}", app.id))),
        Some(Err(err)) => {
            p.absorb(err)?;
            refill(&visitor, &pool, None, &p).await
        }
        None => refill(&visitor, &pool, None, &p).await,
    }
}

async fn refill(
    visitor: &Visitor,
    pool: &subsidie_service::Pool,
    target: Option<ApplicationRow>,
    p: &Problems,
) -> Page {
    let pool = pool.clone();
    let catalogue = blocking(move || Catalogue::load(&pool)).await??;
    Ok(form_page(
        StatusCode::UNPROCESSABLE_ENTITY,
        visitor,
        &catalogue,
        target.as_ref(),
        p,
    ))
}

async fn load(state: &PortalState, actor: &Actor, id: &str) -> Result<ApplicationRow, Failure> {
    let (pool, actor, id) = (state.pool.clone(), actor.clone(), id.to_owned());
    Ok(blocking(move || queries::application(&pool, &actor, &id)).await??)
}

/// `GET /aanvragen/{id}/wijzigen`.
pub(crate) async fn edit_form(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let app = load(&state, &actor, &id).await?;
    let pool = state.pool.clone();
    let catalogue = blocking(move || Catalogue::load(&pool)).await??;
    Ok(form_page(
        StatusCode::OK,
        &visitor,
        &catalogue,
        Some(&app),
        &Problems::default(),
    ))
}

/// `POST /aanvragen/{id}/wijzigen`.
pub(crate) async fn edit(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let actor = visitor.signed_in()?.actor.clone();
    let app = load(&state, &actor, &id).await?;
    let mut p = Problems::new("", &fields);
    let requested = typed_amount(&fields, &mut p);
    if let (Some(requested), true) = (requested, p.is_empty()) {
        let changes = DraftChanges {
            title: Some(form::text(&fields, "titel")),
            description: Some(fields.get("omschrijving").cloned().unwrap_or_default()),
            requested: Some(requested),
            discipline_id: form::optional(&fields, "discipline"),
        };
        let (pool, now, a, id) = (
            state.pool.clone(),
            state.now(),
            actor.clone(),
            app.id.clone(),
        );
        let version = app.version;
        match blocking(move || {
            application::edit_draft(&pool, &a, &id, Some(version), &changes, now)
        })
        .await?
        {
            Ok(saved) => return Ok(see_other(&format!("/aanvragen/{}", saved.id))),
            Err(err) => p.absorb(err)?,
        }
    }
    refill(&visitor, &state.pool, Some(app), &p).await
}

/// `GET /aanvragen/{id}/indienen`: what happens after submitting, before it is done.
pub(crate) async fn confirm_submit(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = visitor.signed_in()?.actor.clone();
    let app = load(&state, &actor, &id).await?;
    if app.state != "concept" {
        return Err(ServiceError::Conflict(format!(
            "deze aanvraag is al ingediend (status: {}); alleen een concept kan worden ingediend",
            view::state_words(&app.state).to_lowercase()
        ))
        .into());
    }
    let pool = state.pool.clone();
    let catalogue = blocking(move || Catalogue::load(&pool)).await??;
    let instrument = catalogue.instrument(&app.instrument_id);
    Ok(view::page(
        StatusCode::OK,
        "indienen.html",
        &visitor.frame(),
        context! {
            titel => "Aanvraag indienen",
            a => context! {
                id => app.id, titel => app.title, referentie => app.reference,
                bedrag => view::amount(app.requested_cents),
                regeling => catalogue.instrument_name(&app.instrument_id),
            },
            beslistermijn => instrument.map_or(13, |i| i.decision_term_weeks),
        },
    ))
}
