//! Running a browser journey under `tests/browser/` from a Rust test: whether it can run
//! here, and the node process with its questions to the harness ("VRAAG …" on stdout,
//! the answer on stdin).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";

pub fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the browser test cannot run here, if it cannot.
pub fn missing() -> Option<String> {
    if !Path::new(CHROMIUM).exists() {
        return Some(format!(
            "{CHROMIUM} ontbreekt: apt-get install -y chromium chromium-driver"
        ));
    }
    if !browser_dir().join("node_modules/playwright-core").exists() {
        return Some(format!(
            "Node-modules ontbreken: (cd {} && npm ci)",
            browser_dir().display()
        ));
    }
    None
}

/// True when the journey must be skipped (said on stderr); on CI it must run.
pub fn skip() -> bool {
    match missing() {
        None => false,
        Some(why) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true, maar de browsertest kan niet draaien: {why}"
            );
            eprintln!("browsertest overgeslagen: {why}");
            true
        }
    }
}

/// Where this backend's screenshots of journey `name` go, emptied first.
pub fn screenshots(name: &str) -> PathBuf {
    let backend = format!("{:?}", subsidie_store::testing::selected_backend()).to_lowercase();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/portal-screenshots")
        .join(name)
        .join(backend);
    let _ = std::fs::remove_dir_all(&shots);
    shots
}

/// Runs `script` with `env`, answering its questions with `answer`; panics when the
/// journey fails.
pub fn run(script: &str, env: &[(&str, String)], mut answer: impl FnMut(&str) -> String) {
    let mut node = Command::new("node");
    node.arg(script).current_dir(browser_dir());
    for (k, v) in env {
        node.env(k, v);
    }
    let mut node = node
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node starten");
    let mut to_node = node.stdin.take().expect("stdin");
    let from_node = BufReader::new(node.stdout.take().expect("stdout"));
    for line in from_node.lines() {
        let line = line.expect("uitvoer van node");
        match line.strip_prefix("VRAAG ") {
            Some(question) => {
                let reply = answer(question);
                writeln!(to_node, "{reply}").expect("antwoord aan node");
            }
            None => println!("{line}"),
        }
    }
    drop(to_node);
    let status = node.wait().expect("node");
    assert!(
        status.success(),
        "de browsertest {script} faalde ({status}); zie de uitvoer hierboven"
    );
}
