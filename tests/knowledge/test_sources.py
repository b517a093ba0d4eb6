"""Every page sentence the data quotes occurs verbatim in the contact page (whitespace folded)."""

from collections import Counter

import pytest

from knowledge.model import Charge
from tests.knowledge.helpers import SEED_PAGE, fold, knowledge


def _source_params():
    refs = knowledge().sources
    repeated = Counter((ref.file, ref.key) for ref in refs)
    seen: Counter = Counter()
    params = []
    for ref in refs:
        ident = f"{ref.file}:{ref.key}"
        if repeated[ref.file, ref.key] > 1:
            ident += f"#{seen[ref.file, ref.key]}"
            seen[ref.file, ref.key] += 1
        params.append(pytest.param(ref, id=ident))
    return params


@pytest.fixture(scope="module")
def page():
    if not SEED_PAGE.is_file():
        pytest.skip(f"the source page is absent: {SEED_PAGE} (expected beside the repository)")
    return fold(SEED_PAGE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("ref", _source_params())
def test_source_occurs_verbatim_in_page(ref, page):
    assert fold(ref.text) in page, f"{ref.file}: {ref.key}: not on the page: {ref.text!r}"


def test_sources_come_from_every_data_file():
    files = Counter(ref.file for ref in knowledge().sources)
    assert set(files) == {"lines.yaml", "calendar.yaml", "notices.yaml"}
    assert sum(files.values()) >= 60


def test_every_quoted_fact_is_among_the_checked_sources():
    """The verbatim check covers every sentence the objects carry, not just some of them."""
    checked = {fold(ref.text) for ref in knowledge().sources}
    carried = []
    for line in knowledge().lines:
        carried.append(line.source)
        if line.charge_source:
            carried.append(line.charge_source)
        carried += [rule.source for rule in line.rules or ()]
        carried += [closure.source for closure in line.closures]
        carried += [option.source for option in line.options]
    for notice in knowledge().notices.values():
        carried += notice.sources
    for sentences in knowledge().privacy_sections.values():
        carried += sentences
    missing = [text for text in carried if fold(text) not in checked]
    assert not missing


@pytest.mark.parametrize("line", knowledge().lines, ids=lambda line: line.id)
def test_line_number_occurs_in_its_source(line):
    assert line.number in line.source


@pytest.mark.parametrize("line", knowledge().lines, ids=lambda line: line.id)
def test_line_number_occurs_in_page(line, page):
    assert line.number in page


STATED = [line for line in knowledge().lines if line.charge is not Charge.NOT_STATED]
WORDING = {Charge.TOLL_FREE: "toll-free", Charge.CHARGED: "charged"}


@pytest.mark.parametrize("line", STATED, ids=lambda line: line.id)
def test_stated_charge_has_charge_source(line):
    assert line.charge_source, f"{line.id} states {line.charge} without the page's sentence"
    assert WORDING[line.charge] in line.charge_source


def test_only_the_ip_phone_number_has_no_stated_charge():
    assert {line.id for line in knowledge().lines} - {line.id for line in STATED} == {
        "card-navi-ip"
    }
