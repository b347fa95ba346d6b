"""Open Badges platform: the shared code every function uses (domain, use cases, adapters)."""
