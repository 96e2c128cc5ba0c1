#!/usr/bin/env python
"""The example host's manage.py: `python django_integration/manage.py runserver`."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_host.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
