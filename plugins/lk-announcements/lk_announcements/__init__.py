"""Announcements for residents and the organisation's public pages.

Staff write announcements (sanitised formatting, importance, targeting,
publish/expire times, pinning, optional e-mail at publication); residents
see those addressed to their accounts on the dashboard and in a list. The
organisation publishes contacts, schedule, tariffs and documents on its
public page, readable without logging in.
"""
