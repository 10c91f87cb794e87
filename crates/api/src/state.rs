//! What every handler shares: the connection pool and the clock.

use std::sync::{Arc, RwLock};

use actix_web::web;
use chrono::{DateTime, Utc};
use subsidie_service::documents::DocumentLimits;
use subsidie_service::payments::FunderAccount;
use subsidie_service::{Actor, Clock, Pool, ServiceError};
use subsidie_store::documents::{DatabaseChunks, DocumentStore};

use crate::metrics::Metrics;
use crate::problem::ApiError;
use crate::tokens::TokenCache;

/// A clock that tests can move while the server runs; the service's [`Clock`] behind a
/// shared lock.
#[derive(Debug, Clone, Default)]
pub struct SharedClock(Arc<RwLock<Clock>>);

impl SharedClock {
    /// A clock that starts as `clock`.
    pub fn new(clock: Clock) -> SharedClock {
        SharedClock(Arc::new(RwLock::new(clock)))
    }

    /// Changes the clock for every request from now on.
    pub fn set(&self, clock: Clock) {
        match self.0.write() {
            Ok(mut guard) => *guard = clock,
            Err(poisoned) => *poisoned.into_inner() = clock,
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self.0.read() {
            Ok(guard) => guard.now(),
            Err(poisoned) => poisoned.into_inner().now(),
        }
    }
}

/// Whether a background part of the process (the mailer) still runs.
#[derive(Clone)]
pub struct Liveness(Arc<dyn Fn() -> bool + Send + Sync>);

impl Liveness {
    /// A probe that asks `alive`.
    pub fn new(alive: impl Fn() -> bool + Send + Sync + 'static) -> Liveness {
        Liveness(Arc::new(alive))
    }

    /// True while it runs.
    pub fn alive(&self) -> bool {
        (self.0)()
    }
}

impl std::fmt::Debug for Liveness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Liveness")
    }
}

/// Where uploads are spooled and how large documents may be.
#[derive(Debug, Clone)]
pub struct DocumentSettings {
    /// The limits per file and per application.
    pub limits: DocumentLimits,
    /// The folder uploads are spooled in while they arrive (unlinked at once).
    pub spool_dir: std::path::PathBuf,
}

impl Default for DocumentSettings {
    /// The default limits, spooled in `/tmp` (the CLI passes the system's temporary
    /// folder or `DOCUMENT_SPOOL_DIR`).
    fn default() -> Self {
        DocumentSettings {
            limits: DocumentLimits::default(),
            spool_dir: std::path::PathBuf::from("/tmp"),
        }
    }
}

/// The state of the app: the pool, the clock and the funder's account.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub pool: Pool,
    /// Where "now" comes from.
    pub clock: SharedClock,
    /// The funder's account for SEPA files, as the caller configured it
    /// ([`crate::Config::funder`]); the error text when the configuration is wrong.
    pub funder: Result<FunderAccount, String>,
    /// Tokens found recently.
    pub tokens: Arc<TokenCache>,
    /// The request counters and latencies of `/metrics`, shared by every worker.
    pub metrics: Arc<Metrics>,
    /// The mailer of this process, for `/ready`; `None` when it runs none.
    pub mailer: Option<Liveness>,
    /// The token `/metrics` asks for; `None` leaves it open (bind it privately then).
    pub metrics_token: Option<String>,
    /// Limits and spool folder of uploads.
    pub documents: Arc<DocumentSettings>,
    /// Where documents' bytes are kept.
    pub document_store: Arc<dyn DocumentStore>,
    /// Whether a caller may choose an allocation run's seed ([`crate::Config::caller_seeds`]).
    pub caller_seeds: bool,
}

impl AppState {
    /// State over a pool, with a clock and the funder's account (or what is wrong with
    /// its configuration).
    pub fn new(pool: Pool, clock: SharedClock, funder: Result<FunderAccount, String>) -> AppState {
        AppState {
            pool,
            clock,
            funder,
            tokens: Arc::default(),
            metrics: Arc::default(),
            mailer: None,
            metrics_token: None,
            documents: Arc::default(),
            document_store: Arc::new(DatabaseChunks),
            caller_seeds: false,
        }
    }

    /// The current instant by the app's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

impl AppState {
    /// Runs a use case on the blocking thread pool with the database; its error becomes
    /// the answer.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Pool) -> Result<T, ServiceError> + Send + 'static,
    {
        let pool = self.pool.clone();
        blocking(move || work(&pool)).await
    }

    /// Runs a use case on the blocking thread pool with the database, for `actor`.
    pub async fn run_as<T, F>(&self, actor: Actor, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Pool, &Actor) -> Result<T, ServiceError> + Send + 'static,
    {
        self.run(move |pool| work(pool, &actor)).await
    }
}

/// Runs a blocking service call on the blocking thread pool and maps its error.
pub async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ServiceError> + Send + 'static,
{
    match web::block(work).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::unavailable(
            "de server kon het verzoek nu niet uitvoeren; probeer het opnieuw",
            1,
        )),
    }
}

/// Runs blocking work that maps its own errors to answers (the e-mail outbox, which is not
/// a service use case) on the blocking thread pool.
pub async fn blocking_api<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    match web::block(work).await {
        Ok(result) => result,
        Err(_) => Err(ApiError::unavailable(
            "de server kon het verzoek nu niet uitvoeren; probeer het opnieuw",
            1,
        )),
    }
}
