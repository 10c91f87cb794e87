DROP TABLE IF EXISTS document_chunks;
DROP INDEX IF EXISTS documents_application;
DROP TABLE IF EXISTS documents;
DROP TABLE IF EXISTS instrument_documents;
