"""Writes flows/everyday_words.txt: the everyday words of the Latin-script languages residents
write in, which the cue finder (bot/cues.py) never mends into a cue (`leaving` is not `leaking`,
Vietnamese `thiep` is not `thief`).

Run by hand when the list should change (it is data, committed; the bot does not need this
script's library): ``pip install wordfreq && python tools/everyday_words.py``.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import wordfreq  # type: ignore[import-not-found, unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.cues import everyday_form

OUT = Path(__file__).resolve().parents[1] / "flows" / "everyday_words.txt"
# wordfreq's codes of the Latin-script languages the call centers speak (`fil` is Tagalog).
LANGUAGES = ("en", "es", "pt", "id", "fil", "vi")
TOP = 12000

HEADER = f"""\
# Everyday words that bot/cues.py never mends into a cue: the {TOP} most frequent words of
# {", ".join(LANGUAGES)}, folded as cues are (accents off), of four letters or more.
# Written by tools/everyday_words.py from wordfreq {version("wordfreq")}'s lists
# (https://github.com/rspeer/wordfreq), whose data is licensed CC BY-SA 4.0; so is this file.
"""


def main() -> None:
    words = {
        form
        for language in LANGUAGES
        for word in wordfreq.top_n_list(language, TOP)
        if (form := everyday_form(word)) is not None
    }
    OUT.write_text(HEADER + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
