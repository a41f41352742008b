"""The subscription terms a request is read with before any model is: the delivery modes and the error of an
invalid request. Apart from domain/subscribers/subscriptions.py (which re-exports both) so that the
subscription API can route, refuse and list without importing the subscription models (pydantic, ~55 ms of
a cold start, issue 28)."""

from __future__ import annotations

from typing import Literal

Mode = Literal["instant", "digest"]


class SubscriptionError(ValueError):
    """A subscription request is invalid; the message says which field and what is accepted."""
