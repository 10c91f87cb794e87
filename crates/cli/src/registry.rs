//! Administration verbs: organisations, users, API tokens and allocation runs.

use chrono::Utc;
use subsidie_domain::iban::Iban;
use subsidie_domain::lottery::Seed;
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{allocation, Role};

use crate::args::{OrganisationArgs, UserArgs};
use crate::database::{open, operator};
use crate::failure::Failure;
use crate::render;
use crate::settings::Settings;

/// `subsidie organisation add`: registers an organisation (IBAN and e-mail checked).
pub fn add_organisation(settings: &Settings, args: &OrganisationArgs) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let org = registry::register_organisation(
        &pool,
        &operator(settings, &pool)?,
        &NewOrganisation {
            name: args.name.clone(),
            region_id: args.region.clone(),
            iban: args.iban.clone(),
            email: args.email.clone(),
        },
        Utc::now(),
    )?;
    let iban = Iban::parse(&org.iban)
        .map(|i| i.to_paper())
        .unwrap_or_else(|_| org.iban.clone());
    say!("organisatie geregistreerd");
    say!("  id:     {}", org.id);
    say!("  naam:   {}", org.name);
    say!("  regio:  {}", org.region_id);
    say!("  IBAN:   {iban}");
    say!("  e-mail: {}", org.email);
    Ok(())
}

/// `subsidie user add`: creates a user; an applicant needs its organisation.
pub fn add_user(settings: &Settings, args: &UserArgs) -> Result<(), Failure> {
    let role: Role = args.role.parse().map_err(Failure::Message)?;
    let (pool, _) = open(settings, 2)?;
    let user = registry::create_user(
        &pool,
        &operator(settings, &pool)?,
        &args.name,
        &args.email,
        role,
        args.organisation.as_deref(),
        Utc::now(),
    )?;
    say!("gebruiker aangemaakt");
    say!("  id:     {}", user.id);
    say!("  naam:   {}", user.name);
    say!("  rol:    {}", user.role);
    if let Some(org) = &user.organisation_id {
        say!("  organisatie: {org}");
    }
    Ok(())
}

/// `subsidie token create`: prints a new token once; only its hash is stored.
pub fn create_token(
    settings: &Settings,
    user: &str,
    label: &str,
    days: u32,
) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let issued = registry::issue_token(&pool, &actor, user, label, days, Utc::now())?;
    say!("{}", issued.secret);
    let until = issued.row.expires_at.map_or_else(
        || "nooit".to_owned(),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    say_err!(
        "token-id {} (om in te trekken: subsidie token revoke --id {}), geldig tot {until}",
        issued.row.id,
        issued.row.id
    );
    say_err!(
        "Bewaar dit token nu: het wordt maar één keer getoond (alleen een hash wordt opgeslagen)."
    );
    Ok(())
}

/// `subsidie allocate`: one allocation round, with each day's committed seed, or (with
/// `CALLER_SEEDS=on` only) the given one.
pub fn allocate(settings: &Settings, instrument: &str, seed: Option<&str>) -> Result<(), Failure> {
    if seed.is_some() && !settings.caller_seeds(false).map_err(Failure::Message)? {
        return Err(Failure::Message(
            "een zelfgekozen --seed is alleen toegestaan in test- of demomodus (CALLER_SEEDS=on); \
             laat --seed weg: de ronde gebruikt dan voor elke lotingsdag de seed die vóór die dag \
             is vastgelegd (zie GET /api/v1/instrumenten/{id}/lotingen)"
                .to_owned(),
        ));
    }
    let seed = seed
        .map(|hex| {
            hex.trim()
                .to_ascii_lowercase()
                .parse::<Seed>()
                .map_err(|e| Failure::Message(e.to_string()))
        })
        .transpose()?;
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let run = crate::progress::during(&format!("toewijzingsronde '{instrument}'"), None, || {
        allocation::run(&pool, &actor, instrument, seed, Utc::now())
    })?;
    put!("{}", render::allocation(&run));
    Ok(())
}
