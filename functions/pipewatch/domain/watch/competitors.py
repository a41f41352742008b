"""Schema of the competitive landscape: each agent's competitors (typed near-misses) and which of their
events become `landscape` updates (issue 26).

A competitor is another drug in an indication the agent is developed or sold in: "Imaavy (nipocalimab)
approved in gMG" is not an efgartigimod story, but an efgartigimod analyst wants it beside the agent's own
news. Its names are near-misses of the agent (they never make the agent match) and, with one of the
competitor's `indications` named and an event of `LandscapeRules`, make a landscape update.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from pipewatch.domain.models import EventType, Severity
from pipewatch.domain.watch.schema import FROZEN, Id, Term, check_terms

SourceUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]


class Competitor(BaseModel):
    """A competing drug: its name (`drug`, usually the INN), sponsor, the indications it shares with the
    watched agent, its other names (brands, codes) and where these facts come from."""

    model_config = FROZEN

    drug: Term
    sponsor: str = Field(min_length=1)
    indications: tuple[Id, ...] = Field(min_length=1)  # shared with the agent it is listed under
    aliases: tuple[Term, ...] = ()
    source: SourceUrl

    @field_validator("drug", mode="after")
    @classmethod
    def _drug(cls, value: str) -> str:
        return check_terms((value,))[0]

    @field_validator("aliases")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(value)

    def names(self) -> tuple[str, ...]:
        return (self.drug, *self.aliases)


class LandscapeRules(BaseModel):
    """Which competitor events are landscape updates: approvals and rejections, phase 3 or registrational
    results, a programme dropped or a trial stopped, safety events. The taxonomy's severity rules already say
    which of an event's forms are these (`high`: "approval", "rejection or CRL", "phase 3 results",
    "trial stopped", "program dropped"), so a filing or a phase 1 readout stays out."""

    model_config = FROZEN

    events: tuple[EventType, ...] = ("safety", "regulatory", "results", "trial_status", "pipeline")
    min_severity: Severity = "high"
