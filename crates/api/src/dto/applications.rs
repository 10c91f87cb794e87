//! Applications: drafts, the commands of their lifecycle, objections and history.

#![allow(non_snake_case)]

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use subsidie_domain::lifecycle::State;
use subsidie_store::rows::{ApplicationRow, HistoryRow, ObjectionRow};
use utoipa::ToSchema;

use super::common::{bedrag, utc, Link, PaginaLinks, SelfLinks, BASE};

/// De status van een aanvraag in haar levensloop.
#[derive(Debug, Clone, Copy, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AanvraagStatus {
    /// Wordt opgesteld door de aanvrager; nog niet ingediend.
    Concept,
    /// Ingediend en ontvangen; wacht op een toewijzingsronde.
    Ingediend,
    /// Op de wachtlijst, omdat het plafond bereikt is.
    Wachtlijst,
    /// Budget gereserveerd; wacht op beoordeling.
    Gereserveerd,
    /// Wordt beoordeeld.
    InBehandeling,
    /// De aanvrager moet iets aanvullen (art. 4:5 Awb).
    AanvullingGevraagd,
    /// Buiten behandeling gesteld (art. 4:5 Awb).
    BuitenBehandeling,
    /// Gehonoreerd (verleningsbeschikking).
    Gehonoreerd,
    /// Afgewezen.
    Afgewezen,
    /// Ingetrokken door de aanvrager.
    Ingetrokken,
    /// De ontvanger zag af van de verlening.
    Afgezien,
    /// De verantwoording is ingediend.
    VerantwoordingIngediend,
    /// Vastgesteld.
    Vastgesteld,
    /// Afgesloten: alles betaald of terugontvangen.
    Afgesloten,
    /// De verstrekker trok de verlening of de vaststelling in (art. 4:48, 4:49 Awb).
    VerleningIngetrokken,
}

/// Een honorering die een eerste beoordelaar voorstelde en een tweede, andere beoordelaar moet bevestigen.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HonoreringVoorstel {
    /// De beoordelaar die haar voorstelde.
    pub voorgesteldDoor: String,
    /// Het voorgestelde bedrag.
    #[schema(example = "1500000.00")]
    pub bedrag: String,
}

/// Een aanvraag.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aanvraag {
    /// Het id van de aanvraag.
    #[schema(example = "0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e6f")]
    pub id: String,
    /// Leesbaar kenmerk.
    #[schema(example = "UITV-2025-2F1B3C4D5E")]
    pub referentie: String,
    /// Het instrument waaronder is aangevraagd.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De aanvragende organisatie.
    pub organisatieId: String,
    /// De regio van de organisatie.
    #[schema(example = "r01")]
    pub regioId: String,
    /// De discipline (alleen bij disciplinevouchers).
    #[schema(example = "fysiotherapie")]
    pub disciplineId: Option<String>,
    /// De status in de levensloop.
    #[schema(value_type = AanvraagStatus, example = "concept")]
    pub status: String,
    /// Korte titel.
    #[schema(example = "RESV Groningen-Stad 2025")]
    pub titel: String,
    /// Waar het geld voor is.
    #[schema(example = "Uitvoering van het regioplan.")]
    pub omschrijving: String,
    /// Het aangevraagde bedrag.
    #[schema(example = "1250000.00")]
    pub aangevraagdBedrag: String,
    /// Het daarvoor gereserveerde budget.
    #[schema(example = "0.00")]
    pub gereserveerdBedrag: String,
    /// Het verleende bedrag (na vaststelling het vastgestelde bedrag).
    #[schema(example = "0.00")]
    pub verleendBedrag: String,
    /// Het vastgestelde bedrag.
    #[schema(example = "1200000.00")]
    pub vastgesteldBedrag: Option<String>,
    /// De score van de beoordeling (onderzoeksoproep).
    #[schema(example = 80)]
    pub score: Option<i32>,
    /// Wanneer de aanvraag is ontvangen (ingediend).
    #[schema(value_type = Option<String>, format = DateTime, example = "2025-03-03T09:15:00Z")]
    pub ontvangenOp: Option<DateTime<Utc>>,
    /// De code van de ronde waarin de aanvraag is ingediend (zie `rondes` van het
    /// instrument); ontbreekt bij een concept.
    #[schema(example = "ronde-2")]
    pub ronde: Option<String>,
    /// De dag waarop uiterlijk moet zijn beslist.
    #[schema(value_type = Option<String>, format = Date, example = "2025-06-02")]
    pub beslissenUiterlijk: Option<NaiveDate>,
    /// Wat de aanvrager moet aanvullen.
    pub aanvullingVerzoek: Option<String>,
    /// De dag waarop de aanvulling uiterlijk binnen moet zijn.
    #[schema(value_type = Option<String>, format = Date, example = "2025-03-17")]
    pub aanvullenUiterlijk: Option<NaiveDate>,
    /// Wanneer het laatste besluit is genomen.
    #[schema(value_type = Option<String>, format = DateTime, example = "2025-04-01T10:00:00Z")]
    pub besluitGenomenOp: Option<DateTime<Utc>>,
    /// De motivering van het laatste besluit.
    pub besluitMotivering: Option<String>,
    /// De laatste dag waarop bezwaar kan worden gemaakt (art. 6:7 Awb).
    #[schema(value_type = Option<String>, format = Date, example = "2025-05-13")]
    pub bezwaarUiterlijk: Option<NaiveDate>,
    /// Plaats op de wachtlijst.
    pub wachtlijstPositie: Option<i32>,
    /// Een honorering die op een tweede beoordelaar wacht.
    pub honoreringVoorstel: Option<HonoreringVoorstel>,
    /// De versie; ook de ETag. Stuur haar als `If-Match` mee met een wijziging.
    #[schema(example = 1)]
    pub versie: i64,
    /// De opdrachten die in deze status zijn toegestaan.
    #[schema(example = json!(["indienen", "verwijderen"]))]
    pub toegestaneOpdrachten: Vec<String>,
    /// Wanneer de aanvraag is aangemaakt.
    #[schema(value_type = String, format = DateTime, example = "2025-03-01T08:00:00Z")]
    pub aangemaaktOp: DateTime<Utc>,
    /// Wanneer de aanvraag het laatst is gewijzigd.
    #[schema(value_type = String, format = DateTime, example = "2025-03-01T08:00:00Z")]
    pub gewijzigdOp: DateTime<Utc>,
    /// Verwijzingen.
    pub links: SelfLinks,
}

impl From<ApplicationRow> for Aanvraag {
    fn from(r: ApplicationRow) -> Self {
        let allowed = State::from_str(&r.state)
            .map(|s| {
                s.allowed_commands()
                    .into_iter()
                    .map(|c| c.as_str().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Aanvraag {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/aanvragen/{}", r.id)),
            },
            id: r.id,
            referentie: r.reference,
            instrumentId: r.instrument_id,
            organisatieId: r.organisation_id,
            regioId: r.region_id,
            disciplineId: r.discipline_id,
            status: r.state,
            titel: r.title,
            omschrijving: r.description,
            aangevraagdBedrag: bedrag(r.requested_cents),
            gereserveerdBedrag: bedrag(r.reserved_cents),
            verleendBedrag: bedrag(r.granted_cents),
            vastgesteldBedrag: r.settled_cents.map(bedrag),
            score: r.score,
            ontvangenOp: r.received_at.map(utc),
            ronde: r.round_code,
            beslissenUiterlijk: r.decision_due_on,
            aanvullingVerzoek: r.supplement_request,
            aanvullenUiterlijk: r.supplement_due_on,
            besluitGenomenOp: r.decided_at.map(utc),
            besluitMotivering: r.decision_motivation,
            bezwaarUiterlijk: r.objection_due_on,
            wachtlijstPositie: r.waitlist_position,
            honoreringVoorstel: match (r.grant_proposed_by, r.grant_proposed_cents) {
                (Some(by), Some(cents)) => Some(HonoreringVoorstel {
                    voorgesteldDoor: by,
                    bedrag: bedrag(cents),
                }),
                _ => None,
            },
            versie: r.version,
            toegestaneOpdrachten: allowed,
            aangemaaktOp: utc(r.created_at),
            gewijzigdOp: utc(r.updated_at),
        }
    }
}

/// Een pagina aanvragen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AanvraagLijst {
    /// De aanvragen op deze pagina, oudste eerst.
    pub aanvragen: Vec<Aanvraag>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

/// Een nieuwe aanvraag: een concept, of met `indienen` meteen ingediend.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweAanvraag {
    /// Het instrument waaronder wordt aangevraagd (zie `/instrumenten`).
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De discipline, verplicht bij disciplinevouchers (zie `/disciplines`).
    #[schema(example = "fysiotherapie")]
    #[serde(default)]
    pub disciplineId: Option<String>,
    /// Korte titel, hoogstens 200 tekens.
    #[schema(example = "RESV Groningen-Stad 2025")]
    pub titel: String,
    /// Waar het geld voor is.
    #[schema(example = "Uitvoering van het regioplan.")]
    pub omschrijving: String,
    /// Het aangevraagde bedrag: een tekst met hoogstens twee decimalen, binnen de grenzen van het instrument.
    #[schema(example = "1250000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub aangevraagdBedrag: String,
    /// `true`: de aanvraag wordt in hetzelfde verzoek ook ingediend (zoals
    /// `POST /aanvragen/{id}/indieningen`), in één keer of helemaal niet. Niet mogelijk bij
    /// een instrument dat verplichte documenten vraagt: die worden aan een bestaand concept
    /// toegevoegd. Standaard `false`: alleen een concept.
    #[schema(example = false)]
    #[serde(default)]
    pub indienen: bool,
}

/// Wijzigingen van een concept; weggelaten velden blijven zoals ze zijn.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AanvraagWijziging {
    /// Nieuwe titel.
    #[serde(default)]
    pub titel: Option<String>,
    /// Nieuwe omschrijving.
    #[serde(default)]
    pub omschrijving: Option<String>,
    /// Nieuw bedrag.
    #[schema(example = "1100000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    #[serde(default)]
    pub aangevraagdBedrag: Option<String>,
    /// Nieuwe discipline.
    #[serde(default)]
    pub disciplineId: Option<String>,
}

/// Indienen vraagt geen invoer: een lege body of `{}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Indiening {}

/// Afsluiten vraagt geen invoer: een lege body of `{}`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Afsluiting {}

/// Het besluit van een beoordelaar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Besluit {
    /// Begin de beoordeling (`beoordeling_starten`).
    Starten,
    /// Honoreer (`honoreren`): met `bedrag` en `motivering`.
    Honoreren,
    /// Wijs af (`afwijzen`): met `motivering`.
    Afwijzen,
    /// Vraag om aanvulling (`aanvulling_vragen`): met `aanvulling`.
    AanvullingVragen,
    /// Stel buiten behandeling na het verstrijken van de aanvultermijn (`buiten_behandeling_stellen`):
    /// met `motivering`.
    BuitenBehandeling,
}

/// Een stap van een beoordelaar op een aanvraag.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Beoordeling {
    /// Wat de beoordelaar besluit.
    pub besluit: Besluit,
    /// Het verleende bedrag (alleen bij `honoreren`), hoogstens de reservering.
    #[schema(example = "1250000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    #[serde(default)]
    pub bedrag: Option<String>,
    /// De schriftelijke motivering (art. 3:46 Awb); verplicht bij elk besluit.
    #[schema(example = "Het regioplan voldoet aan alle criteria van de regeling.")]
    #[serde(default)]
    pub motivering: Option<String>,
    /// Wat de aanvrager moet aanvullen (alleen bij `aanvulling-vragen`).
    #[schema(example = "Stuur de getekende samenwerkingsovereenkomst mee.")]
    #[serde(default)]
    pub aanvulling: Option<String>,
}

/// Een honorering boven de vier-ogengrens is voorgesteld; een tweede beoordelaar moet haar bevestigen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HonoreringVoorgesteld {
    /// Wat er nu gebeurt.
    #[schema(
        example = "honorering voorgesteld; een tweede, andere beoordelaar moet het besluit bevestigen met hetzelfde bedrag"
    )]
    pub melding: String,
    /// De aanvraag, met het voorstel.
    pub aanvraag: Aanvraag,
}

/// Een score voor de rangschikking van een onderzoeksoproep.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// De score, 0 tot en met 100.
    #[schema(example = 80, minimum = 0, maximum = 100)]
    #[serde(deserialize_with = "crate::input::whole_number")]
    pub score: i32,
}

/// Een aanvulling van de aanvrager.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Aanvulling {
    /// Wat is aangevuld.
    #[schema(example = "De getekende overeenkomst is bijgevoegd.")]
    pub toelichting: String,
}

/// Het intrekken van een aanvraag vóór een besluit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Intrekking {
    /// Waarom, als de aanvrager dat wil zeggen.
    #[serde(default)]
    pub reden: Option<String>,
}

/// De verantwoording van de ontvanger.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verantwoording {
    /// De verantwoording, of een verwijzing ernaar.
    #[schema(example = "Eindverslag en financiële verantwoording 2025, kenmerk V-123.")]
    pub samenvatting: String,
}

/// De vaststelling van een verlening.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vaststelling {
    /// Het vastgestelde bedrag, hoogstens de verlening.
    #[schema(example = "1200000.00", pattern = r"^[0-9]+(\.[0-9]{1,2})?$")]
    pub bedrag: String,
    /// De schriftelijke motivering (art. 3:46 Awb).
    #[schema(example = "Vastgesteld op de verantwoorde kosten.")]
    pub motivering: String,
}

/// De mededeling dat het besluit later komt, met de nieuwe termijn (art. 4:14 Awb).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct BeslistermijnVerlenging {
    /// De nieuwe laatste dag voor het besluit (`JJJJ-MM-DD`), na de huidige
    /// `beslissenUiterlijk`.
    #[schema(example = "2026-03-16", format = Date)]
    pub beslissenUiterlijk: String,
    /// Waarom het besluit niet binnen de termijn kan worden genomen.
    #[schema(example = "De adviescommissie komt pas op 10 maart bijeen.")]
    pub reden: String,
}

/// De ontvanger ziet af van de verlening.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Afzien {
    /// Waarom, als de ontvanger dat wil zeggen.
    #[serde(default)]
    pub reden: Option<String>,
}

/// Een bezwaar tegen een besluit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuwBezwaar {
    /// De gronden van het bezwaar.
    #[schema(example = "Het verleende bedrag is lager dan de begroting rechtvaardigt.")]
    pub gronden: String,
}

/// Een vastgelegd bezwaar.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bezwaar {
    /// Het id van het bezwaar.
    pub id: String,
    /// De aanvraag.
    pub aanvraagId: String,
    /// Het besluit waartegen bezwaar is gemaakt.
    #[schema(example = "honoreren")]
    pub besluit: String,
    /// De gronden.
    pub gronden: String,
    /// Wanneer het is ingediend.
    #[schema(value_type = String, format = DateTime)]
    pub ingediendOp: DateTime<Utc>,
    /// De status: `ingediend`, `herstel_gevraagd`, `niet_ontvankelijk`, `ongegrond` of
    /// `gegrond`.
    #[schema(example = "ingediend")]
    pub status: String,
    /// De laatste dag om te beslissen (art. 7:10 Awb), na verdaging de nieuwe.
    #[schema(value_type = Option<String>, format = Date)]
    pub beslissenUiterlijk: Option<chrono::NaiveDate>,
    /// Wanneer de beslissing is verdaagd (kan één keer).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verdaagdOp: Option<DateTime<Utc>>,
    /// De hoorzitting: `gehouden` of `afgezien` (art. 7:2 Awb), zodra vastgelegd.
    pub hoorzitting: Option<String>,
    /// Wat de bezwaarmaker moet herstellen (art. 6:6 Awb).
    pub herstel: Option<String>,
    /// Tot wanneer.
    #[schema(value_type = Option<String>, format = Date)]
    pub herstellenUiterlijk: Option<chrono::NaiveDate>,
    /// Wanneer op het bezwaar is beslist.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub beslistOp: Option<DateTime<Utc>>,
    /// Wie besliste.
    pub beslistDoor: Option<String>,
    /// De motivering van de beslissing (of van de verdaging).
    pub motivering: Option<String>,
}

impl From<ObjectionRow> for Bezwaar {
    fn from(r: ObjectionRow) -> Self {
        Bezwaar {
            id: r.id,
            aanvraagId: r.application_id,
            besluit: r.decision,
            gronden: r.grounds,
            ingediendOp: utc(r.submitted_at),
            status: r.state,
            beslissenUiterlijk: r.due_on,
            verdaagdOp: r.extended_at.map(utc),
            hoorzitting: r.hearing,
            herstel: r.mend_request,
            herstellenUiterlijk: r.mend_due_on,
            beslistOp: r.decided_at.map(utc),
            beslistDoor: r.decided_by,
            motivering: r.motivation,
        }
    }
}

/// De bezwaren tegen de besluiten op een aanvraag.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BezwaarLijst {
    /// De bezwaren, oudste eerst.
    pub bezwaren: Vec<Bezwaar>,
}

/// Eén regel uit de historie van een aanvraag.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistorieRegel {
    /// Wanneer.
    #[schema(value_type = String, format = DateTime)]
    pub tijdstip: DateTime<Utc>,
    /// Wie (leeg als de engine zelf het deed).
    pub gebruikerId: Option<String>,
    /// De opdracht.
    #[schema(example = "indienen")]
    pub opdracht: String,
    /// De status ervoor.
    #[schema(example = "concept")]
    pub vanStatus: Option<String>,
    /// De status erna.
    #[schema(example = "ingediend")]
    pub naarStatus: String,
    /// Waarom, of wat erbij is vermeld.
    pub toelichting: Option<String>,
}

impl From<HistoryRow> for HistorieRegel {
    fn from(r: HistoryRow) -> Self {
        HistorieRegel {
            tijdstip: utc(r.at),
            gebruikerId: r.actor_id,
            opdracht: r.command,
            vanStatus: r.from_state,
            naarStatus: r.to_state,
            toelichting: r.reason,
        }
    }
}

/// De historie van een aanvraag, oudste eerst.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Historie {
    /// De regels.
    pub historie: Vec<HistorieRegel>,
}
