"""pytest's settings for the whole repository (tests/ and the notebooks under nbval).

Lesson 11 reads your own export from ``my-contacts/`` when you run it in JupyterLab; under test
it must use the shipped sample whatever that folder holds, so that a test run never shows (and
nbval never compares) anyone's own contacts. The kernels nbval starts inherit this variable.
"""

from __future__ import annotations

import os

os.environ["CONTACTKIT_LESSONS_SAMPLE"] = "1"
