//! After a grant: the grantee's amendments (`/aanvragen/{id}/wijzigingsverzoeken`, the
//! decisions on them at `/wijzigingsverzoeken/{id}/beslissingen`) and the funder's
//! revocation and lowering (`/aanvragen/{id}/verleningsintrekkingen`, `…/verlagingen`).

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_store::rows::AmendmentRow;
use utoipa::ToSchema;

use super::common::{bedrag, utc};

/// Wat de ontvanger wil wijzigen.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum Wijzigingssoort {
    /// Een hoger subsidiebedrag; vraagt beschikbaar budget onder het plafond.
    #[serde(rename = "verhoging")]
    Verhoging,
    /// Een lager subsidiebedrag; het verschil komt vrij.
    #[serde(rename = "verlaging")]
    Verlaging,
    /// Een latere datum voor de verantwoording.
    #[serde(rename = "verlenging")]
    Verlenging,
}

/// Een wijzigingsverzoek van de subsidieontvanger, met redenen.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwWijzigingsverzoek {
    /// Wat te wijzigen.
    pub soort: Wijzigingssoort,
    /// Bij `verhoging` en `verlaging`: het subsidiebedrag na de wijziging (niet het
    /// verschil).
    #[schema(example = "1400000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    #[serde(default)]
    pub bedrag: Option<String>,
    /// Bij `verlenging`: de nieuwe laatste dag voor de verantwoording, na de huidige.
    #[schema(value_type = Option<String>, format = Date, example = "2027-09-30")]
    #[serde(default)]
    pub verantwoordingUiterlijk: Option<NaiveDate>,
    /// Waarom.
    #[schema(example = "Twee extra wijken sluiten aan bij het samenwerkingsverband.")]
    pub motivering: String,
}

/// Het besluit op een wijzigingsverzoek.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum Wijzigingsbesluit {
    /// Toekennen. Een verhoging tot boven de vier-ogengrens wordt eerst voorgesteld en
    /// dan door een tweede, andere beoordelaar toegekend.
    #[serde(rename = "toekennen")]
    Toekennen,
    /// Afwijzen.
    #[serde(rename = "afwijzen")]
    Afwijzen,
    /// Intrekken, door de ontvanger, zolang niet beslist is.
    #[serde(rename = "intrekken")]
    Intrekken,
}

/// Een beslissing op een wijzigingsverzoek.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeslissingOpWijziging {
    /// Het besluit.
    pub besluit: Wijzigingsbesluit,
    /// De motivering (art. 3:46 Awb); verplicht bij `toekennen` en `afwijzen`.
    #[schema(example = "De uitbreiding past binnen de doelen van de regeling.")]
    #[serde(default)]
    pub motivering: Option<String>,
}

/// Een wijzigingsverzoek en, zodra genomen, het besluit erop.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Wijzigingsverzoek {
    /// Het id.
    pub id: String,
    /// De aanvraag.
    pub aanvraagId: String,
    /// `verhoging`, `verlaging` of `verlenging`.
    #[schema(example = "verhoging")]
    pub soort: String,
    /// `ingediend`, `voorgesteld` (vier ogen), `toegekend`, `afgewezen` of `ingetrokken`.
    #[schema(example = "ingediend")]
    pub status: String,
    /// Het gevraagde subsidiebedrag na de wijziging.
    #[schema(example = "1400000.00")]
    pub bedrag: Option<String>,
    /// De gevraagde laatste dag voor de verantwoording.
    #[schema(value_type = Option<String>, format = Date)]
    pub verantwoordingUiterlijk: Option<NaiveDate>,
    /// De redenen van de ontvanger.
    pub motivering: String,
    /// Wanneer het verzoek binnenkwam.
    #[schema(value_type = String, format = DateTime)]
    pub ingediendOp: DateTime<Utc>,
    /// De eerste beoordelaar, als de verhoging vier ogen vraagt.
    pub voorgesteldDoor: Option<String>,
    /// Wanneer beslist.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub beslistOp: Option<DateTime<Utc>>,
    /// Wie besliste.
    pub beslistDoor: Option<String>,
    /// De motivering van het besluit.
    pub besluitMotivering: Option<String>,
    /// Het subsidiebedrag vóór het besluit.
    #[schema(example = "1250000.00")]
    pub vorigBedrag: Option<String>,
    /// De laatste dag om bezwaar te maken tegen het besluit (art. 6:7 Awb).
    #[schema(value_type = Option<String>, format = Date)]
    pub bezwaarUiterlijk: Option<NaiveDate>,
}

impl From<AmendmentRow> for Wijzigingsverzoek {
    fn from(r: AmendmentRow) -> Self {
        Wijzigingsverzoek {
            id: r.id,
            aanvraagId: r.application_id,
            soort: r.kind,
            status: r.state,
            bedrag: r.amount_cents.map(bedrag),
            verantwoordingUiterlijk: r.accounting_due_on,
            motivering: r.grounds,
            ingediendOp: utc(r.submitted_at),
            voorgesteldDoor: r.proposed_by,
            beslistOp: r.decided_at.map(utc),
            beslistDoor: r.decided_by,
            besluitMotivering: r.motivation,
            vorigBedrag: r.previous_cents.map(bedrag),
            bezwaarUiterlijk: r.objection_due_on,
        }
    }
}

/// De wijzigingsverzoeken van een aanvraag, oudste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WijzigingsverzoekLijst {
    /// De verzoeken.
    pub wijzigingsverzoeken: Vec<Wijzigingsverzoek>,
}

/// Trek een verleende (of vastgestelde) subsidie in (art. 4:48, 4:49 Awb).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verleningsintrekking {
    /// De motivering (art. 3:46 Awb), met de grond uit art. 4:48 of 4:49.
    #[schema(example = "De activiteiten zijn niet uitgevoerd (art. 4:48 lid 1 onder a Awb).")]
    pub motivering: String,
}

/// Verlaag een verleende (of vastgestelde) subsidie (art. 4:48, 4:49 Awb).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verlaging {
    /// Het nieuwe bedrag, lager dan het huidige en hoger dan nul.
    #[schema(example = "900000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub bedrag: String,
    /// De motivering (art. 3:46 Awb), met de grond uit art. 4:48 of 4:49.
    #[schema(
        example = "Een deel van de activiteiten is niet uitgevoerd (art. 4:48 lid 1 onder a Awb)."
    )]
    pub motivering: String,
}
