//! A representative letter for each template, as the service writes it: for previews
//! (`cargo run -p subsidie-notify --example preview`), and for the tests that render
//! every template.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value as Json;
use subsidie_domain::amendment::AmendmentKind;
use subsidie_domain::letterhead::{LetterFrame, Letterhead, Signatory};
use subsidie_domain::letters::{
    ApplicationLetter, ChangedFact, GrantChange, ObjectionLetter, OrganisationChangeLetter,
    PaymentLetter, PaymentRunLetter, ReminderLetter, SecondReviewLetter, SignInLetter, Template,
};
use subsidie_domain::lifecycle::{Notice, State};
use subsidie_domain::objection::ObjectionState;
use subsidie_domain::Money;

const REFERENCE: &str = "UITV-2025-0198A3F2C1";
/// With markup, to show that HTML escapes what the payload says.
const TITLE: &str = "Regionale samenwerking huisartsen & wijkverpleging <Noord>";
const ORGANISATION: &str = "Stichting Eerstelijn Groningen-Stad";
const INSTRUMENT: &str = "Uitvoeringssubsidie regionaal eerstelijnssamenwerkingsverband (RESV)";

/// The frame of a letter sent on `day`, with the illustrative funder and officer.
fn frame(day: NaiveDate) -> LetterFrame {
    LetterFrame {
        dagtekening: day,
        afzender: Letterhead {
            naam: "ZonMw".into(),
            adres: "Postbus 93245, 2509 AE Den Haag".into(),
            telefoon: "070 349 51 11".into(),
            email: "subsidies@zonmw.nl".into(),
            iban: "NL91ABNA0417164300".into(),
        },
        ondertekening: Signatory {
            naam: "drs. M. van den Berg".into(),
            functie: "hoofd Subsidiebeheer".into(),
        },
    }
}

fn eur(text: &str) -> Option<Money> {
    Money::parse(text).ok()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn instant(y: i32, m: u32, d: u32, h: u32, min: u32) -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).single()
}

/// The example payload of `template` (by its name), as the outbox row carries it;
/// `None` for a name that is no template.
pub fn example_payload(template: &str) -> Option<Json> {
    let letter = match template.parse::<Template>().ok()? {
        Template::Notice(notice) => serde_json::to_value(notice_example(notice)?),
        Template::Payment => serde_json::to_value(payment_example()?),
        Template::AccountingReminder => serde_json::to_value(reminder_example()?),
        Template::SecondReview => serde_json::to_value(second_review_example()?),
        Template::PaymentRun => serde_json::to_value(run_example()?),
        Template::SignInLink => serde_json::to_value(sign_in_example()?),
        Template::OrganisationChange => serde_json::to_value(change_example()?),
        Template::ObjectionReceipt => serde_json::to_value(objection_example(None)?),
        Template::ObjectionMend => serde_json::to_value(ObjectionLetter {
            herstel: Some("Het bezwaarschrift is niet ondertekend.".into()),
            herstellen_uiterlijk: Some(day(2027, 1, 4)?),
            ..objection_example(None)?
        }),
        Template::ObjectionExtended => serde_json::to_value(ObjectionLetter {
            beslissen_uiterlijk: day(2027, 6, 9)?,
            motivering: Some("Wij wachten op het advies van de bezwaarcommissie.".into()),
            ..objection_example(None)?
        }),
        Template::ObjectionDecision => {
            serde_json::to_value(objection_example(Some(ObjectionState::Founded))?)
        }
        Template::AmendmentReceipt => serde_json::to_value(amendment_receipt_example()?),
    };
    letter.ok()
}

/// A received application, before any decision.
fn received() -> Option<ApplicationLetter> {
    Some(ApplicationLetter {
        referentie: REFERENCE.into(),
        titel: TITLE.into(),
        organisatie: ORGANISATION.into(),
        regeling: INSTRUMENT.into(),
        status: State::Submitted,
        aangevraagd: eur("1250000.00")?,
        verleend: eur("0.00")?,
        vastgesteld: None,
        ontvangen_op: Some(instant(2025, 3, 3, 9, 15)?),
        beslissen_uiterlijk: Some(day(2025, 6, 2)?),
        aanvulling: None,
        aanvullen_uiterlijk: None,
        motivering: None,
        bezwaar_uiterlijk: None,
        voorschot_percentage: 80,
        verantwoording_uiterlijk: Some(day(2027, 6, 30)?),
        wachtlijstpositie: None,
        toelichting: None,
        portaal: Some(format!("http://127.0.0.1:8080/referentie/{REFERENCE}")),
        brief: Some(frame(day(2025, 3, 3)?)),
        wijziging: None,
    })
}

/// The application after the change `notice` reports.
fn notice_example(notice: Notice) -> Option<ApplicationLetter> {
    let base = received()?;
    let text = |s: &str| Some(s.to_owned());
    Some(match notice {
        Notice::Receipt => base,
        Notice::SupplementRequested => ApplicationLetter {
            status: State::SupplementRequested,
            aanvulling: text("De begroting voor 2026 ontbreekt.\nStuur ook de samenwerkingsovereenkomst mee."),
            aanvullen_uiterlijk: Some(day(2025, 4, 15)?),
            ..base
        },
        Notice::GrantDecision => ApplicationLetter {
            status: State::Granted,
            verleend: eur("1250000.00")?,
            motivering: text("De aanvraag voldoet aan de criteria van de regeling."),
            bezwaar_uiterlijk: Some(day(2025, 7, 14)?),
            ..base
        },
        Notice::RejectionDecision => ApplicationLetter {
            status: State::Rejected,
            motivering: text("Het plan beschrijft niet hoe de samenwerking na afloop van de subsidie wordt voortgezet."),
            bezwaar_uiterlijk: Some(day(2025, 7, 14)?),
            ..base
        },
        Notice::NotConsideredDecision => ApplicationLetter {
            status: State::NotConsidered,
            aanvulling: text("De begroting voor 2026 ontbreekt."),
            aanvullen_uiterlijk: Some(day(2025, 4, 15)?),
            motivering: text("De gevraagde begroting is niet binnen de termijn ontvangen."),
            bezwaar_uiterlijk: Some(day(2025, 6, 3)?),
            ..base
        },
        Notice::BudgetReserved => ApplicationLetter {
            status: State::Reserved,
            ..base
        },
        Notice::WaitingList => ApplicationLetter {
            status: State::WaitingList,
            wachtlijstpositie: Some(3),
            ..base
        },
        Notice::CeilingReached => ApplicationLetter {
            status: State::Rejected,
            motivering: text("Het subsidieplafond is bereikt (art. 4:25 lid 2 Awb)."),
            bezwaar_uiterlijk: Some(day(2026, 2, 10)?),
            ..base
        },
        Notice::WithdrawalConfirmed => ApplicationLetter {
            status: State::Withdrawn,
            ..base
        },
        Notice::SettlementDecision => ApplicationLetter {
            status: State::Settled,
            verleend: eur("1180000.00")?,
            vastgesteld: Some(eur("1180000.00")?),
            motivering: text("De verantwoorde kosten zijn lager dan begroot."),
            bezwaar_uiterlijk: Some(day(2027, 10, 5)?),
            ..base
        },
        Notice::Waived => ApplicationLetter {
            status: State::Waived,
            verleend: eur("0.00")?,
            ..base
        },
        Notice::DecisionTermExtended => ApplicationLetter {
            status: State::UnderReview,
            beslissen_uiterlijk: Some(day(2025, 7, 14)?),
            toelichting: text("De adviescommissie komt pas op 23 juni 2025 bijeen."),
            ..base
        },
        Notice::AmendmentGranted | Notice::AmendmentRefused => {
            let granted = notice == Notice::AmendmentGranted;
            ApplicationLetter {
                status: State::Granted,
                verleend: eur(if granted { "1400000.00" } else { "1250000.00" })?,
                motivering: text(if granted {
                    "De uitbreiding naar twee extra wijken past binnen de doelen van de regeling."
                } else {
                    "De extra activiteiten vallen buiten de regeling."
                }),
                bezwaar_uiterlijk: Some(day(2026, 3, 10)?),
                wijziging: Some(GrantChange {
                    verzoek: Some(AmendmentKind::Raise),
                    gevraagd_bedrag: eur("1400000.00"),
                    gevraagde_termijn: None,
                    vorig_bedrag: eur("1250000.00")?,
                    nieuw_bedrag: eur(if granted { "1400000.00" } else { "1250000.00" })?,
                    na_vaststelling: false,
                }),
                ..base
            }
        }
        Notice::RevocationDecision | Notice::LoweringDecision => {
            let revoked = notice == Notice::RevocationDecision;
            ApplicationLetter {
                status: if revoked { State::Revoked } else { State::Granted },
                verleend: eur(if revoked { "0.00" } else { "900000.00" })?,
                motivering: text("De activiteiten zijn voor een deel niet uitgevoerd (art. 4:48 lid 1 onder a Awb)."),
                bezwaar_uiterlijk: Some(day(2026, 3, 10)?),
                wijziging: Some(GrantChange {
                    verzoek: None,
                    gevraagd_bedrag: None,
                    gevraagde_termijn: None,
                    vorig_bedrag: eur("1250000.00")?,
                    nieuw_bedrag: eur(if revoked { "0.00" } else { "900000.00" })?,
                    na_vaststelling: false,
                }),
                ..base
            }
        }
    })
}

/// A request to raise a grant of 1 250 000, received on 2 February 2026.
fn amendment_receipt_example() -> Option<ApplicationLetter> {
    Some(ApplicationLetter {
        status: State::Granted,
        verleend: eur("1250000.00")?,
        ontvangen_op: Some(instant(2026, 2, 2, 10, 0)?),
        beslissen_uiterlijk: Some(day(2026, 3, 30)?),
        toelichting: Some("Twee extra wijken sluiten aan bij het project.".to_owned()),
        wijziging: Some(GrantChange {
            verzoek: Some(AmendmentKind::Raise),
            gevraagd_bedrag: eur("1400000.00"),
            gevraagde_termijn: None,
            vorig_bedrag: eur("1250000.00")?,
            nieuw_bedrag: eur("1250000.00")?,
            na_vaststelling: false,
        }),
        brief: Some(frame(day(2026, 2, 2)?)),
        ..received()?
    })
}

/// An objection against a rejection, received on 4 February 2027; decided as `outcome`.
fn objection_example(outcome: Option<ObjectionState>) -> Option<ObjectionLetter> {
    let decided = outcome.is_some();
    Some(ObjectionLetter {
        referentie: REFERENCE.into(),
        titel: TITLE.into(),
        organisatie: ORGANISATION.into(),
        regeling: INSTRUMENT.into(),
        besluit: "het besluit tot afwijzing".into(),
        ingediend_op: instant(2027, 2, 4, 10, 0)?,
        beslissen_uiterlijk: day(2027, 4, 28)?,
        herstel: None,
        herstellen_uiterlijk: None,
        uitkomst: outcome,
        motivering: decided.then(|| "Het plan voldoet wel aan criterium 3.".to_owned()),
        verleend: if decided { eur("750000.00") } else { None },
        vorig_bedrag: None,
        vastgesteld: None,
        nabetaling: if decided { eur("600000.00") } else { None },
        nieuw_besluit: None,
        verantwoording_uiterlijk: None,
        wachtlijstpositie: None,
        hoorzitting: decided.then(|| "gehouden".to_owned()),
        beroep_uiterlijk: if decided { day(2027, 5, 25) } else { None },
        brief: Some(frame(day(2027, if decided { 4 } else { 2 }, 13)?)),
    })
}

fn payment_example() -> Option<PaymentLetter> {
    Some(PaymentLetter {
        referentie: REFERENCE.into(),
        titel: TITLE.into(),
        organisatie: ORGANISATION.into(),
        regeling: INSTRUMENT.into(),
        soort: "voorschot".into(),
        bedrag: eur("1000000.00")?,
        betalingskenmerk: format!("{REFERENCE}-V"),
        rekening: "NL** **** **** **43 00".into(),
        datum: day(2025, 6, 5)?,
        brief: Some(frame(day(2025, 6, 4)?)),
        portaal: Some(format!("http://127.0.0.1:8080/referentie/{REFERENCE}")),
    })
}

fn reminder_example() -> Option<ReminderLetter> {
    Some(ReminderLetter {
        referentie: REFERENCE.into(),
        titel: TITLE.into(),
        organisatie: ORGANISATION.into(),
        regeling: INSTRUMENT.into(),
        verleend: eur("1250000.00")?,
        verantwoording_uiterlijk: day(2027, 6, 30)?,
        brief: Some(frame(day(2027, 5, 31)?)),
        portaal: Some(format!("http://127.0.0.1:8080/referentie/{REFERENCE}")),
    })
}

fn second_review_example() -> Option<SecondReviewLetter> {
    Some(SecondReviewLetter {
        naam: "Anna de Vries".into(),
        referentie: REFERENCE.into(),
        titel: TITLE.into(),
        organisatie: ORGANISATION.into(),
        regeling: INSTRUMENT.into(),
        aangevraagd: eur("1250000.00")?,
        voorgesteld: eur("1200000.00")?,
        grens: eur("1000000.00")?,
        huidig_verleend: None,
        voorgesteld_door: "Pieter Jansen".into(),
    })
}

fn run_example() -> Option<PaymentRunLetter> {
    Some(PaymentRunLetter {
        naam: "Fatima el Amrani".into(),
        betaalronde: "BR01935F3E8F2A7C3B9D4E5F6A7B8C9D0E".into(),
        ronde_id: "01935f3e-8f2a-7c3b-9d4e-5f6a7b8c9d0e".into(),
        aantal: 1250,
        totaal: eur("31250000.00")?,
        tot_en_met: day(2025, 6, 5)?,
        uitvoeringsdatum: day(2025, 6, 5)?,
        aangemaakt_op: instant(2025, 6, 4, 14, 30)?,
    })
}

fn sign_in_example() -> Option<SignInLetter> {
    Some(SignInLetter {
        naam: "Anna de Vries".into(),
        link: "http://127.0.0.1:8080/aanmelden/link?token=3f9a".into(),
        geldig_tot: instant(2025, 6, 4, 14, 45)?,
    })
}

fn change_example() -> Option<OrganisationChangeLetter> {
    Some(OrganisationChangeLetter {
        organisatie: ORGANISATION.into(),
        contactpersoon: Some("A. de Vries".into()),
        wijzigingen: vec![
            ChangedFact {
                gegeven: "IBAN".into(),
                oud: "NL** **** **** **43 00".into(),
                nieuw: "NL** **** **** **67 89".into(),
            },
            ChangedFact {
                gegeven: "contactpersoon".into(),
                oud: String::new(),
                nieuw: "A. de Vries".into(),
            },
        ],
        gewijzigd_op: instant(2025, 6, 4, 14, 30)?,
    })
}
