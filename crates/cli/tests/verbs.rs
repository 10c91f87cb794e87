//! The `subsidie` binary as a user meets it: Dutch usage errors with a hint, programme
//! changes with their history, a seed that refuses to drop codes silently, payment
//! verbs that refuse the example account, `--json`, and no progress line when standard
//! error is not a terminal. On SQLite, or PostgreSQL with `SUBSIDIE_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use serde_json::Value;
use subsidie_store::testing::TestDatabase;
use subsidie_store::{Backend, DatabaseUrl};

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/versterking-eerstelijnszorg.toml"
);
const FUNDER: [&str; 3] = ["FUNDER_NAME", "FUNDER_IBAN", "FUNDER_BIC"];

fn url_text(url: &DatabaseUrl) -> String {
    match url.backend() {
        Backend::Sqlite => format!("sqlite://{}", url.target()),
        Backend::Postgres => url.target().to_owned(),
    }
}

/// Runs `subsidie ARGS` on the database with `env` and without any `FUNDER_*` unless
/// given; standard output and error are pipes, never a terminal.
fn run(db: &TestDatabase, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("DATABASE_URL", url_text(db.url()));
    for name in FUNDER {
        cmd.env_remove(name);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("subsidie starten")
}

fn ok(db: &TestDatabase, args: &[&str]) -> (String, String) {
    let out = run(db, args, &[]);
    let (stdout, stderr) = texts(&out);
    assert!(
        out.status.success(),
        "subsidie {args:?}: {stdout}\n{stderr}"
    );
    (stdout, stderr)
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_mistyped_verb_is_answered_in_dutch_with_a_hint() {
    let db = TestDatabase::new().unwrap();
    let out = run(&db, &["serv"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = texts(&out);
    assert!(stderr.contains("onbekende opdracht 'serv'"), "{stderr}");
    assert!(stderr.contains("'serve'"), "{stderr}");
    assert!(
        !stderr.contains("error:") && !stderr.contains("Usage"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour on a pipe: {stderr:?}"
    );
    let out = run(&db, &["--help"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let (stdout, _) = texts(&out);
    assert!(
        stdout.contains("Gebruik:") && stdout.contains("Opdrachten:"),
        "{stdout}"
    );
}

#[test]
fn programme_changes_from_the_command_line_are_recorded_and_seed_refuses_to_drop_codes() {
    let db = TestDatabase::new().unwrap();
    let (_, stderr) = ok(&db, &["seed", "--file", FIXTURE]);
    assert!(
        !stderr.contains('\r'),
        "no progress line on a pipe: {stderr:?}"
    );

    let (stdout, _) = ok(
        &db,
        &[
            "instrument",
            "ceiling",
            "--instrument",
            "onderzoek",
            "--amount",
            "5000000.00",
        ],
    );
    assert!(stdout.contains("€ 5.000.000,00"), "{stdout}");
    let refused = run(
        &db,
        &[
            "instrument",
            "ceiling",
            "--instrument",
            "onderzoek",
            "--amount",
            "90000000.00",
        ],
        &[],
    );
    assert!(!refused.status.success());
    assert!(
        texts(&refused).1.contains("hoogstens €"),
        "{:?}",
        texts(&refused)
    );

    let block = std::env::temp_dir().join(format!("subsidie_verbs_{}.toml", std::process::id()));
    std::fs::write(
        &block,
        r#"code = "innovatie"
naam = "Innovatieregeling"
soort = "uitvoering"
plafond = "1000000.00"
bedrag = { min = "10000.00", max = "100000.00" }
openstelling = { van = 2026-01-01, tot_en_met = 2026-12-31 }
verdeling = "volgorde-van-binnenkomst"
voorschot_percentage = 80
beslistermijn_weken = 8
aanvultermijn_dagen = 14
"#,
    )
    .unwrap();
    let block_path = block.to_string_lossy().into_owned();
    let programme = "versterking-eerstelijnszorg";
    let (stdout, _) = ok(
        &db,
        &[
            "instrument",
            "add",
            "--programme",
            programme,
            "--file",
            &block_path,
            "--reason",
            "test",
        ],
    );
    assert!(
        stdout.contains("regeling 'innovatie' toegevoegd"),
        "{stdout}"
    );
    let _ = std::fs::remove_file(&block);
    ok(&db, &["instrument", "close", "--instrument", "innovatie"]);

    let (stdout, _) = ok(
        &db,
        &["instrument", "history", "--programme", programme, "--json"],
    );
    let history: Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["wijziging"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["plafond", "instrument-toegevoegd", "openstelling"]);
    assert_eq!(history[0]["van"], "4000000.00");
    assert_eq!(history[0]["naar"], "5000000.00");

    // The shipped file does not name 'innovatie': seed refuses, naming it, and changes nothing.
    let refused = run(&db, &["seed", "--file", FIXTURE], &[]);
    assert!(!refused.status.success());
    let (_, stderr) = texts(&refused);
    assert!(
        stderr.contains("regeling 'innovatie'") && stderr.contains("--keep-missing"),
        "{stderr}"
    );
    let (_, stderr) = ok(&db, &["seed", "--file", FIXTURE, "--keep-missing"]);
    assert!(
        stderr.contains("ongewijzigd gelaten: regeling 'innovatie'"),
        "{stderr}"
    );

    let (stdout, _) = ok(&db, &["budget", "--json"]);
    let budget: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(budget["grootboekKlopt"], true);
    assert!(budget["instrumenten"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == "innovatie"));
    let (stdout, _) = ok(&db, &["mail", "status", "--json"]);
    let status: Value = serde_json::from_str(&stdout).unwrap();
    assert!(status["wachtend"].is_number(), "{status}");
}

#[test]
fn payment_verbs_refuse_the_example_account_naming_the_variables() {
    let db = TestDatabase::new().unwrap();
    ok(&db, &["seed", "--file", FIXTURE]);
    let refused = run(
        &db,
        &["payment-run", "create", "--up-to", "2026-12-01"],
        &[],
    );
    assert!(!refused.status.success());
    let (_, stderr) = texts(&refused);
    for name in FUNDER {
        assert!(stderr.contains(name), "{stderr}");
    }
    // With the account set, the same verb gets past it (and finds nothing to pay).
    let configured = run(
        &db,
        &["payment-run", "create", "--up-to", "2026-12-01"],
        &[
            ("FUNDER_NAME", "ZonMw"),
            ("FUNDER_IBAN", "NL20INGB0001234567"),
            ("FUNDER_BIC", "INGBNL2A"),
        ],
    );
    let (_, stderr) = texts(&configured);
    assert!(!stderr.contains("FUNDER_IBAN"), "{stderr}");
}
