//! Paths inside the portal as they travel in links and forms: a query value encoded, and
//! the check of a page to return to after sign-in.

/// Percent-encodes a query value (its UTF-8 bytes), keeping letters, digits, `-` and `_`.
pub(crate) fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A page of this portal to return to after sign-in, or `None`: only a path on this
/// site (so a link cannot send someone elsewhere after signing in), not the sign-in
/// pages themselves.
pub(crate) fn return_path(path: &str) -> Option<String> {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 1000
        && !path.chars().any(char::is_control);
    let signin = path.starts_with("/aanmelden") || path.starts_with("/afmelden");
    (local && !signin && path != "/").then(|| path.to_owned())
}
