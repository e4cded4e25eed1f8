"""The `homeward` command: Django's management commands with Homeward's settings, plus ours."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["homeward", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
