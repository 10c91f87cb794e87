//! Rendering pages: the minijinja templates under `templates/` (embedded, HTML
//! auto-escaped), the frame every page shares, and Dutch notation for amounts, dates and
//! states, done here in Rust so the templates only place text.

use std::sync::OnceLock;

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use minijinja::{context, Environment, Value};
use subsidie_domain::Money;
use subsidie_notify::format;

use crate::assets;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates![
    "basis.html",
    "macros.html",
    "aanmelden.html",
    "aanmeldlink.html",
    "melding.html",
    "mijn-aanvragen.html",
    "aanvraagformulier.html",
    "indienen.html",
    "aanvraag.html",
    "documenten.html",
    "partners.html",
    "werkvoorraad.html",
    "admin/toewijzing.html",
    "admin/taak.html",
    "admin/ronde.html",
    "admin/wachtlijst.html",
    "admin/gebruikers.html",
    "admin/gebruiker.html",
    "admin/organisaties.html",
    "admin/organisatie.html",
    "admin/berichten.html",
    "admin/regeling.html",
    "admin/regeling-toevoegen.html",
    "finance/macros.html",
    "finance/dashboard.html",
    "finance/betaalrondes.html",
    "finance/betaalronde-bevestigen.html",
    "finance/betaalronde.html",
    "finance/betaald-bevestigen.html",
    "finance/terugvorderingen.html",
    "finance/vaststellen.html",
    "finance/uitbetalingen.html",
    "finance/budgetpositie.html",
    "finance/dekking.html",
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            // A broken template is a bug of this crate; the tests render every page.
            if let Err(e) = env.add_template(name, source) {
                log_broken(name, &e);
            }
        }
        env
    })
}

fn log_broken(name: &str, err: &minijinja::Error) {
    eprintln!("portaal: sjabloon {name} is ongeldig: {err:#}");
}

/// What every page shows around its content: who is signed in (for the header) and the
/// CSRF token its forms carry. The default is a stranger without forms.
#[derive(Debug, Default, Clone)]
pub(crate) struct Frame {
    /// The user as the header shows them, or none.
    pub(crate) user: Value,
    /// The token for the forms.
    pub(crate) csrf: String,
}

/// Renders `template` with `ctx` and the frame (who is signed in, the CSRF token, where
/// the assets are) as a complete HTML answer.
pub(crate) fn page(status: StatusCode, template: &str, frame: &Frame, ctx: Value) -> HttpResponse {
    let frame = context! {
        assets => assets::prefix(),
        gebruiker => frame.user.clone(),
        csrf => frame.csrf.clone(),
    };
    let rendered = environment()
        .get_template(template)
        .and_then(|t| t.render(context! { ..ctx, ..frame }));
    match rendered {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body),
        Err(e) => {
            log_broken(template, &e);
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("De pagina kon niet worden opgebouwd. Probeer het later opnieuw.")
        }
    }
}

/// An amount in cents in Dutch notation: `€ 1.250.000,00`.
pub(crate) fn amount(cents: i64) -> String {
    Money::from_cents(cents)
        .map(Money::to_dutch)
        .unwrap_or_else(|_| format!("{cents} cent"))
}

/// An amount in cents as it stands in a form field: `1.250.000,00`.
pub(crate) fn amount_input(cents: i64) -> String {
    amount(cents).replacen("€ ", "", 1)
}

/// A date in long Dutch form: `1 december 2026`.
pub(crate) fn date(d: NaiveDate) -> String {
    format::long_date(d)
}

/// A stored instant (UTC) in Amsterdam time: `1 december 2026 om 10:15 uur`.
pub(crate) fn instant(at: NaiveDateTime) -> String {
    format::instant(Utc.from_utc_datetime(&at))
}

/// The state of an application in words.
pub(crate) fn state_words(state: &str) -> &'static str {
    match state {
        "concept" => "Concept (nog niet ingediend)",
        "ingediend" => "Ingediend, wacht op toewijzing van budget",
        "wachtlijst" => "Op de wachtlijst",
        "gereserveerd" => "Budget gereserveerd, wacht op beoordeling",
        "in_behandeling" => "In behandeling",
        "aanvulling_gevraagd" => "Aanvulling gevraagd",
        "buiten_behandeling" => "Buiten behandeling gesteld",
        "gehonoreerd" => "Toegekend",
        "afgewezen" => "Afgewezen",
        "ingetrokken" => "Ingetrokken",
        "afgezien" => "Afgezien van de subsidie",
        "verantwoording_ingediend" => "Verantwoording ingediend",
        "vastgesteld" => "Vastgesteld",
        "afgesloten" => "Afgesloten",
        "verlening_ingetrokken" => "Subsidie ingetrokken",
        _ => "Onbekende status",
    }
}

/// A history entry's command in words.
pub(crate) fn command_words(command: &str) -> String {
    let known = match command {
        "aanmaken" => "Aanvraag opgesteld",
        "wijzigen" => "Concept gewijzigd",
        "indienen" => "Aanvraag ingediend",
        "toewijzen" => "Budget gereserveerd",
        "op_wachtlijst_plaatsen" => "Op de wachtlijst geplaatst",
        "wachtlijst_sluiten" => "Wachtlijst gesloten",
        "beoordeling_starten" => "Beoordeling gestart",
        "aanvulling_vragen" => "Aanvulling gevraagd",
        "aanvullen" => "Aanvulling geleverd",
        "buiten_behandeling_stellen" => "Buiten behandeling gesteld",
        "honoreren" => "Subsidie verleend",
        "honorering_voorstellen" => "Verlening voorgesteld (vier ogen)",
        "afwijzen" => "Afgewezen",
        "intrekken" => "Ingetrokken",
        "verantwoorden" => "Verantwoording ingediend",
        "vaststellen" => "Subsidie vastgesteld",
        "afzien" => "Afgezien van de subsidie",
        "afsluiten" => "Afgesloten",
        "scoren" => "Score gegeven",
        "bezwaar_maken" => "Bezwaar gemaakt",
        "wijziging_vragen" => "Wijzigingsverzoek ingediend",
        "wijziging_voorstellen" => "Wijziging voorgesteld (vier ogen)",
        "wijziging_intrekken" => "Wijzigingsverzoek ingetrokken",
        "wijziging_toekennen" => "Wijzigingsverzoek toegekend",
        "wijziging_weigeren" => "Wijzigingsverzoek afgewezen",
        "verlening_intrekken" => "Subsidie ingetrokken",
        "verlening_verlagen" => "Subsidie verlaagd",
        other => return other.replace('_', " "),
    };
    known.to_owned()
}
