"""Which language to write to a Slack user in, and the adapter's own few sentences.

The user's locale comes from users.info (``include_locale``), once per user: it is asked on
every message otherwise, and Slack rate-limits users.info.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalog import FALLBACK, Catalog
from bot.language import catalog_language

log = logging.getLogger(__name__)


class Texts:
    """Messages by key in the reader's language: the staff catalog's own (``staff.*``,
    ``slack.*``), else the residents' catalog (topics, languages, the apology)."""

    def __init__(self, catalog: Catalog, staff: Catalog | None = None) -> None:
        self.catalog = catalog
        self.staff = staff or Catalog.load(domain="staff")
        self._staff_keys = self.staff.keys()

    def __call__(self, locale: str | None, key: str, /, **params: object) -> str:
        source = self.staff if key in self._staff_keys else self.catalog
        language = catalog_language(locale, source.languages) or FALLBACK
        return source.text(language, key, **params)


class UserLocales:
    """users.info's ``locale`` per user id, cached; None when Slack cannot tell."""

    def __init__(self, client: WebClient, *, capacity: int = 10_000) -> None:
        self.client = client
        self.capacity = capacity
        self._known: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def get(self, user: str) -> str | None:
        with self._lock:
            if user in self._known:
                return self._known[user]
        try:
            response = self.client.users_info(user=user, include_locale=True)
        except (SlackApiError, OSError) as exc:
            # Not cached: the next message asks again; meanwhile the engine picks the language
            # from what the user writes.
            log.warning("users.info failed: %r", exc)
            return None
        user_info: dict[str, Any] = response.get("user") or {}
        locale = str(user_info["locale"]) if user_info.get("locale") else None
        with self._lock:
            if len(self._known) >= self.capacity:
                self._known.clear()  # simpler than LRU; a refill costs one call per user
            self._known[user] = locale
        return locale
