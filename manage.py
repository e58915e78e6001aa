#!/usr/bin/env python
"""Django's command-line utility for ParIndex."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    # Tells the settings which command runs: one that serves pages still needs SECRET_KEY at start.
    os.environ["PARINDEX_COMMAND"] = sys.argv[1] if len(sys.argv) > 1 else "help"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
