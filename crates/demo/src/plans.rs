//! The applications of the letter: who applies under which instrument, when, for how
//! much, and what the reviewers will decide.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use subsidie_domain::Money;
use subsidie_service::ServiceError;
use subsidie_store::rows::InstrumentRow;

use crate::calendar::{date, local, working_days};
use crate::cast::Cast;

/// What the reviewers decide on an application once budget is reserved for it.
#[derive(Debug, Clone)]
pub(crate) enum Verdict {
    Grant,
    Reject(&'static str),
}

/// One application the demo submits.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) region: usize,
    pub(crate) discipline: Option<String>,
    pub(crate) amount: Money,
    pub(crate) at: DateTime<Utc>,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) verdict: Verdict,
    pub(crate) score: Option<i32>,
}

const REJECTIONS: [&str; 2] = [
    "Het plan beschrijft geen hecht wijkverband waarin ten minste de huisarts, de \
     wijkverpleging, de apotheker en een professional uit het sociaal domein samenwerken; \
     daarmee voldoet de aanvraag niet aan de voorwaarden van de regeling.",
    "De begroting is niet onderbouwd: de gevraagde kosten zijn niet herleidbaar tot de \
     activiteiten in het plan, en de aanvraag is ook na het gesprek van de beoordelaars \
     met de regio niet aangepast.",
];

/// An amount within the instrument's bounds.
fn within(instrument: &InstrumentRow, cents: i64) -> Result<Money, ServiceError> {
    Ok(Money::from_cents(
        cents.clamp(instrument.min_cents, instrument.max_cents),
    )?)
}

/// What each region asks for its preparation: € 50,000, the letter's figure, below the
/// grant's maximum of € 150,000.
const PREPARATION_CENTS: i64 = 5_000_000;

/// `euros` rounded to whole thousands.
fn thousands(euros: i64) -> i64 {
    (euros + 500) / 1000 * 1000
}

pub(crate) fn preparation_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
) -> Result<Vec<Plan>, ServiceError> {
    // From the first working day of the preparation grant's first round (2023), one
    // region a working day; the last ones fall in the second round.
    let days = working_days(date(2023, 9, 4)?, cast.regions.len(), 1)?;
    cast.regions
        .iter()
        .zip(days)
        .enumerate()
        .map(|(i, (region, day))| {
            Ok(Plan {
                region: i,
                discipline: None,
                amount: within(instrument, PREPARATION_CENTS)?,
                at: local(day, 9 * 60 + ((i * 37) % 420) as i64),
                title: format!("Voorbereiding RESV {}", region.name),
                description: format!(
                    "Kwartiermaken voor het regionale eerstelijnssamenwerkingsverband {}: \
                     verkenning met huisartsen, wijkverpleging, apothekers en het sociaal \
                     domein, en een plan van aanpak voor de uitvoeringssubsidie.",
                    region.name
                ),
                verdict: Verdict::Grant,
                score: None,
            })
        })
        .collect()
}

/// 52 of the regions: all but the two with the fewest inhabitants.
pub(crate) fn implementation_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
) -> Result<Vec<Plan>, ServiceError> {
    let mut by_size: Vec<usize> = (0..cast.regions.len()).collect();
    by_size.sort_by(|&a, &b| {
        cast.regions[a]
            .inhabitants
            .cmp(&cast.regions[b].inhabitants)
            .then_with(|| cast.regions[a].id.cmp(&cast.regions[b].id))
    });
    let abstaining: HashSet<usize> = by_size.into_iter().take(2).collect();
    let applying: Vec<usize> = (0..cast.regions.len())
        .filter(|i| !abstaining.contains(i))
        .collect();
    let n = applying.len();
    // Every third working day from April 2024: the plans fall in the three rounds of
    // 2024, which close on 3 July, 25 September and 4 December.
    let days = working_days(date(2024, 4, 8)?, n, 3)?;
    let mut plans = Vec::with_capacity(n);
    for (k, day) in days.into_iter().enumerate() {
        // A fixed permutation (23 is coprime with 52), so receipt order is not code order.
        let region_index = applying[(k * 23) % n];
        let region = &cast.regions[region_index];
        let euros = thousands(region.inhabitants.saturating_mul(7) / 2);
        let verdict = if k % 13 == 5 {
            Verdict::Reject(REJECTIONS[(k / 13) % REJECTIONS.len()])
        } else {
            Verdict::Grant
        };
        plans.push(Plan {
            region: region_index,
            discipline: None,
            amount: within(instrument, euros.saturating_mul(100))?,
            at: local(day, 10 * 60 + ((k * 53) % 360) as i64),
            title: format!("Uitvoeringsplan RESV {}", region.name),
            description: format!(
                "Uitvoering van het regioplan van RESV {}: ondersteuning van hechte \
                 wijkverbanden, regionale afspraken over capaciteit en toegankelijkheid, \
                 en vertegenwoordiging van de eerstelijnsdisciplines ({} inwoners).",
                region.name, region.inhabitants
            ),
            verdict,
            score: None,
        });
    }
    Ok(plans)
}

/// 198 combinations of region and discipline: `(region + 11 · discipline) mod 13 < 4`.
pub(crate) fn voucher_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
    disciplines: &[(String, String)],
) -> Result<Vec<Plan>, ServiceError> {
    let mut combos = Vec::new();
    for i in 0..cast.regions.len() {
        for d in 0..disciplines.len() {
            if (i + 11 * d) % 13 < 4 {
                combos.push((i, d));
            }
        }
    }
    let n = combos.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    // Stride coprime with n, so every combination comes exactly once.
    let stride = (101..).find(|s| gcd(*s, n) == 1).unwrap_or(1);
    let days = working_days(date(2024, 3, 4)?, n, 2)?;
    let mut plans = Vec::with_capacity(n);
    for (k, day) in days.into_iter().enumerate() {
        let (i, d) = combos[(k * stride) % n];
        let (code, name) = &disciplines[d];
        plans.push(Plan {
            region: i,
            discipline: Some(code.clone()),
            amount: within(instrument, instrument.max_cents)?,
            at: local(day, 13 * 60 + ((k * 29) % 240) as i64),
            title: format!("Voucher {} — {}", name, cast.regions[i].name),
            description: format!(
                "Regionale organisatie van de {} in {}: een aanspreekpunt dat de \
                 discipline vertegenwoordigt in het RESV.",
                name.to_lowercase(),
                cast.regions[i].name
            ),
            verdict: Verdict::Grant,
            score: None,
        });
    }
    Ok(plans)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Ten research proposals: (region index, euros, score, subject). Two share the highest
/// score, so the ranking draws lots between them.
const RESEARCH: [(usize, i64, i32, &str); 10] = [
    (
        2,
        750_000,
        84,
        "Wat maakt een wijkverband hecht? Een realist evaluation",
    ),
    (
        7,
        600_000,
        91,
        "Samenwerking huisarts en sociaal domein rond kwetsbare ouderen",
    ),
    (
        12,
        900_000,
        77,
        "Kosten en baten van regionale eerstelijnssamenwerking",
    ),
    (
        18,
        450_000,
        91,
        "Toegankelijkheid van de eerstelijnszorg in krimpregio's",
    ),
    (
        23,
        800_000,
        88,
        "De RESV als aanspreekpunt: governance en mandaat",
    ),
    (
        29,
        500_000,
        69,
        "Digitale ondersteuning van wijkgerichte samenwerking",
    ),
    (
        34,
        1_200_000,
        80,
        "Effect van hechte wijkverbanden op verwijzingen naar de tweede lijn",
    ),
    (40, 650_000, 73, "Farmaceutische zorg in het wijkverband"),
    (
        45,
        700_000,
        86,
        "Capaciteitsafspraken in de regio: een vergelijkende casestudie",
    ),
    (
        51,
        550_000,
        62,
        "Patiëntperspectief op de hechte wijkverbanden",
    ),
];

pub(crate) fn research_plans(
    cast: &Cast,
    instrument: &InstrumentRow,
) -> Result<Vec<Plan>, ServiceError> {
    let days = working_days(date(2025, 4, 22)?, RESEARCH.len(), 4)?;
    RESEARCH
        .iter()
        .zip(days)
        .filter(|((region, ..), _)| *region < cast.regions.len())
        .enumerate()
        .map(|(k, (&(region, euros, score, subject), day))| {
            Ok(Plan {
                region,
                discipline: None,
                amount: within(instrument, euros.saturating_mul(100))?,
                at: local(day, 11 * 60 + (k as i64) * 7),
                title: subject.to_owned(),
                description: format!(
                    "Onderzoeksvoorstel van RESV {} met een academische werkplaats: {}.",
                    cast.regions[region].name,
                    subject.to_lowercase()
                ),
                verdict: Verdict::Grant,
                score: Some(score),
            })
        })
        .collect()
}
