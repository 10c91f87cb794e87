-- Amendments after a grant (issue 17).
DROP INDEX IF EXISTS amendments_application;
DROP TABLE amendments;
