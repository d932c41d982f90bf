"""Everything is declared in setup.cfg; this adds one build step.

The themes live in the top-level ``themes/`` folder of the repository (where
operators and theme authors look for them), outside the ``lk_platform``
package. A built distribution copies them into the package as
``lk_platform/bundled_themes/``, which is where an installed lk_platform finds
its default themes when ``lk.themes_dir`` is not set (``lk_platform.app``).
An editable install and a checkout use ``themes/`` in place.
"""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

THEMES = "themes"
BUNDLED = os.path.join("lk_platform", "bundled_themes")


class build_py_with_themes(build_py):
    def run(self):
        super().run()
        if not getattr(self, "editable_mode", False):
            target = os.path.join(self.build_lib, BUNDLED)
            shutil.rmtree(target, ignore_errors=True)   # a theme file removed since the last build goes too
            self.copy_tree(THEMES, target)


setup(cmdclass={"build_py": build_py_with_themes})
