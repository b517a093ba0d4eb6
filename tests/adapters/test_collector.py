"""The collector as the serving commands settle it (bench/telegram_bench.py says why)."""

from __future__ import annotations

import gc

from adapters.bootstrap import YOUNG_COLLECTION, build_app, settle_collector


def test_settling_freezes_what_startup_built_and_spaces_young_collections(tmp_path) -> None:
    app = build_app(f"sqlite:///{tmp_path}/gc.sqlite3")
    threshold = gc.get_threshold()
    try:
        settle_collector()
        assert gc.get_freeze_count() > 10_000  # the flows, catalogs and libraries, at least
        assert gc.get_threshold() == (YOUNG_COLLECTION, *threshold[1:])
        assert gc.isenabled()  # collecting still, only less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        app.database.dispose()
