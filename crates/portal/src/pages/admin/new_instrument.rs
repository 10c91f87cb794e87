//! Adding an instrument to a programme: the form of `POST /programmas/{id}/instrumenten`
//! as a page. The typed values are read into the API's own request
//! ([`NieuwInstrument`]), so the configuration is read and checked the one way the API
//! and the programme file are, and `programme::add_instrument` refuses what it refuses.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use minijinja::{context, Value};
use subsidie_api::dto::programme::NieuwInstrument;
use subsidie_domain::programme::{AllocationPolicy, InstrumentKind, Uniqueness};
use subsidie_domain::Money;
use subsidie_service::{programme, queries};

use super::{administrator, Page};
use crate::catalogue::Catalogue;
use crate::form::{self, blocking, see_other, Fields, Problems};
use crate::session::Visitor;
use crate::view;
use crate::PortalState;

fn kind_words(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Preparation => "Voorbereiding",
        InstrumentKind::Implementation => "Uitvoering",
        InstrumentKind::DisciplineVoucher => "Disciplinevoucher",
        InstrumentKind::Research => "Onderzoek",
    }
}

fn policy_words(policy: AllocationPolicy) -> &'static str {
    match policy {
        AllocationPolicy::OrderOfReceipt => "Volgorde van binnenkomst (bij gelijke dag: loting)",
        AllocationPolicy::Ranking => "Rangschikking (op score)",
    }
}

fn uniqueness_words(u: Uniqueness) -> &'static str {
    match u {
        Uniqueness::None => "Geen beperking",
        Uniqueness::PerRegion => "Eén gehonoreerde aanvraag per regio",
        Uniqueness::PerRegionAndDiscipline => "Eén per regio en discipline",
    }
}

fn choices<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    code: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), name(*v).to_owned()))
        .collect()
}

async fn render(
    status: StatusCode,
    visitor: &Visitor,
    state: &PortalState,
    id: String,
    problems: &Problems,
) -> Page {
    let pool = state.pool.clone();
    let wanted = id.clone();
    let programme = blocking(move || {
        queries::programmes(&pool)?
            .into_iter()
            .find(|p| p.id == wanted)
            .ok_or(subsidie_service::ServiceError::NotFound {
                what: "programma",
                id: wanted,
            })
    })
    .await??;
    let kinds = choices(InstrumentKind::ALL, kind_words, InstrumentKind::as_str);
    let policies = choices(
        AllocationPolicy::ALL,
        policy_words,
        AllocationPolicy::as_str,
    );
    let uniqueness = choices(Uniqueness::ALL, uniqueness_words, Uniqueness::as_str);
    let yes_no = vec![
        ("nee".to_owned(), "Nee".to_owned()),
        ("ja".to_owned(), "Ja".to_owned()),
    ];
    let options = |items: &[(String, String)]| -> Vec<Value> {
        items
            .iter()
            .map(|(v, n)| context! { waarde => v, naam => n })
            .collect()
    };
    Ok(view::page(
        status,
        "admin/regeling-toevoegen.html",
        &visitor.frame(),
        context! {
            titel => format!("Regeling toevoegen aan {}", programme.name),
            programma => context! {
                id => programme.id, naam => programme.name,
                van => view::date(programme.starts_on), tot => view::date(programme.ends_on),
                envelop => view::amount(programme.envelope_cents),
            },
            soorten => Catalogue::options(&kinds, "Kies de soort"),
            verdelingen => Catalogue::options(&policies, "Kies de verdeling"),
            uniek => options(&uniqueness),
            janee => options(&yes_no),
            p => problems.view(),
        },
    ))
}

/// `GET /beheer/programmas/{id}/regeling-toevoegen`.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
) -> Page {
    let (visitor, _) = administrator(&req, &state).await?;
    let empty = Problems::default();
    render(StatusCode::OK, &visitor, &state, id.into_inner(), &empty).await
}

/// An amount field in the API's form (`1000000.00`); `None` when left empty.
fn amount(fields: &Fields, name: &str, problems: &mut Problems) -> Option<String> {
    let typed = form::optional(fields, name)?;
    form::amount(&typed)
        .map(|m: Money| m.to_string())
        .map_err(|e| problems.field(name, e))
        .ok()
}

/// A whole number of at most `max`, required.
fn number(fields: &Fields, name: &str, what: &str, max: u32, problems: &mut Problems) -> u32 {
    let typed = form::text(fields, name);
    match typed.parse::<u32>() {
        Ok(n) if n <= max => n,
        _ => {
            problems.field(
                name,
                format!("'{typed}' is geen geldig aantal; vul {what} in als heel getal van 0 tot en met {max}"),
            );
            0
        }
    }
}

/// What the form says, in the API's request; the problems of the fields on their own
/// (a date that is no date, an amount that is no amount) are added to `problems`.
fn request(fields: &Fields, problems: &mut Problems) -> NieuwInstrument {
    let required = |name: &str, message: &str, problems: &mut Problems| {
        let value = form::text(fields, name);
        if value.is_empty() {
            problems.field(name, message);
        }
        value
    };
    let code = required(
        "code",
        "vul een code in van kleine letters a-z, cijfers en koppeltekens, zoals \"innovatie\"",
        problems,
    );
    let naam = required(
        "naam",
        "vul de naam van de regeling in zoals aanvragers die zien",
        problems,
    );
    let soort = required("soort", "kies de soort regeling", problems);
    let verdeling = required("verdeling", "kies hoe het budget wordt verdeeld", problems);
    let plafond = amount(fields, "plafond", problems);
    if form::text(fields, "plafond").is_empty() {
        problems.field(
            "plafond",
            "vul het subsidieplafond in, bijvoorbeeld 1.000.000,00",
        );
    }
    let vast = amount(fields, "vastBedrag", problems);
    let (min, max) = (
        amount(fields, "minimumBedrag", problems),
        amount(fields, "maximumBedrag", problems),
    );
    let amounts_typed = ["vastBedrag", "minimumBedrag", "maximumBedrag"]
        .iter()
        .any(|n| !form::text(fields, n).is_empty());
    if !amounts_typed {
        problems.field(
            "minimumBedrag",
            "vul een minimum- en maximumbedrag in, of één vast bedrag",
        );
    } else if form::text(fields, "vastBedrag").is_empty() {
        for (name, words) in [
            ("minimumBedrag", "minimumbedrag"),
            ("maximumBedrag", "maximumbedrag"),
        ] {
            if form::text(fields, name).is_empty() {
                problems.field(
                    name,
                    format!("vul ook het {words} in, of alleen een vast bedrag"),
                );
            }
        }
    }
    let open_from = form::date(fields, "openVanaf", problems);
    let open_until = form::date(fields, "openTotEnMet", problems);
    for (name, typed) in [("openVanaf", open_from), ("openTotEnMet", open_until)] {
        if typed.is_none() && form::text(fields, name).is_empty() {
            problems.field(name, "vul een datum in, zoals 31-12-2026");
        }
    }
    let day = chrono::NaiveDate::default();
    NieuwInstrument {
        code,
        naam,
        soort,
        plafond: plafond.unwrap_or_default(),
        minimumBedrag: min,
        maximumBedrag: max,
        vastBedrag: vast,
        openVanaf: open_from.unwrap_or(day),
        openTotEnMet: open_until.unwrap_or(day),
        verdeling,
        voorschotPercentage: i64::from(number(
            fields,
            "voorschotPercentage",
            "het percentage",
            100,
            problems,
        )),
        beslistermijnWeken: number(
            fields,
            "beslistermijnWeken",
            "het aantal weken",
            520,
            problems,
        ),
        aanvultermijnDagen: number(
            fields,
            "aanvultermijnDagen",
            "het aantal dagen",
            365,
            problems,
        ),
        vierOgenBoven: amount(fields, "vierOgenBoven", problems),
        uniek: form::optional(fields, "uniek"),
        verantwoordingUiterlijk: form::date(fields, "verantwoordingUiterlijk", problems),
        disciplineVerplicht: Some(form::text(fields, "disciplineVerplicht") == "ja"),
        reden: form::optional(fields, "reden"),
    }
}

/// `POST /beheer/programmas/{id}/regelingen`.
pub(crate) async fn add(
    req: HttpRequest,
    state: web::Data<PortalState>,
    id: web::Path<String>,
    fields: web::Form<Fields>,
) -> Page {
    let (visitor, actor) = administrator(&req, &state).await?;
    visitor.check_csrf(fields.get("csrf"))?;
    let id = id.into_inner();
    let mut problems = Problems::new("", &fields);
    let wanted = request(&fields, &mut problems);
    if problems.is_empty() {
        match wanted.config() {
            Err(e) => problems.whole(format!("De regeling kon niet worden gelezen: {e}")),
            Ok(config) => {
                let reason = wanted.reden.clone();
                let (pool, now, programme_id) = (state.pool.clone(), state.now(), id.clone());
                let added = blocking(move || {
                    programme::add_instrument(
                        &pool,
                        &actor,
                        &programme_id,
                        &config,
                        reason.as_deref(),
                        now,
                    )
                })
                .await?;
                match added {
                    Ok(row) => {
                        return Ok(see_other(&format!(
                            "/beheer/regelingen/{}?gedaan=toegevoegd",
                            crate::paths::encode(&row.id)
                        )))
                    }
                    Err(e) => problems.absorb(e)?,
                }
            }
        }
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &visitor,
        &state,
        id,
        &problems,
    )
    .await
}
