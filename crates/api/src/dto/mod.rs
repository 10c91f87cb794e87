//! The Dutch shapes of the API, one module per resource: what goes over the wire, and the
//! mapping from what the service returns. Properties are lowerCamelCase, amounts are
//! strings with two decimals, dates are `YYYY-MM-DD` and instants are RFC 3339 in UTC.

pub mod admin;
pub mod administration;
pub mod allocation;
pub mod amendments;
pub mod applications;
pub mod common;
pub mod decisions;
pub mod documents;
pub mod finance;
pub mod meta;
pub mod objections;
pub mod outbox;
pub mod partners;
pub mod programme;
pub mod reference;
pub mod reports;

// The routes of applications, payments and the outbox name their shapes as `crate::dto::X`;
// these keep that path until they import from the resource modules.
pub use applications::{
    Aanvraag, AanvraagLijst, AanvraagStatus, AanvraagWijziging, Aanvulling, Afsluiting, Afzien,
    Beoordeling, Besluit, Bezwaar, BezwaarLijst, Historie, HistorieRegel, HonoreringVoorgesteld,
    Indiening, Intrekking, NieuwBezwaar, NieuweAanvraag, Score, Vaststelling, Verantwoording,
};
pub use common::{bedrag, Link, PaginaLinks, BASE};
pub use finance::{Betaling, BetalingLijst, Grootboekcontrole, GrootboekcontroleRegel};
pub use outbox::{Bericht, BerichtStatus, Berichtenoverzicht, Herverzending};
