"""SNS notifier: one publish per alert, with the message attributes that subscription filter policies
route on (`delivery` = "instant"; `agents`, `indications` as String.Array; `event_type`, `severity` as
String; `severity_rank` as Number so a policy can say "medium or above"), and one publish per digest
(`delivery` = "digest", `subscription_id`), which only that subscriber's filter policy accepts.

Every message is sized before it is published (domain/limits.py): the body is `{"default": long, "sms":
short}` (e-mail and queues read `default`, SMS reads `sms`; the long text is not repeated under `email` and
`sqs` keys), and a long text that would pass SNS's 256 KiB limit is truncated with a visible mark."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch.domain.limits import SNS_SUBJECT_MAX_CHARS, fit_sns_body
from pipewatch.domain.models import SEVERITY_RANK, Alert
from pipewatch.errors import PublishError
from pipewatch.observability import logger


def outcome_unknown(exc: BaseException) -> bool:
    """The request may have reached SNS (it was sent, the answer was lost): a read timeout or a connection
    closed mid-response. A connect timeout or an unreachable endpoint never sent it."""
    from botocore.exceptions import ConnectionClosedError, ReadTimeoutError, ResponseStreamingError

    return isinstance(exc, ReadTimeoutError | ConnectionClosedError | ResponseStreamingError)


def message_attributes(alert: Alert) -> dict[str, dict[str, str]]:
    # A landscape alert (a competitor's event) is delivered as "landscape", not "instant": a policy written
    # before the tier existed ({"delivery": ["instant"], ...}) never receives one; a subscriber opts in with
    # `tier` (domain/subscribers/subscriptions.py). Its `agents` attribute is the agents it competes with,
    # so an agent filter routes it to that agent's analysts.
    landscape = alert.tier == "landscape"
    agents = alert.competes_with if landscape else alert.agents
    attributes = {
        "delivery": {"DataType": "String", "StringValue": "landscape" if landscape else "instant"},
        "tier": {"DataType": "String", "StringValue": alert.tier},
        "agents": {"DataType": "String.Array", "StringValue": json.dumps(list(agents))},
        "event_type": {"DataType": "String", "StringValue": alert.event_type},
        "severity": {"DataType": "String", "StringValue": alert.severity},
        "severity_rank": {"DataType": "Number", "StringValue": str(SEVERITY_RANK[alert.severity])},
        "update_id": {"DataType": "String", "StringValue": alert.update_id},
    }
    # SNS rejects an empty String.Array attribute value; an update with no indication simply lacks the key.
    if alert.indications:
        attributes["indications"] = {
            "DataType": "String.Array",
            "StringValue": json.dumps(list(alert.indications)),
        }
    return attributes


class SnsNotifier:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic_arn = topic_arn
        self.truncated = 0  # messages cut to fit the SNS limit

    def _publish(
        self, key: str, *, subject: str, long: str, sms: str, attributes: dict[str, dict[str, str]]
    ) -> str:
        subject = subject[:SNS_SUBJECT_MAX_CHARS]
        body, truncated = fit_sns_body(long, sms, subject, attributes)
        if truncated:
            self.truncated += 1
            logger.warning("message truncated to fit the SNS message limit", extra={"key": key})
        try:
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Subject=subject,
                Message=body,
                MessageStructure="json",
                MessageAttributes=attributes,
            )
        except ClientError as exc:  # SNS answered: not published (5xx: SNS cannot say, so unknown)
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            raise PublishError(key, str(exc), outcome_unknown=status >= 500) from exc
        except BotoCoreError as exc:
            raise PublishError(key, str(exc), outcome_unknown=outcome_unknown(exc)) from exc
        return str(response["MessageId"])

    def publish(self, alert: Alert) -> str:
        """Publish one alert; per-protocol bodies (SMS short, email long). Returns the SNS message id."""
        return self._publish(
            alert.update_id,
            subject=alert.subject,
            long=alert.message,
            sms=alert.sms,
            attributes=message_attributes(alert),
        )

    def publish_digest(
        self, *, subscription_id: str, digest_key: str, subject: str, email: str, sms: str
    ) -> str:
        """Publish one subscriber's digest (or one part of it); only that subscriber's policy accepts it."""
        return self._publish(
            digest_key,
            subject=subject,
            long=email,
            sms=sms,
            attributes={
                "delivery": {"DataType": "String", "StringValue": "digest"},
                "subscription_id": {"DataType": "String", "StringValue": subscription_id},
                "digest_key": {"DataType": "String", "StringValue": digest_key},
            },
        )
