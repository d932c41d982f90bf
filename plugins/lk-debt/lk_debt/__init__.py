"""lk_platform plugin ``debt``: accruals, payments and debt per personal account."""
