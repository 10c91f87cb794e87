//! From an outbox payload to what a template sees: the payload read as the letter its
//! template expects (so a fact that is missing or malformed is refused before any
//! rendering), written back as a map, with the advance schedule derived.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use subsidie_domain::letters::{
    ApplicationLetter, ObjectionLetter, OrganisationChangeLetter, PaymentLetter, PaymentRunLetter,
    ReminderLetter, SecondReviewLetter, SignInLetter, Template,
};
use subsidie_domain::Money;

/// The context for `template` from `payload`; the reason when the payload is not the
/// template's letter.
pub(super) fn of(template: Template, payload: &Json) -> Result<Map<String, Json>, String> {
    if !payload.is_object() {
        return Err("de gegevens zijn geen JSON-object".into());
    }
    let mut context = match template {
        Template::Notice(_) | Template::AmendmentReceipt => through::<ApplicationLetter>(payload)?,
        Template::Payment => through::<PaymentLetter>(payload)?,
        Template::AccountingReminder => through::<ReminderLetter>(payload)?,
        Template::SecondReview => through::<SecondReviewLetter>(payload)?,
        Template::PaymentRun => through::<PaymentRunLetter>(payload)?,
        Template::SignInLink => through::<SignInLetter>(payload)?,
        Template::OrganisationChange => through::<OrganisationChangeLetter>(payload)?,
        Template::ObjectionReceipt
        | Template::ObjectionMend
        | Template::ObjectionExtended
        | Template::ObjectionDecision => through::<ObjectionLetter>(payload)?,
    };
    derive_advance(&mut context)?;
    Ok(context)
}

/// The payload read as letter `L` and written back: the same facts in the same forms,
/// and nothing that `L` does not know.
fn through<L: DeserializeOwned + Serialize>(payload: &Json) -> Result<Map<String, Json>, String> {
    let letter: L = serde_json::from_value(payload.clone()).map_err(|e| e.to_string())?;
    match serde_json::to_value(letter).map_err(|e| e.to_string())? {
        Json::Object(map) => Ok(map),
        other => Err(format!("de gegevens werden geen JSON-object maar {other}")),
    }
}

/// Adds `voorschot` and `restant` (API form) when `verleend` and `voorschot_percentage`
/// are present, rounding as the payment schedule does.
fn derive_advance(context: &mut Map<String, Json>) -> Result<(), String> {
    let granted = context.get("verleend").and_then(Json::as_str);
    let percent = context.get("voorschot_percentage").and_then(Json::as_u64);
    let (Some(granted), Some(percent)) = (granted, percent) else {
        return Ok(());
    };
    let granted = Money::parse(granted).map_err(|e| format!("verleend: {e}"))?;
    let percent = u32::try_from(percent.min(100)).unwrap_or(100);
    let advance = granted
        .share(percent, 100)
        .map_err(|e| format!("voorschot: {e}"))?;
    let rest = granted
        .checked_sub(advance)
        .map_err(|e| format!("restant: {e}"))?;
    context
        .entry("voorschot")
        .or_insert_with(|| Json::String(advance.to_string()));
    context
        .entry("restant")
        .or_insert_with(|| Json::String(rest.to_string()));
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::examples::example_payload;
    use super::*;

    /// Read as its letter and written back, every example is what it was: a template
    /// sees what the row says, as when it rendered the row's JSON as it stood.
    #[test]
    fn a_payload_passes_through_its_letter_unchanged() {
        for template in Template::ALL {
            let payload = example_payload(template.as_str()).unwrap();
            let mut context = of(template, &payload).unwrap();
            context.remove("voorschot");
            context.remove("restant");
            assert_eq!(Json::Object(context), payload, "{template}");
        }
    }

    /// Rows as the service wrote them from JSON maps, before the letters were types.
    #[test]
    fn rows_written_before_the_letters_read_the_same() {
        let rows = [
            (
                Template::Notice(subsidie_domain::lifecycle::Notice::Receipt),
                serde_json::json!({
                    "referentie": "UITV-2025-0198A3F2C1",
                    "titel": "Samenwerking <Noord>",
                    "organisatie": "Stichting Eerstelijn",
                    "regeling": "RESV",
                    "status": "ingediend",
                    "aangevraagd": "1250000.00",
                    "verleend": "0.00",
                    "vastgesteld": null,
                    "ontvangen_op": "2025-03-03T09:15:00.123456+00:00",
                    "beslissen_uiterlijk": "2025-06-02",
                    "aanvulling": null,
                    "aanvullen_uiterlijk": null,
                    "motivering": null,
                    "bezwaar_uiterlijk": null,
                    "voorschot_percentage": 80,
                    "verantwoording_uiterlijk": null,
                    "wachtlijstpositie": null,
                }),
            ),
            (
                Template::PaymentRun,
                serde_json::json!({
                    "naam": "Fatima el Amrani",
                    "betaalronde": "BR01935F3E8F2A7C3B9D4E5F6A7B8C9D0E",
                    "ronde_id": "01935f3e-8f2a-7c3b-9d4e-5f6a7b8c9d0e",
                    "aantal": 1250,
                    "totaal": "31250000.00",
                    "tot_en_met": "2025-06-05",
                    "uitvoeringsdatum": "2025-06-05",
                    "aangemaakt_op": "2025-06-04T14:30:00+00:00",
                }),
            ),
        ];
        for (template, payload) in rows {
            let mut context = of(template, &payload).unwrap();
            context.remove("voorschot");
            context.remove("restant");
            assert_eq!(Json::Object(context), payload, "{template}");
        }
    }

    #[test]
    fn a_payload_that_is_not_the_letter_is_refused() {
        let mut payload = example_payload("betaling").unwrap();
        payload["bedrag"] = Json::from(1000);
        assert!(of(Template::Payment, &payload).is_err());
        assert!(of(Template::Payment, &Json::from("tekst")).is_err());
    }
}
