"""Exceptions shared by the core. Messages of UserError are Russian and shown to the user as is."""


class UserError(Exception):
    """Bad input or a refused action; the message is Russian and names what to fix."""


class StoreError(UserError):
    """The database file cannot be opened or upgraded."""


class Cancelled(Exception):
    """Long work stopped because the user asked for it; nothing was changed."""


def check_cancel(cancel) -> None:
    """Raise Cancelled when the cancel callback says so (None means never)."""
    if cancel is not None and cancel():
        raise Cancelled()
