//! Allocation runs with their placements, and closing a waiting list.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_service::allocation::commitments::Commitment;
use subsidie_service::allocation::AllocationRun;
use subsidie_store::rows::{PlacementRow, RunSeedRow};
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
    /// Alleen in test- of demomodus (`CALLER_SEEDS=on`): een zelfgekozen seed van de loting,
    /// 64 hexadecimale kleine letters en cijfers; de ronde vermeldt dan dat de seed is
    /// opgegeven. Anders geweigerd (403): weggelaten gebruikt de ronde voor elke lotingsdag
    /// de seed die vóór die dag is vastgelegd.
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
    /// De seed van de loting wanneer de ronde er één gebruikte: daarmee kan iedereen de
    /// loting herhalen. Leeg (`null`) wanneer de ronde de vastgelegde seeds van meer dan
    /// één dag (of van geen dag) onthulde: die staan in `lotingen`.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    pub seed: Option<String>,
    /// Waar de seed vandaan komt: `vastgelegd` (de seed van de dag, vóór die dag
    /// vastgelegd en hier onthuld), `opgegeven` (gekozen door wie de ronde startte: alleen
    /// in test- of demomodus), `getrokken` (getrokken bij de start: een rangschikking) of
    /// `onbekend` (rondes van vóór deze vastlegging).
    #[schema(example = "vastgelegd")]
    pub seedHerkomst: String,
    /// De dag die deze ronde vanzelf toewees (na afloop van die dag); leeg voor een ronde
    /// die een beheerder startte.
    #[schema(value_type = Option<String>, format = Date, example = "2025-03-03")]
    pub dag: Option<NaiveDate>,
    /// De vastgelegde seeds die deze ronde onthulde, per dag, met hun commitment:
    /// `printf '%s' SEED | xxd -r -p | sha256sum` geeft de commitment.
    pub lotingen: Vec<OnthuldeSeed>,
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

/// De seed van één lotingsdag, onthuld door een ronde.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OnthuldeSeed {
    /// De dag (Europe/Amsterdam).
    #[schema(value_type = String, format = Date, example = "2025-03-03")]
    pub dag: NaiveDate,
    /// De seed, 64 hexadecimale tekens.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    pub seed: String,
    /// SHA-256 van de 32 bytes van de seed, gepubliceerd vóór de dag begon.
    #[schema(example = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")]
    pub commitment: String,
}

impl From<RunSeedRow> for OnthuldeSeed {
    fn from(r: RunSeedRow) -> Self {
        OnthuldeSeed {
            dag: r.day,
            seed: r.seed,
            commitment: r.commitment,
        }
    }
}

/// How the wire names where a run's seed came from.
fn seed_source(code: &str) -> &'static str {
    match code {
        "committed" => "vastgelegd",
        "caller" => "opgegeven",
        "drawn" => "getrokken",
        _ => "onbekend",
    }
}

impl From<AllocationRun> for Toewijzingsronde {
    fn from(
        AllocationRun {
            run,
            placements,
            seeds,
        }: AllocationRun,
    ) -> Self {
        Toewijzingsronde {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/toewijzingsrondes/{}", run.id)),
            },
            id: run.id,
            instrumentId: run.instrument_id,
            ronde: run.round_code,
            verdeling: run.policy,
            seed: Some(run.seed).filter(|s| !s.is_empty()),
            seedHerkomst: seed_source(&run.seed_source).to_owned(),
            dag: run.day,
            lotingen: seeds.into_iter().map(OnthuldeSeed::from).collect(),
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

/// De vastgelegde loting van één dag: de commitment vanaf vóór de dag, de seed zodra de
/// dag is toegewezen.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Loting {
    /// De dag (Europe/Amsterdam) waarvan de aanvragen met deze seed worden geloot.
    #[schema(value_type = String, format = Date, example = "2025-03-03")]
    pub dag: NaiveDate,
    /// SHA-256 van de 32 bytes van de seed, in kleine hexadecimale letters.
    #[schema(example = "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")]
    pub commitment: String,
    /// Wanneer de seed is getrokken (uit de willekeurbron van het besturingssysteem).
    #[schema(value_type = String, format = DateTime)]
    pub getrokkenOp: DateTime<Utc>,
    /// De seed, zodra een toewijzingsronde de dag heeft toegewezen; tot dan leeg.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    pub seed: Option<String>,
    /// De ronde die de seed onthulde.
    pub onthuldDoor: Option<Link>,
}

impl From<Commitment> for Loting {
    fn from(c: Commitment) -> Self {
        Loting {
            dag: c.day,
            commitment: c.commitment,
            getrokkenOp: c.drawn_at,
            seed: c.seed,
            onthuldDoor: c
                .revealed_by
                .map(|run| Link::to(format!("{BASE}/toewijzingsrondes/{run}"))),
        }
    }
}

/// De vastgelegde lotingen van een instrument, de nieuwste dag eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotingLijst {
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// Per dag de commitment, en de seed zodra onthuld.
    pub lotingen: Vec<Loting>,
}
