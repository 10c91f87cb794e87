//! The subsidieportaal: server-rendered pages for applicants and reviewers.
//!
//! The letters send people to "het subsidieportaal"; this is it. The pages call the same
//! use cases as the API (`subsidie-service`: same transactions, same role rules, same
//! Dutch messages), never the API itself, and never the database directly. Every action
//! is a plain HTML form that works without JavaScript; the vendored htmx only makes
//! forms feel quicker. Styling is the NL Design System (Utrecht components with the open
//! "voorbeeld" theme), vendored under `assets/` and served by the binary itself.
//!
//! [`configure`] mounts the portal at `/` on an actix-web app; `subsidie serve` puts it
//! beside the API at `/api/v1`.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, Utc};
use subsidie_service::payments::FunderAccount;
use subsidie_service::Pool;

mod assets;
mod catalogue;
mod failure;
mod form;
mod pages;
mod paths;
mod session;
mod view;

pub use subsidie_service::portal::links::DEFAULT_BASE_URL;

/// How the portal is reached from outside.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The public base URL (scheme, host, port), e.g. `https://subsidie.example.nl`.
    pub base_url: String,
    /// Whether cookies carry `Secure`: true when the portal is served over TLS.
    pub secure_cookies: bool,
    /// The limits on uploads and their spool folder (as the API's).
    pub documents: subsidie_api::state::DocumentSettings,
    /// Whether an administrator may type a lottery seed for a round (tests and the demo;
    /// as the API's `caller_seeds`).
    pub caller_seeds: bool,
}

impl PortalConfig {
    /// For a base URL; cookies are `Secure` when it is `https`.
    pub fn new(base_url: &str) -> PortalConfig {
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        PortalConfig {
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            documents: subsidie_api::state::DocumentSettings::default(),
            caller_seeds: false,
        }
    }
}

/// Where "now" comes from: the server's clock, which tests move.
pub type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every page shares.
#[derive(Clone)]
pub struct PortalState {
    /// The database, for the use cases.
    pub pool: Pool,
    /// The current instant.
    pub now: Now,
    /// How the portal is reached.
    pub config: PortalConfig,
    /// The funder's account for the SEPA files of payment runs, or what is wrong with
    /// its configuration (only the SEPA download says so).
    pub funder: Result<FunderAccount, String>,
}

impl PortalState {
    /// State over a pool with a clock and a configuration.
    pub fn new(pool: Pool, now: Now, config: PortalConfig) -> PortalState {
        PortalState {
            pool,
            now,
            config,
            funder: FunderAccount::from_lookup(|_| None).map_err(|e| e.to_string()),
        }
    }

    /// The same state with the funder's account as configured (`FUNDER_*`).
    pub fn with_funder(mut self, funder: Result<FunderAccount, String>) -> PortalState {
        self.funder = funder;
        self
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.now)()
    }
}

/// Mounts the portal on an app: its assets, its pages and a page for every path nobody
/// else answers. Register it after the API, whose scope keeps `/api/v1`.
pub fn configure(cfg: &mut web::ServiceConfig, state: PortalState) {
    cfg.app_data(web::Data::new(state));
    assets::register(cfg);
    pages::register(cfg);
}
