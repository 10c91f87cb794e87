//! Running a browser journey (`tests/browser/*.mjs`, playwright-core with Debian's
//! Chromium) against a test server: whether it can run here, where its screenshots go,
//! and the line protocol by which the script asks the harness what only the harness can
//! do ("VRAAG <what>" on stdout, the answer on stdin).

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

/// True when the test may go on; false (after saying why) when it skips. With `CI=true`
/// a missing browser is a failure.
pub fn available() -> bool {
    match missing() {
        None => true,
        Some(why) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true, maar de browsertest kan niet draaien: {why}"
            );
            eprintln!("browsertest overgeslagen: {why}");
            false
        }
    }
}

/// A fresh folder `target/<name>/<backend>` for this run's screenshots.
pub fn screenshots(name: &str) -> PathBuf {
    let backend = format!("{:?}", subsidie_store::testing::selected_backend()).to_lowercase();
    let shots = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target")
        .join(name)
        .join(backend);
    // Only this run's pages, so nobody looks at a stale one.
    let _ = std::fs::remove_dir_all(&shots);
    shots
}

/// Runs `script` with `env`, answering its questions with `answer`; panics when the
/// script fails.
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
