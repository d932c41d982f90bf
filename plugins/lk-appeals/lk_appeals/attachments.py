"""Where attachments were defined before ``models``: stored files are
pickled under this path, so existing databases load through it. Checking
uploads is :mod:`lk_appeals.uploads`."""
from .models import Attachment  # noqa: F401  (stored objects are pickled under this path)
