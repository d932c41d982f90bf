"""Kept for databases made before ``models.py``: their ledgers are pickled
under ``lk_debt.ledger.Ledger``. The class lives in :mod:`lk_debt.models`."""
from .models import Ledger  # noqa: F401  (stored objects are pickled under this path)
