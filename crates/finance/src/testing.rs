//! Checks on generated files, for tests here and in other crates (and for anyone who
//! wants to look at a file before sending it to the bank).
//!
//! - [`validate_pain001`] validates a document against the official pain.001.001.03 XSD in
//!   `fixtures/sepa/` with `xmllint` (Debian package `libxml2-utils`);
//! - [`summarise`] reads back the counts, sums, end-to-end ids and IBANs of a file made by
//!   [`crate::sepa::SepaWriter`], so a test can check them against what it expects;
//! - [`unzip`] reads back a ZIP made by [`crate::zip::ZipWriter`] (for XLSX files),
//!   checking every entry's CRC.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The official schema, committed with its source (see `fixtures/sepa/README.md`).
pub fn pain001_xsd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/sepa/pain.001.001.03.xsd")
        .canonicalize()
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sepa/pain.001.001.03.xsd")
        })
}

/// What a validation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// xmllint accepted the document.
    Valid,
    /// xmllint is not installed and this is not CI (`CI` unset): the check was skipped.
    Skipped,
}

/// True when `xmllint` can be run.
pub fn xmllint_available() -> bool {
    Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn temp_path(suffix: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "subsidie-finance-{}-{}{suffix}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Validates `xml` against the pain.001.001.03 XSD with `xmllint --schema`.
///
/// Without xmllint this fails on CI (the environment variable `CI` is set, as `.ci/run`
/// runs) and is skipped elsewhere, with a note on stderr.
pub fn validate_pain001(xml: &[u8]) -> Result<Validation, String> {
    validate_with_schema(xml, Some(&pain001_xsd()))
}

/// Checks that `xml` is well-formed with `xmllint --noout` (no schema).
pub fn check_well_formed(xml: &[u8]) -> Result<Validation, String> {
    validate_with_schema(xml, None)
}

fn validate_with_schema(xml: &[u8], schema: Option<&Path>) -> Result<Validation, String> {
    if !xmllint_available() {
        if std::env::var_os("CI").is_some() {
            return Err(
                "xmllint ontbreekt: installeer libxml2-utils (apt-get install libxml2-utils)"
                    .into(),
            );
        }
        eprintln!("xmllint ontbreekt (apt-get install libxml2-utils): XML-controle overgeslagen");
        return Ok(Validation::Skipped);
    }
    let path = temp_path(".xml");
    std::fs::write(&path, xml).map_err(|e| e.to_string())?;
    let mut cmd = Command::new("xmllint");
    cmd.arg("--noout");
    if let Some(schema) = schema {
        cmd.arg("--schema").arg(schema);
    }
    let output = cmd.arg(&path).output().map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    let output = output?;
    if output.status.success() {
        Ok(Validation::Valid)
    } else {
        Err(format!(
            "xmllint weigert het document:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// What a pain.001 file says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// `NbOfTxs` in the group header and in the payment information.
    pub counts: Vec<u64>,
    /// `CtrlSum` in the group header and in the payment information, in cents.
    pub control_sums: Vec<i64>,
    /// `MsgId`.
    pub message_id: String,
    /// Every `EndToEndId` in order.
    pub end_to_end_ids: Vec<String>,
    /// Every `InstdAmt` in order, in cents.
    pub amounts: Vec<i64>,
    /// Every `IBAN` in order (the debtor's first).
    pub ibans: Vec<String>,
    /// Every creditor or debtor `Nm` in order.
    pub names: Vec<String>,
    /// Every `Ustrd` in order.
    pub remittances: Vec<String>,
}

/// The texts of every `<tag>…</tag>` and `<tag attr…>…</tag>` in `xml`.
pub fn element_texts<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // Exactly this tag: followed by '>' or an attribute.
        if !after.starts_with('>') && !after.starts_with(' ') {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    out
}

/// Parses an amount with a point and at most two decimals into cents.
pub fn parse_cents(text: &str) -> Result<i64, String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "'{text}' is geen bedrag met hoogstens twee decimalen"
        ));
    }
    let whole: i64 = whole.parse().map_err(|_| format!("'{text}' te groot"))?;
    let mut cents = whole * 100;
    for (i, b) in fraction.bytes().enumerate() {
        cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    Ok(cents)
}

/// Reads back a file made by [`crate::sepa::SepaWriter`].
pub fn summarise(xml: &str) -> Result<Summary, String> {
    let count = |t: &str| t.parse::<u64>().map_err(|e| format!("NbOfTxs '{t}': {e}"));
    Ok(Summary {
        counts: element_texts(xml, "NbOfTxs")
            .into_iter()
            .map(count)
            .collect::<Result<_, _>>()?,
        control_sums: element_texts(xml, "CtrlSum")
            .into_iter()
            .map(parse_cents)
            .collect::<Result<_, _>>()?,
        message_id: element_texts(xml, "MsgId")
            .first()
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
        end_to_end_ids: element_texts(xml, "EndToEndId")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        amounts: element_texts(xml, "InstdAmt")
            .into_iter()
            .map(parse_cents)
            .collect::<Result<_, _>>()?,
        ibans: element_texts(xml, "IBAN")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        names: element_texts(xml, "Nm")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        remittances: element_texts(xml, "Ustrd")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    })
}

/// One entry of a ZIP archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// Its name.
    pub name: String,
    /// Its content, inflated.
    pub data: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| "ZIP te kort".to_owned())
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "ZIP te kort".to_owned())
}

/// Reads a ZIP archive through its central directory, inflating every entry and checking
/// its size and CRC-32.
pub fn unzip(bytes: &[u8]) -> Result<Vec<ZipEntry>, String> {
    let eocd = bytes
        .len()
        .checked_sub(22)
        .filter(|&at| u32_at(bytes, at) == Ok(0x0605_4b50))
        .ok_or("geen einde van de inhoudsopgave (EOCD)")?;
    let entries = usize::from(u16_at(bytes, eocd + 10)?);
    let mut at = u32_at(bytes, eocd + 16)? as usize;
    let mut out = Vec::with_capacity(entries);
    for _ in 0..entries {
        if u32_at(bytes, at)? != 0x0201_4b50 {
            return Err(format!("geen centrale kop op {at}"));
        }
        let method = u16_at(bytes, at + 10)?;
        let crc = u32_at(bytes, at + 16)?;
        let compressed = u32_at(bytes, at + 20)? as usize;
        let size = u32_at(bytes, at + 24)? as usize;
        let name_len = usize::from(u16_at(bytes, at + 28)?);
        let extra = usize::from(u16_at(bytes, at + 30)?);
        let comment = usize::from(u16_at(bytes, at + 32)?);
        let local = u32_at(bytes, at + 42)? as usize;
        let name = String::from_utf8(
            bytes
                .get(at + 46..at + 46 + name_len)
                .ok_or("naam buiten het bestand")?
                .to_vec(),
        )
        .map_err(|e| e.to_string())?;
        at += 46 + name_len + extra + comment;
        if u32_at(bytes, local)? != 0x0403_4b50 {
            return Err(format!("{name}: geen lokale kop"));
        }
        let start = local
            + 30
            + usize::from(u16_at(bytes, local + 26)?)
            + usize::from(u16_at(bytes, local + 28)?);
        let raw = bytes
            .get(start..start + compressed)
            .ok_or_else(|| format!("{name}: gegevens buiten het bestand"))?;
        let data = match method {
            0 => raw.to_vec(),
            8 => {
                let mut data = Vec::with_capacity(size);
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut data)
                    .map_err(|e| format!("{name}: {e}"))?;
                data
            }
            m => return Err(format!("{name}: onbekende methode {m}")),
        };
        if data.len() != size {
            return Err(format!(
                "{name}: {} bytes, centrale kop zegt {size}",
                data.len()
            ));
        }
        let mut sum = flate2::Crc::new();
        sum.update(&data);
        if sum.sum() != crc {
            return Err(format!("{name}: CRC klopt niet"));
        }
        out.push(ZipEntry { name, data });
    }
    Ok(out)
}
