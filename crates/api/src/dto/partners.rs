//! The consortium of an application: its partners and the kinds its instrument
//! requires.

#![allow(non_snake_case)]

use serde::{Deserialize, Serialize};
use subsidie_store::rows::{PartnerRow, PartnerRuleRow};
use utoipa::ToSchema;

/// Een partner in het samenwerkingsverband, zoals de aanvrager die opgeeft.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// De naam van de organisatie.
    #[schema(example = "Huisartsenkring Rivierenland", max_length = 200)]
    pub organisatie: String,
    /// De soort: een code van kleine letters, cijfers en koppeltekens; de soorten die de
    /// regeling vraagt staan in `vereisteSoorten`. Andere soorten mogen ook.
    #[schema(
        example = "huisartsenorganisatie",
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub soort: String,
    /// De rol in het project.
    #[schema(example = "penvoerder", max_length = 200)]
    pub rol: String,
    /// De naam van de contactpersoon.
    #[schema(example = "A. de Vries", max_length = 200)]
    pub contactpersoon: String,
    /// Het e-mailadres van de contactpersoon.
    #[schema(example = "a.devries@hkr.example.nl", format = Email)]
    pub contactEmail: String,
}

impl From<PartnerRow> for Partner {
    fn from(r: PartnerRow) -> Self {
        Partner {
            organisatie: r.organisation,
            soort: r.kind,
            rol: r.role,
            contactpersoon: r.contact_name,
            contactEmail: r.contact_email,
        }
    }
}

impl From<Partner> for subsidie_domain::consortium::Partner {
    fn from(p: Partner) -> Self {
        subsidie_domain::consortium::Partner {
            organisation: p.organisatie,
            kind: p.soort,
            role: p.rol,
            contact_name: p.contactpersoon,
            contact_email: p.contactEmail,
        }
    }
}

/// De partners die een concept krijgt: de hele lijst, die de vorige vervangt.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnersInvoer {
    /// De partners, in de volgorde waarin de aanvraag ze noemt (ten hoogste 50; leeg
    /// verwijdert ze).
    #[schema(max_items = 50)]
    pub partners: Vec<Partner>,
}

/// Een soort partner die de regeling vraagt, en hoeveel de aanvraag er nu noemt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VereisteSoort {
    /// De soort.
    #[schema(example = "wijkverpleging")]
    pub soort: String,
    /// De naam van de soort.
    #[schema(example = "Organisatie voor wijkverpleging")]
    pub naam: String,
    /// Ten minste zoveel partners van deze soort.
    #[schema(example = 2)]
    pub tenMinste: i32,
    /// Zoveel noemt de aanvraag er nu.
    #[schema(example = 1)]
    pub aanwezig: i32,
}

/// Het samenwerkingsverband van een aanvraag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerLijst {
    /// De partners, in volgorde.
    pub partners: Vec<Partner>,
    /// De soorten die de regeling vraagt voordat de aanvraag kan worden ingediend.
    pub vereisteSoorten: Vec<VereisteSoort>,
}

impl PartnerLijst {
    /// The list with, per required kind, how many the application names.
    pub fn of(partners: Vec<PartnerRow>, rules: Vec<PartnerRuleRow>) -> PartnerLijst {
        let vereisteSoorten = rules
            .into_iter()
            .map(|r| {
                let present = partners.iter().filter(|p| p.kind == r.kind).count();
                VereisteSoort {
                    aanwezig: i32::try_from(present).unwrap_or(i32::MAX),
                    soort: r.kind,
                    naam: r.name,
                    tenMinste: r.at_least,
                }
            })
            .collect();
        PartnerLijst {
            partners: partners.into_iter().map(Partner::from).collect(),
            vereisteSoorten,
        }
    }
}
