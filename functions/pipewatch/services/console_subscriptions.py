"""The console's subscriptions: an analyst's own (an admin's: all), created, edited, paused, resumed and
deleted through the subscription service with the analyst as its caller (so its ownership rule answers), and
the preview of
what a filter would have sent in the last 30 days (the digest's `matches` over the agent index)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from pipewatch.domain.models import Update
from pipewatch.domain.subscribers.terms import SubscriptionError
from pipewatch.services import console_views as views
from pipewatch.services.console_auth import (
    Viewer,
)
from pipewatch.services.console_http import ConsoleRequest, ConsoleResponse
from pipewatch.services.console_query import (
    EVENT_TYPES,
)
from pipewatch.services.console_web import PREVIEW_DAYS, PROTOCOLS, ConsoleBase
from pipewatch.services.subscriptions import (
    SubscriptionConflict,
    SubscriptionForbidden,
    SubscriptionNotFound,
)

if TYPE_CHECKING:
    from pipewatch.domain.subscribers.channels import ChannelKind
    from pipewatch.domain.subscribers.records import SubscriptionRecord
    from pipewatch.domain.subscribers.subscriptions import Preferences

# The subscription models (pydantic) are imported by the subscription pages that use them, not with the
# console: its first page (the updates) never does (issue 28).


class SubscriptionPages(ConsoleBase):
    # -- subscriptions -----------------------------------------------------------------------------------
    def _subscription_context(self, viewer: Viewer) -> dict[str, Any]:
        return {
            "agents": self._vocabulary.agents,
            "event_types": [e for e in EVENT_TYPES],
            "protocols": PROTOCOLS,
            "section": "subscriptions",
            "records": self._subscriptions.list(caller=viewer.caller),
        }

    def _owned(
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str
    ) -> SubscriptionRecord | ConsoleResponse:
        """The subscription if the viewer may see and change it (their own; an admin's: any), else the
        answer to give instead: 404 when there is none, 403 "Not yours" when it is another analyst's."""
        try:
            record = self._subscriptions.get(subscription_id[:100])
        except SubscriptionNotFound:
            return self._message(request, 404, "Not found", "There is no such subscription.", viewer)
        if not viewer.caller.may_manage(record):
            return self._message(
                request, 403, "Not yours", "This subscription belongs to another analyst.", viewer
            )
        return record

    def subscriptions_page(
        self, request: ConsoleRequest, viewer: Viewer, status: int = 200, **extra: Any
    ) -> ConsoleResponse:
        context = {
            "title": "Subscriptions",
            "editing": "",
            "form": views.subscription_form(None),
            "preview": None,
            **self._subscription_context(viewer),
            **extra,
        }
        return self._page(request, viewer, "subscriptions.html", status, **context)

    def subscription_page(
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str, status: int = 200, **extra: Any
    ) -> ConsoleResponse:
        record = self._owned(request, viewer, subscription_id)
        if isinstance(record, ConsoleResponse):
            return record
        feeds = list(self._links(record.subscription_id).items()) if self._links else []
        context = {
            "title": "Subscription",
            "editing": record.subscription_id,
            "record": record,
            "feeds": feeds,
            "form": views.subscription_form(record),
            "preview": None,
            **self._subscription_context(viewer),
            **extra,
        }
        return self._page(request, viewer, "subscription.html", status, **context)

    def _preferences(self, form: Mapping[str, str]) -> Preferences:
        from pipewatch.domain.subscribers.subscriptions import Preferences

        def listed(name: str) -> list[str]:
            return [v for v in (form.get(name) or "").split(",") if v]

        return Preferences.model_validate(
            {
                "agents": listed("agents"),
                "event_types": listed("event_types"),
                "min_severity": form.get("min_severity") or "low",
                "mode": form.get("mode") or "instant",
            }
        )

    def preview(self, preferences: Preferences) -> list[Update]:
        """What the filter would have sent in the last PREVIEW_DAYS: the same `matches` the digest uses."""
        from pipewatch.domain.subscribers.subscriptions import matches

        now = self._clock()
        start = now - timedelta(days=PREVIEW_DAYS)
        found = []
        agents = preferences.agents or ("",)
        for agent in agents:
            for item in self._index.newest_first(start=start, end=now + timedelta(seconds=1), agent=agent):
                if matches(preferences, item.update) and item.update not in found:
                    found.append(item.update)
        return sorted(found, key=lambda u: u.first_seen, reverse=True)

    def save_subscription(  # noqa: PLR0911 - one answer per refusal
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str
    ) -> ConsoleResponse:
        form = request.form
        existing = None
        if subscription_id:
            owned = self._owned(request, viewer, subscription_id)
            if isinstance(owned, ConsoleResponse):
                return owned
            existing = owned
        try:
            prefs = self._preferences(form)
        except ValueError as exc:
            return self._form_again(request, viewer, subscription_id, 400, error=f"Not saved: {exc}")
        if form.get("action") == "preview":
            return self._form_again(
                request,
                viewer,
                subscription_id,
                preview=self.preview(prefs),
                form=self._form_values(form, existing),
            )
        protocol = existing.subscription.protocol if existing else form.get("protocol", "email")
        endpoint = existing.subscription.endpoint if existing else (form.get("endpoint") or "").strip()
        try:
            if protocol in ("slack", "teams", "webhook"):
                if existing is not None:
                    return self._form_again(
                        request,
                        viewer,
                        subscription_id,
                        400,
                        error=(
                            "A chat or webhook URL is kept encrypted: delete this subscription and "
                            "create it again to change it."
                        ),
                    )
                kind = cast("ChannelKind", protocol)
                _, secret = self._subscriptions.subscribe_channel(kind, endpoint, prefs, caller=viewer.caller)
                message = "Subscribed." + (
                    f" Webhook signing secret (shown once): {secret}" if secret else ""
                )
            else:
                self._subscriptions.subscribe(
                    {
                        "endpoint": endpoint
                        if protocol != "sms" or endpoint.startswith("sms:")
                        else f"sms:{endpoint}",
                        "preferences": prefs.model_dump(mode="json"),
                    },
                    caller=viewer.caller,
                )
                message = "Saved."
        except (SubscriptionError, ValueError) as exc:
            return self._form_again(
                request,
                viewer,
                subscription_id,
                400,
                error=f"Not saved: {exc}",
                form=self._form_values(form, existing),
            )
        except SubscriptionForbidden:
            return self._message(
                request, 403, "Not yours", "That endpoint's subscription belongs to another analyst.", viewer
            )
        except SubscriptionConflict as exc:
            return self._form_again(request, viewer, subscription_id, 409, error=str(exc))
        return self.subscriptions_page(request, viewer, message=message)

    @staticmethod
    def _form_values(form: Mapping[str, str], existing: Any) -> dict[str, Any]:
        values = views.subscription_form(existing)
        values.update(
            {
                k: form.get(k, values[k])
                for k in ("protocol", "endpoint", "min_severity", "mode")
                if not existing or k not in ("protocol", "endpoint")
            }
        )
        values["agents"] = tuple(v for v in (form.get("agents") or "").split(",") if v)
        values["event_types"] = tuple(v for v in (form.get("event_types") or "").split(",") if v)
        return values

    def _form_again(
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str, status: int = 200, **extra: Any
    ) -> ConsoleResponse:
        if subscription_id:
            return self.subscription_page(request, viewer, subscription_id, status, **extra)
        return self.subscriptions_page(request, viewer, status, **extra)

    def delete_subscription(
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str
    ) -> ConsoleResponse:
        record = self._owned(request, viewer, subscription_id)
        if isinstance(record, ConsoleResponse):
            return record
        try:
            self._subscriptions.unsubscribe(record.subscription_id, caller=viewer.caller)
        except SubscriptionConflict as exc:
            return self.subscriptions_page(request, viewer, 409, error=str(exc))
        return self.subscriptions_page(
            request, viewer, message=f"Deleted the subscription of {record.subscription.endpoint}."
        )

    def pause_subscription(
        self, request: ConsoleRequest, viewer: Viewer, subscription_id: str, *, pause: bool
    ) -> ConsoleResponse:
        record = self._owned(request, viewer, subscription_id)
        if isinstance(record, ConsoleResponse):
            return record
        change = self._subscriptions.pause if pause else self._subscriptions.resume
        try:
            change(record.subscription_id, caller=viewer.caller)
        except SubscriptionConflict as exc:
            return self.subscriptions_page(request, viewer, 409, error=str(exc))
        endpoint = record.subscription.endpoint
        message = (
            f"Paused the subscription of {endpoint}: nothing is sent until you resume it."
            if pause
            else f"Resumed the subscription of {endpoint}."
        )
        return self.subscriptions_page(request, viewer, message=message)
