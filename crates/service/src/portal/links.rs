//! Where the portal is, for the links in letters: set once at start from the settings
//! (`PORTAL_BASE_URL`), default `http://127.0.0.1:8080` (where `subsidie serve` listens).

use std::sync::OnceLock;

/// The base URL when nothing else is said.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080";

// A process-wide value rather than a parameter of every use case that queues a letter:
// it is configuration of the deployment, fixed for the life of the process.
static BASE: OnceLock<String> = OnceLock::new();

/// Sets the portal's base URL for this process; the first call wins (later calls are
/// ignored, so that a test server and its process cannot disagree halfway).
pub fn set_base_url(url: &str) {
    let url = url.trim().trim_end_matches('/');
    if !url.is_empty() {
        let _ = BASE.set(url.to_owned());
    }
}

/// The portal's base URL, without a trailing slash.
pub fn base_url() -> &'static str {
    BASE.get().map_or(DEFAULT_BASE_URL, String::as_str)
}

/// The page of an application in the portal, by its reference: short enough for a
/// line of a letter, and what the letter already names.
pub fn application_url(reference: &str) -> String {
    format!("{}{REFERENCE_PATH}/{reference}", base_url())
}

/// The portal's path that leads from a reference to the application's page.
pub const REFERENCE_PATH: &str = "/referentie";
