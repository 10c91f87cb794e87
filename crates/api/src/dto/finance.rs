//! Payments, payment runs with their table format, failed transfers, recoveries received
//! and the ledger check.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_service::budget::LedgerCheck;
use subsidie_service::payments::RunDetail;
use subsidie_store::rows::{PaymentRow, PaymentRunRow};
use utoipa::{IntoParams, ToSchema};

use super::common::{bedrag, utc, PaginaLinks};
use super::reference::Budgetpositie;

/// Een betaling (of terugvordering).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Betaling {
    /// Het id van de betaling.
    pub id: String,
    /// Het kenmerk (de end-to-end-id bij de bank).
    #[schema(example = "UITV-2025-2F1B3C4D5E-V")]
    pub referentie: String,
    /// De aanvraag.
    pub aanvraagId: String,
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// `voorschot`, `restant` of `terugvordering`.
    #[schema(example = "voorschot")]
    pub soort: String,
    /// Het bedrag.
    #[schema(example = "1000000.00")]
    pub bedrag: String,
    /// De dag waarop de betaling vervalt.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub vervalDatum: NaiveDate,
    /// `gepland`, `in_betaalronde`, `betaald`, `mislukt` of `geannuleerd`.
    #[schema(example = "gepland")]
    pub status: String,
    /// De betaalronde waarin de betaling zit.
    pub betaalrondeId: Option<String>,
    /// Wanneer de betaling is ingepland.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Wanneer de betaling is betaald.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub betaaldOp: Option<DateTime<Utc>>,
}

impl From<PaymentRow> for Betaling {
    fn from(r: PaymentRow) -> Self {
        Betaling {
            id: r.id,
            referentie: r.reference,
            aanvraagId: r.application_id,
            instrumentId: r.instrument_id,
            soort: r.kind,
            bedrag: bedrag(r.amount_cents),
            vervalDatum: r.due_on,
            status: r.state,
            betaalrondeId: r.run_id,
            aangemaaktOp: utc(r.created_at),
            betaaldOp: r.settled_at.map(utc),
        }
    }
}

/// Betalingen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BetalingLijst {
    /// De betalingen, oudste eerst.
    pub betalingen: Vec<Betaling>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Een nieuwe betaalronde.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweBetaalronde {
    /// Neem elke geplande betaling mee die uiterlijk op deze dag vervalt.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub totEnMet: NaiveDate,
}

/// Een betaalronde: betalingen die samen in één SEPA-bestand naar de bank gaan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Betaalronde {
    /// Het id van de ronde.
    pub id: String,
    /// De `MsgId` in het SEPA-bestand.
    #[schema(example = "BR0F1E2D3C4B5A69788796A5B4C3D2E1F0")]
    pub berichtId: String,
    /// Wanneer de ronde is gemaakt.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Betalingen die uiterlijk op deze dag vervielen zijn meegenomen.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub totEnMet: NaiveDate,
    /// De gevraagde uitvoeringsdatum (een Nederlandse werkdag).
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub uitvoeringsdatum: NaiveDate,
    /// Het aantal overboekingen in het bestand.
    pub aantalBetalingen: i64,
    /// Het totaal van het bestand.
    #[schema(example = "1000000.00")]
    pub totaal: String,
    /// `aangemaakt` of `betaald`.
    #[schema(example = "aangemaakt")]
    pub status: String,
    /// Wanneer de ronde als betaald is geboekt.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub betaaldOp: Option<DateTime<Utc>>,
    /// Overboekingen van de ronde die als betaald zijn geboekt (alleen bij één ronde).
    pub aantalBetaald: Option<i64>,
    /// Hun bedrag.
    pub bedragBetaald: Option<String>,
    /// Overboekingen die de bank weigerde (alleen bij één ronde).
    pub aantalMislukt: Option<i64>,
    /// Hun bedrag.
    pub bedragMislukt: Option<String>,
}

impl From<PaymentRunRow> for Betaalronde {
    fn from(r: PaymentRunRow) -> Self {
        Betaalronde {
            id: r.id,
            berichtId: r.message_id,
            aangemaaktOp: utc(r.created_at),
            totEnMet: r.up_to,
            uitvoeringsdatum: r.execution_date,
            aantalBetalingen: r.payment_count,
            totaal: bedrag(r.total_cents),
            status: r.state,
            betaaldOp: r.paid_at.map(utc),
            aantalBetaald: None,
            bedragBetaald: None,
            aantalMislukt: None,
            bedragMislukt: None,
        }
    }
}

impl From<RunDetail> for Betaalronde {
    fn from(d: RunDetail) -> Self {
        let mut r = Betaalronde::from(d.run);
        r.aantalBetaald = Some(d.paid_count);
        r.bedragBetaald = Some(bedrag(d.paid_cents));
        r.aantalMislukt = Some(d.failed_count);
        r.bedragMislukt = Some(bedrag(d.failed_cents));
        r
    }
}

/// De betaalrondes, nieuwste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BetaalrondeLijst {
    /// De rondes.
    pub betaalrondes: Vec<Betaalronde>,
}

/// Een overboeking die de bank weigerde.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Mislukking {
    /// Waarom de bank de overboeking weigerde.
    #[schema(example = "rekening opgeheven (AC04)")]
    pub reden: String,
}

/// Een ontvangen terugbetaling; een lege body of `{}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Terugontvangst {}

/// Een betaalronde als betaald boeken; een lege body of `{}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BetalingVerwerkt {}

/// De vorm van de tabel van een betaalronde.
#[derive(Debug, Clone, Copy, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum TabelVorm {
    /// CSV.
    Csv,
    /// Excel.
    Xlsx,
}

/// Query parameters of a run's table.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TabelFormaat {
    /// `csv` (standaard; puntkomma, decimale komma, UTF-8 met BOM) of `xlsx`.
    #[param(example = "csv", inline, value_type = Option<TabelVorm>)]
    pub formaat: Option<String>,
}

/// De grootboekcontrole van één instrument.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrootboekcontroleRegel {
    /// Het instrument.
    pub instrumentId: String,
    /// Waar als de opgeslagen positie gelijk is aan de som van het grootboek en het plafond niet is overschreden.
    pub klopt: bool,
    /// De positie die bij het instrument is opgeslagen.
    pub opgeslagen: Budgetpositie,
    /// De positie volgens de optelling van elke boeking.
    pub volgensGrootboek: Budgetpositie,
}

impl From<LedgerCheck> for GrootboekcontroleRegel {
    fn from(c: LedgerCheck) -> Self {
        GrootboekcontroleRegel {
            klopt: c.holds(),
            opgeslagen: Budgetpositie::from(&c.stored),
            volgensGrootboek: Budgetpositie::from(&c.from_ledger),
            instrumentId: c.instrument_id,
        }
    }
}

/// De grootboekcontrole van elk instrument.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Grootboekcontrole {
    /// Waar als de controle van elk instrument klopt.
    pub klopt: bool,
    /// Per instrument.
    pub instrumenten: Vec<GrootboekcontroleRegel>,
}
