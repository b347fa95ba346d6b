"""`badgehub`: the issuer's command line for the platform's HTTP API (stdlib only)."""
