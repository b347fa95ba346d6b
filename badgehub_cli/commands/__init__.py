"""One module per subcommand; each has `register(subparsers)` that sets `run(args, config)`."""
