//! `subsidie mailer`: the e-mail dispatcher and its daily chores without the API, until
//! SIGINT or SIGTERM. Several may run on one database: the claims of
//! `subsidie_notify::dispatch` keep any message from going out twice, and the
//! reminders' ids keep any reminder from being queued twice.

use std::future::poll_fn;
use std::task::Poll;

use tokio::signal::unix::{signal, SignalKind};

use crate::database::open;
use crate::failure::Failure;
use crate::serve::start_mailer;
use crate::settings::Settings;

/// `subsidie mailer`.
pub fn run(settings: &Settings) -> Result<(), Failure> {
    let (pool, url) = open(settings, 2)?;
    say!("database: {}", url.redacted());
    // The handlers are in place before the mailer starts, so a signal that arrives
    // while it starts still stops it cleanly instead of killing the process.
    let failure =
        |e: std::io::Error| Failure::Message(format!("kan niet op signalen wachten: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(failure)?;
    let (mut interrupt, mut terminate) = {
        let _context = runtime.enter();
        (
            signal(SignalKind::interrupt()).map_err(failure)?,
            signal(SignalKind::terminate()).map_err(failure)?,
        )
    };
    let mailer = start_mailer(settings, &pool)?;
    say!("e-mail: de mailer draait; stoppen met Ctrl-C of SIGTERM");
    runtime.block_on(poll_fn(|cx| {
        if interrupt.poll_recv(cx).is_ready() || terminate.poll_recv(cx).is_ready() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }));
    // The message being sent, if any, is marked before the process ends.
    mailer.stop();
    say!("e-mail: de mailer is gestopt");
    Ok(())
}
