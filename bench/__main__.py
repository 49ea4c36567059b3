"""`make bench`: every benchmark in turn (python -m bench [name ...])."""

from __future__ import annotations

import importlib
import sys

ALL = ("check", "lists", "lookalike", "messages", "resolve", "http", "trends")


def main() -> None:
    names = sys.argv[1:] or list(ALL)
    for name in names:
        if name not in ALL:
            raise SystemExit(f"unknown benchmark {name!r}; choose from {', '.join(ALL)}")
        print(f"\n######## bench/{name}.py")
        module = importlib.import_module(f"bench.{name}")
        saved, sys.argv = sys.argv, [f"bench/{name}.py"]
        try:
            module.main()
        finally:
            sys.argv = saved


if __name__ == "__main__":
    main()
