from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete


def erase_personal_data(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Erase what other apps keep about a deleted account, in the deleting transaction.

    Connected to the user model's ``post_delete``, so every way an account goes (the
    reader's own "delete my account", the admin, a shell) erases the same: the meter's
    history (SQL rows and Redis keys) and every registered holder's part (analytics
    strips the id from its events). Gift links go with the account (a cascade), so none
    opens its article any more.
    """
    from masthead.access import erase_reader
    from masthead.core import personal_data

    erase_reader(instance.pk)
    personal_data.erase_all(instance.pk)


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Erase an account's data wherever it is kept when the account is deleted."""
        from masthead.accounts.models import User

        post_delete.connect(erase_personal_data, sender=User, dispatch_uid="accounts.erase")
