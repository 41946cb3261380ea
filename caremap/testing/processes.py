"""Running a snippet of Python in a fresh interpreter, as a deployment would
start, with a chosen environment. Used by tests of start-up behaviour."""

import os
import subprocess
import sys

CLEARED = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}


def run_python(code, **environment):
    """Run `code` with the current environment minus the deployment settings
    in CLEARED, plus `environment`; return the CompletedProcess."""
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(environment)
    return subprocess.run(  # noqa: S603 - the interpreter running the tests, fixed code
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def django_probe(statements):
    """Code that starts Django with caremap.settings, then runs `statements`."""
    return (
        "import os, json, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'caremap.settings'\n"
        "django.setup()\n" + statements
    )
