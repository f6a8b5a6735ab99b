"""How old a document is, from the dates its catalogue entry gives ("© 2023", "reviewed March
2021, next review 2024"): the latest year in them that is not in the future. Health information
is usually reviewed every few years, so staff and patients are told when a source is older than
`stale_after_years` (QA_STALE_AFTER_YEARS)."""

from __future__ import annotations

import datetime
import re

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def latest_year(dates: str, this_year: int) -> int | None:
    """The latest year named in `dates` that has begun; None when it names none."""
    years = [int(y) for y in _YEAR.findall(dates) if int(y) <= this_year]
    return max(years) if years else None


def age_note(dates: str, stale_after_years: int, today: datetime.date | None = None) -> str:
    """A warning when the document's latest date is more than `stale_after_years` years ago;
    empty when it is recent enough or gives no year."""
    today = today or datetime.date.today()
    year = latest_year(dates, today.year)
    if year is None or today.year - year <= stale_after_years:
        return ""
    return f"dated {year}: over {stale_after_years} years old; check it is still current"
