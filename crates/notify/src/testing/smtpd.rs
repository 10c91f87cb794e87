//! A real SMTP server for tests: `aiosmtpd` (PyPI) on loopback, run by the script
//! `tests/smtp/server.py` of this crate, with STARTTLS (a self-signed certificate made
//! with `openssl req` for each server), AUTH, and 550 or 451 answers for chosen
//! recipients. Unlike [`super::SmtpSink`] it cannot be stopped and restarted on its port.
//!
//! The Python interpreter is `SUBSIDIE_TEST_PYTHON` (`.ci/run` points it at a virtual
//! environment with aiosmtpd), else `python3`. When aiosmtpd is missing,
//! [`Smtpd::start`] answers `None` and says how to install it, so a test can skip;
//! with `CI` set (`CI=true`, as `.ci/run` runs) a missing aiosmtpd is an error instead.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::ReceivedMail;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/server.py");

/// What the server demands and refuses.
#[derive(Debug, Clone, Default)]
pub struct SmtpdOptions {
    /// Offer STARTTLS and require it before `MAIL FROM`.
    pub starttls: bool,
    /// Require AUTH with this user and password.
    pub auth: Option<(String, String)>,
    /// Recipients answered `550` at `RCPT TO`.
    pub reject: Vec<String>,
    /// Recipients answered `451` at `RCPT TO` the given number of times, then accepted.
    pub defer: Vec<(String, u32)>,
}

/// One accepted message, with how it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message.
    pub mail: ReceivedMail,
    /// True when the session had switched to TLS.
    pub tls: bool,
    /// The user the session authenticated as.
    pub login: Option<String>,
}

/// A running aiosmtpd; dropping it ends the process and removes its folder.
#[derive(Debug)]
pub struct Smtpd {
    child: Child,
    port: u16,
    dir: PathBuf,
    options: SmtpdOptions,
}

fn python() -> String {
    std::env::var("SUBSIDIE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn other(message: String) -> std::io::Error {
    std::io::Error::other(message)
}

/// True when aiosmtpd can be imported; else `Ok(false)` outside CI (with a message on
/// standard error) and an error in CI.
fn aiosmtpd_available(python: &str) -> std::io::Result<bool> {
    let found = Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Ok(true);
    }
    let how = format!(
        "aiosmtpd is niet te importeren met {python}; installeer het met \
         'python3 -m venv /tmp/smtpd && /tmp/smtpd/bin/pip install aiosmtpd' en zet \
         SUBSIDIE_TEST_PYTHON=/tmp/smtpd/bin/python"
    );
    if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        return Err(other(how));
    }
    eprintln!("test overgeslagen: {how}");
    Ok(false)
}

fn fresh_dir() -> std::io::Result<PathBuf> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "subsidie-smtpd-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(dir.join("mail"))?;
    Ok(dir)
}

/// A self-signed certificate for 127.0.0.1 and localhost, valid for two days.
fn self_signed(dir: &Path) -> std::io::Result<()> {
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .arg("ec_paramgen_curve:prime256v1")
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(other(format!("openssl req gaf {status}")))
    }
}

impl Smtpd {
    /// Starts a server on a free port of 127.0.0.1; `None` when aiosmtpd is missing
    /// outside CI.
    pub fn start(options: SmtpdOptions) -> std::io::Result<Option<Smtpd>> {
        let python = python();
        if !aiosmtpd_available(&python)? {
            return Ok(None);
        }
        let dir = fresh_dir()?;
        let mut command = Command::new(&python);
        command.arg(SCRIPT).arg("--maildir").arg(dir.join("mail"));
        if options.starttls {
            self_signed(&dir)?;
            command.arg("--cert").arg(dir.join("cert.pem"));
            command.arg("--key").arg(dir.join("key.pem"));
        }
        if let Some((user, password)) = &options.auth {
            command.arg("--auth").arg(format!("{user}:{password}"));
        }
        for address in &options.reject {
            command.arg("--reject").arg(address);
        }
        for (address, times) in &options.defer {
            command.arg("--defer").arg(format!("{address}:{times}"));
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let port = match child.stdout.take().map(read_port) {
            Some(Ok(port)) => port,
            Some(Err(e)) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
            None => return Err(other("aiosmtpd heeft geen standaarduitvoer".to_owned())),
        };
        Ok(Some(Smtpd {
            child,
            port,
            dir,
            options,
        }))
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// An `SMTP_URL` for this server: the credentials of [`SmtpdOptions::auth`] in it,
    /// `tls=required` when it offers STARTTLS, a timeout of 5 seconds.
    pub fn url(&self) -> String {
        let credentials = self
            .options
            .auth
            .as_ref()
            .map(|(user, password)| format!("{user}:{password}@"))
            .unwrap_or_default();
        let tls = if self.options.starttls {
            "tls=required&"
        } else {
            ""
        };
        format!("smtp://{credentials}127.0.0.1:{}?{tls}timeout=5", self.port)
    }

    /// The certificate to trust (`SMTP_CA_FILE`) when it offers STARTTLS.
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.options.starttls.then(|| self.dir.join("cert.pem"))
    }

    /// Every accepted message so far, in order of arrival.
    pub fn deliveries(&self) -> Vec<Delivery> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.join("mail"))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .filter_map(|name| std::fs::read_to_string(name).ok())
            .filter_map(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .map(|record| delivery(&record))
            .collect()
    }

    /// The accepted messages alone.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.deliveries().into_iter().map(|d| d.mail).collect()
    }
}

fn delivery(record: &serde_json::Value) -> Delivery {
    let text = |key: &str| record[key].as_str().unwrap_or_default().to_owned();
    Delivery {
        mail: ReceivedMail {
            mail_from: text("mail_from"),
            rcpt_to: record["rcpt_to"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            data: text("data"),
        },
        tls: record["tls"].as_bool().unwrap_or(false),
        login: record["login"].as_str().map(str::to_owned),
    }
}

/// The port from the script's first line, `PORT <n>`, within 20 seconds.
fn read_port(stdout: std::process::ChildStdout) -> std::io::Result<u16> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
        let _ = sender.send(read);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| other("aiosmtpd meldde binnen 20 s geen poort".to_owned()))??;
    line.trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| {
            other(format!(
                "aiosmtpd meldde '{}' in plaats van een poort",
                line.trim()
            ))
        })
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
