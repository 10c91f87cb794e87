-- Consortia (issue 18 item 2): the kinds of partner an application under an instrument
-- must name (the programme file's `partners_vereist`), and the partners an application
-- names.

CREATE TABLE instrument_partner_rules (
    instrument_id  TEXT NOT NULL REFERENCES instruments(id),
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    at_least       INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (instrument_id, kind)
);

-- One partner of an application, in the order the applicant gave them (`position`).
CREATE TABLE application_partners (
    application_id  TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    organisation    TEXT NOT NULL,
    kind            TEXT NOT NULL,
    role            TEXT NOT NULL,
    contact_name    TEXT NOT NULL,
    contact_email   TEXT NOT NULL,
    PRIMARY KEY (application_id, position)
);
