"""Output formats: the CSV and JSON export, FHIR, the one-file bundle and the encrypted site."""
