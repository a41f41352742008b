"""The embedded default runtime: template.yaml translated by the SAM translator and created as a stack in
moto's CloudFormation, so the demo, the tests and a deployment run one template.

moto cannot run Lambda code and its event-source mappings consume stream records and queue messages, so the
mappings are removed from the stack and the pumps play their part: they read the stream and the queues and
call the handlers in-process with Lambda-shaped events, honouring `batchItemFailures`.

The code is in three modules, and this one names it all in one place (import from here):
- moto_stack: the template translated and created in moto, and the handlers' environment pointed at it;
- stack_resolve: logical -> physical ids, and template fragments resolved to concrete ARNs (IAM proofs);
- event_sources: Lambda-shaped events and contexts, the stream and queue pumps, shadow subscribers.
"""

from __future__ import annotations

from pipewatch_local.event_sources import (
    Handler,
    LambdaContext,
    QueuePump,
    ShadowSubscriber,
    StreamPump,
    add_shadow_subscriber,
    api_gateway_event,
    pattern_matches,
    queue_depth,
)
from pipewatch_local.moto_stack import (
    CODE_BUCKET,
    CODE_KEY,
    EVENT_SOURCE_MAPPING,
    NOT_CREATED_IN_MOTO,
    REGION,
    LocalStack,
    aws_client,
    create_local_stack,
    repo_root,
    strip_event_source_mappings,
    strip_resources,
    translate_template,
    use_stack_environment,
)
from pipewatch_local.stack_resolve import function_role_policies, get_att_logical, physical_ids, resolve

__all__ = [
    "CODE_BUCKET",
    "CODE_KEY",
    "EVENT_SOURCE_MAPPING",
    "NOT_CREATED_IN_MOTO",
    "REGION",
    "Handler",
    "LambdaContext",
    "LocalStack",
    "QueuePump",
    "ShadowSubscriber",
    "StreamPump",
    "add_shadow_subscriber",
    "api_gateway_event",
    "aws_client",
    "create_local_stack",
    "function_role_policies",
    "get_att_logical",
    "pattern_matches",
    "physical_ids",
    "queue_depth",
    "repo_root",
    "resolve",
    "strip_event_source_mappings",
    "strip_resources",
    "translate_template",
    "use_stack_environment",
]
