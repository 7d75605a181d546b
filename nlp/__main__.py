"""Standalone entry point: `python -m nlp {tag,eval,train} …` (no stored corrections)."""

import argparse
import sys

from nlp.cli import register


def main(argv: list[str] | None = None) -> int:
    """Parse `nlp` sub-commands and run one."""
    parser = argparse.ArgumentParser(prog="python -m nlp")
    register(parser.add_subparsers(dest="command", required=True), lambda: [])
    args = parser.parse_args(["nlp", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
