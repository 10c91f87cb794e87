//! What every resource shares: the base path, amounts, instants and links.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The prefix of every path of this API.
pub const BASE: &str = "/api/v1";

/// An amount in the API form: `1250000.00`.
pub fn bedrag(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Een verwijzing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Link {
    /// Het doel, als absoluut pad.
    #[schema(example = "/api/v1/aanvragen/0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e6f")]
    pub href: String,
}

impl Link {
    pub(crate) fn to(path: String) -> Link {
        Link { href: path }
    }
}

/// De verwijzing naar de bron zelf.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Links)]
pub struct SelfLinks {
    /// Deze bron.
    #[serde(rename = "self")]
    pub zelf: Link,
}

/// Verwijzingen van een pagina.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginaLinks {
    /// Deze pagina.
    #[serde(rename = "self")]
    pub zelf: Link,
    /// De volgende pagina, als die er is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volgende: Option<Link>,
}
