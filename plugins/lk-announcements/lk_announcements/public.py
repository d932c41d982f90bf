"""Where ``PublicPage`` and ``PublicDocument`` lived before the plugin took
its one shape: kept because stored objects are pickled under this module
path (the classes are in :mod:`.models`, the public page's sections in
:mod:`.sections`)."""
from .models import PublicDocument, PublicPage  # noqa: F401  (stored objects are pickled under this path)
