"""What the plugin does when content changes (the core's add, edit and
delete events): keep the meters' building index, the period indexes, the
window lookup table and the residents' cached pages in step."""
from __future__ import annotations

from lk_platform.model.events import ObjectAdded, ObjectModified, ObjectRemoved

from .meters import CONTAINER, meters_of_account, note_building
from .readings import forget_meter, retag_meter, touch_account
from .windows import rebuild_lookup

#: Account fields that make up the address (the meters' building key).
ADDRESS = {"settlement", "street", "house", "building"}


def follow(organisation, event):
    if not isinstance(event, (ObjectAdded, ObjectModified, ObjectRemoved)):
        return
    if event.content_type == "meter_window":
        rebuild_lookup(organisation)
    elif event.content_type == "meter":
        meter_changed(organisation, event)
    elif event.content_type == "account" and isinstance(event, ObjectModified) and ADDRESS & set(event.changes):
        address_changed(organisation, event.object)


def meter_changed(organisation, event):
    touch_account(event.object)
    if isinstance(event, ObjectModified) and "account" in event.changes:
        touch_account(event.object, event.changes["account"][0])  # the account it left
    if isinstance(event, ObjectRemoved):
        forget_meter(organisation, event.object.id)
        return
    note_building(organisation, event.object)
    if isinstance(event, ObjectModified) and {"account", "resource"} & set(event.changes):
        retag_meter(organisation, event.object)


def address_changed(organisation, account):
    """The address feeds the meters' building index and the period indexes."""
    folder = organisation.get(CONTAINER)
    for meter in meters_of_account(organisation, account.number):
        folder.reindex(meter)
        note_building(organisation, meter)
        retag_meter(organisation, meter)
