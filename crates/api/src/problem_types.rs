//! Every kind of problem the API answers with, and what it means for a client.
//!
//! A problem's `type` is `/api/v1/problemen/{soort}`: a URI that resolves (RFC 9457
//! §3.1.1) to the explanation here, so a developer who meets an unfamiliar problem can
//! look it up. A kind missing from [`KINDS`] would be a `type` that does not resolve;
//! a unit test checks every kind the code uses is listed.

/// Where the explanations live, under the API.
pub const BASE: &str = "/api/v1/problemen";

/// One kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The last part of the `type` URI.
    pub slug: &'static str,
    /// The `title` of its problems.
    pub title: &'static str,
    /// The HTTP status it comes with.
    pub status: u16,
    /// What it means, and what the client can do about it (Dutch).
    pub explanation: &'static str,
}

const fn kind(
    slug: &'static str,
    title: &'static str,
    status: u16,
    explanation: &'static str,
) -> Kind {
    Kind {
        slug,
        title,
        status,
        explanation,
    }
}

/// Every kind, in status order.
pub const KINDS: &[Kind] = &[
    kind("ongeldige-invoer", "Ongeldige invoer", 400, "De body is geen JSON-object, of een veld van de body, een parameter of een header klopt niet. `invalidParams` noemt elk veld dat niet klopt en wat wel wordt geaccepteerd. Pas de invoer aan en stuur het verzoek opnieuw. Een verwijzing naar iets dat niet bestaat (een onbekend instrument, een onbekende organisatie) is ook ongeldige invoer."),
    kind("ongeldige-json", "Ongeldige JSON", 400, "De body is geen geldige JSON. `detail` noemt de regel en de kolom. Stuur een JSON-object, zoals het OpenAPI-document beschrijft."),
    kind("http-fout", "HTTP-fout", 400, "Het verzoek voldoet niet aan HTTP (bijvoorbeeld een header met een stuurteken), of het antwoord kwam van de webserver zelf. `status` en `title` noemen de HTTP-status. Controleer het verzoek en stuur het opnieuw."),
    kind("niet-geauthenticeerd", "Niet geauthenticeerd", 401, "Het verzoek heeft geen token, of een token dat de API niet kent. Stuur `Authorization: Bearer <token>` met een token dat een beheerder uitgaf."),
    kind("niet-toegestaan", "Niet toegestaan", 403, "De rol van de gebruiker staat deze operatie niet toe, of er is een belangenconflict gemeld, of het vier-ogenprincipe vraagt een andere beoordelaar. `detail` zegt welke rol wel mag."),
    kind("herkomst-niet-toegestaan", "Herkomst niet toegestaan", 403, "Een browserpagina van een andere herkomst (`Origin`) vroeg of zij de API mag aanroepen, en die herkomst staat niet in de instelling CORS_ORIGINS van de server. Vraag de beheerder de herkomst toe te voegen, of roep de API aan vanaf een server."),
    kind("niet-gevonden", "Niet gevonden", 404, "De bron in het pad bestaat niet, of is niet zichtbaar voor deze gebruiker (zoals de aanvraag van een andere organisatie). Controleer de id in het pad."),
    kind("onbekende-route", "Niet gevonden", 404, "Het pad is geen bron van deze API. Het OpenAPI-document (`/api/v1/openapi.json`) en de documentatie (`/api/v1/docs/`) noemen elke bron."),
    kind("methode-niet-toegestaan", "Methode niet toegestaan", 405, "De bron kent deze HTTP-methode niet. De header `Allow` noemt de methoden die wel kunnen."),
    kind("ongeldige-status", "Niet toegestaan in deze status", 409, "De aanvraag is in een status waarin deze opdracht niet kan. `huidigeStatus` noemt de status en `toegestaneOpdrachten` de opdrachten die wel kunnen."),
    kind("conflict", "Conflict", 409, "Het verzoek botst met wat al bestaat, bijvoorbeeld een organisatie of gebruiker die al geregistreerd is. `detail` noemt wat er botst."),
    kind("budget", "Niet mogelijk binnen het budget", 409, "De opdracht zou meer toezeggen dan het subsidieplafond van het instrument of de envelop van het programma toelaat. `detail` noemt het plafond en wat er nog beschikbaar is."),
    kind("idempotency-key-in-behandeling", "Verzoek nog in behandeling", 409, "Een eerder verzoek met dezelfde `Idempotency-Key` is nog niet afgerond. Wacht het aantal seconden van `Retry-After` en stuur het verzoek opnieuw: dan volgt het antwoord van het eerste."),
    kind("verouderde-versie", "Verouderde versie", 412, "De `If-Match` noemt een oudere versie van de bron: iemand anders wijzigde haar eerst. Haal de bron opnieuw op, bekijk de wijziging en stuur het verzoek met de nieuwe `ETag`."),
    kind("te-groot", "Verzoek te groot", 413, "De body is groter dan de API accepteert: 256 KiB voor JSON; voor een document de grens per bestand (standaard 20 MiB) of voor alle documenten van een aanvraag samen (standaard 100 MiB), zoals `detail` noemt. Stuur een kleinere body of een kleiner bestand."),
    kind("bestandstype-niet-toegestaan", "Bestandstype niet toegestaan", 415, "De inhoud van het document is geen toegestaan bestandstype. Het type wordt bepaald aan de inhoud, niet aan de naam of het opgegeven type. Toegestaan zijn PDF, DOCX, XLSX, ODT, ODS, PNG en JPEG; `detail` noemt wat er werd gevonden."),
    kind("mediatype-niet-ondersteund", "Mediatype niet ondersteund", 415, "De body is geen `application/json`. Stuur JSON met `Content-Type: application/json`."),
    kind("idempotency-key-hergebruikt", "Idempotency-Key hergebruikt", 422, "Deze `Idempotency-Key` is al gebruikt voor een ander verzoek (een andere methode, een ander pad of een andere body). Kies voor elk nieuw verzoek een nieuwe sleutel, zoals een UUID."),
    kind("interne-fout", "Interne fout", 500, "Er ging iets mis aan de kant van de server. Een wijziging is dan niet doorgevoerd. Probeer het later opnieuw; blijft het misgaan, meld het aan de beheerder."),
    kind("rekening-financier-niet-ingesteld", "Rekening van de financier niet ingesteld", 503, "Een betaalronde of SEPA-bestand betaalt van de rekening van de financier, en die is op deze server niet (of niet goed) ingesteld: `detail` noemt de variabelen FUNDER_NAME, FUNDER_IBAN en FUNDER_BIC die ontbreken of niet kloppen. Er is niets geboekt. Vraag de beheerder van de server ze te zetten; daarna lukt hetzelfde verzoek."),
    kind("tijdelijk-niet-beschikbaar", "Tijdelijk niet beschikbaar", 503, "De database is tijdelijk bezet of niet bereikbaar; er is niets gewijzigd. Stuur het verzoek opnieuw na het aantal seconden van `Retry-After`."),
];

/// The `type` URI of a kind.
pub fn uri(slug: &str) -> String {
    format!("{BASE}/{slug}")
}

/// The kind with this slug.
pub fn find(slug: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_the_code_uses_is_explained() {
        let sources = [
            include_str!("problem.rs"),
            include_str!("http_rules.rs"),
            include_str!("input.rs"),
        ];
        for source in sources {
            for (i, _) in source.match_indices("ApiError::new(") {
                let rest = &source[i..];
                let slug = rest
                    .split('"')
                    .nth(1)
                    .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
                if let Some(slug) = slug {
                    assert!(find(slug).is_some(), "no explanation for '{slug}'");
                }
            }
        }
    }

    #[test]
    fn slugs_are_unique() {
        for k in KINDS {
            assert_eq!(
                KINDS.iter().filter(|o| o.slug == k.slug).count(),
                1,
                "{}",
                k.slug
            );
        }
    }
}
