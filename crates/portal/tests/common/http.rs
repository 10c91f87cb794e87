//! Talking to the portal over plain HTTP as a browser without JavaScript would: GET and
//! form POSTs with a cookie, and signing in with an API token.

use subsidie_httpclient::{request, Request, Response};
use subsidie_service::portal::signin::csrf_token;

use super::TestServer;

/// Any request, with its headers and body.
pub fn send(
    server: &TestServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Response {
    let req = Request {
        method,
        path,
        headers,
        body: body.map(str::as_bytes),
    };
    request(server.addr, &req).unwrap()
}

/// A GET with the cookie header `cookie` (may be empty).
pub fn get(server: &TestServer, path: &str, cookie: &str) -> Response {
    send(server, "GET", path, &[("Cookie", cookie)], None)
}

/// A form POST (`application/x-www-form-urlencoded`) with the cookie header `cookie`.
pub fn post(server: &TestServer, path: &str, cookie: &str, body: &str) -> Response {
    let headers = [
        ("Cookie", cookie),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    send(server, "POST", path, &headers, Some(body))
}

/// The value of the cookie `name` that the answer sets.
pub fn set_cookie(res: &Response, name: &str) -> Option<String> {
    res.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// The CSRF cookie of a visitor who has not signed in.
pub fn anonymous(server: &TestServer) -> String {
    set_cookie(&get(server, "/aanmelden", ""), "portaal_csrf").expect("csrf cookie")
}

/// A session of the token's user: the cookie header and the CSRF token of its forms.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Signs in with an API token.
pub fn sign_in(server: &TestServer, token: &str) -> Session {
    let anon = anonymous(server);
    let res = post(
        server,
        "/aanmelden/token",
        &format!("portaal_csrf={anon}"),
        &format!("csrf={anon}&token={token}"),
    );
    assert_eq!(res.status, 303, "{}", res.text());
    let secret = set_cookie(&res, "portaal_sessie").expect("session");
    Session {
        cookie: format!("portaal_sessie={secret}"),
        csrf: csrf_token(&secret),
    }
}

/// A page's HTML with the escapes of `/` and `&` undone, to look for paths in it.
pub fn plain(res: &Response) -> String {
    res.text().replace("&#x2f;", "/").replace("&amp;", "&")
}
