"""Fixtures for the meters plugin's tests (the app, database and browser
fixtures come from ``lk_platform.testing`` through the root conftest;
arranging helpers are in ``lk_meters.testing``)."""
from __future__ import annotations

import os
import shutil

import pytest

from lk_platform.testing import make_settings


@pytest.fixture
def lk_settings(tmp_path, request):
    """The core's settings. A test that uses the demo gets a copy of the
    session's demo database (``lk_demo_template``) rather than loading it
    again: the same data, without hashing the demo passwords for every test."""
    settings = make_settings(tmp_path)
    if "lk_demo" in request.fixturenames:
        copy_demo(request.getfixturevalue("lk_demo_template"), tmp_path / "var")
    return settings


def copy_demo(template, var):
    """The session's demo database (its folder ``template``) into ``var``."""
    for name in ("Data.fs", "Data.fs.index"):
        if os.path.exists(os.path.join(template, name)):
            shutil.copy(os.path.join(template, name), var / name)
    if os.path.isdir(os.path.join(template, "blobs")):
        shutil.copytree(os.path.join(template, "blobs"), var / "blobs", dirs_exist_ok=True)


@pytest.fixture
def lk_demo(lk_app):
    """The demo, already in the copied database."""
    return lk_app
