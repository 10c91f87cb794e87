//! Administration: organisations, users and their roles, tokens, conflicts of interest.

#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use subsidie_store::rows::{OrganisationRow, UserRow};
use utoipa::ToSchema;

use super::common::utc;

/// Een nieuwe organisatie.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweOrganisatie {
    /// Naam.
    #[schema(example = "Stichting Eerstelijn Groningen-Stad")]
    pub naam: String,
    /// De code van de regio.
    #[schema(example = "r01")]
    pub regioId: String,
    /// De bankrekening voor betalingen.
    #[schema(example = "NL91ABNA0417164300")]
    pub iban: String,
    /// Het contactadres voor elke e-mail over haar aanvragen.
    #[schema(example = "subsidie@eerstelijn-groningen.nl")]
    pub email: String,
}

/// Een organisatie.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organisatie {
    /// Het id van de organisatie.
    pub id: String,
    /// Naam.
    pub naam: String,
    /// De regio.
    #[schema(example = "r01")]
    pub regioId: String,
    /// De bankrekening.
    #[schema(example = "NL91ABNA0417164300")]
    pub iban: String,
    /// Het contactadres.
    pub email: String,
    /// De contactpersoon, als die bekend is.
    pub contactpersoon: Option<String>,
    /// Wanneer de organisatie is geregistreerd.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
}

impl From<OrganisationRow> for Organisatie {
    fn from(r: OrganisationRow) -> Self {
        Organisatie {
            id: r.id,
            naam: r.name,
            regioId: r.region_id,
            iban: r.iban,
            email: r.email,
            contactpersoon: r.contact_person,
            aangemaaktOp: utc(r.created_at),
        }
    }
}

/// Een rol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Rol {
    /// Een aanvrager, gebonden aan één organisatie.
    Aanvrager,
    /// Een beoordelaar.
    Beoordelaar,
    /// Financiën.
    Financien,
    /// Een beheerder.
    Beheerder,
}

impl From<Rol> for subsidie_service::Role {
    fn from(r: Rol) -> Self {
        use subsidie_service::Role;
        match r {
            Rol::Aanvrager => Role::Applicant,
            Rol::Beoordelaar => Role::Reviewer,
            Rol::Financien => Role::Finance,
            Rol::Beheerder => Role::Admin,
        }
    }
}

/// Een nieuwe gebruiker.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweGebruiker {
    /// Naam.
    #[schema(example = "A. de Vries")]
    pub naam: String,
    /// E-mailadres.
    #[schema(example = "a.devries@eerstelijn-groningen.nl")]
    pub email: String,
    /// De rol.
    pub rol: Rol,
    /// Bij aanvragers: hun organisatie.
    #[serde(default)]
    pub organisatieId: Option<String>,
}

/// Een gebruiker.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gebruiker {
    /// Het id van de gebruiker.
    pub id: String,
    /// Naam.
    pub naam: String,
    /// E-mailadres.
    pub email: String,
    /// De rol.
    #[schema(example = "aanvrager")]
    pub rol: String,
    /// Bij aanvragers: hun organisatie.
    pub organisatieId: Option<String>,
    /// Wanneer de gebruiker is aangemaakt.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Of de gebruiker actief is; een gedeactiveerde gebruiker kan niets meer.
    pub actief: bool,
    /// Wanneer de gebruiker is gedeactiveerd, als dat is gebeurd.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub gedeactiveerdOp: Option<DateTime<Utc>>,
}

impl From<UserRow> for Gebruiker {
    fn from(r: UserRow) -> Self {
        Gebruiker {
            id: r.id,
            naam: r.name,
            email: r.email,
            rol: r.role,
            organisatieId: r.organisation_id,
            aangemaaktOp: utc(r.created_at),
            actief: r.deactivated_at.is_none(),
            gedeactiveerdOp: r.deactivated_at.map(utc),
        }
    }
}

/// Een nieuw API-token voor een gebruiker.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwToken {
    /// Waar het token voor is, om het later te herkennen.
    #[schema(example = "koppeling zaaksysteem")]
    #[serde(default)]
    pub label: Option<String>,
    /// Hoeveel dagen het token geldig is, 1 tot en met 3650 (standaard 90).
    #[schema(example = 90, minimum = 1, maximum = 3650)]
    #[serde(default, deserialize_with = "crate::input::optional_whole_number")]
    pub dagen: Option<u32>,
}

/// Een token, eenmalig getoond: alleen de hash wordt opgeslagen.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// Het id van het token, om het later in te zien of in te trekken.
    pub id: String,
    /// De gebruiker.
    pub gebruikerId: String,
    /// Het label.
    pub label: String,
    /// Het token; stuur het mee als `Authorization: Bearer <token>`.
    #[schema(example = "3f1c…")]
    pub token: String,
    /// Wanneer het token vanzelf ophoudt te werken.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verlooptOp: Option<DateTime<Utc>>,
}

/// Het melden van een belangenconflict met een regio.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwBelangenconflict {
    /// De regio waarover de beoordelaar niet mag beslissen.
    #[schema(example = "r07")]
    pub regioId: String,
}

/// Een gemeld belangenconflict.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Belangenconflict {
    /// De beoordelaar.
    pub gebruikerId: String,
    /// De regio.
    #[schema(example = "r07")]
    pub regioId: String,
}

#[cfg(test)]
mod tests {
    use super::NieuwToken;

    #[test]
    fn days_are_a_whole_number_also_when_written_with_a_fraction_of_zero() {
        let parse = |body: &str| serde_json::from_str::<NieuwToken>(body).map(|t| t.dagen);
        assert_eq!(parse(r#"{"dagen": 90}"#).ok(), Some(Some(90)));
        assert_eq!(parse(r#"{"dagen": 90.0}"#).ok(), Some(Some(90)));
        assert_eq!(parse(r#"{}"#).ok(), Some(None));
        assert!(parse(r#"{"dagen": 90.5}"#).is_err());
        assert!(parse(r#"{"dagen": -1}"#).is_err());
    }
}
