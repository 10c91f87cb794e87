//! A tiny HTTP/1.1 client over [`std::net::TcpStream`], for the integration tests and the
//! benchmark: one request per connection ([`request`], [`send_raw`]), a strict variant
//! with timeouts ([`request_with_timeout`]) and a keep-alive [`Client`].

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, for a test that requires it: panics with the status and the
    /// body when it is not JSON.
    #[track_caller]
    pub fn expect_json(&self) -> serde_json::Value {
        self.json()
            .unwrap_or_else(|e| panic!("geen JSON ({e}), status {}: {}", self.status, self.text()))
    }

    /// Asserts the status, for a test: the panic shows the body when it differs.
    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "verwacht {status}, kreeg {}: {}",
            self.status,
            self.text()
        );
    }

    /// Asserts the status and returns the body as JSON, for a test.
    #[track_caller]
    pub fn expect_status_json(&self, status: u16) -> serde_json::Value {
        self.assert_status(status);
        self.expect_json()
    }
}

fn head(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head
}

/// One request to send on a fresh connection.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path with its query.
    pub path: &'a str,
    /// Headers besides `Host`, `Connection` and `Content-Length`, which are added.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, if any.
    pub body: Option<&'a [u8]>,
}

impl Request<'_> {
    /// The bytes to send to `addr`: `Connection: close`, and `Content-Length` when there
    /// is a body.
    fn bytes(&self, addr: SocketAddr) -> Vec<u8> {
        let mut all: Vec<(&str, &str)> = vec![("Connection", "close")];
        all.extend_from_slice(self.headers);
        let mut text = head(addr, self.method, self.path, &all);
        if let Some(b) = self.body {
            text.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        text.push_str("\r\n");
        let mut bytes = text.into_bytes();
        if let Some(b) = self.body {
            bytes.extend_from_slice(b);
        }
        bytes
    }
}

/// Sends one request on a fresh connection and reads the whole answer, as [`send_raw`]
/// does.
pub fn request(addr: SocketAddr, request: &Request<'_>) -> std::io::Result<Response> {
    send_raw(addr, &request.bytes(addr))
}

/// Like [`request`], but strict: connects within 5 s, writes within 10 s, reads with
/// `read_timeout` and fails on any read error, also after part of the answer came.
pub fn request_with_timeout(
    addr: SocketAddr,
    request: &Request<'_>,
    read_timeout: Duration,
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(read_timeout))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(&request.bytes(addr))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw)
}

/// Sends raw bytes on a fresh connection (read timeout 60 s) and parses the answer. The
/// bytes are written from another thread, as the server may answer (and stop reading)
/// before all are sent; a read error after part of the answer ends the answer.
pub fn send_raw(addr: SocketAddr, bytes: &[u8]) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut writer = stream.try_clone()?;
    let payload = bytes.to_vec();
    let w = std::thread::spawn(move || {
        let _ = writer.write_all(&payload);
        let _ = writer.flush();
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let result = loop {
        match stream.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // A signal to the test process (a child exiting) is no answer from the server.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) if !raw.is_empty() => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let _ = w.join();
    result?;
    parse(&raw)
}

fn bad(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

fn status_of(line: &str) -> std::io::Result<u16> {
    let mut parts = line.split_whitespace();
    let version = parts.next().unwrap_or_default();
    parts
        .next()
        .filter(|_| version.starts_with("HTTP/"))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("statusregel: {line:?}")))
}

/// Parses a whole answer as read until the connection closed; a chunked body is
/// de-chunked.
pub fn parse(raw: &[u8]) -> std::io::Result<Response> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("onvolledig antwoord: {}", String::from_utf8_lossy(raw)),
            )
        })?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = status_of(lines.next().unwrap_or_default())?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    }) {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Decodes a chunked body, as far as it is complete.
pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        data = &data[end + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[(size + 2).min(data.len())..];
    }
    out
}

/// One keep-alive HTTP/1.1 connection, opened again after an error or when the server
/// answered `Connection: close`.
#[derive(Debug)]
pub struct Client {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Client {
    /// A client for `addr`; it connects on the first request.
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr, stream: None }
    }

    /// Sends a request (always with `Content-Length`) and reads the answer, with a body of
    /// `Content-Length` bytes or chunked.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> std::io::Result<Response> {
        let result = self.exchange(&Request {
            method,
            path,
            headers,
            body,
        });
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    fn exchange(&mut self, request: &Request<'_>) -> std::io::Result<Response> {
        let reader = match &mut self.stream {
            Some(reader) => reader,
            none => {
                let stream = TcpStream::connect(self.addr)?;
                stream.set_read_timeout(Some(Duration::from_secs(120)))?;
                stream.set_nodelay(true)?;
                none.insert(BufReader::new(stream))
            }
        };
        let body = request.body.unwrap_or_default();
        let mut text = head(self.addr, request.method, request.path, request.headers);
        text.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(body);
        reader.get_mut().write_all(&bytes)?;

        let mut line = String::new();
        reader.read_line(&mut line)?;
        let status = status_of(line.trim_end())?;
        let mut headers = Vec::new();
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::other("verbinding gesloten in de kop"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
            headers.push((name.to_owned(), value.to_owned()));
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .map_err(std::io::Error::other)?;
                let mut chunk = vec![0; size + 2];
                reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            reader.read_exact(&mut body)?;
        }
        if close {
            self.stream = None;
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn content_length_body() {
        let r = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"{}");
        assert_eq!(r.json().unwrap(), serde_json::json!({}));
    }

    #[test]
    fn chunked_body() {
        let raw = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n\
                    4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
        let r = parse(raw).unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.text(), "Wikipedia");
    }

    #[test]
    fn header_lookup_is_case_insensitive() {
        let r = parse(b"HTTP/1.1 204 No Content\r\nAPI-Version: 1.0.0\r\n\r\n").unwrap();
        assert_eq!(r.header("api-version"), Some("1.0.0"));
        assert_eq!(r.header("API-VERSION"), Some("1.0.0"));
        assert_eq!(r.header("Content-Type"), None);
    }

    #[test]
    fn malformed_status_line_is_an_error() {
        assert!(parse(b"HTTP/1.1 abc OK\r\n\r\n").is_err());
        assert!(parse(b"garbage\r\n\r\n").is_err());
        assert!(parse(b"HTTP/1.1 200 OK\r\n").is_err());
    }

    #[test]
    fn keep_alive_client_reads_both_framings_and_reconnects() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let answers: [&[u8]; 2] = [
                b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
                  3\r\ndef\r\n0\r\n\r\n",
            ];
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            for answer in answers {
                let mut line = String::new();
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    if line == "\r\n" {
                        break;
                    }
                }
                reader.get_mut().write_all(answer).unwrap();
            }
            drop(reader);
            let (mut stream, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf).unwrap();
            stream
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
        });
        let mut client = Client::new(addr);
        assert_eq!(client.request("GET", "/a", &[], None).unwrap().body, b"abc");
        let second = client.request("GET", "/b", &[], None).unwrap();
        assert_eq!(second.body, b"def");
        assert_eq!(second.header("connection"), Some("close"));
        assert_eq!(client.request("GET", "/c", &[], None).unwrap().status, 404);
        server.join().unwrap();
    }
}
