DROP INDEX IF EXISTS programme_changes_programme;
DROP TABLE IF EXISTS programme_changes;
