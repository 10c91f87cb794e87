//! `subsidie config`: every variable with its value and where it came from, secrets
//! redacted, without touching a database.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_subsidie");

const README: &str = include_str!("../../../README.md");

/// The variables of the README's configuration table: what the engine promises to read.
fn documented() -> Vec<&'static str> {
    let table = README
        .split("## Configuration")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect()
}

/// Runs `subsidie config` with only `vars` set of the documented variables.
fn config(vars: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = Command::new(BIN);
    for name in documented() {
        cmd.env_remove(name);
    }
    cmd.args(args).arg("config");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn line<'a>(out: &'a str, variable: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(variable))
        .unwrap_or_else(|| panic!("{variable} ontbreekt in:\n{out}"))
}

#[test]
fn config_shows_every_variable_with_its_source() {
    let out = config(&[], &[]);
    let names = documented();
    assert!(
        names.len() >= 9 && names.contains(&"FUNDER_BIC"),
        "{names:?}"
    );
    for name in &names {
        assert!(line(&out, name).ends_with("(standaard)"), "{out}");
    }
    // Nothing is read that the README does not document.
    assert_eq!(out.lines().count(), names.len() + 1, "{out}");
    assert!(line(&out, "DATABASE_URL").contains("sqlite://subsidie.db"));
    assert!(line(&out, "SUBSIDIE_BIND").contains("127.0.0.1:8080"));
    assert!(line(&out, "FUNDER_BIC").contains("ABNANL2A"));
}

#[test]
fn config_redacts_secrets_and_names_the_environment() {
    let out = config(
        &[
            (
                "SMTP_URL",
                "smtp://mailer:zeer-geheim@mail.example:587?tls=required",
            ),
            (
                "DATABASE_URL",
                "postgres://app:ook-geheim@db.example/subsidie",
            ),
            ("FUNDER_IBAN", "NL20INGB0001234567"),
            ("MAIL_DIR", ""),
        ],
        &[],
    );
    assert!(!out.contains("geheim"), "{out}");
    let smtp = line(&out, "SMTP_URL");
    assert!(
        smtp.contains("smtp://mailer:***@mail.example:587?tls=required"),
        "{smtp}"
    );
    assert!(smtp.ends_with("(omgeving)"), "{smtp}");
    assert!(line(&out, "DATABASE_URL").contains("postgres://app:***@db.example/subsidie"));
    assert!(line(&out, "FUNDER_IBAN").contains("NL20INGB0001234567"));
    // Empty counts as unset.
    assert!(line(&out, "MAIL_DIR").ends_with("(standaard)"), "{out}");
}

#[test]
fn the_database_option_wins_over_the_environment() {
    let out = config(
        &[("DATABASE_URL", "sqlite://uit-de-omgeving.db")],
        &["--database-url", "sqlite://van-de-optie.db"],
    );
    let db = line(&out, "DATABASE_URL");
    assert!(db.contains("sqlite://van-de-optie.db"), "{db}");
    assert!(db.ends_with("(optie --database-url)"), "{db}");
}
