"""Reading and validating the journal's files: typed models, YAML with lines, findings."""
