//! Programme changes by an administrator: a ceiling, a window, a new instrument, and the
//! history of those changes.

#![allow(non_snake_case)]

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use subsidie_domain::programme::InstrumentConfig;
use subsidie_service::programme::ProgrammeChangeRow;
use utoipa::ToSchema;

use super::common::utc;

/// Een nieuw subsidieplafond voor een instrument.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Plafondwijziging {
    /// Het nieuwe plafond; niet lager dan wat al is gereserveerd en verleend, en samen met
    /// de andere plafonds binnen de envelop van het programma.
    #[schema(example = "75000000.00")]
    pub plafond: String,
    /// Waarom, voor de historie.
    #[schema(example = "Extra middelen na de voorjaarsnota")]
    #[serde(default)]
    pub reden: Option<String>,
}

/// Wat er met de openstelling gebeurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Openstellingsactie {
    /// Openen van `van` (standaard vandaag) tot en met `totEnMet`.
    Openen,
    /// De laatste dag naar `totEnMet` verschuiven, later dan nu.
    Verlengen,
    /// Sluiten: gisteren wordt de laatste dag.
    Sluiten,
}

/// Het openen, verlengen of sluiten van de openstelling van een instrument.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Openstellingswijziging {
    /// `openen`, `verlengen` of `sluiten`.
    pub actie: Openstellingsactie,
    /// Bij `openen`: de eerste dag (standaard vandaag).
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-01")]
    #[serde(default)]
    pub van: Option<NaiveDate>,
    /// Bij `openen` en `verlengen`: de laatste dag.
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-31")]
    #[serde(default)]
    pub totEnMet: Option<NaiveDate>,
    /// Waarom, voor de historie.
    #[serde(default)]
    pub reden: Option<String>,
}

/// Een instrument om aan een programma toe te voegen, met dezelfde regels als in het
/// programmabestand.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwInstrument {
    /// De code: kleine letters a-z, cijfers en koppeltekens.
    #[schema(example = "innovatie")]
    pub code: String,
    /// Naam.
    #[schema(example = "Innovatieregeling")]
    pub naam: String,
    /// `voorbereiding`, `uitvoering`, `discipline-voucher` of `onderzoek`.
    #[schema(example = "uitvoering")]
    pub soort: String,
    /// Het subsidieplafond.
    #[schema(example = "1000000.00")]
    pub plafond: String,
    /// Het kleinste bedrag (met `maximumBedrag`), of weglaten bij `vastBedrag`.
    #[schema(example = "10000.00")]
    #[serde(default)]
    pub minimumBedrag: Option<String>,
    /// Het grootste bedrag (met `minimumBedrag`).
    #[schema(example = "100000.00")]
    #[serde(default)]
    pub maximumBedrag: Option<String>,
    /// Eén vast bedrag, in plaats van minimum en maximum.
    #[serde(default)]
    pub vastBedrag: Option<String>,
    /// Eerste dag van de openstelling.
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    pub openVanaf: NaiveDate,
    /// Laatste dag van de openstelling.
    #[schema(value_type = String, format = Date, example = "2026-12-31")]
    pub openTotEnMet: NaiveDate,
    /// `volgorde-van-binnenkomst` of `rangschikking`.
    #[schema(example = "volgorde-van-binnenkomst")]
    pub verdeling: String,
    /// Deel van een verlening dat als voorschot wordt betaald, 0–100.
    #[schema(example = 80)]
    #[serde(deserialize_with = "crate::input::whole_number")]
    pub voorschotPercentage: i64,
    /// De beslistermijn in weken.
    #[schema(example = 8)]
    #[serde(deserialize_with = "crate::input::whole_number")]
    pub beslistermijnWeken: u32,
    /// De aanvultermijn in dagen.
    #[schema(example = 14)]
    #[serde(deserialize_with = "crate::input::whole_number")]
    pub aanvultermijnDagen: u32,
    /// Verleningen boven dit bedrag vragen een tweede beoordelaar; weglaten: nooit.
    #[serde(default)]
    pub vierOgenBoven: Option<String>,
    /// `geen`, `per-regio` of `per-regio-en-discipline` (standaard `geen`).
    #[serde(default)]
    pub uniek: Option<String>,
    /// De laatste dag voor de verantwoording.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default)]
    pub verantwoordingUiterlijk: Option<NaiveDate>,
    /// Waar als een aanvraag een discipline moet noemen.
    #[serde(default)]
    pub disciplineVerplicht: Option<bool>,
    /// Waarom, voor de historie.
    #[serde(default)]
    pub reden: Option<String>,
}

impl NieuwInstrument {
    /// The instrument's configuration, read as a programme file's instrument would be
    /// (the API and the portal's form both go this way); what cannot be read is said in
    /// the file reader's words.
    pub fn config(&self) -> Result<InstrumentConfig, String> {
        serde_json::from_value(self.file_form()).map_err(|e| e.to_string())
    }

    /// The instrument in the programme file's shape, so the file's reader (with its Dutch
    /// messages for every wrong value) reads it.
    pub fn file_form(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_owned(), v);
        };
        put("code", json!(self.code));
        put("naam", json!(self.naam));
        put("soort", json!(self.soort));
        put("plafond", json!(self.plafond));
        let bedrag = match &self.vastBedrag {
            Some(vast) => json!({ "vast": vast }),
            None => {
                let mut b = Map::new();
                if let Some(min) = &self.minimumBedrag {
                    b.insert("min".into(), json!(min));
                }
                if let Some(max) = &self.maximumBedrag {
                    b.insert("max".into(), json!(max));
                }
                Value::Object(b)
            }
        };
        put("bedrag", bedrag);
        put(
            "openstelling",
            json!({ "van": self.openVanaf.to_string(), "tot_en_met": self.openTotEnMet.to_string() }),
        );
        put("verdeling", json!(self.verdeling));
        put("voorschot_percentage", json!(self.voorschotPercentage));
        put("beslistermijn_weken", json!(self.beslistermijnWeken));
        put("aanvultermijn_dagen", json!(self.aanvultermijnDagen));
        if let Some(v) = &self.vierOgenBoven {
            put("vier_ogen_boven", json!(v));
        }
        if let Some(v) = &self.uniek {
            put("uniek", json!(v));
        }
        if let Some(v) = self.verantwoordingUiterlijk {
            put("verantwoording_uiterlijk", json!(v.to_string()));
        }
        if let Some(v) = self.disciplineVerplicht {
            put("discipline_verplicht", json!(v));
        }
        Value::Object(m)
    }
}

/// Eén wijziging van een programma: wie, wanneer, wat, van → naar.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Programmawijziging {
    /// Volgnummer.
    pub volgnummer: i64,
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: Option<String>,
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub op: DateTime<Utc>,
    /// Wie (het id van de gebruiker; ontbreekt: de engine zelf, zoals de opdrachtregel).
    pub door: Option<String>,
    /// `plafond`, `openstelling` of `instrument-toegevoegd`.
    #[schema(example = "plafond")]
    pub wijziging: String,
    /// De oude waarde.
    #[schema(example = "72000000.00")]
    pub van: Option<String>,
    /// De nieuwe waarde.
    #[schema(example = "75000000.00")]
    pub naar: String,
    /// Waarom.
    pub reden: Option<String>,
}

impl From<ProgrammeChangeRow> for Programmawijziging {
    fn from(r: ProgrammeChangeRow) -> Self {
        Programmawijziging {
            volgnummer: r.id,
            instrumentId: r.instrument_id,
            op: utc(r.at),
            door: r.actor_id,
            wijziging: r.change,
            van: r.old_value,
            naar: r.new_value,
            reden: r.reason,
        }
    }
}

/// De wijzigingen van een programma, oudste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgrammawijzigingLijst {
    /// De wijzigingen.
    pub wijzigingen: Vec<Programmawijziging>,
}
