"""Data migrations: named, ordered steps from the core and the plugins,
recorded in the database when they have run."""
from __future__ import annotations

import logging

from lk_platform.util.dates import utcnow

log = logging.getLogger(__name__)


def all_steps(registry):
    steps = []
    for _plugin, batch in registry.lk.plugins.per_plugin("lk_evolve_steps"):
        steps.extend(batch)
    return sorted(steps, key=lambda s: (s.order, s.name))


def pending(platform, registry):
    return [s for s in all_steps(registry) if s.name not in platform.evolved]


def mark_all_done(platform, registry):
    for step in all_steps(registry):
        platform.evolved[step.name] = utcnow()


def run_pending(platform, registry, transaction_manager):
    """Run each pending step in its own transaction; returns the names run."""
    done = []
    for step in pending(platform, registry):
        log.info("evolve: %s (%s)", step.name, step.title)
        step.run(platform, registry)
        platform.evolved[step.name] = utcnow()
        transaction_manager.commit()
        done.append(step.name)
    return done
