//! What a visitor may do with an application now, as forms, and where nothing is
//! possible, why: the same rules the use cases enforce (role, state, conflict of
//! interest, four eyes), asked beforehand so the page does not offer what would fail.

use chrono::{DateTime, Utc};
use minijinja::{context, Value};
use subsidie_domain::deadlines::{self, Term};
use subsidie_domain::lifecycle::{allowed_commands, Command, State};
use subsidie_service::access::roles_for;
use subsidie_service::{Actor, Role};

use super::facts::Facts;
use crate::view;

/// A field of an action's form.
fn field(name: &str, label: &str, kind: &str, value: &str, hint: &str, required: bool) -> Value {
    context! { naam => name, label => label, soort => kind, waarde => value, hint => hint, verplicht => required }
}

fn text_area(name: &str, label: &str, hint: &str, required: bool) -> Value {
    field(name, label, "textarea", "", hint, required)
}

/// One action: its path segment, heading, explanation, fields and button.
fn action(
    kind: &str,
    heading: &str,
    explanation: String,
    fields: Vec<Value>,
    button: &str,
    style: &str,
) -> Value {
    context! { soort => kind, kop => heading, uitleg => explanation, velden => fields, knop => button, knopsoort => style }
}

/// The confirmation shown after a command succeeded.
pub(crate) fn done_message(verb: &str) -> Option<&'static str> {
    Some(match verb {
        "indienen" => "Uw aanvraag is ingediend. U ontvangt een ontvangstbevestiging per e-mail.",
        "aanvullen" => "Uw aanvulling is ontvangen; de beoordelaar gaat verder met uw aanvraag.",
        "intrekken" => "De aanvraag is ingetrokken.",
        "verantwoorden" => "Uw verantwoording is ingediend.",
        "bezwaar" => "Uw bezwaar is ontvangen.",
        "beoordeling-starten" => "De beoordeling is gestart.",
        "aanvulling-vragen" => "De aanvulling is gevraagd; de aanvrager krijgt een brief.",
        "honoreren" => "De subsidie is verleend; de aanvrager krijgt de verleningsbeschikking.",
        "voorgesteld" => {
            "Uw voorstel is vastgelegd. Een tweede beoordelaar moet het bevestigen (vier ogen)."
        }
        "afwijzen" => "De aanvraag is afgewezen; de aanvrager krijgt de afwijzingsbeschikking.",
        "score" => "De score is vastgelegd.",
        "vastgesteld" => {
            "De subsidie is vastgesteld; de aanvrager krijgt de vaststellingsbeschikking."
        }
        "document" => "Het document is toegevoegd.",
        "document-verwijderd" => "Het document is verwijderd.",
        "partner" => "De partner is toegevoegd.",
        "partner-verwijderd" => "De partner is verwijderd.",
        _ => return None,
    })
}

/// The forms the actor may use now, and the reasons for what is not possible.
pub(crate) fn available(
    facts: &Facts,
    actor: &Actor,
    now: DateTime<Utc>,
) -> (Vec<Value>, Vec<String>) {
    match actor.role {
        Role::Applicant => (applicant(facts, now), Vec::new()),
        Role::Reviewer => reviewer(facts, actor, now),
        Role::Finance => finance(facts),
        Role::Admin => (
            Vec::new(),
            vec!["Voor uw rol zijn de handelingen op een aanvraag (nog) alleen in de API beschikbaar.".to_owned()],
        ),
    }
}

/// Finance settles a reported grant on its own form, which shows what will be paid or
/// recovered before it is confirmed.
fn finance(facts: &Facts) -> (Vec<Value>, Vec<String>) {
    let app = &facts.app;
    if app.state == State::Reported.as_str() {
        let link = context! {
            soort => "vaststellen", kop => "Vaststellen",
            link => format!("/financien/vaststellingen/{}", app.id), knop => "Subsidie vaststellen",
        };
        return (vec![link], Vec::new());
    }
    (
        Vec::new(),
        vec!["Voor financiën is hier nu niets te doen; vaststellen kan zodra de verantwoording is ingediend.".to_owned()],
    )
}

fn may(state: State, command: Command, role: Role) -> bool {
    allowed_commands(state).contains(&command) && roles_for(command).contains(&role)
}

fn applicant(facts: &Facts, now: DateTime<Utc>) -> Vec<Value> {
    let app = &facts.app;
    let Ok(state) = app.state.parse::<State>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let link = |kind: &str, heading: &str, to: String, button: &str| {
        context! { soort => kind, kop => heading, link => to, knop => button }
    };
    if may(state, Command::Submit, Role::Applicant) {
        out.push(link(
            "indienen",
            "Indienen",
            format!("/aanvragen/{}/indienen", app.id),
            "Aanvraag indienen",
        ));
        out.push(link(
            "wijzigen",
            "Wijzigen",
            format!("/aanvragen/{}/wijzigen", app.id),
            "Concept wijzigen",
        ));
    }
    if may(state, Command::Supply, Role::Applicant) {
        let due = app.supplement_due_on.map(view::date).unwrap_or_default();
        out.push(action(
            "aanvullen",
            "Aanvulling leveren",
            format!("Beschrijf wat u aanvult. Dat kan tot en met {due}."),
            vec![text_area("toelichting", "Uw aanvulling", "", true)],
            "Aanvulling versturen",
            "primary-action",
        ));
    }
    if may(state, Command::Report, Role::Applicant) {
        out.push(action(
            "verantwoorden",
            "Verantwoording indienen",
            "Beschrijf wat met de subsidie is gedaan en wat het kostte.".to_owned(),
            vec![text_area("toelichting", "Uw verantwoording", "", true)],
            "Verantwoording indienen",
            "primary-action",
        ));
    }
    if let (Some(_), Some(due)) = (app.decided_at, app.objection_due_on) {
        if !deadlines::deadline_passed(due, now) {
            out.push(action(
                "bezwaar",
                "Bezwaar maken",
                format!(
                    "Bent u het niet eens met het besluit? U kunt tot en met {} bezwaar maken.",
                    view::date(due)
                ),
                vec![text_area(
                    "gronden",
                    "Gronden van het bezwaar",
                    "Waarom is het besluit volgens u onjuist?",
                    true,
                )],
                "Bezwaar indienen",
                "secondary-action",
            ));
        }
    }
    if may(state, Command::Withdraw, Role::Applicant) {
        out.push(action(
            "intrekken",
            "Intrekken",
            "Trekt u de aanvraag in, dan behandelen wij haar niet verder. Dat kan niet ongedaan worden gemaakt.".to_owned(),
            vec![text_area("toelichting", "Reden (niet verplicht)", "", false)],
            "Aanvraag intrekken",
            "secondary-action",
        ));
    }
    if may(state, Command::Delete, Role::Applicant) {
        out.push(action(
            "verwijderen",
            "Verwijderen",
            "Een concept dat u verwijdert, is weg.".to_owned(),
            Vec::new(),
            "Concept verwijderen",
            "secondary-action",
        ));
    }
    out
}

fn reviewer(facts: &Facts, actor: &Actor, now: DateTime<Utc>) -> (Vec<Value>, Vec<String>) {
    let app = &facts.app;
    if facts.conflict {
        return (
            Vec::new(),
            vec![format!(
                "U heeft een belangenconflict gemeld voor de regio {}; een andere beoordelaar moet deze aanvraag behandelen.",
                facts.catalogue.region_name(&app.region_id)
            )],
        );
    }
    let Ok(state) = app.state.parse::<State>() else {
        return (Vec::new(), Vec::new());
    };
    let mut out = Vec::new();
    let mut why = Vec::new();
    let instrument = facts.catalogue.instrument(&app.instrument_id);
    match state {
        State::Submitted => {
            why.push("Deze aanvraag wacht op toewijzing van budget door een beheerder; beoordelen kan pas daarna.".to_owned());
            if instrument.is_some_and(|i| i.policy == "rangschikking") {
                out.push(action(
                    "score",
                    "Score geven",
                    "De score bepaalt de rangschikking van deze oproep.".to_owned(),
                    vec![field(
                        "score",
                        "Score (0 tot en met 100)",
                        "number",
                        "",
                        "",
                        true,
                    )],
                    "Score vastleggen",
                    "primary-action",
                ));
            }
        }
        State::Reserved => out.push(action(
            "beoordeling-starten",
            "Beoordeling starten",
            "Neem de aanvraag in behandeling.".to_owned(),
            Vec::new(),
            "Beoordeling starten",
            "primary-action",
        )),
        State::UnderReview => decision_forms(facts, actor, now, &mut out, &mut why),
        State::SupplementRequested => why.push(format!(
            "Deze aanvraag wacht op de aanvulling van de aanvrager (uiterlijk {}).",
            app.supplement_due_on.map(view::date).unwrap_or_default()
        )),
        other => why.push(format!(
            "In de status '{}' is er voor een beoordelaar niets meer te doen.",
            view::state_words(other.as_str()).to_lowercase()
        )),
    }
    (out, why)
}

fn decision_forms(
    facts: &Facts,
    actor: &Actor,
    now: DateTime<Utc>,
    out: &mut Vec<Value>,
    why: &mut Vec<String>,
) {
    let app = &facts.app;
    let instrument = facts.catalogue.instrument(&app.instrument_id);
    let days = instrument.map_or(14, |i| u32::try_from(i.supplement_term_days).unwrap_or(14));
    let due = deadlines::supplement_deadline(now, Term::Days(days))
        .map(view::date)
        .unwrap_or_default();
    out.push(action(
        "aanvulling-vragen",
        "Aanvulling vragen",
        format!("De aanvrager krijgt tot en met {due} om aan te vullen ({days} dagen)."),
        vec![text_area(
            "aanvulling",
            "Wat moet de aanvrager aanvullen?",
            "",
            true,
        )],
        "Aanvulling vragen",
        "secondary-action",
    ));
    let reserved = view::amount(app.reserved_cents);
    match (&app.grant_proposed_by, app.grant_proposed_cents) {
        (Some(first), Some(_)) if Some(first) == actor.user_id.as_ref() => why.push(format!(
            "U stelde al voor {} te verlenen. Een tweede, andere beoordelaar moet dat bevestigen (vier ogen).",
            view::amount(app.grant_proposed_cents.unwrap_or(0))
        )),
        (Some(first), Some(proposed)) => {
            let name = facts.names.get(first).cloned().unwrap_or_else(|| "Een andere beoordelaar".to_owned());
            let motivation = facts
                .history
                .iter()
                .rev()
                .find(|h| h.command == "honorering_voorstellen")
                .and_then(|h| h.reason.clone())
                .unwrap_or_default();
            out.push(action(
                "honoreren",
                "Verlening bevestigen (tweede beoordelaar)",
                format!(
                    "{name} stelde voor {} te verlenen, met als motivering: \u{201c}{motivation}\u{201d}. \
                     Bevestig dit bedrag met uw eigen motivering, of wijs de aanvraag af.",
                    view::amount(proposed)
                ),
                vec![
                    field("bedrag", "Bedrag in euro", "text", &view::amount_input(proposed), "", true),
                    text_area("motivering", "Motivering", "", true),
                ],
                "Verlening bevestigen",
                "primary-action",
            ));
        }
        _ => {
            let four_eyes = instrument
                .and_then(|i| i.four_eyes_above_cents)
                .map(|c| format!(" Boven {} moet een tweede beoordelaar de verlening bevestigen.", view::amount(c)))
                .unwrap_or_default();
            out.push(action(
                "honoreren",
                "Verlenen",
                format!("Verleen ten hoogste de reservering van {reserved}.{four_eyes}"),
                vec![
                    field("bedrag", "Bedrag in euro", "text", &view::amount_input(app.reserved_cents), "", true),
                    text_area("motivering", "Motivering", "Het besluit moet worden gemotiveerd (art. 3:46 Awb).", true),
                ],
                "Verlenen",
                "primary-action",
            ));
        }
    }
    out.push(action(
        "afwijzen",
        "Afwijzen",
        "Een afwijzing vraagt een motivering; de aanvrager krijgt haar in de beschikking."
            .to_owned(),
        vec![text_area("motivering", "Motivering", "", true)],
        "Afwijzen",
        "secondary-action",
    ));
}
