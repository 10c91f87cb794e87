//! The vendored stylesheets and script, served from the binary under a path that names
//! their content hash, so browsers may keep them for a year: a new build with other
//! files has other paths.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

/// One file: its name in the URL, its content type and its bytes.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const CSS: &str = "text/css; charset=utf-8";

const ASSETS: &[Asset] = &[
    Asset {
        name: "voorbeeld-theme.css",
        content_type: CSS,
        bytes: include_bytes!("../assets/voorbeeld-theme.css"),
    },
    Asset {
        name: "utrecht-components.css",
        content_type: CSS,
        bytes: include_bytes!("../assets/utrecht-components.css"),
    },
    Asset {
        name: "portaal.css",
        content_type: CSS,
        bytes: include_bytes!("../assets/portaal.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/htmx.min.js"),
    },
];

/// `/assets/<hash>`: the prefix of every asset's URL.
pub(crate) fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let mut hasher = Sha256::new();
        for asset in ASSETS {
            hasher.update(asset.bytes);
        }
        let digest = subsidie_domain::lottery::to_hex(&hasher.finalize());
        format!("/assets/{}", &digest[..12])
    })
}

async fn serve(name: web::Path<(String, String)>) -> HttpResponse {
    let (version, name) = name.into_inner();
    let current = prefix().rsplit('/').next().unwrap_or_default() == version;
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((
                header::CACHE_CONTROL,
                if current {
                    "public, max-age=31536000, immutable"
                } else {
                    // An old page asking for an old version gets today's file, briefly.
                    "public, max-age=300"
                },
            ))
            .body(asset.bytes),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("onbekend bestand"),
    }
}

pub(crate) fn register(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/{version}/{name}", web::get().to(serve));
}
