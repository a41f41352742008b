"""Subscribers: subscriptions and their records, chat/webhook destinations, SNS filter-policy semantics,
signed links, readers' feedback and what delivery exchanges. Pure."""
