//! `subsidie serve`: the REST API and, beside it, the e-mail dispatcher with its daily
//! chores.

use chrono::{DateTime, Utc};
use subsidie_notify::Transport;
use subsidie_service::registry::{self, NewOrganisation};
use subsidie_service::{idempotency, queries, reminders, seed, Actor, Pool, Role};

use crate::database::open;
use crate::failure::{mail_failure, Failure};
use crate::programme::{parse_programme, DEFAULT_FIXTURE, FIXTURE};
use crate::settings::Settings;

/// `subsidie serve`: the API on `bind`, with the programme loaded on first start.
pub fn serve(settings: &Settings, bind: &str, demo_tokens: bool) -> Result<(), Failure> {
    // One connection per blocking request, a few of them at once.
    let (pool, url) = open(settings, 8)?;
    if queries::instruments(&pool)?.is_empty() {
        let programme = parse_programme(FIXTURE, DEFAULT_FIXTURE)?;
        seed::load(&pool, &programme, Utc::now())?;
        say!(
            "programma '{}' geladen uit {DEFAULT_FIXTURE}",
            programme.programme.code
        );
    }
    let listener = std::net::TcpListener::bind(bind)
        .map_err(|e| Failure::Message(format!("kan niet luisteren op {bind}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::Message(e.to_string()))?;
    say!("database: {}", url.redacted());
    say!("de API luistert op http://{addr}/api/v1");
    say!("  documentatie: http://{addr}/api/v1/docs/");
    say!("  OpenAPI:      http://{addr}/api/v1/openapi.json");
    if demo_tokens {
        say!("demo-tokens (alleen nu zichtbaar; stuur als 'Authorization: Bearer <token>'):");
        for (role, token) in demo_users(&pool)? {
            say!("  {:<12} {token}", role.as_str());
        }
    } else {
        say!(
            "een token: 'subsidie user add …' en 'subsidie token create --user <id> --label <naam>', \
             of start met --demo-tokens"
        );
    }
    let transport = Transport::from_settings(&settings.mail()).map_err(mail_failure)?;
    say!("e-mail: {}", transport.describe());
    let mailer = subsidie_notify::spawn_dispatcher_with_hook(
        pool.clone(),
        transport,
        std::time::Duration::from_secs(10),
        subsidie_notify::DispatchPolicy::default(),
        daily_chores(pool.clone()),
    );
    // A wrong funder account does not stop the server: only the SEPA download says so.
    let mut config = subsidie_api::Config::new(settings.funder().map_err(|e| e.to_string()));
    config.http = settings.http_rules().map_err(Failure::Message)?;
    say!("stoppen: Ctrl-C");
    let served = subsidie_api::run_blocking(listener, pool, config)
        .map_err(|e| Failure::Message(format!("de API stopte met een fout: {e}")));
    mailer.stop();
    served
}

/// What the dispatcher does before each round. It sends what the use cases wrote to the
/// outbox and stops (after marking the message it is sending) when the server stops.
/// Before a round it queues the reminders before the accounting deadline, once per
/// Amsterdam day: the first round after start-up and after midnight. A failed attempt is
/// tried again next round; the reminders' ids keep that, and several servers on one
/// database, from queueing one twice. Expired Idempotency-Keys are purged on the same
/// beat.
fn daily_chores(pool: Pool) -> impl FnMut(DateTime<Utc>) + Send + 'static {
    let mut reminded_on = None;
    move |now| {
        let today = subsidie_domain::deadlines::amsterdam_date(now);
        if reminded_on == Some(today) {
            return;
        }
        match reminders::accounting_reminders(&pool, now, reminders::DEFAULT_DAYS_BEFORE) {
            Ok(queued) => {
                reminded_on = Some(today);
                if queued > 0 {
                    say!("e-mail: {queued} herinnering(en) voor de verantwoording klaargezet");
                }
            }
            Err(e) => say_err!(
                "e-mail: herinneringen klaarzetten mislukt ({e}); opnieuw bij de volgende ronde"
            ),
        }
        // Housekeeping on the same daily beat: answers to Idempotency-Keys are kept
        // for a day (a client may retry that long), then forgotten.
        match idempotency::purge(&pool, now) {
            Ok(0) => {}
            Ok(purged) => say!("{purged} verlopen Idempotency-Key(s) opgeruimd"),
            Err(e) => say_err!("Idempotency-Keys opruimen mislukt ({e})"),
        }
    }
}

/// A demo organisation in region r01 and one user per role, each with a fresh token.
fn demo_users(pool: &Pool) -> Result<Vec<(Role, String)>, Failure> {
    let now = Utc::now();
    let system = Actor::system();
    let stamp = now.format("%Y%m%d%H%M%S");
    let org = registry::register_organisation(
        pool,
        &system,
        &NewOrganisation {
            name: format!("Demo-organisatie {stamp}"),
            region_id: "r01".to_owned(),
            iban: "NL91ABNA0417164300".to_owned(),
            email: "demo@example.org".to_owned(),
        },
        now,
    )?;
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let organisation = (role == Role::Applicant).then_some(org.id.as_str());
        let user = registry::create_user(
            pool,
            &system,
            &format!("Demo {role} {stamp}"),
            &format!("demo-{role}@example.org"),
            role,
            organisation,
            now,
        )?;
        let token = registry::create_token(pool, &system, &user.id, "demo", now)?;
        tokens.push((role, token));
    }
    Ok(tokens)
}
