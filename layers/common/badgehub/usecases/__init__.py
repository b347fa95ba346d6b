"""Use cases: orchestrate the pure domain and the ports. No AWS here."""
