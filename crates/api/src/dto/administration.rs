//! Administration read and changed: lists of users, organisations, tokens and allocation
//! runs, an organisation's changes, and the history of the administration.

#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use subsidie_store::rows::{AdminHistoryRow, AllocationRunRow, ApiTokenRow};
use utoipa::ToSchema;

use super::admin::{Gebruiker, Organisatie};
use super::common::{bedrag, utc, Link, PaginaLinks, SelfLinks, BASE};

/// Een pagina gebruikers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GebruikerLijst {
    /// De gebruikers op deze pagina, oudste eerst.
    pub gebruikers: Vec<Gebruiker>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Een pagina organisaties.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisatieLijst {
    /// De organisaties op deze pagina, oudste eerst.
    pub organisaties: Vec<Organisatie>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Een wijziging van een organisatie: alleen wat meegegeven wordt verandert.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisatieWijziging {
    /// De nieuwe bankrekening (ISO 13616, gecontroleerd).
    #[schema(example = "NL44RABO0123456789")]
    #[serde(default)]
    pub iban: Option<String>,
    /// Het nieuwe contactadres voor elke e-mail.
    #[schema(example = "financien@eerstelijn-groningen.nl")]
    #[serde(default)]
    pub email: Option<String>,
    /// De nieuwe contactpersoon; een lege tekst wist hem.
    #[schema(example = "A. de Vries")]
    #[serde(default)]
    pub contactpersoon: Option<String>,
}

/// De toestand van een token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    /// Het token werkt.
    Geldig,
    /// De geldigheid is voorbij.
    Verlopen,
    /// Een beheerder heeft het ingetrokken.
    Ingetrokken,
}

/// Een uitgegeven token, zonder het geheim: dat wordt nergens bewaard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenGegevens {
    /// Het id van het token (niet het token zelf).
    pub id: String,
    /// De gebruiker.
    pub gebruikerId: String,
    /// Het label.
    pub label: String,
    /// Wanneer het is uitgegeven.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Wanneer het vanzelf ophoudt te werken.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verlooptOp: Option<DateTime<Utc>>,
    /// Wanneer het is ingetrokken, als dat is gebeurd.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ingetrokkenOp: Option<DateTime<Utc>>,
    /// De toestand nu.
    pub status: TokenStatus,
    /// Verwijzingen.
    pub links: SelfLinks,
}

impl TokenGegevens {
    /// The token as it stands at `now`.
    pub fn at(r: ApiTokenRow, now: DateTime<Utc>) -> TokenGegevens {
        let expires = r.expires_at.map(utc);
        let status = if r.revoked_at.is_some() {
            TokenStatus::Ingetrokken
        } else if expires.is_some_and(|e| e <= now) {
            TokenStatus::Verlopen
        } else {
            TokenStatus::Geldig
        };
        TokenGegevens {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/tokens/{}", r.id)),
            },
            id: r.id,
            gebruikerId: r.user_id,
            label: r.label,
            aangemaaktOp: utc(r.created_at),
            verlooptOp: expires,
            ingetrokkenOp: r.revoked_at.map(utc),
            status,
        }
    }
}

/// Een pagina tokens.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenLijst {
    /// De tokens op deze pagina, oudste eerst.
    pub tokens: Vec<TokenGegevens>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Het intrekken van een token of deactiveren van een gebruiker; vraagt geen invoer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Beeindiging {}

/// Een toewijzingsronde in een lijst, zonder haar plaatsingen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToewijzingsrondeKort {
    /// Het id van de ronde.
    pub id: String,
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De gebruikte verdeling.
    #[schema(example = "volgorde-van-binnenkomst")]
    pub verdeling: String,
    /// In totaal gereserveerd door de ronde.
    #[schema(example = "3000000.00")]
    pub gereserveerdTotaal: String,
    /// Wie de ronde startte.
    pub uitgevoerdDoor: Option<String>,
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub uitgevoerdOp: DateTime<Utc>,
    /// Verwijzingen; de ronde zelf heeft de seed en de plaatsingen.
    pub links: SelfLinks,
}

impl From<AllocationRunRow> for ToewijzingsrondeKort {
    fn from(r: AllocationRunRow) -> Self {
        ToewijzingsrondeKort {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/toewijzingsrondes/{}", r.id)),
            },
            id: r.id,
            instrumentId: r.instrument_id,
            verdeling: r.policy,
            gereserveerdTotaal: bedrag(r.reserved_total_cents),
            uitgevoerdDoor: r.actor_id,
            uitgevoerdOp: utc(r.at),
        }
    }
}

/// Een pagina toewijzingsrondes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToewijzingsrondeLijst {
    /// De rondes op deze pagina, oudste eerst.
    pub toewijzingsrondes: Vec<ToewijzingsrondeKort>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Eén wijziging in het beheer: wie, wanneer, wat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BeheerRegel {
    /// Volgnummer.
    pub id: i64,
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub op: DateTime<Utc>,
    /// De gebruiker die het deed; leeg voor de engine zelf.
    pub door: Option<String>,
    /// Waarover: `organisatie`, `gebruiker` of `token`.
    #[schema(example = "organisatie")]
    pub onderwerp: String,
    /// Het id daarvan.
    pub onderwerpId: String,
    /// Wat er gebeurde, zoals `gewijzigd` of `ingetrokken`.
    #[schema(example = "gewijzigd")]
    pub handeling: String,
    /// Wat er veranderde.
    pub toelichting: String,
}

impl From<AdminHistoryRow> for BeheerRegel {
    fn from(r: AdminHistoryRow) -> Self {
        BeheerRegel {
            id: r.id,
            op: utc(r.at),
            door: r.actor_id,
            onderwerp: r.subject_kind,
            onderwerpId: r.subject_id,
            handeling: r.action,
            toelichting: r.detail,
        }
    }
}

/// Een pagina van de beheerhistorie.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BeheerHistorie {
    /// De regels op deze pagina, oudste eerst.
    pub regels: Vec<BeheerRegel>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}
