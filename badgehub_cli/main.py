"""The `badgehub` command: options, subcommands, and one place that turns failures into words."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import config
from .commands import batches, issue, verify
from .errors import FAILED, INTERRUPTED, CliError
from .output import discard_stdout, safe

# Each subcommand module registers itself.
COMMANDS = (verify, issue, batches)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="badgehub",
        description=(
            "The Open Badges platform from the command line. "
            f"Configured by {config.URL_VARIABLE} and {config.KEY_VARIABLE}."
        ),
        epilog=(
            "Exit status: 0 valid / done, 1 not valid / some rows failed, "
            "2 usage or connection error, 130 interrupted."
        ),
    )
    top.add_argument("--url", help=f"the platform's address (default: ${config.URL_VARIABLE})")
    top.add_argument(
        "--cacert",
        metavar="FILE",
        help=f"CA certificates to trust (default: ${config.CA_VARIABLE})",
    )
    top.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for an answer (default 60)"
    )
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    code = FAILED
    try:
        args = parser().parse_args(argv)  # usage errors exit 2 with argparse's message
        settings = config.load(
            os.environ, url=args.url, ca_bundle=args.cacert, timeout=args.timeout
        )
        code = args.run(args, settings)
        sys.stdout.flush()
    except CliError as failed:
        print(f"badgehub: {safe(failed.message)}", file=sys.stderr)
        return failed.code
    except KeyboardInterrupt:
        print("badgehub: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        discard_stdout()  # the reader went away before the last of the output
    return code
