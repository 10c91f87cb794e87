//! Reference data: programmes, instruments with their budget position, regions and
//! disciplines.

#![allow(non_snake_case)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use subsidie_domain::deadlines::to_amsterdam;
use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::programme::RoundConfig;
use subsidie_store::rows::{DisciplineRow, InstrumentRow, ProgrammeRow, RegionRow};
use utoipa::ToSchema;

use super::common::{bedrag, Link, SelfLinks, BASE};

/// Een programma: een budgetenvelop met instrumenten.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Programma {
    /// De code van het programma.
    #[schema(example = "versterking-eerstelijnszorg")]
    pub id: String,
    /// Naam.
    #[schema(example = "Versterking eerstelijnszorg")]
    pub naam: String,
    /// De financier.
    #[schema(example = "ZonMw")]
    pub financier: String,
    /// De envelop: hoogstens zoveel over alle instrumenten samen.
    #[schema(example = "104000000.00")]
    pub envelop: String,
    /// Eerste dag van het programma.
    #[schema(value_type = String, format = Date, example = "2024-01-01")]
    pub looptijdVan: NaiveDate,
    /// Laatste dag van het programma.
    #[schema(value_type = String, format = Date, example = "2026-12-31")]
    pub looptijdTotEnMet: NaiveDate,
}

impl From<ProgrammeRow> for Programma {
    fn from(r: ProgrammeRow) -> Self {
        Programma {
            id: r.id,
            naam: r.name,
            financier: r.funder,
            envelop: bedrag(r.envelope_cents),
            looptijdVan: r.starts_on,
            looptijdTotEnMet: r.ends_on,
        }
    }
}

/// Alle programma's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammaLijst {
    /// De programma's.
    pub programmas: Vec<Programma>,
}

/// De actuele budgetpositie van een instrument. `beschikbaar` is
/// `plafond − gereserveerd − verleend`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Budgetpositie {
    /// Het subsidieplafond (art. 4:22 Awb).
    #[schema(example = "72000000.00")]
    pub plafond: String,
    /// Openstaande reserveringen.
    #[schema(example = "1500000.00")]
    pub gereserveerd: String,
    /// Verleende bedragen (vastgestelde verleningen tegen het vastgestelde bedrag).
    #[schema(example = "3000000.00")]
    pub verleend: String,
    /// Het vastgestelde deel van `verleend`.
    #[schema(example = "0.00")]
    pub vastgesteld: String,
    /// Uitbetaald.
    #[schema(example = "2400000.00")]
    pub betaald: String,
    /// Terugbetaald.
    #[schema(example = "0.00")]
    pub teruggevorderd: String,
    /// Wat nog gereserveerd kan worden.
    #[schema(example = "67500000.00")]
    pub beschikbaar: String,
}

impl From<&BudgetPosition> for Budgetpositie {
    fn from(p: &BudgetPosition) -> Self {
        Budgetpositie {
            plafond: p.ceiling.to_string(),
            gereserveerd: p.reserved.to_string(),
            verleend: p.granted.to_string(),
            vastgesteld: p.settled.to_string(),
            betaald: p.paid.to_string(),
            teruggevorderd: p.recovered.to_string(),
            beschikbaar: p.available().to_string(),
        }
    }
}

impl From<&InstrumentRow> for Budgetpositie {
    fn from(r: &InstrumentRow) -> Self {
        let available = r.ceiling_cents - r.reserved_cents - r.granted_cents;
        Budgetpositie {
            plafond: bedrag(r.ceiling_cents),
            gereserveerd: bedrag(r.reserved_cents),
            verleend: bedrag(r.granted_cents),
            vastgesteld: bedrag(r.settled_cents),
            betaald: bedrag(r.paid_cents),
            teruggevorderd: bedrag(r.recovered_cents),
            beschikbaar: bedrag(available.max(0)),
        }
    }
}

/// Een instrument (regeling) met zijn regels en actuele budgetpositie.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    /// De code van het instrument.
    #[schema(example = "uitvoering")]
    pub id: String,
    /// Het programma waar het bij hoort.
    #[schema(example = "versterking-eerstelijnszorg")]
    pub programmaId: String,
    /// Naam.
    #[schema(example = "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)")]
    pub naam: String,
    /// Soort: `voorbereiding`, `uitvoering`, `discipline-voucher` of `onderzoek`.
    #[schema(example = "uitvoering")]
    pub soort: String,
    /// Verdeling: `volgorde-van-binnenkomst` of `rangschikking`.
    #[schema(example = "volgorde-van-binnenkomst")]
    pub verdeling: String,
    /// Hoeveel lopende aanvragen een regio mag hebben: `geen` (onbeperkt), `per-regio`,
    /// `per-regio-en-discipline`.
    #[schema(example = "per-regio")]
    pub uniek: String,
    /// Het kleinste bedrag dat mag worden aangevraagd.
    #[schema(example = "500000.00")]
    pub minimumBedrag: String,
    /// Het grootste bedrag dat mag worden aangevraagd.
    #[schema(example = "2000000.00")]
    pub maximumBedrag: String,
    /// Waar als alleen precies `maximumBedrag` mag worden aangevraagd.
    pub vastBedrag: bool,
    /// Eerste dag waarop aanvragen kunnen worden ingediend (de opening van de eerste
    /// ronde).
    #[schema(value_type = String, format = Date, example = "2024-04-02")]
    pub openVanaf: NaiveDate,
    /// Laatste dag waarop aanvragen kunnen worden ingediend (de sluiting van de laatste
    /// ronde).
    #[schema(value_type = String, format = Date, example = "2024-12-04")]
    pub openTotEnMet: NaiveDate,
    /// De rondes, op volgorde; een instrument met één openstelling heeft één ronde.
    pub rondes: Vec<Ronde>,
    /// Deel van de verlening dat als voorschot wordt betaald, in procenten.
    #[schema(example = 80)]
    pub voorschotPercentage: i32,
    /// De beslistermijn in weken na ontvangst.
    #[schema(example = 13)]
    pub beslistermijnWeken: i32,
    /// De aanvultermijn in dagen.
    #[schema(example = 14)]
    pub aanvultermijnDagen: i32,
    /// Verleningen boven dit bedrag vragen een tweede beoordelaar (vier ogen); ontbreekt: nooit.
    #[schema(example = "1000000.00")]
    pub vierOgenBoven: Option<String>,
    /// De laatste dag voor de verantwoording van een verlening.
    #[schema(value_type = Option<String>, format = Date, example = "2027-06-30")]
    pub verantwoordingUiterlijk: Option<NaiveDate>,
    /// Waar als de wachtlijst gesloten is: er worden geen nieuwe aanvragen meer aangenomen.
    pub wachtlijstGesloten: bool,
    /// De actuele budgetpositie.
    pub budget: Budgetpositie,
    /// Verwijzingen.
    pub links: SelfLinks,
}

impl From<InstrumentRow> for Instrument {
    fn from(r: InstrumentRow) -> Self {
        Instrument {
            budget: Budgetpositie::from(&r),
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/instrumenten/{}", r.id)),
            },
            id: r.id,
            programmaId: r.programme_id,
            naam: r.name,
            soort: r.kind,
            verdeling: r.policy,
            uniek: r.uniqueness,
            minimumBedrag: bedrag(r.min_cents),
            maximumBedrag: bedrag(r.max_cents),
            vastBedrag: r.fixed_amount,
            openVanaf: r.opens_on,
            openTotEnMet: r.closes_on,
            rondes: Vec::new(),
            voorschotPercentage: r.advance_percent,
            beslistermijnWeken: r.decision_term_weeks,
            aanvultermijnDagen: r.supplement_term_days,
            vierOgenBoven: r.four_eyes_above_cents.map(bedrag),
            verantwoordingUiterlijk: r.accounting_deadline,
            wachtlijstGesloten: r.waitlist_closed,
        }
    }
}

impl Instrument {
    /// The instrument with its rounds.
    pub fn with_rounds(row: InstrumentRow, rounds: &[RoundConfig]) -> Self {
        Instrument {
            rondes: rounds.iter().map(Ronde::from).collect(),
            ..Instrument::from(row)
        }
    }
}

/// Een ronde van een instrument: een oproep met een eigen sluitingstijd en eventueel een
/// eigen plafond.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ronde {
    /// De code van de ronde binnen het instrument.
    #[schema(example = "ronde-1")]
    pub code: String,
    /// Naam.
    #[schema(example = "Eerste ronde 2024")]
    pub naam: String,
    /// Het eerste moment waarop aanvragen in deze ronde binnenkomen (Nederlandse tijd).
    #[schema(value_type = String, format = DateTime, example = "2024-04-02T09:00:00+02:00")]
    pub opent: DateTime<FixedOffset>,
    /// De laatste seconde waarop aanvragen in deze ronde binnenkomen (Nederlandse tijd):
    /// een aanvraag die om 14:00:00 binnenkomt telt mee, een om 14:00:01 niet.
    #[schema(value_type = String, format = DateTime, example = "2024-07-03T14:00:00+02:00")]
    pub sluit: DateTime<FixedOffset>,
    /// Het plafond van de ronde, binnen dat van het instrument; ontbreekt: alleen het
    /// plafond van het instrument geldt.
    #[schema(example = "30000000.00")]
    pub plafond: Option<String>,
    /// Waar als wat de ronde niet gebruikt naar de volgende ronde gaat.
    pub overloop: bool,
    /// Alleen regio's die in deze eerdere ronde geen subsidie kregen mogen aanvragen.
    #[schema(example = "ronde-1")]
    pub alleenZonderToekenningIn: Option<String>,
}

impl From<&RoundConfig> for Ronde {
    fn from(r: &RoundConfig) -> Self {
        Ronde {
            code: r.code.clone(),
            naam: r.name.clone(),
            opent: to_amsterdam(r.opens_at()),
            sluit: to_amsterdam(r.closes_at()),
            plafond: r.ceiling.map(|m| bedrag(m.cents())),
            overloop: r.carry_over,
            alleenZonderToekenningIn: r.only_unfunded_in.clone(),
        }
    }
}

/// Alle instrumenten.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstrumentLijst {
    /// De instrumenten.
    pub instrumenten: Vec<Instrument>,
}

/// Een regio (RESV).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Regio {
    /// De code van de regio.
    #[schema(example = "r01")]
    pub id: String,
    /// Naam.
    #[schema(example = "Groningen-Stad")]
    pub naam: String,
    /// Aantal inwoners.
    #[schema(example = 245000)]
    pub inwoners: i64,
}

impl From<RegionRow> for Regio {
    fn from(r: RegionRow) -> Self {
        Regio {
            id: r.id,
            naam: r.name,
            inwoners: r.inhabitants,
        }
    }
}

/// Alle regio's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegioLijst {
    /// De regio's.
    pub regios: Vec<Regio>,
}

/// Een discipline in de eerstelijnszorg.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Discipline {
    /// De code van de discipline.
    #[schema(example = "huisartsen")]
    pub id: String,
    /// Naam.
    #[schema(example = "Huisartsen")]
    pub naam: String,
}

impl From<DisciplineRow> for Discipline {
    fn from(r: DisciplineRow) -> Self {
        Discipline {
            id: r.id,
            naam: r.name,
        }
    }
}

/// Alle disciplines.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisciplineLijst {
    /// De disciplines.
    pub disciplines: Vec<Discipline>,
}
