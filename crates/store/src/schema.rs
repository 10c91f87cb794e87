//! The tables, declared once for both backends (see `migrations/`).
#![allow(missing_docs)]

diesel::table! {
    programmes (id) {
        id -> Text,
        name -> Text,
        funder -> Text,
        envelope_cents -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instruments (id) {
        id -> Text,
        programme_id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        policy -> Text,
        uniqueness -> Text,
        min_cents -> BigInt,
        max_cents -> BigInt,
        fixed_amount -> Bool,
        opens_on -> Date,
        closes_on -> Date,
        advance_percent -> Integer,
        decision_term_weeks -> Integer,
        supplement_term_days -> Integer,
        four_eyes_above_cents -> Nullable<BigInt>,
        accounting_deadline -> Nullable<Date>,
        waitlist_closed -> Bool,
        ceiling_cents -> BigInt,
        reserved_cents -> BigInt,
        granted_cents -> BigInt,
        settled_cents -> BigInt,
        paid_cents -> BigInt,
        recovered_cents -> BigInt,
    }
}

diesel::table! {
    /// An instrument's rounds (migration `2026-12-03-100000_rounds`), Amsterdam
    /// wall-clock times.
    instrument_rounds (instrument_id, code) {
        instrument_id -> Text,
        code -> Text,
        position -> Integer,
        name -> Text,
        opens_local -> Timestamp,
        closes_local -> Timestamp,
        ceiling_cents -> Nullable<BigInt>,
        carry_over -> Bool,
        only_unfunded_in -> Nullable<Text>,
    }
}

diesel::table! {
    regions (id) {
        id -> Text,
        name -> Text,
        inhabitants -> BigInt,
    }
}

diesel::table! {
    disciplines (id) {
        id -> Text,
        name -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> Text,
        name -> Text,
        region_id -> Text,
        iban -> Text,
        email -> Text,
        created_at -> Timestamp,
        /// Migration `2026-12-01-000004_administration`.
        contact_person -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        role -> Text,
        organisation_id -> Nullable<Text>,
        created_at -> Timestamp,
        /// Migration `2026-12-01-000004_administration`: set, no token of the user works.
        deactivated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        label -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        /// Migration `2026-12-01-000004_administration`.
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Who changed what in the administration, when (migration
    /// `2026-12-01-000004_administration`); append-only.
    admin_history (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        subject_kind -> Text,
        subject_id -> Text,
        action -> Text,
        detail -> Text,
    }
}

diesel::table! {
    conflicts_of_interest (user_id, region_id) {
        user_id -> Text,
        region_id -> Text,
        declared_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        reference -> Text,
        instrument_id -> Text,
        organisation_id -> Text,
        region_id -> Text,
        discipline_id -> Nullable<Text>,
        uniqueness_key -> Nullable<Text>,
        state -> Text,
        title -> Text,
        description -> Text,
        requested_cents -> BigInt,
        reserved_cents -> BigInt,
        granted_cents -> BigInt,
        settled_cents -> Nullable<BigInt>,
        score -> Nullable<Integer>,
        received_at -> Nullable<Timestamp>,
        received_day -> Nullable<Date>,
        decision_due_on -> Nullable<Date>,
        supplement_request -> Nullable<Text>,
        supplement_due_on -> Nullable<Date>,
        decided_at -> Nullable<Timestamp>,
        decision_motivation -> Nullable<Text>,
        objection_due_on -> Nullable<Date>,
        waitlist_position -> Nullable<Integer>,
        grant_proposed_by -> Nullable<Text>,
        grant_proposed_cents -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        /// Migration `2026-12-03-100000_rounds`: the round it was submitted in.
        round_code -> Nullable<Text>,
    }
}

diesel::table! {
    application_history (id) {
        id -> BigInt,
        application_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        command -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        instrument_id -> Text,
        application_id -> Nullable<Text>,
        kind -> Text,
        reserved_delta -> BigInt,
        granted_delta -> BigInt,
        settled_delta -> BigInt,
        paid_delta -> BigInt,
        recovered_delta -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
    }
}

diesel::table! {
    allocation_runs (id) {
        id -> Text,
        instrument_id -> Text,
        policy -> Text,
        seed -> Text,
        lottery_days -> Text,
        available_before_cents -> BigInt,
        reserved_total_cents -> BigInt,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
        /// Migration `2026-12-03-100000_rounds`: the round the run placed.
        round_code -> Nullable<Text>,
        seed_source -> Text,
        day -> Nullable<Date>,
    }
}

diesel::table! {
    lottery_commitments (instrument_id, day) {
        instrument_id -> Text,
        day -> Date,
        seed -> Text,
        commitment -> Text,
        drawn_at -> Timestamp,
    }
}

diesel::table! {
    allocation_days (instrument_id, day) {
        instrument_id -> Text,
        day -> Date,
        status -> Text,
        run_id -> Text,
        claimed_by -> Text,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    allocation_run_seeds (run_id, day) {
        run_id -> Text,
        day -> Date,
        seed -> Text,
        commitment -> Text,
    }
}

diesel::table! {
    allocation_placements (run_id, position) {
        run_id -> Text,
        position -> Integer,
        application_id -> Text,
        reference -> Text,
        decision -> Text,
        lot_key -> Nullable<Text>,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        reference -> Text,
        application_id -> Text,
        instrument_id -> Text,
        kind -> Text,
        amount_cents -> BigInt,
        due_on -> Date,
        state -> Text,
        run_id -> Nullable<Text>,
        created_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    objections (id) {
        id -> Text,
        application_id -> Text,
        decision -> Text,
        grounds -> Text,
        submitted_at -> Timestamp,
        state -> Text,
        actor_id -> Nullable<Text>,
        /// The last day of the decision term (Awb 7:10; migration
        /// `2026-12-01-300000_awb`, as the columns below).
        due_on -> Nullable<Date>,
        extended_at -> Nullable<Timestamp>,
        hearing -> Nullable<Text>,
        mend_request -> Nullable<Text>,
        mend_due_on -> Nullable<Date>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        motivation -> Nullable<Text>,
    }
}

diesel::table! {
    /// Mails withdrawn unsent because they no longer apply (migration
    /// `2026-12-01-300000_awb`).
    outbox_cancelled (id) {
        id -> Text,
        application_id -> Nullable<Text>,
        recipient -> Text,
        template -> Text,
        payload -> Text,
        created_at -> Timestamp,
        cancelled_at -> Timestamp,
        reason -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        application_id -> Nullable<Text>,
        recipient -> Text,
        template -> Text,
        payload -> Text,
        created_at -> Timestamp,
        due_at -> Timestamp,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        /// The dispatcher claim holding the row until `claimed_until` (migration
        /// `2026-11-29-000002_outbox_claims`); not part of `OutboxRow`, so rows are still
        /// written without it.
        claim_token -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Payment runs (migration `2026-11-29-000003_payment_runs`).
    payment_runs (id) {
        id -> Text,
        message_id -> Text,
        created_at -> Timestamp,
        up_to -> Date,
        execution_date -> Date,
        payment_count -> BigInt,
        total_cents -> BigInt,
        state -> Text,
        actor_id -> Nullable<Text>,
        paid_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The transfers of a payment run as written to its SEPA file.
    payment_run_items (run_id, payment_id) {
        run_id -> Text,
        payment_id -> Text,
        reference -> Text,
        kind -> Text,
        amount_cents -> BigInt,
        instrument_id -> Text,
        region_id -> Text,
        application_reference -> Text,
        creditor_name -> Text,
        creditor_iban -> Text,
        failed_at -> Nullable<Timestamp>,
        failure_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Single-use sign-in links of the portal (migration `2026-12-01-000001_portal`).
    portal_signin_links (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Requests for a sign-in link, for the limit per address and minute.
    portal_signin_requests (id) {
        id -> Text,
        address_hash -> Text,
        requested_at -> Timestamp,
    }
}

diesel::table! {
    /// Signed-in browsers of the portal.
    portal_sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    /// Changes to a running programme by an administrator: ceilings, windows, instruments
    /// added (migration `2026-12-01-100000_programme_changes`).
    programme_changes (id) {
        id -> BigInt,
        programme_id -> Text,
        instrument_id -> Nullable<Text>,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        change -> Text,
        old_value -> Nullable<Text>,
        new_value -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// The documents an application under an instrument must carry.
    instrument_documents (instrument_id, kind) {
        instrument_id -> Text,
        kind -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    /// The kinds of partner an application under an instrument must name.
    instrument_partner_rules (instrument_id, kind) {
        instrument_id -> Text,
        kind -> Text,
        name -> Text,
        at_least -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    /// The partners an application names.
    application_partners (application_id, position) {
        application_id -> Text,
        position -> Integer,
        organisation -> Text,
        kind -> Text,
        role -> Text,
        contact_name -> Text,
        contact_email -> Text,
    }
}

diesel::table! {
    /// Files uploaded to an application.
    documents (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        supplement -> Bool,
        uploaded_by -> Nullable<Text>,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    /// The content of a document, in chunks.
    document_chunks (document_id, seq) {
        document_id -> Text,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::table! {
    /// Every decision as its PDF letter, made once when its e-mail is queued; append-only.
    decision_letters (id) {
        id -> Text,
        application_id -> Text,
        template -> Text,
        title -> Text,
        dated_on -> Date,
        file_name -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Amendments asked for after a grant, and their decisions (migration
    /// `2026-12-02-200000_amendments`).
    amendments (id) {
        id -> Text,
        application_id -> Text,
        kind -> Text,
        state -> Text,
        amount_cents -> Nullable<BigInt>,
        accounting_due_on -> Nullable<Date>,
        grounds -> Text,
        submitted_at -> Timestamp,
        actor_id -> Nullable<Text>,
        proposed_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        motivation -> Nullable<Text>,
        previous_cents -> Nullable<BigInt>,
        objection_due_on -> Nullable<Date>,
    }
}

diesel::joinable!(instruments -> programmes (programme_id));
diesel::joinable!(allocation_run_seeds -> allocation_runs (run_id));
diesel::joinable!(decision_letters -> applications (application_id));
diesel::joinable!(documents -> applications (application_id));
diesel::joinable!(document_chunks -> documents (document_id));
diesel::joinable!(instrument_documents -> instruments (instrument_id));
diesel::joinable!(instrument_rounds -> instruments (instrument_id));
diesel::joinable!(instrument_partner_rules -> instruments (instrument_id));
diesel::joinable!(application_partners -> applications (application_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(organisations -> regions (region_id));
diesel::joinable!(applications -> instruments (instrument_id));
diesel::joinable!(applications -> organisations (organisation_id));
diesel::joinable!(application_history -> applications (application_id));
diesel::joinable!(ledger_entries -> instruments (instrument_id));
diesel::joinable!(payments -> applications (application_id));
diesel::joinable!(amendments -> applications (application_id));
diesel::joinable!(payment_run_items -> payment_runs (run_id));
diesel::joinable!(payment_run_items -> payments (payment_id));
diesel::joinable!(portal_sessions -> users (user_id));
diesel::joinable!(portal_signin_links -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    programmes,
    instruments,
    regions,
    disciplines,
    organisations,
    users,
    api_tokens,
    conflicts_of_interest,
    applications,
    application_history,
    ledger_entries,
    allocation_runs,
    lottery_commitments,
    allocation_days,
    allocation_run_seeds,
    allocation_placements,
    payments,
    payment_runs,
    payment_run_items,
    objections,
    amendments,
    outbox,
    outbox_cancelled,
    idempotency_keys,
    portal_signin_links,
    portal_signin_requests,
    portal_sessions,
    admin_history,
    instrument_documents,
    instrument_rounds,
    instrument_partner_rules,
    application_partners,
    documents,
    document_chunks,
    decision_letters,
);
