"""Sound: pyo graphs for scenes, offline and live.

pyo prints a GUI-toolkit warning on import unless told not to; every module here imports pyo
after this package's ``__init__`` has run, so the setting is made once, here.
"""

import os

os.environ.setdefault("PYO_GUI_WX", "0")
