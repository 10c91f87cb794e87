//! A small SMTP server for tests: it listens on loopback, speaks enough SMTP for lettre
//! (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it receives, and
//! can be stopped (connections are then refused) and restarted on the same port.
//!
//! [`ReceivedMail`] reads back what arrived: headers (with RFC 2047 words decoded) and the
//! text and HTML parts (quoted-printable or base64 decoded).
//!
//! Tests that do not need to stop and restart the server use [`smtpd`], a real SMTP
//! server (aiosmtpd) with STARTTLS, AUTH and error answers.

pub mod outbox;
pub mod smtpd;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message as transmitted (after dot-unstuffing), CRLF line ends.
    pub data: String,
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<ReceivedMail>>,
    connections: AtomicUsize,
}

/// The SMTP sink. Dropping it stops it.
pub struct SmtpSink {
    port: u16,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SmtpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSink")
            .field("port", &self.port)
            .field("running", &self.is_running())
            .finish()
    }
}

impl SmtpSink {
    /// Starts on a free port of 127.0.0.1.
    pub fn start() -> std::io::Result<SmtpSink> {
        SmtpSink::start_on(0)
    }

    /// Starts on `port` of 127.0.0.1 (0 for a free one).
    pub fn start_on(port: u16) -> std::io::Result<SmtpSink> {
        let mut sink = SmtpSink {
            port,
            shared: Arc::new(Shared::default()),
            stop: Arc::new(AtomicBool::new(true)),
            accept: None,
        };
        sink.listen()?;
        Ok(sink)
    }

    fn listen(&mut self) -> std::io::Result<()> {
        let listener = TcpListener::bind(("127.0.0.1", self.port))?;
        self.port = listener.local_addr()?.port();
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        self.stop = Arc::clone(&stop);
        let shared = Arc::clone(&self.shared);
        self.accept = Some(std::thread::spawn(move || {
            let mut handlers = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        shared.connections.fetch_add(1, Ordering::SeqCst);
                        let shared = Arc::clone(&shared);
                        let stop = Arc::clone(&stop);
                        handlers.push(std::thread::spawn(move || {
                            let _ = serve(stream, &shared, &stop);
                        }));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            drop(listener);
            for handler in handlers {
                let _ = handler.join();
            }
        }));
        Ok(())
    }

    /// The port it listens on (kept across [`SmtpSink::stop`] and [`SmtpSink::restart`]).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:{port}` (plain SMTP), for [`crate::Transport::smtp`].
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?timeout=5", self.port)
    }

    /// True while it accepts connections.
    pub fn is_running(&self) -> bool {
        self.accept.is_some()
    }

    /// Stops listening and ends open sessions; connections are refused until
    /// [`SmtpSink::restart`]. The received messages are kept.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Listens again on the same port.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.stop();
        self.listen()
    }

    /// Every message received so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.shared
            .messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(stream: TcpStream, shared: &Shared, stop: &AtomicBool) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    out.write_all(b"220 sink.subsidie.test ESMTP\r\n")?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    loop {
        let Some(line) = read_line(&mut reader, stop)? else {
            let _ = out.write_all(b"421 sink stopping\r\n");
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("");
        match verb {
            "EHLO" => {
                out.write_all(b"250-sink.subsidie.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")?
            }
            "HELO" => out.write_all(b"250 sink.subsidie.test\r\n")?,
            "MAIL" => {
                mail_from = angle_address(&line);
                rcpt_to.clear();
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                rcpt_to.push(angle_address(&line));
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = String::new();
                loop {
                    let Some(line) = read_line(&mut reader, stop)? else {
                        return Ok(());
                    };
                    if line == "." {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    data.push_str("\r\n");
                }
                shared
                    .messages
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(ReceivedMail {
                        mail_from: mail_from.clone(),
                        rcpt_to: std::mem::take(&mut rcpt_to),
                        data,
                    });
                out.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                out.write_all(b"250 OK\r\n")?;
            }
            "NOOP" => out.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 Command not implemented\r\n")?,
        }
    }
}

/// One line without its CRLF; `None` at end of stream or when the sink stops.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    stop: &AtomicBool,
) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(None);
        }
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(None),
            Ok(_) if buf.ends_with(b"\n") => {
                while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    buf.pop();
                }
                return Ok(Some(String::from_utf8_lossy(&buf).into_owned()));
            }
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
}

fn angle_address(line: &str) -> String {
    match (line.find('<'), line.find('>')) {
        (Some(start), Some(end)) if start < end => line[start + 1..end].to_owned(),
        _ => line
            .split_once(':')
            .map(|(_, a)| a.trim().to_owned())
            .unwrap_or_default(),
    }
}

impl ReceivedMail {
    /// The unfolded, decoded value of the first header called `name`.
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(head_of(&self.data), name).map(|v| decode_words(&v))
    }

    /// The `Message-ID` header.
    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID")
    }

    /// The `Subject` header.
    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    /// The decoded `text/plain` part.
    pub fn text(&self) -> Option<String> {
        self.part("text/plain")
    }

    /// The decoded `text/html` part.
    pub fn html(&self) -> Option<String> {
        self.part("text/html")
    }

    fn part(&self, mime: &str) -> Option<String> {
        let (head, body) = find_part(head_of(&self.data), body_of(&self.data), mime)?;
        Some(String::from_utf8_lossy(&decode_bytes(head, body)).replace("\r\n", "\n"))
    }

    /// The first part of type `mime` (at any depth: a decision's mail is a
    /// `multipart/mixed` of the `multipart/alternative` text and its PDF), with the file
    /// name its `Content-Disposition` gives, decoded.
    pub fn attachment(&self, mime: &str) -> Option<(Option<String>, Vec<u8>)> {
        let (head, body) = find_part(head_of(&self.data), body_of(&self.data), mime)?;
        let name = header_in(head, "Content-Disposition").and_then(|d| file_name(&d));
        Some((name, decode_bytes(head, body)))
    }

    /// The types of the parts, depth first (`multipart/mixed`, `multipart/alternative`,
    /// `text/plain`, …).
    pub fn part_types(&self) -> Vec<String> {
        let mut types = Vec::new();
        collect_types(head_of(&self.data), body_of(&self.data), &mut types);
        types
    }
}

/// The `filename` parameter, also when it is split into RFC 2231 continuations
/// (`filename*0="…"; filename*1="…"`), as lettre writes a long name.
fn file_name(disposition: &str) -> Option<String> {
    if let Some(name) = parameter(disposition, "filename") {
        return Some(name);
    }
    let pieces: Vec<String> = (0..)
        .map_while(|n| parameter(disposition, &format!("filename*{n}")))
        .collect();
    (!pieces.is_empty()).then(|| pieces.concat())
}

fn children<'a>(content_type: &str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    let Some(boundary) = parameter(content_type, "boundary") else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    for chunk in body.split(&delimiter).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.strip_prefix("\r\n").unwrap_or(chunk);
        let part_body = body_of(chunk);
        parts.push((
            head_of(chunk),
            part_body.strip_suffix("\r\n").unwrap_or(part_body),
        ));
    }
    parts
}

fn find_part<'a>(head: &'a str, body: &'a str, mime: &str) -> Option<(&'a str, &'a str)> {
    let content_type = header_in(head, "Content-Type")?.to_ascii_lowercase();
    if content_type.starts_with(mime) {
        return Some((head, body));
    }
    if !content_type.starts_with("multipart/") {
        return None;
    }
    let original = header_in(head, "Content-Type")?;
    children(&original, body)
        .into_iter()
        .find_map(|(h, b)| find_part(h, b, mime))
}

fn collect_types(head: &str, body: &str, types: &mut Vec<String>) {
    let Some(content_type) = header_in(head, "Content-Type") else {
        return;
    };
    let kind = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    types.push(kind.clone());
    if kind.starts_with("multipart/") {
        for (h, b) in children(&content_type, body) {
            collect_types(h, b, types);
        }
    }
}

fn head_of(message: &str) -> &str {
    message
        .split_once("\r\n\r\n")
        .map_or(message, |(head, _)| head)
}

fn body_of(message: &str) -> &str {
    message.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((key, rest)) = line.split_once(':') {
            if key.trim().eq_ignore_ascii_case(name) {
                value = Some(rest.trim().to_owned());
            }
        }
    }
    value
}

fn parameter(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn decode_bytes(head: &str, body: &str) -> Vec<u8> {
    let encoding = header_in(head, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body, false),
        "base64" => decode_base64(body),
        _ => body.as_bytes().to_vec(),
    }
}

/// The text of a PDF as `pdftotext` (Debian's `poppler-utils`) extracts it, with runs of
/// white space made single spaces so that a phrase broken over two lines still reads as
/// one. Panics when `pdftotext` is missing or refuses the file: a test that checks a
/// letter's words must not pass without reading them.
pub fn pdf_text(pdf: &[u8]) -> String {
    use std::process::{Command, Stdio};
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("pdftotext (Debian: poppler-utils) is needed: {e}"));
    let mut stdin = child
        .stdin
        .take()
        .unwrap_or_else(|| panic!("pdftotext stdin"));
    let bytes = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("pdftotext: {e}"));
    let _ = writer.join();
    assert!(
        out.status.success(),
        "pdftotext refused the file: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn decode_quoted_printable(text: &str, underscore_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => i += 3,
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b'_' if underscore_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        if c == b'=' {
            break;
        }
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap_or(0));
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between
/// two encoded words disappears.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        let decoded = candidate[2..].split_once('?').and_then(|(_charset, r)| {
            let (encoding, r) = r.split_once('?')?;
            let (text, after) = r.split_once("?=")?;
            let bytes = match encoding.to_ascii_lowercase().as_str() {
                "b" => decode_base64(text),
                "q" => decode_quoted_printable(text, true),
                _ => return None,
            };
            Some((String::from_utf8_lossy(&bytes).into_owned(), after))
        });
        match decoded {
            Some((text, after)) => {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = after;
                last_was_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decoders() {
        assert_eq!(decode_base64("4oKsIDEuMDAw"), "€ 1.000".as_bytes());
        assert_eq!(
            decode_quoted_printable("=E2=82=AC 1.000=\r\n,00", false),
            "€ 1.000,00".as_bytes()
        );
        assert_eq!(
            decode_words("=?utf-8?b?4oKs?= =?utf-8?q?_1=2C00?= eind"),
            "€ 1,00 eind"
        );
        assert_eq!(decode_words("gewoon"), "gewoon");
    }

    #[test]
    fn reads_headers_and_parts() {
        let data = "Subject: Hallo\r\n wereld\r\nContent-Type: multipart/alternative;\r\n boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E2=82=AC 5\r\n--XX\r\nContent-Type: text/html\r\n\r\n<p>5</p>\r\n--XX--\r\n";
        let mail = ReceivedMail {
            mail_from: String::new(),
            rcpt_to: Vec::new(),
            data: data.to_owned(),
        };
        assert_eq!(mail.subject().unwrap(), "Hallo wereld");
        assert_eq!(mail.text().unwrap(), "€ 5");
        assert_eq!(mail.html().unwrap(), "<p>5</p>");
        assert_eq!(mail.message_id(), None);
    }
}
