//! The operations endpoints, outside `/api/v1` and outside its OpenAPI document (they are
//! for the platform, not for applicants): `/health` (the process answers), `/ready` (the
//! database answers, the schema is current, the mailer runs where this process has one)
//! and `/metrics` (Prometheus text format), optionally behind a bearer token.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::fmt::Write as _;
use subsidie_domain::Money;
use subsidie_service::operations;

use crate::metrics::{header as help, label};
use crate::problem::ApiError;
use crate::state::{blocking, AppState, Liveness};

/// Registers `/health`, `/ready` and `/metrics`.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .route("/metrics", web::get().to(metrics));
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let pending = blocking(move || operations::pending_migrations(&pool)).await;
    let mut wrong = Vec::new();
    match &pending {
        Ok(0) => {}
        Ok(n) => wrong.push(format!(
            "databaseschema: {n} migratie(s) niet uitgevoerd; draai 'subsidie migrate'"
        )),
        Err(e) => wrong.push(format!("database: {}", e.problem().detail)),
    }
    let mailer = state.mailer.as_ref().map(Liveness::alive);
    if mailer == Some(false) {
        wrong.push("e-mail: de verzendthread draait niet; herstart het proces".to_owned());
    }
    if !wrong.is_empty() {
        return Err(ApiError::unavailable(
            format!("niet gereed: {}", wrong.join("; ")),
            5,
        ));
    }
    let mail = match mailer {
        Some(_) => "draait",
        None => "niet in dit proces",
    };
    Ok(HttpResponse::Ok().json(json!({
        "status": "gereed",
        "database": "bereikbaar",
        "databaseschema": "bijgewerkt",
        "email": mail,
    })))
}

/// True when no token is configured, or the request carries it as a bearer token.
fn allowed(req: &HttpRequest, token: Option<&str>) -> bool {
    let Some(token) = token else {
        return true;
    };
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            // Same time for any wrong token of the right length.
            given.len() == token.len()
                && given
                    .bytes()
                    .zip(token.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !allowed(&req, state.metrics_token.as_deref()) {
        return Err(ApiError::unauthorized(
            "/metrics vraagt 'Authorization: Bearer <METRICS_TOKEN>' met het token van de server",
            true,
        ));
    }
    let pool = state.pool.clone();
    let today = subsidie_domain::deadlines::amsterdam_date(state.now());
    let gauges = blocking(move || operations::gauges(&pool, today)).await?;
    let pool = state.pool.clone();
    // The engine reads its own outbox here, as the CLI does: no caller's role applies.
    let system = subsidie_service::Actor::system();
    let outbox = blocking(move || subsidie_service::outbox::admin::summary(&pool, &system)).await?;
    let mut out = String::new();
    state.metrics.render(&mut out);
    help(
        &mut out,
        "subsidie_outbox_messages",
        "gauge",
        "Berichten in de outbox per toestand.",
    );
    for (kind, n) in [
        ("wachtend", outbox.waiting),
        ("opnieuw", outbox.retrying),
        ("mislukt", outbox.failed),
    ] {
        let _ = writeln!(out, "subsidie_outbox_messages{{toestand=\"{kind}\"}} {n}");
    }
    let budgets = [
        (
            "subsidie_budget_available_euros",
            "Beschikbaar budget per instrument (plafond min gereserveerd en verleend), in euro.",
            gauges
                .instruments
                .iter()
                .map(|i| (&i.code, i.available_cents))
                .collect::<Vec<_>>(),
        ),
        (
            "subsidie_budget_ceiling_euros",
            "Subsidieplafond per instrument, in euro.",
            gauges
                .instruments
                .iter()
                .map(|i| (&i.code, i.ceiling_cents))
                .collect(),
        ),
    ];
    for (name, text, values) in budgets {
        help(&mut out, name, "gauge", text);
        for (code, cents) in values {
            // Exact decimals, not through a float: Money's API form.
            // A stored amount beyond Money's range is left out rather than misstated.
            if let Ok(euros) = Money::from_cents(cents) {
                let _ = writeln!(out, "{name}{{instrument=\"{}\"}} {euros}", label(code));
            }
        }
    }
    help(
        &mut out,
        "subsidie_ledger_check_ok",
        "gauge",
        "1 als het grootboek tot op de cent klopt met de budgetstand, anders 0.",
    );
    let _ = writeln!(
        out,
        "subsidie_ledger_check_ok {}",
        u8::from(gauges.ledger_holds)
    );
    help(
        &mut out,
        "subsidie_decisions_overdue",
        "gauge",
        "Aanvragen zonder besluit waarvan de beslistermijn is verstreken (art. 4:13 Awb).",
    );
    let _ = writeln!(
        out,
        "subsidie_decisions_overdue {}",
        gauges.overdue_decisions
    );
    render_pool(&mut out, &state.pool);
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out))
}

/// The database pool's gauges, and on SQLite the shared writer's counters.
fn render_pool(out: &mut String, pool: &subsidie_store::Pool) {
    if let Some(writer) = pool.writer_counts() {
        help(
            out,
            "subsidie_sqlite_writes_total",
            "counter",
            "Schrijfacties op de schrijfverbinding van SQLite, elk in een eigen savepoint.",
        );
        let _ = writeln!(out, "subsidie_sqlite_writes_total {}", writer.jobs);
        help(
            out,
            "subsidie_sqlite_commits_total",
            "counter",
            "COMMITs van SQLite; één COMMIT bevestigt de schrijfacties die samen in de rij stonden.",
        );
        let _ = writeln!(out, "subsidie_sqlite_commits_total {}", writer.commits);
    }
    let pool_state = pool.state();
    help(
        out,
        "subsidie_db_pool_connections",
        "gauge",
        "Verbindingen in de pool van dit proces, in gebruik of vrij.",
    );
    let idle = pool_state.idle_connections;
    let _ = writeln!(
        out,
        "subsidie_db_pool_connections{{toestand=\"in-gebruik\"}} {}",
        pool_state.connections.saturating_sub(idle)
    );
    let _ = writeln!(
        out,
        "subsidie_db_pool_connections{{toestand=\"vrij\"}} {idle}"
    );
    let _ = writeln!(out, "subsidie_db_pool_max_connections {}", pool.max_size());
}
