"""Intake: stable ids, same-story grouping, poll planning, the sources schema and the intake decider.
Pure."""
