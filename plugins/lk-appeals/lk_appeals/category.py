"""Where appeal categories were defined before ``models``: stored objects
are pickled under this path, so existing databases load through it."""
from .models import Category  # noqa: F401  (stored objects are pickled under this path)
