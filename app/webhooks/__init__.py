"""Signed webhooks: subscriptions, the events written with the changes that cause them,
and their delivery by the workers (Standard Webhooks)."""
