"""Blocks of fields that an app above this one adds to the Office Use Only section of some form types.

The Client Level Data block (cld.block.CldBlock) is one: forms_engine stores its answers in the form's own columns,
shows it, prints it and refuses to set a form Complete while it lacks a required answer, but knows it only through
this interface, so that forms_engine never imports cld. settings.FORM_BLOCKS names the blocks, as MIDDLEWARE names
middleware.
"""

import abc
import functools

from django.conf import settings
from django.utils.module_loading import import_string


class FormBlock(abc.ABC):
    """What the form page, the actions and printing ask of a block."""

    name = ""  # the block's name in FormIncomplete.blocks and the prefix of its fields
    title = ""  # its heading on pages and in print
    template_name = ""  # the block on an editable form page: context `block` (this), `part` (from part())
    display_template_name = ""  # the block on a read-only page: context `block`, `rows` (from display())
    script = ""  # a static file the editable page loads for it, if any
    admin_inlines = ()  # inlines the form type's admin page shows for it

    @abc.abstractmethod
    def applies_to(self, form_type):
        """Whether forms of this type carry the block."""

    @abc.abstractmethod
    def form(self, form, data=None):
        """A Django form of the block for this form: bound to posted data, or showing the stored answers.

        Once valid, `columns()` gives the Form columns to store (fields that do not apply stored empty), `cleared`
        names the answers that no longer apply, and `show_missing(fields)` marks fields needed to complete.
        """

    @abc.abstractmethod
    def missing(self, form):
        """The (field, label) pairs of required answers the form's columns lack, in the block's order."""

    @abc.abstractmethod
    def display(self, form):
        """The (label, answer) pairs of the stored block, for read-only pages and print."""

    def part(self, form, block_form):
        """What the editable page shows beside the block's fields (e.g. how complete it is)."""
        return {}

    def on_complete(self, form):
        """Called by the action that sets the form Complete, before it is saved: e.g. to keep what the block's
        answers refer to as it then stands. By default nothing."""
        return

    def refusal(self, form):
        """(field, message) when the form's columns break one of the block's rules (e.g. an event ending before it
        started), or None: the actions refuse to save such a form."""
        return None

    def clone(self, form):
        """(columns, labels): the form's block columns that a clone of it starts with, and the labels of the answers
        it leaves out. By default a clone starts with none."""
        return {}, []


@functools.cache
def all_blocks():
    return tuple(import_string(path)() for path in settings.FORM_BLOCKS)


def blocks_for(form_type):
    """The blocks that forms of this type carry."""
    return [block for block in all_blocks() if block.applies_to(form_type)]
