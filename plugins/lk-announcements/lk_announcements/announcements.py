"""Where ``Announcement`` lived before the plugin took its one shape: kept
because stored objects are pickled under this module path (the class is in
:mod:`.models`, its schema in :mod:`.schemas`, targeting in :mod:`.audience`)."""
from .models import Announcement  # noqa: F401  (stored objects are pickled under this path)
