"""The facts of the contact page, as data, with their loader and the hours logic."""

from common.errors import DataError
from knowledge.calendar import JapanCalendar
from knowledge.hours import HoursEngine, Status
from knowledge.loader import default_knowledge, load_knowledge
from knowledge.model import Charge, DayType, Knowledge, Line, Need

__all__ = [
    "Charge",
    "DataError",
    "DayType",
    "HoursEngine",
    "JapanCalendar",
    "Knowledge",
    "Line",
    "Need",
    "Status",
    "default_knowledge",
    "load_knowledge",
]
