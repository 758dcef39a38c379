"""Responses: the responder milestones, whether each was kept (the runs rule), the ClinRO and
control bands, and what the record shows around an interruption of the drug."""
