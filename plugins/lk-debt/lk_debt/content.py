"""Kept for databases made before ``models.py``: their payments and billing
periods are pickled under ``lk_debt.content``. The classes live in
:mod:`lk_debt.models`."""
from .models import BillingPeriod, Payment  # noqa: F401  (stored objects are pickled under this path)
