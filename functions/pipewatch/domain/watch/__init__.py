"""Watching: the watchlist and taxonomy schemas, text in matching form, alias and fuzzy matching,
salience, the classifier and its cues and reasons. Pure."""
