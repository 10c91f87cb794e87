//! The Dutch shapes of the finance reports. The CLI prints them as they are (snake_case
//! keys); the API answers them with lowerCamelCase keys, as its other resources
//! (`routes::reports`). Amounts are strings with two decimals, percentages strings with
//! one.

#![allow(non_snake_case)]

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use subsidie_domain::Money;
use subsidie_service::reports::{
    Amounts, BudgetReport, CoverageReport, DisbursementReport, Group, InstrumentBudget,
    InstrumentCoverage, Recoveries, RecoveryLine, RegionRef, Total,
};
use utoipa::IntoParams;

/// Query parameters of the disbursement report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UitbetalingenFilter {
    /// De code van het programma.
    #[param(example = "versterking-eerstelijnszorg")]
    pub programma: String,
    /// Eerste dag van de periode (betaald op of na), `JJJJ-MM-DD`.
    #[param(example = "2025-01-01")]
    pub van: Option<String>,
    /// Laatste dag van de periode, `JJJJ-MM-DD`; niet vóór `van`.
    #[param(example = "2025-12-31")]
    pub totEnMet: Option<String>,
    /// Alleen dit instrument.
    #[param(example = "uitvoering")]
    pub instrument: Option<String>,
    /// Alleen deze regio.
    #[param(example = "r07")]
    pub regio: Option<String>,
    /// Alleen deze betaalronde.
    pub betaalronde: Option<String>,
    /// `json` (standaard), `csv` of `xlsx`.
    #[param(example = "json", inline, value_type = Option<RapportFormaat>)]
    pub formaat: Option<String>,
}

/// De vorm van een rapportage.
#[derive(Debug, Clone, Copy, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RapportFormaat {
    /// JSON.
    Json,
    /// CSV voor Nederlandse spreadsheets.
    Csv,
    /// Excel.
    Xlsx,
}

/// Query parameters of the programme reports.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgrammaRapport {
    /// De code van het programma.
    #[param(example = "versterking-eerstelijnszorg")]
    pub programma: String,
    /// `json` (standaard), `csv` of `xlsx`.
    #[param(example = "json", inline, value_type = Option<RapportFormaat>)]
    pub formaat: Option<String>,
}

/// Een aantal en een bedrag.
#[derive(Debug, Clone, Serialize)]
pub struct Totaal {
    /// Hoeveel.
    pub aantal: i64,
    /// Hoeveel geld.
    pub bedrag: Money,
}

impl From<&Total> for Totaal {
    fn from(t: &Total) -> Self {
        Totaal {
            aantal: t.count,
            bedrag: t.amount,
        }
    }
}

/// Eén groep van een samenvatting.
#[derive(Debug, Clone, Serialize)]
pub struct Groep {
    /// De code van de groep: betaalronde, instrument, regio of maand (`2025-03`).
    pub sleutel: String,
    /// Een leesbare naam, als die er is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub naam: Option<String>,
    /// Aantal en bedrag.
    #[serde(flatten)]
    pub totaal: Totaal,
}

fn groepen(groups: &[Group]) -> Vec<Groep> {
    groups
        .iter()
        .map(|g| Groep {
            sleutel: g.key.clone(),
            naam: g.name.clone(),
            totaal: Totaal::from(&g.total),
        })
        .collect()
}

/// Eén terugvordering.
#[derive(Debug, Clone, Serialize)]
pub struct Terugvordering {
    /// Het kenmerk van de terugvordering.
    pub referentie: String,
    /// Het kenmerk van de aanvraag.
    pub aanvraag: String,
    /// De organisatie die terugbetaalt.
    pub organisatie: String,
    /// Het instrument.
    pub instrument: String,
    /// De regio.
    pub regio: String,
    /// Wanneer zij vervalt.
    pub vervaldatum: NaiveDate,
    /// Het bedrag.
    pub bedrag: Money,
    /// `gepland` (open), `betaald` (ontvangen) of `geannuleerd`.
    pub status: String,
    /// De dag van ontvangst (Amsterdam), als zij ontvangen is.
    pub ontvangen_op: Option<NaiveDate>,
}

impl From<&RecoveryLine> for Terugvordering {
    fn from(l: &RecoveryLine) -> Self {
        Terugvordering {
            referentie: l.reference.clone(),
            aanvraag: l.application.clone(),
            organisatie: l.organisation.clone(),
            instrument: l.instrument_id.clone(),
            regio: l.region_id.clone(),
            vervaldatum: l.due_on,
            bedrag: l.amount,
            status: l.state.clone(),
            ontvangen_op: l.received_on,
        }
    }
}

/// De terugvorderingen van het programma.
#[derive(Debug, Clone, Serialize)]
pub struct Terugvorderingen {
    /// Nog terug te betalen.
    pub open: Totaal,
    /// Terugbetaald.
    pub ontvangen: Totaal,
    /// Elke terugvordering.
    pub regels: Vec<Terugvordering>,
}

impl From<&Recoveries> for Terugvorderingen {
    fn from(r: &Recoveries) -> Self {
        Terugvorderingen {
            open: Totaal::from(&r.open),
            ontvangen: Totaal::from(&r.received),
            regels: r.lines.iter().map(Terugvordering::from).collect(),
        }
    }
}

/// De uitbetalingen van een programma.
#[derive(Debug, Clone, Serialize)]
pub struct Uitbetalingen {
    /// Het programma.
    pub programma: String,
    /// Eerste betaaldag, als begrensd.
    pub van: Option<NaiveDate>,
    /// Laatste betaaldag, als begrensd.
    pub tot_en_met: Option<NaiveDate>,
    /// Elke uitbetaalde betaling.
    pub totaal: Totaal,
    /// Per betaalronde (`zonder-betaalronde` voor los geboekte betalingen).
    pub per_betaalronde: Vec<Groep>,
    /// Per instrument.
    pub per_instrument: Vec<Groep>,
    /// Per regio.
    pub per_regio: Vec<Groep>,
    /// Per maand van betaling (Amsterdam).
    pub per_maand: Vec<Groep>,
    /// De terugvorderingen, apart: het zijn vorderingen, geen uitbetalingen.
    pub terugvorderingen: Terugvorderingen,
}

impl From<&DisbursementReport> for Uitbetalingen {
    fn from(r: &DisbursementReport) -> Self {
        Uitbetalingen {
            programma: r.programme_id.clone(),
            van: r.from,
            tot_en_met: r.to,
            totaal: Totaal::from(&r.total),
            per_betaalronde: groepen(&r.per_run),
            per_instrument: groepen(&r.per_instrument),
            per_regio: groepen(&r.per_region),
            per_maand: groepen(&r.per_month),
            terugvorderingen: Terugvorderingen::from(&r.recoveries),
        }
    }
}

/// De bedragen van een budgetpositie.
#[derive(Debug, Clone, Serialize)]
pub struct Bedragen {
    /// Het subsidieplafond.
    pub plafond: Money,
    /// Openstaande reserveringen.
    pub gereserveerd: Money,
    /// Verleend (vastgestelde verleningen tegen het vastgestelde bedrag).
    pub verleend: Money,
    /// Het vastgestelde deel van `verleend`.
    pub vastgesteld: Money,
    /// Uitbetaald.
    pub betaald: Money,
    /// Terugbetaald.
    pub teruggevorderd: Money,
    /// `plafond − gereserveerd − verleend`.
    pub beschikbaar: Money,
}

impl From<&Amounts> for Bedragen {
    fn from(a: &Amounts) -> Self {
        Bedragen {
            plafond: a.ceiling,
            gereserveerd: a.reserved,
            verleend: a.granted,
            vastgesteld: a.settled,
            betaald: a.paid,
            teruggevorderd: a.recovered,
            beschikbaar: a.available,
        }
    }
}

/// De budgetpositie van één instrument.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentBudgetpositie {
    /// Het instrument.
    pub instrument: String,
    /// Zijn naam.
    pub naam: String,
    /// De positie die bij het instrument is opgeslagen.
    #[serde(flatten)]
    pub bedragen: Bedragen,
    /// Waar als de opgeslagen positie tot op de cent gelijk is aan het grootboek en het
    /// plafond niet is overschreden.
    pub grootboek_klopt: bool,
    /// De som van het grootboek, alleen als die afwijkt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volgens_grootboek: Option<Bedragen>,
}

impl From<&InstrumentBudget> for InstrumentBudgetpositie {
    fn from(i: &InstrumentBudget) -> Self {
        InstrumentBudgetpositie {
            instrument: i.instrument_id.clone(),
            naam: i.name.clone(),
            bedragen: Bedragen::from(&i.amounts),
            grootboek_klopt: i.ledger_matches,
            volgens_grootboek: i.from_ledger.as_ref().map(Bedragen::from),
        }
    }
}

/// De budgetpositie van een programma.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammaBudgetpositie {
    /// Het programma.
    pub programma: String,
    /// Zijn naam.
    pub naam: String,
    /// De envelop.
    pub envelop: Money,
    /// Per instrument.
    pub instrumenten: Vec<InstrumentBudgetpositie>,
    /// De som over de instrumenten.
    pub totaal: Bedragen,
    /// Waar als de plafonds en verplichtingen binnen de envelop blijven.
    pub binnen_envelop: bool,
    /// Waar als de positie van elk instrument klopt met zijn grootboek.
    pub grootboek_klopt: bool,
}

impl From<&BudgetReport> for ProgrammaBudgetpositie {
    fn from(r: &BudgetReport) -> Self {
        ProgrammaBudgetpositie {
            programma: r.programme_id.clone(),
            naam: r.name.clone(),
            envelop: r.envelope,
            instrumenten: r
                .instruments
                .iter()
                .map(InstrumentBudgetpositie::from)
                .collect(),
            totaal: Bedragen::from(&r.total),
            binnen_envelop: r.within_envelope,
            grootboek_klopt: r.ledger_matches,
        }
    }
}

/// Een regio in het dekkingsoverzicht.
#[derive(Debug, Clone, Serialize)]
pub struct DekkingRegio {
    /// De code van de regio.
    pub code: String,
    /// Haar naam.
    pub naam: String,
    /// Inwoners.
    pub inwoners: i64,
}

impl From<&RegionRef> for DekkingRegio {
    fn from(r: &RegionRef) -> Self {
        DekkingRegio {
            code: r.id.clone(),
            naam: r.name.clone(),
            inwoners: r.inhabitants,
        }
    }
}

/// Aanvragen en honoreringen van één instrument.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentDekking {
    /// Het instrument.
    pub instrument: String,
    /// Zijn naam.
    pub naam: String,
    /// Zijn soort (`uitvoering`, …).
    pub soort: String,
    /// Ingediende aanvragen (elke status behalve concept).
    pub aanvragen: i64,
    /// Gehonoreerde aanvragen (verleend en niet afgezien).
    pub gehonoreerd: i64,
    /// Regio's met minstens één gehonoreerde aanvraag.
    pub regios_gehonoreerd: i64,
    /// De som van de gehonoreerde verleningen.
    pub verleend: Money,
}

impl From<&InstrumentCoverage> for InstrumentDekking {
    fn from(i: &InstrumentCoverage) -> Self {
        InstrumentDekking {
            instrument: i.instrument_id.clone(),
            naam: i.name.clone(),
            soort: i.kind.clone(),
            aanvragen: i.applications,
            gehonoreerd: i.honoured,
            regios_gehonoreerd: i.regions_honoured,
            verleend: i.granted,
        }
    }
}

/// De dekking van een programma.
#[derive(Debug, Clone, Serialize)]
pub struct Dekking {
    /// Het programma.
    pub programma: String,
    /// Alle regio's.
    pub regios: i64,
    /// Hun inwoners.
    pub inwoners: i64,
    /// Regio's met een gehonoreerde uitvoeringssubsidie.
    pub regios_met_uitvoering: i64,
    /// Hun inwoners.
    pub inwoners_met_uitvoering: i64,
    /// Aandeel van de regio's, in procenten met één decimaal.
    pub aandeel_regios_procent: String,
    /// Aandeel van de inwoners, in procenten met één decimaal.
    pub aandeel_inwoners_procent: String,
    /// De regio's zonder.
    pub regios_zonder_uitvoering: Vec<DekkingRegio>,
    /// Per instrument.
    pub per_instrument: Vec<InstrumentDekking>,
}

impl From<&CoverageReport> for Dekking {
    fn from(r: &CoverageReport) -> Self {
        Dekking {
            programma: r.programme_id.clone(),
            regios: r.regions,
            inwoners: r.inhabitants,
            regios_met_uitvoering: r.regions_covered,
            inwoners_met_uitvoering: r.inhabitants_covered,
            aandeel_regios_procent: r.region_share_percent.to_string(),
            aandeel_inwoners_procent: r.inhabitant_share_percent.to_string(),
            regios_zonder_uitvoering: r.uncovered.iter().map(DekkingRegio::from).collect(),
            per_instrument: r
                .per_instrument
                .iter()
                .map(InstrumentDekking::from)
                .collect(),
        }
    }
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A report with lowerCamelCase keys, as the API's other resources answer; the keys come
/// out sorted, as they always have.
pub fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (camel(&k), camel_keys(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn eur(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    fn total(count: i64, amount: &str) -> Total {
        Total {
            count,
            amount: eur(amount),
        }
    }

    fn month(key: &str, amount: &str) -> Group {
        Group {
            key: key.into(),
            name: None,
            total: total(1, amount),
        }
    }

    #[test]
    fn disbursements_in_dutch_with_amounts_as_strings() {
        let r = DisbursementReport {
            programme_id: "versterking-eerstelijnszorg".into(),
            from: None,
            to: None,
            total: total(3, "930000.00"),
            per_run: Vec::new(),
            per_instrument: Vec::new(),
            per_region: Vec::new(),
            per_month: vec![month("2025-03", "880000.00"), month("2025-06", "50000.00")],
            recoveries: Recoveries {
                open: total(1, "79999.97"),
                ..Recoveries::default()
            },
        };
        let json = serde_json::to_value(Uitbetalingen::from(&r)).unwrap();
        assert_eq!(json["totaal"]["bedrag"], "930000.00");
        assert_eq!(json["per_maand"][0]["sleutel"], "2025-03");
        assert_eq!(json["terugvorderingen"]["open"]["bedrag"], "79999.97");
    }

    #[test]
    fn budget_position_in_dutch() {
        let total = Amounts {
            recovered: eur("79999.97"),
            ..Amounts::default()
        };
        let r = BudgetReport {
            programme_id: "versterking-eerstelijnszorg".into(),
            name: "Versterking eerstelijnszorg".into(),
            envelope: eur("104000000.00"),
            instruments: Vec::new(),
            total,
            within_envelope: true,
            ledger_matches: true,
        };
        let json = serde_json::to_value(ProgrammaBudgetpositie::from(&r)).unwrap();
        assert_eq!(json["totaal"]["teruggevorderd"], "79999.97");
        assert_eq!(json["grootboek_klopt"], true);
    }

    #[test]
    fn coverage_in_dutch_with_shares_as_strings() {
        let r = CoverageReport {
            programme_id: "versterking-eerstelijnszorg".into(),
            regions: 54,
            inhabitants: 17_900_000,
            regions_covered: 2,
            inhabitants_covered: 575_000,
            region_share_percent: "3.7".parse().unwrap(),
            inhabitant_share_percent: "3.2".parse().unwrap(),
            uncovered: Vec::new(),
            per_instrument: Vec::new(),
        };
        let json = serde_json::to_value(Dekking::from(&r)).unwrap();
        assert_eq!(json["regios_met_uitvoering"], 2);
        assert!(json["aandeel_inwoners_procent"].is_string());
    }
}
