"""`python -m cloud_api.migrations regenerate`: rewrite the initial revision from the models."""
from __future__ import annotations

import sys

from cloud_api.migrations import regenerate_initial


def main(argv: list[str]) -> int:
    if argv != ["regenerate"]:
        print("usage: python -m cloud_api.migrations regenerate", file=sys.stderr)
        return 2
    print(regenerate_initial().name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
