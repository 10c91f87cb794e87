//! The e-mail outbox as administrators see it.

#![allow(non_snake_case)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use subsidie_domain::letters::MessageState;
use subsidie_service::outbox::admin::OutboxSummary;
use subsidie_store::rows::OutboxRow;
use utoipa::ToSchema;

use super::common::utc;

/// Waar een e-mailbericht in de wachtrij is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BerichtStatus {
    /// Nog niet geprobeerd.
    Wachtend,
    /// Geprobeerd en mislukt; wordt na een wachttijd opnieuw geprobeerd.
    OpnieuwTeProberen,
    /// Opgegeven na de laatste poging (of meteen, bij een fout die niet overgaat); wacht op een beheerder.
    Mislukt,
    /// Verzonden.
    Verzonden,
}

impl BerichtStatus {
    /// The state of an outbox row, by the same rules as the dispatcher and the summary.
    pub fn of(row: &OutboxRow) -> BerichtStatus {
        match MessageState::of(row.sent_at.is_some(), row.failed_at.is_some(), row.attempts) {
            MessageState::Waiting => BerichtStatus::Wachtend,
            MessageState::Retrying => BerichtStatus::OpnieuwTeProberen,
            MessageState::Failed => BerichtStatus::Mislukt,
            MessageState::Sent => BerichtStatus::Verzonden,
        }
    }
}

/// Een e-mailbericht in de wachtrij.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Bericht {
    /// Het id van het bericht (ook de basis van zijn `Message-ID`).
    pub id: String,
    /// De aanvraag waar het bericht over gaat.
    pub aanvraagId: Option<String>,
    /// Het e-mailadres van de ontvanger.
    #[schema(example = "info@r01.example.org")]
    pub ontvanger: String,
    /// Het sjabloon.
    #[schema(example = "ontvangstbevestiging")]
    pub sjabloon: String,
    /// De toestand.
    pub status: BerichtStatus,
    /// Het aantal mislukte pogingen sinds het bericht (opnieuw) in de wachtrij kwam.
    #[schema(example = 5)]
    pub pogingen: i32,
    /// De fout van de laatste mislukte poging.
    #[schema(example = "SMTP-server niet bereikbaar: connection refused")]
    pub laatsteFout: Option<String>,
    /// Wanneer het bericht in de wachtrij kwam.
    #[schema(value_type = String, format = DateTime)]
    pub aangemaaktOp: DateTime<Utc>,
    /// Niet eerder dan dit tijdstip wordt (opnieuw) geprobeerd.
    #[schema(value_type = String, format = DateTime)]
    pub verzendenVanaf: DateTime<Utc>,
    /// Wanneer het bericht werd opgegeven.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub misluktOp: Option<DateTime<Utc>>,
    /// Wanneer het bericht werd verzonden.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verzondenOp: Option<DateTime<Utc>>,
}

impl From<OutboxRow> for Bericht {
    fn from(r: OutboxRow) -> Self {
        Bericht {
            status: BerichtStatus::of(&r),
            id: r.id,
            aanvraagId: r.application_id,
            ontvanger: r.recipient,
            sjabloon: r.template,
            pogingen: r.attempts,
            laatsteFout: r.last_error,
            aangemaaktOp: utc(r.created_at),
            verzendenVanaf: utc(r.due_at),
            misluktOp: r.failed_at.map(utc),
            verzondenOp: r.sent_at.map(utc),
        }
    }
}

/// Hoeveel berichten in elke toestand zijn.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BerichtAantallen {
    /// Nog niet geprobeerd.
    pub wachtend: i64,
    /// Mislukt en wachtend op een nieuwe poging.
    pub opnieuwTeProberen: i64,
    /// Opgegeven.
    pub mislukt: i64,
    /// Verzonden.
    pub verzonden: i64,
}

impl From<OutboxSummary> for BerichtAantallen {
    fn from(s: OutboxSummary) -> Self {
        BerichtAantallen {
            wachtend: s.waiting,
            opnieuwTeProberen: s.retrying,
            mislukt: s.failed,
            verzonden: s.sent,
        }
    }
}

/// De e-mailwachtrij: de aantallen per toestand en de berichten in de gevraagde toestand.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Berichtenoverzicht {
    /// Hoeveel berichten in elke toestand zijn.
    pub aantallen: BerichtAantallen,
    /// De berichten in de gevraagde toestand (hoogstens 100): mislukte nieuwste eerst,
    /// wachtende in de volgorde waarin ze aan de beurt zijn.
    pub berichten: Vec<Bericht>,
}

/// Een mislukt bericht opnieuw in de wachtrij zetten; vraagt geen invoer.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Herverzending {}
