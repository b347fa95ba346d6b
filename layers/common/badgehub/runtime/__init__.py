"""Lambda runtime glue: settings, HTTP error table, lazy wiring of adapters."""
