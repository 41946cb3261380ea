"""Loaded by pytest before Django starts (`-p` in pyproject.toml), so the
environment is in place when settings are first read.

The suite runs with development defaults (no HTTPS redirect, no SECRET_KEY
requirement); production behaviour is tested separately in a subprocess.
Playwright's sync API runs an event loop in the test thread, and Django would
otherwise refuse database access from it.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
