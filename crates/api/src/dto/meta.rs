//! The public documentation resources: the landing answer of `/api/v1` and the
//! explanation of each kind of problem.

use serde::Serialize;
use utoipa::ToSchema;

use super::common::Link;
use crate::problem_types::{self, Kind};

/// Verwijzingen vanaf de ingang van de API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngangLinks {
    /// Deze ingang.
    #[serde(rename = "self")]
    pub zelf: Link,
    /// Het OpenAPI-document (JSON), vrij op te halen, ook vanuit een browser.
    pub openapi: Link,
    /// De interactieve documentatie.
    pub documentatie: Link,
    /// De uitleg van elke soort probleem.
    pub problemen: Link,
}

/// De ingang van de API: wat zij is, haar versie en waar de documentatie staat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ingang {
    /// De naam van de API.
    #[schema(example = "subsidie")]
    pub naam: String,
    /// Wat de API doet.
    pub omschrijving: String,
    /// De volledige versie (dezelfde als de header `API-Version`).
    #[schema(example = "1.1.0")]
    pub versie: String,
    /// Verwijzingen.
    pub links: IngangLinks,
}

/// De uitleg van één soort probleem, waarnaar de `type` van een probleem verwijst.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Probleemsoort {
    /// De `type` van problemen van deze soort.
    #[schema(example = "/api/v1/problemen/ongeldige-invoer")]
    #[serde(rename = "type")]
    pub soort: String,
    /// De `title` van problemen van deze soort.
    #[schema(example = "Ongeldige invoer")]
    pub titel: String,
    /// De HTTP-status waarmee problemen van deze soort komen.
    #[schema(example = 400)]
    pub status: u16,
    /// Wat het probleem betekent en wat de client kan doen.
    pub uitleg: String,
}

impl From<&Kind> for Probleemsoort {
    fn from(kind: &Kind) -> Probleemsoort {
        Probleemsoort {
            soort: problem_types::uri(kind.slug),
            titel: kind.title.to_owned(),
            status: kind.status,
            uitleg: kind.explanation.to_owned(),
        }
    }
}

/// Elke soort probleem die de API geeft.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProbleemsoortLijst {
    /// De soorten, op status.
    pub problemen: Vec<Probleemsoort>,
}
