//! Settling a grant (*vaststellen*) after the grantee reported: the form shows what was
//! granted and paid, and before anything is decided, what the settled amount will pay
//! or recover. Only finance settles (as `POST /aanvragen/{id}/vaststellingen`); the
//! confirmation carries the version it was shown, so a change in between is refused.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use subsidie_domain::lifecycle::State;
use subsidie_domain::Money;
use subsidie_service::application::{self, Action};
use subsidie_service::payments::{self, SettlementPreview};
use subsidie_service::{queries, Actor, Role, ServiceError};
use subsidie_store::rows::ApplicationRow;

use super::staff;
use crate::failure::Failure;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

type Page = Result<HttpResponse, Failure>;

fn finance_only(actor: &Actor) -> Result<(), Failure> {
    if actor.role == Role::Finance {
        return Ok(());
    }
    Err(ServiceError::Forbidden(format!(
        "vaststellen is voorbehouden aan de rol financien; u bent {}",
        actor.role
    ))
    .into())
}

fn preview_view(p: &SettlementPreview, settled: Money) -> Value {
    context! {
        vastgesteld => settled.to_dutch(),
        verleend => p.granted.to_dutch(),
        betaald => p.paid.to_dutch(),
        voorschotten => p.advanced.to_dutch(),
        geannuleerd => (!p.cancelled.is_zero()).then(|| p.cancelled.to_dutch()),
        te_betalen => (!p.to_pay.is_zero()).then(|| p.to_pay.to_dutch()),
        terug => (!p.to_recover.is_zero()).then(|| p.to_recover.to_dutch()),
        vrij => (p.granted > settled).then(|| p.granted.checked_sub(settled).map(Money::to_dutch).unwrap_or_default()),
    }
}

struct Shown {
    app: ApplicationRow,
    basis: SettlementPreview,
    preview: Option<(SettlementPreview, Money)>,
}

async fn render(visitor: &Visitor, shown: Shown, p: &Problems, status: StatusCode) -> Page {
    let app = &shown.app;
    let reported = app.state == State::Reported.as_str();
    Ok(view::page(
        status,
        "finance/vaststellen.html",
        &visitor.frame(),
        context! {
            titel => format!("Vaststellen {}", app.reference),
            a => context! {
                id => app.id.clone(), referentie => app.reference.clone(), titel => app.title.clone(),
                status => view::state_words(&app.state), versie => app.version,
                verleend => view::amount(app.granted_cents),
                betaald => shown.basis.paid.to_dutch(),
                voorschotten => shown.basis.advanced.to_dutch(),
                bedrag => view::amount_input(app.granted_cents),
            },
            kan => reported,
            voorbeeld => shown.preview.as_ref().map(|(pv, s)| preview_view(pv, *s)),
            p => p.view(),
        },
    ))
}

async fn load(
    state: &PortalState,
    actor: &Actor,
    id: &str,
    amount: Option<Money>,
) -> Result<Shown, Failure> {
    let (pool, a, i) = (state.pool.clone(), actor.clone(), id.to_owned());
    Ok(blocking(move || {
        let app = queries::application(&pool, &a, &i)?;
        let granted = Money::from_cents(app.granted_cents)?;
        let basis = payments::settlement_preview(&pool, &a, &i, granted)?;
        let preview = match amount {
            Some(m) => Some((payments::settlement_preview(&pool, &a, &i, m)?, m)),
            None => None,
        };
        Ok(Shown {
            app,
            basis,
            preview,
        })
    })
    .await??)
}

/// `GET /financien/vaststellingen/{id}`.
pub(crate) async fn form(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    finance_only(&actor)?;
    let shown = load(&state, &actor, &id, None).await?;
    render(&visitor, shown, &Problems::default(), StatusCode::OK).await
}

/// `POST /financien/vaststellingen/{id}`: `stap=controleren` shows what will happen,
/// `stap=bevestigen` settles.
pub(crate) async fn submit(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let visitor = Visitor::of(&req, &state).await?;
    let actor = staff(&visitor)?;
    finance_only(&actor)?;
    visitor.check_csrf(fields.get("csrf"))?;
    let mut p = Problems::new("", &fields);
    let amount = match form::amount(&form::text(&fields, "bedrag")) {
        Ok(m) => Some(m),
        Err(e) => {
            p.field("bedrag", e);
            None
        }
    };
    let motivation = form::text(&fields, "motivering");
    if motivation.is_empty() {
        p.field(
            "motivering",
            "geef de motivering van de vaststelling (art. 3:46 Awb)",
        );
    }
    let (Some(amount), true) = (amount, p.is_empty()) else {
        let shown = load(&state, &actor, &id, None).await?;
        return render(&visitor, shown, &p, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if form::text(&fields, "stap") != "bevestigen" {
        let shown = load(&state, &actor, &id, Some(amount)).await?;
        return render(&visitor, shown, &p, StatusCode::OK).await;
    }
    let version = form::text(&fields, "versie").parse::<i64>().ok();
    let (pool, now, a, i) = (state.pool.clone(), state.now(), actor.clone(), id.clone());
    let action = Action::Settle { amount, motivation };
    match blocking(move || application::execute(&pool, &a, &i, version, &action, now)).await? {
        Ok(_) => Ok(see_other(&format!("/aanvragen/{id}?gelukt=vastgesteld"))),
        Err(e) => {
            p.absorb(e)?;
            let shown = load(&state, &actor, &id, Some(amount)).await?;
            render(&visitor, shown, &p, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}
