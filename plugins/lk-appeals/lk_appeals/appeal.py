"""Where appeals and their messages were defined before ``models``: stored
objects are pickled under this path, so existing databases load through it."""
from .models import Appeal, HistoryEntry, Message  # noqa: F401  (stored objects are pickled under this path)
