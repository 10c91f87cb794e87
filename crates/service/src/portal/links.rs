//! Where the portal is, for the links in letters: `PORTAL_BASE_URL`, read once per
//! process, default `http://127.0.0.1:8080` (where `subsidie serve` listens).

use std::sync::OnceLock;

/// The environment variable with the portal's public base URL.
pub const BASE_URL_ENV: &str = "PORTAL_BASE_URL";
/// The base URL when nothing else is said.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

/// The portal's base URL, without a trailing slash.
pub fn base_url() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        std::env::var(BASE_URL_ENV)
            .ok()
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
    })
}

/// The page of an application in the portal, by its reference: short enough for a
/// line of a letter, and what the letter already names.
pub fn application_url(reference: &str) -> String {
    format!("{}{REFERENCE_PATH}/{reference}", base_url())
}

/// The portal's path that leads from a reference to the application's page.
pub const REFERENCE_PATH: &str = "/referentie";
