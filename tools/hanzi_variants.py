"""Writes flows/hanzi_variants.txt: the traditional forms of the Chinese characters the cues of
flows/*.yaml are written with, each beside its simplified form, so that a resident writing
traditional Chinese (`請問個人番號卡遺失`) is read by the same cues (`个人番号卡`, `遗失`).

Run by hand when the cues gain characters (the list is data, committed; the bot does not need
this script's library): ``pip install opencc-python-reimplemented && python
tools/hanzi_variants.py``.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import opencc  # type: ignore[import-not-found, import-untyped, unused-ignore]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "flows" / "hanzi_variants.txt"
TABLE = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"

HEADER = f"""\
# Traditional Chinese characters and the simplified form the cues are written in (one pair a
# line), for the characters of flows/*.yaml only. Read by bot/cues.py; written by
# tools/hanzi_variants.py from OpenCC's TSCharacters (opencc-python-reimplemented
# {version("opencc-python-reimplemented")}, https://github.com/BYVoid/OpenCC, Apache License 2.0).
"""


def main() -> None:
    written = {char for path in ROOT.glob("flows/*.yaml") for char in path.read_text("utf-8")}
    table = [line.split() for line in TABLE.read_text(encoding="utf-8").splitlines()]
    targets = {char for _, *simplified in table for char in simplified}
    pairs = [
        f"{traditional} {simplified[0]}"
        for traditional, *simplified in table
        # Its first (most common) simplified form, when the cues use it; not itself the
        # simplified form of another character (`乾` is one for `干`), whose reading would
        # then be changed.
        if simplified[0] in written and traditional not in targets
    ]
    OUT.write_text(HEADER + "\n".join(sorted(pairs)) + "\n", encoding="utf-8")
    print(f"{len(pairs)} pairs -> {OUT}")


if __name__ == "__main__":
    main()
