//! The Dutch shapes of the API: what goes over the wire, and the mapping from the
//! service's rows. Properties are lowerCamelCase, amounts are strings with two decimals,
//! dates are `YYYY-MM-DD` and instants are RFC 3339 in UTC.

#![allow(non_snake_case)]

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use subsidie_domain::ledger::BudgetPosition;
use subsidie_domain::letters::MessageState;
use subsidie_domain::lifecycle::State;
use subsidie_service::allocation::AllocationRun;
use subsidie_service::budget::LedgerCheck;
use subsidie_service::outbox::admin::OutboxSummary;
use subsidie_store::rows::{
    ApplicationRow, DisciplineRow, HistoryRow, InstrumentRow, ObjectionRow, OrganisationRow,
    OutboxRow, PaymentRow, PlacementRow, ProgrammeRow, RegionRow, UserRow,
};
use utoipa::ToSchema;

/// The prefix of every path of this API.
pub const BASE: &str = "/api/v1";

/// An amount in the API form: `1250000.00`.
pub fn bedrag(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Een verwijzing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Link {
    /// Het doel, als absoluut pad.
    #[schema(example = "/api/v1/aanvragen/0192f0c4-7d1e-7c3a-9a7e-2f1b3c4d5e6f")]
    pub href: String,
}

impl Link {
    fn to(path: String) -> Link {
        Link { href: path }
    }
}

/// De verwijzing naar de bron zelf.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Links)]
pub struct SelfLinks {
    /// Deze bron.
    #[serde(rename = "self")]
    pub zelf: Link,
}

// ---------------------------------------------------------------------------------------
// Reference data

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
    /// Eerste dag waarop aanvragen kunnen worden ingediend.
    #[schema(value_type = String, format = Date, example = "2024-07-01")]
    pub openVanaf: NaiveDate,
    /// Laatste dag waarop aanvragen kunnen worden ingediend.
    #[schema(value_type = String, format = Date, example = "2025-12-31")]
    pub openTotEnMet: NaiveDate,
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
            voorschotPercentage: r.advance_percent,
            beslistermijnWeken: r.decision_term_weeks,
            aanvultermijnDagen: r.supplement_term_days,
            vierOgenBoven: r.four_eyes_above_cents.map(bedrag),
            verantwoordingUiterlijk: r.accounting_deadline,
            wachtlijstGesloten: r.waitlist_closed,
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

// ---------------------------------------------------------------------------------------
// Applications

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

/// Verwijzingen van een pagina.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaginaLinks {
    /// Deze pagina.
    #[serde(rename = "self")]
    pub zelf: Link,
    /// De volgende pagina, als die er is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volgende: Option<Link>,
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

/// Een nieuwe concept-aanvraag.
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
    /// De status.
    #[schema(example = "ingediend")]
    pub status: String,
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

// ---------------------------------------------------------------------------------------
// Payments

/// Een betaling (of terugvordering).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Betaling {
    /// Het id van de betaling.
    pub id: String,
    /// Het kenmerk (de end-to-end-id bij de bank).
    #[schema(example = "UITV-2025-2F1B3C4D5E-V")]
    pub referentie: String,
    /// De aanvraag.
    pub aanvraagId: String,
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// `voorschot`, `restant` of `terugvordering`.
    #[schema(example = "voorschot")]
    pub soort: String,
    /// Het bedrag.
    #[schema(example = "1000000.00")]
    pub bedrag: String,
    /// De dag waarop de betaling vervalt.
    #[schema(value_type = String, format = Date, example = "2025-04-01")]
    pub vervalDatum: NaiveDate,
    /// `gepland`, `in_betaalronde`, `betaald`, `mislukt` of `geannuleerd`.
    #[schema(example = "gepland")]
    pub status: String,
    /// De betaalronde waarin de betaling zit.
    pub betaalrondeId: Option<String>,
    /// Wanneer de betaling is ingepland.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Wanneer de betaling is betaald.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub betaaldOp: Option<DateTime<Utc>>,
}

impl From<PaymentRow> for Betaling {
    fn from(r: PaymentRow) -> Self {
        Betaling {
            id: r.id,
            referentie: r.reference,
            aanvraagId: r.application_id,
            instrumentId: r.instrument_id,
            soort: r.kind,
            bedrag: bedrag(r.amount_cents),
            vervalDatum: r.due_on,
            status: r.state,
            betaalrondeId: r.run_id,
            aangemaaktOp: utc(r.created_at),
            betaaldOp: r.settled_at.map(utc),
        }
    }
}

/// Betalingen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BetalingLijst {
    /// De betalingen, oudste eerst.
    pub betalingen: Vec<Betaling>,
    /// De cursor voor de volgende pagina (geef hem mee als `na`); leeg op de laatste pagina.
    pub volgende: Option<String>,
    /// Verwijzingen naar deze en de volgende pagina.
    pub links: PaginaLinks,
}

// ---------------------------------------------------------------------------------------
// Allocation

/// Het starten van een toewijzingsronde.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NieuweToewijzingsronde {
    /// Het instrument.
    #[schema(example = "uitvoering")]
    pub instrumentId: String,
    /// De seed van de loting, 64 hexadecimale kleine letters en cijfers; weggelaten wordt een willekeurige getrokken en
    /// vastgelegd.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    #[serde(default)]
    pub seed: Option<String>,
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
    /// De gebruikte verdeling.
    #[schema(example = "volgorde-van-binnenkomst")]
    pub verdeling: String,
    /// De seed van de loting: daarmee kan iedereen de loting herhalen.
    #[schema(example = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    pub seed: String,
    /// De dagen waarop aanvragen door loting zijn geordend.
    #[schema(value_type = Vec<String>, example = json!(["2025-03-03"]))]
    pub lotingsdagen: Vec<NaiveDate>,
    /// Beschikbaar budget vóór de ronde.
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

impl From<AllocationRun> for Toewijzingsronde {
    fn from(AllocationRun { run, placements }: AllocationRun) -> Self {
        Toewijzingsronde {
            links: SelfLinks {
                zelf: Link::to(format!("{BASE}/toewijzingsrondes/{}", run.id)),
            },
            id: run.id,
            instrumentId: run.instrument_id,
            verdeling: run.policy,
            seed: run.seed,
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

// ---------------------------------------------------------------------------------------
// Ledger check

/// De grootboekcontrole van één instrument.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrootboekcontroleRegel {
    /// Het instrument.
    pub instrumentId: String,
    /// Waar als de opgeslagen positie gelijk is aan de som van het grootboek en het plafond niet is overschreden.
    pub klopt: bool,
    /// De positie die bij het instrument is opgeslagen.
    pub opgeslagen: Budgetpositie,
    /// De positie volgens de optelling van elke boeking.
    pub volgensGrootboek: Budgetpositie,
}

impl From<LedgerCheck> for GrootboekcontroleRegel {
    fn from(c: LedgerCheck) -> Self {
        GrootboekcontroleRegel {
            klopt: c.holds(),
            opgeslagen: Budgetpositie::from(&c.stored),
            volgensGrootboek: Budgetpositie::from(&c.from_ledger),
            instrumentId: c.instrument_id,
        }
    }
}

/// De grootboekcontrole van elk instrument.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Grootboekcontrole {
    /// Waar als de controle van elk instrument klopt.
    pub klopt: bool,
    /// Per instrument.
    pub instrumenten: Vec<GrootboekcontroleRegel>,
}

// ---------------------------------------------------------------------------------------
// Administration

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
}

/// Een token, eenmalig getoond: alleen de hash wordt opgeslagen.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// De gebruiker.
    pub gebruikerId: String,
    /// Het label.
    pub label: String,
    /// Het token; stuur het mee als `Authorization: Bearer <token>`.
    #[schema(example = "3f1c…")]
    pub token: String,
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

// ---------------------------------------------------------------------------------------
// E-mail outbox

/// Waar een e-mailbericht in de wachtrij is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BerichtStatus {
    /// Nog niet geprobeerd.
    Wachtend,
    /// Geprobeerd en mislukt; wordt na een wachttijd opnieuw geprobeerd.
    OpnieuwTeProberen,
    /// Opgegeven na de laatste poging (of meteen, bij een fout die niet overgaat); wacht op een beheerder.
    Mislukt,
    /// Verzonden.
    Verzonden,
}

impl BerichtStatus {
    /// The state of an outbox row, by the same rules as the dispatcher and the summary.
    pub fn of(row: &OutboxRow) -> BerichtStatus {
        match MessageState::of(row.sent_at.is_some(), row.failed_at.is_some(), row.attempts) {
            MessageState::Waiting => BerichtStatus::Wachtend,
            MessageState::Retrying => BerichtStatus::OpnieuwTeProberen,
            MessageState::Failed => BerichtStatus::Mislukt,
            MessageState::Sent => BerichtStatus::Verzonden,
        }
    }
}

/// Een e-mailbericht in de wachtrij.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bericht {
    /// Het id van het bericht (ook de basis van zijn `Message-ID`).
    pub id: String,
    /// De aanvraag waar het bericht over gaat.
    pub aanvraagId: Option<String>,
    /// Het e-mailadres van de ontvanger.
    #[schema(example = "info@r01.example.org")]
    pub ontvanger: String,
    /// Het sjabloon.
    #[schema(example = "ontvangstbevestiging")]
    pub sjabloon: String,
    /// De toestand.
    pub status: BerichtStatus,
    /// Het aantal mislukte pogingen sinds het bericht (opnieuw) in de wachtrij kwam.
    #[schema(example = 5)]
    pub pogingen: i32,
    /// De fout van de laatste mislukte poging.
    #[schema(example = "SMTP-server niet bereikbaar: connection refused")]
    pub laatsteFout: Option<String>,
    /// Wanneer het bericht in de wachtrij kwam.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Niet eerder dan dit tijdstip wordt (opnieuw) geprobeerd.
    #[schema(value_type = String, format = DateTime)]
    pub verzendenVanaf: DateTime<Utc>,
    /// Wanneer het bericht werd opgegeven.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub misluktOp: Option<DateTime<Utc>>,
    /// Wanneer het bericht werd verzonden.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verzondenOp: Option<DateTime<Utc>>,
}

impl From<OutboxRow> for Bericht {
    fn from(r: OutboxRow) -> Self {
        Bericht {
            status: BerichtStatus::of(&r),
            id: r.id,
            aanvraagId: r.application_id,
            ontvanger: r.recipient,
            sjabloon: r.template,
            pogingen: r.attempts,
            laatsteFout: r.last_error,
            aangemaaktOp: utc(r.created_at),
            verzendenVanaf: utc(r.due_at),
            misluktOp: r.failed_at.map(utc),
            verzondenOp: r.sent_at.map(utc),
        }
    }
}

/// Hoeveel berichten in elke toestand zijn.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BerichtAantallen {
    /// Nog niet geprobeerd.
    pub wachtend: i64,
    /// Mislukt en wachtend op een nieuwe poging.
    pub opnieuwTeProberen: i64,
    /// Opgegeven.
    pub mislukt: i64,
    /// Verzonden.
    pub verzonden: i64,
}

impl From<OutboxSummary> for BerichtAantallen {
    fn from(s: OutboxSummary) -> Self {
        BerichtAantallen {
            wachtend: s.waiting,
            opnieuwTeProberen: s.retrying,
            mislukt: s.failed,
            verzonden: s.sent,
        }
    }
}

/// De e-mailwachtrij: de aantallen per toestand en de berichten in de gevraagde toestand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Berichtenoverzicht {
    /// Hoeveel berichten in elke toestand zijn.
    pub aantallen: BerichtAantallen,
    /// De berichten in de gevraagde toestand (hoogstens 100): mislukte nieuwste eerst,
    /// wachtende in de volgorde waarin ze aan de beurt zijn.
    pub berichten: Vec<Bericht>,
}

/// Een mislukt bericht opnieuw in de wachtrij zetten; vraagt geen invoer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Herverzending {}
