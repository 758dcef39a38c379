"""The measure registry: one definition per measure (registry.py), from which the journal's model,
`check`, the analysis, the glossary, the CSV, the FHIR Bundle, the charts and the pages are made."""
