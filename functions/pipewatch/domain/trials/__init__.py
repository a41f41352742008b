"""ClinicalTrials.gov records: the snapshot model (model.py), the API v2 study document that becomes one
(document.py), and the diff of two snapshots (diff.py). Pure: no I/O, no clock, no environment."""
