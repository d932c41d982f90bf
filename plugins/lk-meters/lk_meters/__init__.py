"""Meters and meter readings for lk_platform (the ``meters`` plugin)."""
