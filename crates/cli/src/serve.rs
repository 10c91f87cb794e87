//! `subsidie serve`: the REST API and, beside it unless `MAILER=off`, the e-mail
//! dispatcher with its daily chores.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use subsidie_notify::{DispatcherHandle, Transport};
use subsidie_service::outbox::reminders;
use subsidie_service::{idempotency, queries, seed, Pool};

use crate::database::open;
use crate::failure::{mail_failure, Failure};
use crate::programme::{parse_programme, BUILT_IN, FIXTURE};
use crate::settings::Settings;

/// `subsidie serve`: the API on `bind`, with the built-in programme loaded on first
/// start; with `demo`, a database where every role has work (see [`crate::demo`]).
pub fn serve(settings: &Settings, bind: &str, demo: bool) -> Result<(), Failure> {
    // A wrong MAILER stops the start before anything is loaded or bound.
    let with_mailer = settings.mailer_in_serve().map_err(Failure::Message)?;
    let auto_allocation = settings.auto_allocation().map_err(Failure::Message)?;
    let caller_seeds = settings.caller_seeds(demo).map_err(Failure::Message)?;
    // One connection per blocking request, a few of them at once.
    let (pool, url) = open(settings, 8)?;
    let now = Utc::now();
    let programme = parse_programme(FIXTURE, BUILT_IN)?;
    if queries::instruments(&pool)?.is_empty() {
        seed::load(&pool, &programme, now)?;
        say!(
            "programma '{}' geladen uit het ingebouwde programmabestand ({BUILT_IN})",
            programme.programme.code
        );
    }
    if demo {
        crate::demo::prepare(&pool, &programme, now)?;
    } else {
        open_today(&pool, now)?;
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
    let mut portal = subsidie_portal::PortalConfig::new(&settings.portal_base_url());
    portal.documents = settings.documents().map_err(Failure::Message)?;
    portal.caller_seeds = caller_seeds;
    say!(
        "het subsidieportaal: http://{addr}/ (links in e-mails naar {})",
        portal.base_url
    );
    if !demo {
        say!(
            "een token: 'subsidie user add …' en 'subsidie token create --user <id> --label <naam>', \
             of start met --demo (gebruikers met werk, tokens en een ronde die vandaag open is)"
        );
    }
    let mailer = if with_mailer {
        Some(start_mailer(settings, &pool)?)
    } else {
        say!("e-mail: niet in dit proces (MAILER=off of --zonder-mailer); 'subsidie mailer' verzendt de outbox");
        None
    };
    let mailer = Arc::new(Mutex::new(mailer));
    // A missing or wrong funder account does not stop the server; payment runs and SEPA
    // files are refused until it is set, and the operator hears it now.
    let funder = settings.payer(demo);
    if let Err(why) = &funder {
        say_err!("waarschuwing: {why}; betaalrondes en SEPA-bestanden worden geweigerd");
        tracing::warn!(fout = %why, "geen rekening van de financier");
    }
    // The portal makes runs and SEPA files too, under the same rule.
    let portal_funder = funder.clone();
    let mut config = subsidie_api::Config::new(funder);
    config.http = settings.http_rules().map_err(Failure::Message)?;
    if with_mailer {
        config.mailer = Some(mailer_probe(&mailer));
    }
    config.metrics_token = settings.metrics_token.value.clone();
    config.documents = settings.documents().map_err(Failure::Message)?;
    config.caller_seeds = caller_seeds;
    if caller_seeds {
        say!("loting: een toewijzingsronde mag een zelfgekozen seed krijgen (CALLER_SEEDS=on of --demo); de ronde vermeldt het");
    }
    let scheduler = if auto_allocation {
        say!("toewijzing: elke afgelopen dag wordt vanzelf toegewezen (AUTO_ALLOCATION=off zet dit uit)");
        Some(crate::scheduler::Scheduler::start(
            pool.clone(),
            settings
                .test_allocation_pause_ms
                .map(std::time::Duration::from_millis),
        ))
    } else {
        say!("toewijzing: niet vanzelf (AUTO_ALLOCATION=off); 'subsidie allocate' of POST /toewijzingsrondes");
        None
    };
    say!("stoppen: Ctrl-C");
    tracing::info!(adres = %addr, database = %url.redacted(), "de API start");
    let clock = config.clock.clone();
    let portal = subsidie_portal::PortalState::new(
        pool.clone(),
        std::sync::Arc::new(move || clock.now()),
        portal,
    )
    .with_funder(portal_funder);
    let served = subsidie_api::run_blocking_with(listener, pool, config, move |cfg| {
        subsidie_portal::configure(cfg, portal.clone())
    })
    .map_err(|e| Failure::Message(format!("de API stopte met een fout: {e}")));
    if let Some(handle) = mailer.lock().ok().and_then(|mut m| m.take()) {
        handle.stop();
    }
    if let Some(scheduler) = scheduler {
        scheduler.stop();
    }
    match &served {
        Ok(()) => tracing::info!("de API is gestopt"),
        Err(e) => tracing::error!(fout = ?e, "de API is gestopt met een fout"),
    }
    served
}

/// The dispatcher with its daily chores, in a thread of its own, for `serve` and
/// `subsidie mailer`.
pub(crate) fn start_mailer(settings: &Settings, pool: &Pool) -> Result<DispatcherHandle, Failure> {
    let transport = Transport::from_settings(&settings.mail()).map_err(mail_failure)?;
    say!("e-mail: {}", transport.describe());
    Ok(subsidie_notify::spawn_dispatcher_with_hook(
        pool.clone(),
        transport,
        std::time::Duration::from_secs(10),
        subsidie_notify::DispatchPolicy::default(),
        daily_chores(pool.clone()),
    ))
}

/// `/ready` asks whether the mailer's thread still runs.
fn mailer_probe(mailer: &Arc<Mutex<Option<DispatcherHandle>>>) -> subsidie_api::state::Liveness {
    let mailer = Arc::clone(mailer);
    subsidie_api::state::Liveness::new(move || {
        mailer
            .lock()
            .map(|m| m.as_ref().is_some_and(|h| !h.is_finished()))
            .unwrap_or(false)
    })
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

/// Says which instruments accept applications today (in which round, until when), and
/// how to open one when none do.
fn open_today(pool: &Pool, now: DateTime<Utc>) -> Result<(), Failure> {
    let today = subsidie_domain::deadlines::amsterdam_date(now);
    let mut open = Vec::new();
    for instrument in queries::instruments(pool)? {
        let (instrument, rounds) = subsidie_service::rounds::with_rounds(pool, instrument)?;
        for round in subsidie_domain::programme::open_rounds_on(&rounds, today) {
            open.push((
                instrument.code.clone(),
                instrument.name.clone(),
                round.clone(),
            ));
        }
    }
    if open.is_empty() {
        say!(
            "vandaag ({today}) is geen regeling open voor aanvragen; een ronde openen: zet de \
             'openstelling' (of een ronde) van een regeling in een programmabestand rond vandaag \
             en laad het met 'subsidie seed --file <bestand>' (zie fixtures/README.md), of \
             probeer alles uit met 'subsidie serve --demo'"
        );
    }
    for (code, name, round) in open {
        say!(
            "open vandaag: '{code}' ({name}), ronde '{}', van {} tot en met {} (Nederlandse tijd)",
            round.code,
            subsidie_domain::programme::dutch_wall_clock(round.opens),
            subsidie_domain::programme::dutch_wall_clock(round.closes)
        );
    }
    Ok(())
}
