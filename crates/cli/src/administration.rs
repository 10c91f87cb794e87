//! Administration verbs that read and change what the engine knows: organisations, users,
//! tokens, allocation runs and the history of the administration. Each calls one use case
//! as the operator ([`crate::database::operator`]) and prints plain Dutch lines.

use chrono::{NaiveDateTime, Utc};
use subsidie_domain::iban::Iban;
use subsidie_service::paging::MAX_PAGE;
use subsidie_service::registry::{self, HistoryFilter, OrganisationChange, Subject};
use subsidie_service::{allocation, Role, ServiceError};
use subsidie_store::rows::{ApiTokenRow, OrganisationRow, UserRow};

use crate::args::{OrganisationCommand, TokenCommand, UserCommand};
use crate::database::{open, operator};
use crate::failure::Failure;
use crate::registry::add_organisation;
use crate::settings::Settings;

fn instant(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// Every row of a list, page by page: `page(after)` gives up to [`MAX_PAGE`] rows after
/// the cursor.
fn all<T>(
    mut page: impl FnMut(Option<&str>) -> Result<Vec<T>, ServiceError>,
    id: impl Fn(&T) -> String,
) -> Result<Vec<T>, Failure> {
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let batch = page(after.as_deref())?;
        let full = i64::try_from(batch.len()).unwrap_or(0) >= MAX_PAGE;
        after = batch.last().map(&id);
        rows.extend(batch);
        if !full {
            return Ok(rows);
        }
    }
}

fn print_organisation(org: &OrganisationRow) {
    let iban = Iban::parse(&org.iban).map_or_else(|_| org.iban.clone(), |i| i.to_paper());
    say!("organisatie {}", org.id);
    say!("  naam:           {}", org.name);
    say!("  regio:          {}", org.region_id);
    say!("  IBAN:           {iban}");
    say!("  e-mail:         {}", org.email);
    say!(
        "  contactpersoon: {}",
        org.contact_person.as_deref().unwrap_or("-")
    );
    say!("  geregistreerd:  {}", instant(org.created_at));
}

/// `subsidie organisation …`.
pub fn organisation(settings: &Settings, command: &OrganisationCommand) -> Result<(), Failure> {
    if let OrganisationCommand::Add(args) = command {
        return add_organisation(settings, args);
    }
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    match command {
        OrganisationCommand::Add(_) => Ok(()),
        OrganisationCommand::List { region } => {
            let rows = all(
                |after| {
                    registry::list_organisations(&pool, &actor, region.as_deref(), after, MAX_PAGE)
                },
                |r| r.id.clone(),
            )?;
            say!("{} organisaties", rows.len());
            for r in rows {
                say!("{}  {}  {}  {}", r.id, r.region_id, r.email, r.name);
            }
            Ok(())
        }
        OrganisationCommand::Show { id } => {
            print_organisation(&registry::get_organisation(&pool, &actor, id)?);
            Ok(())
        }
        OrganisationCommand::Change(args) => {
            let change = OrganisationChange {
                iban: args.iban.clone(),
                email: args.email.clone(),
                contact_person: args.contact.clone(),
            };
            let org = registry::change_organisation(&pool, &actor, &args.id, &change, Utc::now())?;
            say!("organisatie gewijzigd; de organisatie krijgt er bericht van");
            print_organisation(&org);
            Ok(())
        }
    }
}

fn print_user(user: &UserRow) {
    say!("gebruiker {}", user.id);
    say!("  naam:        {}", user.name);
    say!("  e-mail:      {}", user.email);
    say!("  rol:         {}", user.role);
    say!(
        "  organisatie: {}",
        user.organisation_id.as_deref().unwrap_or("-")
    );
    say!("  aangemaakt:  {}", instant(user.created_at));
    match user.deactivated_at {
        Some(at) => say!("  actief:      nee, gedeactiveerd op {}", instant(at)),
        None => say!("  actief:      ja"),
    }
}

/// `subsidie user …` (but `add`).
pub fn user(settings: &Settings, command: &UserCommand) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    match command {
        UserCommand::Add(_) => Ok(()),
        UserCommand::List { role } => {
            let role = role
                .as_deref()
                .map(str::parse::<Role>)
                .transpose()
                .map_err(Failure::Message)?;
            let rows = all(
                |after| registry::list_users(&pool, &actor, role, after, MAX_PAGE),
                |r| r.id.clone(),
            )?;
            say!("{} gebruikers", rows.len());
            for r in rows {
                let active = if r.deactivated_at.is_some() {
                    "gedeactiveerd"
                } else {
                    "actief"
                };
                say!("{}  {}  {}  {}  {}", r.id, r.role, active, r.email, r.name);
            }
            Ok(())
        }
        UserCommand::Show { id } => {
            print_user(&registry::get_user(&pool, &actor, id)?);
            Ok(())
        }
        UserCommand::Deactivate { id } => {
            let user = registry::deactivate_user(&pool, &actor, id, Utc::now())?;
            say!("gebruiker gedeactiveerd; geen van zijn tokens werkt nog");
            print_user(&user);
            Ok(())
        }
    }
}

fn token_line(t: &ApiTokenRow) -> String {
    let now = Utc::now().naive_utc();
    let state = match (t.revoked_at, t.expires_at) {
        (Some(at), _) => format!("ingetrokken {}", instant(at)),
        (None, Some(at)) if at <= now => format!("verlopen {}", instant(at)),
        (None, Some(at)) => format!("geldig tot {}", instant(at)),
        (None, None) => "geldig".to_owned(),
    };
    format!(
        "{}  gebruiker {}  '{}'  uitgegeven {}  {state}",
        t.id,
        t.user_id,
        t.label,
        instant(t.created_at)
    )
}

/// `subsidie token …` (but `create`).
pub fn token(settings: &Settings, command: &TokenCommand) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    match command {
        TokenCommand::Create { .. } => Ok(()),
        TokenCommand::List { user } => {
            let rows = all(
                |after| registry::list_tokens(&pool, &actor, user.as_deref(), after, MAX_PAGE),
                |r| r.id.clone(),
            )?;
            say!("{} tokens", rows.len());
            for r in &rows {
                say!("{}", token_line(r));
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let row = registry::revoke_token(&pool, &actor, id, Utc::now())?;
            say!("token ingetrokken; het werkt binnen een seconde op geen enkele server meer");
            say!("{}", token_line(&row));
            Ok(())
        }
    }
}

/// `subsidie round list`.
pub fn rounds(settings: &Settings, instrument: Option<&str>) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let rows = all(
        |after| allocation::list_runs(&pool, &actor, instrument, after, MAX_PAGE),
        |r| r.id.clone(),
    )?;
    say!("{} toewijzingsrondes", rows.len());
    for r in rows {
        say!(
            "{}  {}  {}  {}  door {}",
            r.id,
            r.instrument_id,
            r.policy,
            instant(r.at),
            r.actor_id.as_deref().unwrap_or("system")
        );
    }
    Ok(())
}

/// `subsidie history`.
pub fn history(
    settings: &Settings,
    subject: Option<&str>,
    id: Option<&str>,
) -> Result<(), Failure> {
    let subject = subject
        .map(Subject::parse)
        .transpose()
        .map_err(Failure::Message)?;
    let (pool, _) = open(settings, 2)?;
    let actor = operator(settings, &pool)?;
    let mut filter = HistoryFilter {
        subject,
        subject_id: id.map(str::to_owned),
        after: None,
    };
    loop {
        let rows = registry::admin_history(&pool, &actor, &filter, MAX_PAGE)?;
        for r in &rows {
            say!(
                "{}  {}  {} {}  {}: {}",
                instant(r.at),
                r.actor_id.as_deref().unwrap_or("system"),
                r.subject_kind,
                r.subject_id,
                r.action,
                r.detail
            );
        }
        if i64::try_from(rows.len()).unwrap_or(0) < MAX_PAGE {
            return Ok(());
        }
        filter.after = rows.last().map(|r| r.id);
    }
}
