//! The REST API v1 of subsidie, on actix-web.
//!
//! Resources live under `/api/v1` with Dutch names (`/aanvragen`, `/instrumenten`, …);
//! each lifecycle command of an application is a sub-resource
//! (`POST /aanvragen/{id}/indieningen`). Handlers are thin: they read a DTO, call the
//! service on the blocking pool (diesel is synchronous) and map the result to a DTO.
//!
//! Around them: bearer authentication ([`auth`]), one mapping from service errors to
//! `application/problem+json` ([`problem`]), `API-Version` on every answer and
//! `Idempotency-Key` for POSTs ([`middleware`]), ETags and `If-Match` on applications, and
//! the OpenAPI document with its interactive page ([`openapi`]).
//!
//! [`run`] serves the API on a listener; the CLI's `subsidie serve` calls it.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use subsidie_service::payments::FunderAccount;
use subsidie_service::{Clock, Pool};

pub mod auth;
pub mod download;
pub mod dto;
pub mod http_rules;
pub mod input;
pub mod metrics;
pub mod middleware;
pub mod multipart;
pub mod observe;
pub mod openapi;
mod openapi_input;
pub mod ops;
pub mod paging;
pub mod problem;
pub mod problem_types;
pub mod routes;
pub mod state;
pub mod tokens;

pub use http_rules::HttpRules;
pub use middleware::API_VERSION;
pub use openapi::{document, document_text};
pub use problem::ApiError;
pub use state::{AppState, SharedClock};

/// How the server runs. The caller (the CLI, from its settings) says everything; the
/// library reads no environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where "now" comes from (tests fix it; production uses the system clock).
    pub clock: SharedClock,
    /// Worker threads; `None` is one per core.
    pub workers: Option<usize>,
    /// The funder's account for SEPA files; the error text when the configuration is
    /// wrong, so the server still starts and only the SEPA download says what to fix.
    pub funder: Result<FunderAccount, String>,
    /// The mailer running beside the API in this process, for `/ready`.
    pub mailer: Option<state::Liveness>,
    /// `METRICS_TOKEN`: when set, `/metrics` answers only a request bearing it.
    pub metrics_token: Option<String>,
    /// `DOCUMENT_*`: the limits on uploads and where they are spooled.
    pub documents: state::DocumentSettings,
    /// CORS origins and HSTS.
    pub http: HttpRules,
    /// Whether whoever starts an allocation run may choose its lottery seed: for tests and
    /// the demo only (`CALLER_SEEDS`, off by default). Otherwise a `seed` is refused and
    /// each day's committed seed is used.
    pub caller_seeds: bool,
}

impl Config {
    /// The production configuration with the funder's account: system clock, one worker
    /// per core.
    pub fn new(funder: Result<FunderAccount, String>) -> Config {
        Config {
            clock: SharedClock::new(Clock::System),
            workers: None,
            funder,
            mailer: None,
            metrics_token: None,
            documents: state::DocumentSettings::default(),
            http: HttpRules::default(),
            caller_seeds: false,
        }
    }
}

impl Default for Config {
    /// System clock, one worker per core, and the default (example) funder account of
    /// [`FunderAccount::from_lookup`] with nothing set.
    fn default() -> Config {
        Config {
            clock: SharedClock::default(),
            workers: None,
            funder: FunderAccount::from_lookup(|_| None).map_err(|e| e.to_string()),
            mailer: None,
            metrics_token: None,
            documents: state::DocumentSettings::default(),
            http: HttpRules::default(),
            caller_seeds: false,
        }
    }
}

async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::no_route(&input::printable(req.path())))
}

async fn openapi_json(doc: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.get_ref().clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/api/v1/docs/"))
        .finish()
}

fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").config(
        utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])
            // No validator badge: it would be fetched from the internet.
            .validator_url("none")
            .persist_authorization(true)
            .try_it_out_enabled(true),
    )
}

/// Registers the API on a service config: state, extractor limits and error handlers,
/// `/api/v1` with every resource, the OpenAPI document and the docs page, and a 404
/// problem for every other path.
pub fn configure(cfg: &mut web::ServiceConfig, state: AppState) {
    cfg.app_data(web::Data::new(state))
        .app_data(web::Data::new(openapi::document().to_string()))
        .app_data(web::PayloadConfig::new(input::BODY_LIMIT))
        .app_data(
            web::JsonConfig::default()
                .limit(input::BODY_LIMIT)
                .error_handler(input::json_error),
        )
        .app_data(web::PathConfig::default().error_handler(input::path_error))
        .app_data(web::QueryConfig::default().error_handler(input::query_error))
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(middleware::idempotency))
                .configure(routes::register)
                .service(
                    web::resource("/openapi.json")
                        .route(web::get().to(openapi_json))
                        .default_service(web::to(|req: HttpRequest| async move {
                            Err::<HttpResponse, ApiError>(ApiError::method_not_allowed(
                                req.method().as_str(),
                                "GET",
                            ))
                        })),
                )
                .service(web::resource("/docs").route(web::get().to(docs_redirect)))
                .configure(routes::register_documentation)
                .service(swagger_ui())
                // Its own, so that a portal mounted beside it keeps problems here.
                .default_service(web::to(no_route)),
        )
        .configure(ops::register)
        .default_service(web::to(no_route));
}

/// The whole app: [`configure`] wrapped in the HTTP rules (HEAD, CORS, security and
/// caching headers) and in the middleware that adds `API-Version` and turns every error
/// into a problem.
pub fn app(
    state: AppState,
    rules: HttpRules,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    app_with(state, rules, |_| {})
}

/// The app with more beside the API (the portal at `/`): `extra` is registered after
/// the API and may answer every path outside `/api/v1`.
pub fn app_with(
    state: AppState,
    rules: HttpRules,
    extra: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(rules))
        // Inside `finish`, so its own answers (a preflight) carry `API-Version` too.
        .wrap(from_fn(http_rules::apply))
        .wrap(from_fn(middleware::finish))
        // Outermost, so the access line and the request id cover every answer.
        .wrap(from_fn(observe::access))
        .configure(move |cfg| {
            configure(cfg, state);
            extra(cfg);
        })
}

/// Starts the server on `listener` and returns its handle without waiting for it.
/// Must be called inside an actix (tokio) runtime.
pub fn server(listener: TcpListener, pool: Pool, config: Config) -> std::io::Result<Server> {
    server_with(listener, pool, config, |_| {})
}

/// How long an idle keep-alive connection stays open.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(75);

/// [`server`] with more beside the API (see [`app_with`]).
pub fn server_with(
    listener: TcpListener,
    pool: Pool,
    config: Config,
    extra: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
) -> std::io::Result<Server> {
    let mut state = AppState::new(pool, config.clock.clone(), config.funder.clone());
    state.mailer = config.mailer.clone();
    state.metrics_token = config.metrics_token.clone();
    state.caller_seeds = config.caller_seeds;
    state.documents = std::sync::Arc::new(config.documents.clone());
    let rules = config.http.clone();
    // actix closes an idle keep-alive connection after 5 s; clients that keep a pool of
    // connections (browsers, proxies, the benchmark's 10,000 idle ones) then reconnect
    // for nearly every request. 75 s is nginx's default. An idle connection costs a
    // few kilobytes, and a connection that never sends a request is still closed after
    // actix's 5-s request timeout.
    let mut server = HttpServer::new(move || app_with(state.clone(), rules.clone(), extra.clone()))
        .keep_alive(KEEP_ALIVE)
        .listen(listener)?;
    if let Some(workers) = config.workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.run())
}

/// Serves the API on `listener` until the process is stopped (Ctrl-C or SIGTERM).
pub async fn run(listener: TcpListener, pool: Pool, config: Config) -> std::io::Result<()> {
    server(listener, pool, config)?.await
}

/// Serves the API on `listener` from synchronous code: starts an actix runtime and runs
/// [`run`] on it until the process is stopped.
pub fn run_blocking(listener: TcpListener, pool: Pool, config: Config) -> std::io::Result<()> {
    run_blocking_with(listener, pool, config, |_| {})
}

/// [`run_blocking`] with more beside the API (see [`app_with`]).
pub fn run_blocking_with(
    listener: TcpListener,
    pool: Pool,
    config: Config,
    extra: impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
) -> std::io::Result<()> {
    actix_web::rt::System::new()
        .block_on(async move { server_with(listener, pool, config, extra)?.await })
}
