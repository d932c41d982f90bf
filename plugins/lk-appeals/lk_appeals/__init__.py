"""lk-appeals: residents' appeals (обращения) with correspondence, photos,
routing by category, SLA deadlines in working days, a staff queue, ratings
and a period report. The entry point is :mod:`lk_appeals.plugin`."""
