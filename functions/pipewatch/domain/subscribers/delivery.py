"""What the delivery service and its adapters exchange (pure data): claims on a (subscription, message),
failure streaks of a destination, the outcome of one HTTPS POST, and a failed e-mail send.

They live in the domain so the service is typed against them and never imports an adapter module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipewatch.errors import PipewatchError

ClaimResult = Literal["claimed", "sent", "in_flight"]


@dataclass(frozen=True, slots=True)
class Claim:
    result: ClaimResult
    lease_until: float = 0.0
    attempts: int = 0
    slot_at: float = 0.0  # a rate-cap slot reserved by an earlier attempt (0: none)


@dataclass(frozen=True, slots=True)
class FailureCount:
    consecutive_failures: int
    newly_failing: bool


@dataclass(frozen=True, slots=True)
class PostResult:
    status: int  # 0: no HTTP answer (timeout, refused connection, TLS failure)
    retry_after: float | None = None
    error: str = ""
    retry_after_problem: str = ""  # a Retry-After header that was ignored or capped, and why

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class EmailSendError(PipewatchError):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient
