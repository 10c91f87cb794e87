//! The finance lists page by 50 instead of stopping at a cap: a run of 51 transfers shows
//! 50 and a link to the rest (and back to the first page), and the 51 recoveries of those
//! grants settled below the advance page the same way while "still open" counts all of
//! them, not just the page.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::finance::Finance;
use common::http::{get, plain, sign_in};
use common::{at, TestServer};
use subsidie_domain::Money;
use subsidie_service::application::{self, Action};
use subsidie_service::{payments, Actor, Role};

const REGIONS: usize = 51;

fn transfer_rows(page: &str) -> usize {
    page.split("<tbody").nth(1).map_or(0, |body| {
        body.matches("<tr class=\"utrecht-table__row\">").count()
    })
}

#[test]
fn runs_and_recoveries_page_by_50() {
    let server = TestServer::start(at(2025, 3, 3, 9));
    let regions: Vec<String> = (1..=REGIONS).map(|n| format!("r{n:02}")).collect();
    let names: Vec<&str> = regions.iter().map(String::as_str).collect();
    let cast = Finance::cast(&server, &names);
    let ids = cast.grant_all(&server, "500000.00");
    let now = server.clock.now();
    let finance = Actor::user(cast.finance.id.clone(), Role::Finance, None);
    let run = payments::create_run(&server.pool, &finance, now.date_naive(), now).unwrap();
    let s = sign_in(&server, &cast.finance.token);

    let path = format!("/financien/betaalrondes/{}", run.id);
    let first = plain(&get(&server, &path, &s.cookie));
    assert_eq!(transfer_rows(&first), 50, "{first}");
    assert!(
        first.contains("(50 per pagina; de bestanden bevatten alle)"),
        "{first}"
    );
    assert!(!first.contains("Eerste pagina"), "{first}");
    let next = first
        .split("href=\"")
        .find_map(|rest| {
            let link = rest.split('"').next()?;
            rest.contains(">Volgende pagina")
                .then_some(link)
                .filter(|l| l.contains("?na="))
        })
        .unwrap()
        .to_owned();
    let second = plain(&get(&server, &next, &s.cookie));
    assert_eq!(transfer_rows(&second), 1, "{second}");
    assert!(!second.contains("Volgende pagina"), "{second}");
    assert!(
        second.contains(&format!("href=\"{path}\">Eerste pagina")),
        "{second}"
    );

    // Paid out, then every grant settled at 100.000 below its advance of 400.000.
    payments::mark_run_paid(&server.pool, &finance, &run.id, now).unwrap();
    for (i, id) in ids.iter().enumerate() {
        cast.report(&server, i, id);
        let settle = Action::Settle {
            amount: Money::parse("100000.00").unwrap(),
            motivation: "Minder uitgevoerd dan begroot.".into(),
        };
        application::execute(&server.pool, &finance, id, None, &settle, now).unwrap();
    }
    let first = plain(&get(&server, "/financien/terugvorderingen", &s.cookie));
    assert!(
        first.contains("Nog open: 51 terugvordering(en), samen € 15.300.000,00."),
        "all recoveries count, not just the page: {first}"
    );
    assert_eq!(first.matches(">Ontvangen</button>").count(), 50, "{first}");
    assert!(first.contains("(pagina 1)"), "{first}");
    assert!(
        first.contains("href=\"/financien/terugvorderingen?pagina=1\">Volgende pagina"),
        "{first}"
    );
    let second = plain(&get(
        &server,
        "/financien/terugvorderingen?pagina=1",
        &s.cookie,
    ));
    assert_eq!(second.matches(">Ontvangen</button>").count(), 1, "{second}");
    assert!(
        second.contains("href=\"/financien/terugvorderingen?pagina=0\">Vorige pagina"),
        "{second}"
    );
    assert!(!second.contains("Volgende pagina"), "{second}");
    assert!(
        second.contains("Nog open: 51 terugvordering(en)"),
        "{second}"
    );
}
