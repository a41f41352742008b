"""Monthly AWS cost of pipewatch from measured request counts (bench/fanout.py's runs under moto) and public
unit prices. No free tier is applied (a new account pays less).

PRICES: us-east-1 list prices, as published on the AWS pricing pages and known to the author as of
2025-11 (DynamoDB on-demand after the November 2024 reduction). This machine is offline, so they were NOT
re-checked when this bench ran: verify on aws.amazon.com/pricing before quoting a figure to a customer.

Assumptions (stated, not measured): Lambda arm64 at 512 MB; each poll task waits ASSUMED_NETWORK_S on the
real network on top of its measured in-process time; Lambda's SQS pollers long-poll an empty queue
continuously; new updates per day are an input (the recorded payloads cannot say how busy a pipeline is).
Run: .venv/bin/python bench/cost.py
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout import CycleFigures, measure

PRICES_AS_OF = "2025-11 (us-east-1 list prices, not re-checked offline)"
PRICE = {
    "lambda_gb_s_arm": 0.0000133334,  # USD per GB-second, arm64
    "lambda_request": 0.20 / 1e6,
    "sqs_request": 0.40 / 1e6,  # standard queue, per 64 KB request
    "ddb_wru": 0.625 / 1e6,  # on-demand write request unit
    "ddb_rru": 0.125 / 1e6,  # on-demand read request unit (eventually consistent read of 4 KB = 0.5)
    "ddb_storage_gb": 0.25,  # per GB-month
    "ddb_pitr_gb": 0.20,  # per GB-month
    "sns_publish": 0.50 / 1e6,
    "sns_email": 2.00 / 1e5,
    "scheduler_invocation": 1.00 / 1e6,
    "cw_alarm": 0.10,  # standard-resolution alarm per month
    "cw_dashboard": 3.00,  # per dashboard per month (first 3 per account free)
    "cw_logs_ingest_gb": 0.50,
    "xray_trace": 5.00 / 1e6,
}
RUNS_PER_MONTH = {"news": 30 * 24 * 4, "registry": 30 * 24}  # every 15 minutes / hourly
DIGEST_RUNS = 30
ALARMS = 9
ASSUMED_NETWORK_S = 1.0
MEMORY_GB = 0.5
POLL_BATCH = 4
SQS_POLLER_REQUESTS = 5 * 3 * 60 * 24 * 30  # 5 long-polling pollers x 3 empty receives a minute
LOG_KB_PER_INVOCATION = 2.0


@dataclass
class Scenario:
    name: str
    agents: int
    new_updates_per_day: int
    email_subscribers: int
    table_gb: float


def monthly(s: Scenario, steady: list[CycleFigures]) -> dict[str, float]:
    cost: dict[str, float] = {}
    invocations = gb_s = sqs = rru = wru = 0.0
    for fig in steady:
        runs = RUNS_PER_MONTH[fig.source_class]
        per_task = fig.poll_seconds / max(fig.messages, 1) + ASSUMED_NETWORK_S
        poll_invocations = math.ceil(fig.tasks / POLL_BATCH)
        invocations += runs * (1 + poll_invocations)
        gb_s += runs * MEMORY_GB * (fig.plan_seconds + 0.1 + fig.tasks * per_task)
        sqs += runs * (fig.count("plan", "sqs:") + fig.count("poll", "sqs:"))
        rru += runs * 0.5 * (fig.count("poll", "dynamodb:GetItem") + fig.count("poll", "dynamodb:Query"))
        # up to 100 keys; 25 typical; strongly consistent (the stored-ids check and the story claims are one
        # read, Store.read_intake), so 1 RRU a key
        rru += runs * 1.0 * fig.count("poll", "dynamodb:BatchGetItem") * 25
        wru += runs * fig.item_writes
    updates = s.new_updates_per_day * 30
    # A new update: item + gsi1 write (2 WRU), alert idempotency put + update (2 WRU), one publish.
    wru += updates * 4
    invocations += updates + DIGEST_RUNS  # worst case: one alert invocation per update
    gb_s += (updates * 0.3 + DIGEST_RUNS * 2) * MEMORY_GB
    cost["Lambda requests"] = invocations * PRICE["lambda_request"]
    cost["Lambda compute (arm64 GB-s)"] = gb_s * PRICE["lambda_gb_s_arm"]
    cost["SQS requests (+ idle long polling)"] = (sqs + SQS_POLLER_REQUESTS) * PRICE["sqs_request"]
    cost["DynamoDB reads"] = rru * PRICE["ddb_rru"]
    cost["DynamoDB writes"] = wru * PRICE["ddb_wru"]
    cost["DynamoDB storage + PITR"] = s.table_gb * (PRICE["ddb_storage_gb"] + PRICE["ddb_pitr_gb"])
    cost["SNS publishes + e-mail deliveries"] = updates * (
        PRICE["sns_publish"] + s.email_subscribers * PRICE["sns_email"]
    )
    cost["EventBridge Scheduler"] = (sum(RUNS_PER_MONTH.values()) + DIGEST_RUNS) * PRICE[
        "scheduler_invocation"
    ]
    cost["CloudWatch alarms + dashboard"] = ALARMS * PRICE["cw_alarm"] + PRICE["cw_dashboard"]
    cost["CloudWatch Logs ingestion"] = invocations * LOG_KB_PER_INVOCATION / 1e6 * PRICE["cw_logs_ingest_gb"]
    cost["X-Ray traces (upper bound)"] = invocations * PRICE["xray_trace"]
    cost["_invocations"] = invocations
    cost["_wru"] = wru
    cost["_rru"] = rru
    return cost


def main() -> None:
    scenarios = [
        Scenario("default watchlist", agents=0, new_updates_per_day=10, email_subscribers=5, table_gb=0.05),
        Scenario("1,000 agents", agents=1000, new_updates_per_day=300, email_subscribers=50, table_gb=2.0),
    ]
    print(f"pipewatch monthly cost; unit prices {PRICES_AS_OF}; no free tier applied")
    for name, price in PRICE.items():
        print(f"  price {name}: {price:.10g} USD")
    for scenario in scenarios:
        cycles = measure(scenario.agents, cycles=2)
        steady = cycles[-1]  # an unchanged cycle: what most cycles are
        costs = monthly(scenario, steady)
        tasks = {f.source_class: f.tasks for f in steady}
        print(
            f"\n{scenario.name}: tasks per run {tasks}, measured per unchanged run: "
            + "; ".join(f"{f.source_class} {dict(f.requests)}" for f in steady)
        )
        print(
            f"  assumed: {scenario.new_updates_per_day} new updates/day, {scenario.email_subscribers} e-mail "
            f"subscribers, table {scenario.table_gb} GB; month = {costs['_invocations']:.0f} invocations, "
            f"{costs['_wru']:.0f} WRU, {costs['_rru']:.0f} RRU"
        )
        for item, usd in costs.items():
            if not item.startswith("_"):
                print(f"  {item:40s} {usd:10.2f} USD")
        total = sum(v for k, v in costs.items() if not k.startswith("_"))
        print(f"  {'TOTAL per month':40s} {total:10.2f} USD")


if __name__ == "__main__":
    main()
