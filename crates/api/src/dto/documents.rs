//! Documents on an application: the list and one document's facts, and the documents its
//! instrument requires.

#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use serde::Serialize;
use subsidie_store::rows::{DocumentRow, InstrumentDocumentRow};
use utoipa::ToSchema;

use super::common::{utc, Link, BASE};

/// De verwijzingen van een document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentLinks {
    /// Het document zelf: downloaden (GET) of verwijderen (DELETE, alleen bij een concept).
    #[serde(rename = "self")]
    pub zelf: Link,
}

/// Een document bij een aanvraag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Document {
    /// Het id.
    #[schema(example = "0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e70")]
    pub id: String,
    /// De soort: een die de regeling vraagt (zie `verplichteDocumenten`), `aanvulling` of `overig`.
    #[schema(example = "projectplan")]
    pub soort: String,
    /// De bestandsnaam zoals die is gestuurd.
    #[schema(example = "projectplan-regio-noord.pdf")]
    pub bestandsnaam: String,
    /// Het type, bepaald aan de inhoud.
    #[schema(example = "application/pdf")]
    pub mediatype: String,
    /// De grootte in bytes.
    #[schema(example = 182734)]
    pub grootte: i64,
    /// De SHA-256 van de inhoud (hexadecimaal); bij elke download gecontroleerd.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// Waar bij een aanvulling gestuurd (na indiening), niet bij het concept.
    pub bijAanvulling: bool,
    /// Wie het toevoegde.
    pub toegevoegdDoor: Option<String>,
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub toegevoegdOp: DateTime<Utc>,
    /// Verwijzingen.
    pub _links: DocumentLinks,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Self {
        Document {
            _links: DocumentLinks {
                zelf: Link::to(format!(
                    "{BASE}/aanvragen/{}/documenten/{}",
                    r.application_id, r.id
                )),
            },
            id: r.id,
            soort: r.kind,
            bestandsnaam: r.file_name,
            mediatype: r.media_type,
            grootte: r.size_bytes,
            sha256: r.sha256,
            bijAanvulling: r.supplement,
            toegevoegdDoor: r.uploaded_by,
            toegevoegdOp: utc(r.uploaded_at),
        }
    }
}

/// Een document dat de regeling vraagt voordat de aanvraag kan worden ingediend.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerplichtDocument {
    /// De soort, zoals de upload die noemt.
    #[schema(example = "begroting")]
    pub soort: String,
    /// De naam.
    #[schema(example = "Begroting")]
    pub naam: String,
    /// Of de aanvraag er al een heeft.
    pub aanwezig: bool,
}

impl VerplichtDocument {
    pub(crate) fn of(r: InstrumentDocumentRow, present: &[Document]) -> VerplichtDocument {
        VerplichtDocument {
            aanwezig: present.iter().any(|d| d.soort == r.kind),
            soort: r.kind,
            naam: r.name,
        }
    }
}

/// De documenten van een aanvraag, oudste eerst, en wat de regeling vraagt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentLijst {
    /// De documenten.
    pub documenten: Vec<Document>,
    /// De documenten die de regeling vraagt, met of ze er zijn.
    pub verplichteDocumenten: Vec<VerplichtDocument>,
}

/// Het formulier van een upload (`multipart/form-data`).
#[derive(Debug, Clone, ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// Het bestand: PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG (bepaald aan de inhoud), ten
    /// hoogste 20 MiB; met zijn bestandsnaam (zonder map, zonder stuurtekens).
    #[schema(value_type = String, format = Binary)]
    pub bestand: Vec<u8>,
    /// De soort: een die de regeling vraagt (`projectplan`, `begroting`), `aanvulling` of `overig`.
    #[schema(example = "projectplan", max_length = 40)]
    pub soort: String,
}
