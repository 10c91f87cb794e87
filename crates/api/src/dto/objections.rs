//! The shapes of the steps on an objection (`/bezwaren/{id}/…`). The objection itself is
//! [`super::Bezwaar`].

use serde::Deserialize;
use utoipa::ToSchema;

/// Vraag de bezwaarmaker een verzuim te herstellen (art. 6:6 Awb); de termijn is twee
/// weken.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Herstelverzoek {
    /// Wat ontbreekt (art. 6:5 Awb).
    #[schema(example = "Het bezwaarschrift is niet ondertekend.")]
    pub herstel: String,
}

/// De bezwaarmaker herstelt het verzuim.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Herstel {
    /// Wat is hersteld.
    #[schema(example = "Ondertekend exemplaar bijgevoegd.")]
    pub toelichting: String,
}

/// Verdaag de beslissing eenmalig met zes weken (art. 7:10 lid 3 Awb).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verdaging {
    /// Waarom; de bezwaarmaker krijgt een brief met de nieuwe termijn.
    #[schema(example = "Het advies van de bezwaarcommissie volgt.")]
    pub reden: String,
}

/// De hoorzitting (art. 7:2 Awb): gehouden, of de bezwaarmaker zag ervan af.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hoorzitting {
    /// `true`: gehouden; `false`: de bezwaarmaker zag ervan af.
    pub gehouden: bool,
    /// Het verslag, of hoe de bezwaarmaker afzag.
    #[schema(example = "Hoorzitting op 10 december 2026; verslag in het dossier.")]
    pub toelichting: String,
}

/// De uitkomst van een bezwaar.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum Uitkomst {
    /// Niet-ontvankelijk: alleen na een herstelverzoek waarvan de termijn verstreek.
    #[serde(rename = "niet_ontvankelijk")]
    NietOntvankelijk,
    /// Ongegrond: het besluit blijft; alleen na de hoorzitting (of afzien ervan).
    #[serde(rename = "ongegrond")]
    Ongegrond,
    /// Gegrond: het besluit wordt herroepen en een nieuw besluit genomen (art. 7:11 Awb).
    #[serde(rename = "gegrond")]
    Gegrond,
}

/// De beslissing op een bezwaar, door een beoordelaar die het bestreden besluit niet nam
/// (art. 7:5 Awb).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BeslissingOpBezwaar {
    /// De uitkomst.
    pub uitkomst: Uitkomst,
    /// De motivering (art. 7:12 Awb).
    #[schema(example = "Het plan voldoet wel aan criterium 3.")]
    pub motivering: String,
    /// Bij een gegrond bezwaar tegen een afwijzing: het te verlenen bedrag, hoogstens het
    /// aangevraagde (zonder: het aangevraagde bedrag). Is er geen budget, dan komt de
    /// aanvraag als eerste op de wachtlijst. Tegen een verlening: het nieuwe, hogere
    /// bedrag, hoogstens het aangevraagde; tegen een vaststelling: het nieuwe, hogere
    /// vastgestelde bedrag, hoogstens de verlening. De verhoging komt uit het beschikbare
    /// budget; past die niet, dan noemt de weigering wat beschikbaar is.
    #[schema(example = "750000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub bedrag: Option<String>,
}
