"""Amazon SES: send one raw MIME message (the only SES call that carries custom headers such as
List-Unsubscribe on every SES version moto and all regions serve)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch.domain.subscribers.delivery import EmailSendError

__all__ = ["EmailSendError", "SesEmailSender"]

# SES answers these when it is busy (retry later); anything else is a refusal of this message.
_TRANSIENT = {"Throttling", "ThrottlingException", "ServiceUnavailable", "InternalFailure"}


class SesEmailSender:
    def __init__(self, ses_client: Any, *, sender: str, configuration_set: str = "") -> None:
        self._ses = ses_client
        self.sender = sender
        self._configuration_set = configuration_set

    def send(self, recipient: str, raw_message: bytes) -> str:
        kwargs: dict[str, Any] = {
            "Source": self.sender,
            "Destinations": [recipient],
            "RawMessage": {"Data": raw_message},
        }
        if self._configuration_set:
            kwargs["ConfigurationSetName"] = self._configuration_set
        try:
            response = self._ses.send_raw_email(**kwargs)
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            raise EmailSendError(f"SES {code}", transient=code in _TRANSIENT) from exc
        except BotoCoreError as exc:
            raise EmailSendError(f"SES unreachable: {type(exc).__name__}", transient=True) from exc
        return str(response["MessageId"])
