"""The local ZenML server's dashboard, ready to use: its first-visit survey answered for the local user, so a
browser opens on the pipeline runs instead of the "Add your account details" form."""

from __future__ import annotations

from llm_engineering.domain.exceptions import ImproperlyConfigured

LOCAL_USER = "default"  # the user a local server (`zenml login --local`) creates, with an empty password
RUNS_PATH = "/projects/default/runs"


def runs_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{RUNS_PATH}"


def finish_dashboard_onboarding() -> str:
    """Mark the connected server's current user as onboarded; returns the user's name.

    The dashboard shows its survey while the user's `email_opted_in` is unset and their metadata lacks
    `finished_onboarding_survey`. Only the server's own `/current-user` endpoint accepts `email_opted_in`
    (the users endpoint drops it), so the update goes there; no email is shared.
    """
    from zenml.client import Client
    from zenml.config.global_config import GlobalConfiguration
    from zenml.models import UserUpdate
    from zenml.zen_stores.rest_zen_store import RestZenStore

    # `zenml login` ran in a subprocess: read the configuration it wrote.
    GlobalConfiguration._reset_instance()
    Client._reset_instance()
    client = Client()
    store = client.zen_store
    if not isinstance(store, RestZenStore):
        raise ImproperlyConfigured(
            f"not connected to a ZenML server (the store is {type(store).__name__}): run `zenml login --local`."
        )
    user = client.active_user
    update = UserUpdate(
        email_opted_in=bool(user.email_opted_in),
        user_metadata={**(user.user_metadata or {}), "finished_onboarding_survey": True},
    )
    store.put("/current-user", body=update)
    return user.name
