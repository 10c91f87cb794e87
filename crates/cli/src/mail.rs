//! `subsidie mail …`: send the outbox, look at it, retry a failed mail, queue reminders.

use chrono::Utc;
use subsidie_notify::Transport;
use subsidie_service::outbox::{admin as outbox, reminders};

use crate::args::MailCommand;
use crate::database::{open, operator};
use crate::failure::{mail_failure, Failure};
use crate::settings::Settings;

/// `subsidie mail …`: the outbox by hand.
pub fn mail(settings: &Settings, command: &MailCommand) -> Result<(), Failure> {
    let (pool, _) = open(settings, 2)?;
    match command {
        MailCommand::Drain => {
            let transport = Transport::from_settings(&settings.mail()).map_err(mail_failure)?;
            let report = subsidie_notify::drain(&pool, &transport).map_err(mail_failure)?;
            say!(
                "verzonden: {}, later opnieuw: {}, opgegeven: {} (via {})",
                report.sent,
                report.retried,
                report.failed,
                transport.describe()
            );
        }
        MailCommand::Status { json } => {
            let outbox::Overview {
                summary: s,
                messages,
            } = outbox::overview(&pool, &operator(settings, &pool)?, None, None)?;
            if *json {
                let failed: Vec<serde_json::Value> = messages
                    .into_iter()
                    .map(|row| {
                        serde_json::json!({
                            "id": row.id,
                            "sjabloon": row.template,
                            "ontvanger": row.recipient,
                            "pogingen": row.attempts,
                            "laatsteFout": row.last_error,
                        })
                    })
                    .collect();
                let value = serde_json::json!({
                    "wachtend": s.waiting,
                    "opnieuwTeProberen": s.retrying,
                    "mislukt": s.failed,
                    "verzonden": s.sent,
                    "mislukteBerichten": failed,
                });
                say!("{value:#}");
                return Ok(());
            }
            say!(
                "wachtend: {}, opnieuw te proberen: {}, mislukt: {}, verzonden: {}",
                s.waiting,
                s.retrying,
                s.failed,
                s.sent
            );
            for row in messages {
                say!(
                    "  {}  {}  {}  pogingen {}: {}",
                    row.id,
                    row.template,
                    row.recipient,
                    row.attempts,
                    row.last_error.as_deref().unwrap_or("-")
                );
            }
        }
        MailCommand::Retry { id } => {
            let row = outbox::retry(&pool, &operator(settings, &pool)?, id)?;
            say!("bericht {} staat weer in de wachtrij", row.id);
        }
        MailCommand::Reminders { days } => {
            let queued = reminders::accounting_reminders(&pool, Utc::now(), *days)?;
            say!(
                "{queued} herinnering(en) klaargezet voor verleende aanvragen met een \
                 verantwoordingstermijn die binnen {days} dagen afloopt; verstuur ze met \
                 'subsidie mail drain'"
            );
        }
    }
    Ok(())
}
