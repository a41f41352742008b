"""SNS notifier: one publish per alert, with the message attributes that subscription filter policies
route on (`delivery` = "instant"; `agents`, `indications` as String.Array; `event_type`, `severity` as
String; `severity_rank` as Number so a policy can say "medium or above"), and one publish per digest
(`delivery` = "digest", `subscription_id`), which only that subscriber's filter policy accepts."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch.domain.models import SEVERITY_RANK, Alert
from pipewatch.errors import PublishError


def message_attributes(alert: Alert) -> dict[str, dict[str, str]]:
    attributes = {
        "delivery": {"DataType": "String", "StringValue": "instant"},
        "agents": {"DataType": "String.Array", "StringValue": json.dumps(list(alert.agents))},
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

    def publish(self, alert: Alert) -> str:
        """Publish one alert; per-protocol bodies (SMS short, email long). Returns the SNS message id."""
        body = {"default": alert.message, "email": alert.message, "sms": alert.sms, "sqs": alert.message}
        try:
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Subject=alert.subject,
                Message=json.dumps(body),
                MessageStructure="json",
                MessageAttributes=message_attributes(alert),
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(alert.update_id, str(exc)) from exc
        return str(response["MessageId"])

    def publish_digest(
        self, *, subscription_id: str, digest_key: str, subject: str, email: str, sms: str
    ) -> str:
        """Publish one subscriber's digest; only that subscriber's filter policy accepts it."""
        body = {"default": email, "email": email, "sms": sms, "sqs": email}
        try:
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Subject=subject,
                Message=json.dumps(body),
                MessageStructure="json",
                MessageAttributes={
                    "delivery": {"DataType": "String", "StringValue": "digest"},
                    "subscription_id": {"DataType": "String", "StringValue": subscription_id},
                    "digest_key": {"DataType": "String", "StringValue": digest_key},
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise PublishError(digest_key, str(exc)) from exc
        return str(response["MessageId"])
