//! Allocation runs with their placements, and closing a waiting list.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_service::allocation::AllocationRun;
use subsidie_store::rows::PlacementRow;
use utoipa::ToSchema;

use super::applications::Aanvraag;
use super::common::{bedrag, utc, Link, SelfLinks, BASE};

/// Het starten van een toewijzingsronde.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweToewijzingsronde {
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De seed van de loting, 64 hexadecimale kleine letters en cijfers; weggelaten wordt een willekeurige getrokken en
    /// vastgelegd.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    #[serde(default)]
    pub seed: Option<String>,
    /// De ronde (oproep) van het instrument waarvan de aanvragen worden geplaatst, zoals
    /// `ronde-2`; weggelaten: de vroegste ronde met ingediende aanvragen, anders de ronde
    /// die nu open is, anders de laatst gesloten ronde.
    #[schema(example = "ronde-1")]
    #[serde(default)]
    pub ronde: Option<String>,
}

/// De plaats van één aanvraag in een ronde.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plaatsing {
    /// Positie in de volgorde van de ronde.
    #[schema(example = 1)]
    pub positie: i32,
    /// De aanvraag.
    pub aanvraagId: String,
    /// Het kenmerk.
    pub referentie: String,
    /// `gereserveerd`, `wachtlijst` of `van_wachtlijst`.
    #[schema(example = "gereserveerd")]
    pub besluit: String,
    /// De lotsleutel, voor aanvragen die door loting zijn geordend.
    pub lotsleutel: Option<String>,
}

impl From<PlacementRow> for Plaatsing {
    fn from(r: PlacementRow) -> Self {
        Plaatsing {
            positie: r.position,
            aanvraagId: r.application_id,
            referentie: r.reference,
            besluit: r.decision,
            lotsleutel: r.lot_key,
        }
    }
}

/// Een toewijzingsronde met haar seed en volgorde.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Toewijzingsronde {
    /// Het id van de ronde.
    pub id: String,
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De ronde (oproep) van het instrument waarvan de aanvragen zijn geplaatst.
    #[schema(example = "ronde-1")]
    pub ronde: Option<String>,
    /// De gebruikte verdeling.
    #[schema(example = "volgorde-van-binnenkomst")]
    pub verdeling: String,
    /// De seed van de loting: daarmee kan iedereen de loting herhalen.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    pub seed: String,
    /// De dagen waarop aanvragen door loting zijn geordend.
    #[schema(value_type = Vec<String>, example = json!(["2025-03-03"]))]
    pub lotingsdagen: Vec<NaiveDate>,
    /// Beschikbaar budget vóór de ronde: wat het instrument had, en niet meer dan de
    /// ronde (oproep) nog mocht gebruiken.
    #[schema(example = "72000000.00")]
    pub beschikbaarVooraf: String,
    /// In totaal gereserveerd door de ronde.
    #[schema(example = "3000000.00")]
    pub gereserveerdTotaal: String,
    /// Wie de ronde startte.
    pub uitgevoerdDoor: Option<String>,
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub uitgevoerdOp: DateTime<Utc>,
    /// Elke geplaatste aanvraag, op volgorde.
    pub plaatsingen: Vec<Plaatsing>,
    /// Verwijzingen.
    pub links: SelfLinks,
}

impl From<AllocationRun> for Toewijzingsronde {
    fn from(AllocationRun { run, placements }: AllocationRun) -> Self {
        Toewijzingsronde {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/toewijzingsrondes/{}", run.id)),
            },
            id: run.id,
            instrumentId: run.instrument_id,
            ronde: run.round_code,
            verdeling: run.policy,
            seed: run.seed,
            lotingsdagen: run
                .lottery_days
                .split(',')
                .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .collect(),
            beschikbaarVooraf: bedrag(run.available_before_cents),
            gereserveerdTotaal: bedrag(run.reserved_total_cents),
            uitgevoerdDoor: run.actor_id,
            uitgevoerdOp: utc(run.at),
            plaatsingen: placements.into_iter().map(Plaatsing::from).collect(),
        }
    }
}

/// Het sluiten van de wachtlijst van een instrument; vraagt geen invoer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WachtlijstSluiting {}

/// Het resultaat van het sluiten van een wachtlijst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WachtlijstGesloten {
    /// De aanvragen die zijn afgewezen omdat het plafond is bereikt (art. 4:25 Awb).
    pub afgewezen: Vec<Aanvraag>,
}
