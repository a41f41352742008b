"""Rendering: SMS, e-mail, chat cards, the update page, digests, webhooks and feeds. Pure."""
