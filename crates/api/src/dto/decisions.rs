//! The decisions of an application as PDF letters: the list and one letter's facts.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use subsidie_store::rows::DecisionLetterRow;
use utoipa::ToSchema;

use super::common::{utc, Link, BASE};

/// De verwijzingen van een besluit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BesluitLinks {
    /// De brief zelf, als PDF.
    #[serde(rename = "self")]
    pub zelf: Link,
}

/// Een besluit over een aanvraag, als PDF-brief: gemaakt toen het besluit werd genomen en
/// de e-mail erover in de wachtrij kwam, daarna nooit gewijzigd.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Besluit {
    /// Het id (ook het id van de e-mail die de brief als bijlage meenam).
    #[schema(example = "0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e70")]
    pub id: String,
    /// De soort brief: `verleningsbeschikking`, `afwijzingsbeschikking`,
    /// `buitenbehandelingstelling`, `plafond_bereikt`, `vaststellingsbeschikking`,
    /// `afzien_bevestigd` of `beslissing_op_bezwaar`.
    #[schema(example = "verleningsbeschikking")]
    pub soort: String,
    /// Het onderwerp van de brief.
    #[schema(example = "Besluit op uw aanvraag UITV-2025-0198A3F2C1: subsidie verleend")]
    pub onderwerp: String,
    /// De dagtekening: de dag waarop het besluit is verzonden; de bezwaartermijn telt vanaf hier.
    #[schema(value_type = String, format = Date, example = "2025-06-02")]
    pub dagtekening: NaiveDate,
    /// De bestandsnaam.
    #[schema(example = "verleningsbeschikking-UITV-2025-0198A3F2C1-2025-06-02.pdf")]
    pub bestandsnaam: String,
    /// Altijd `application/pdf` (PDF/A-2b).
    #[schema(example = "application/pdf")]
    pub mediatype: String,
    /// De grootte in bytes.
    #[schema(example = 34890)]
    pub grootte: i64,
    /// De SHA-256 van de PDF (hexadecimaal), vastgelegd toen de brief werd gemaakt.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Wanneer de brief werd gemaakt.
    #[schema(value_type = String, format = DateTime)]
    pub gemaaktOp: DateTime<Utc>,
    /// Verwijzingen.
    pub _links: BesluitLinks,
}

impl From<DecisionLetterRow> for Besluit {
    fn from(r: DecisionLetterRow) -> Self {
        Besluit {
            _links: BesluitLinks {
                zelf: Link::to(format!(
                    "{BASE}/aanvragen/{}/besluiten/{}",
                    r.application_id, r.id
                )),
            },
            id: r.id,
            soort: r.template,
            onderwerp: r.title,
            dagtekening: r.dated_on,
            bestandsnaam: r.file_name,
            mediatype: subsidie_service::decisions::MEDIA_TYPE.to_owned(),
            grootte: r.size_bytes,
            sha256: r.sha256,
            gemaaktOp: utc(r.created_at),
        }
    }
}

/// De besluiten over een aanvraag, oudste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BesluitLijst {
    /// De besluiten.
    pub besluiten: Vec<Besluit>,
}
