"""A page as Streamlit's own runner shows it (one run of the real script on the store XHHT_DB
names), for the tests that follow writes from other processes onto the pages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
# The parts of pages drawn once scrolled near (dashboard/near_view.py): So sánh xã's grid, and
# everything of Hồ sơ địa bàn under its indicator table.
NEAR_PARTS = ("compare__table", "profile__below")


def scrolled_down(at: AppTest) -> AppTest:
    """`at` as a browser has it once the reader has scrolled down (or a moment has passed):
    every part drawn when near asked for, as the browser asks."""
    from dashboard.near_view import near_flag

    for part in NEAR_PARTS:
        at.session_state[near_flag(part)] = True
    return at


def profile_rates(
    locality: str = "X23368", year: int = 2025, label: str = "Gia đình học tập"
) -> list[str]:
    """The rates the cards of Hồ sơ địa bàn show for an indicator (one page run)."""
    return profile_view(locality, year, label)[0]


def profile_view(
    locality: str = "X23368", year: int = 2025, label: str = "Gia đình học tập"
) -> tuple[list[str], list[str]]:
    """The rates the cards of Hồ sơ địa bàn show for an indicator, and the page's notices
    (st.info), in one page run."""
    from streamlit.testing.v1 import AppTest

    at = scrolled_down(AppTest.from_file(str(APP), default_timeout=120))
    at.query_params["loc"] = locality
    at.query_params["year"] = str(year)
    at.switch_page("views/profile.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return [str(m.value) for m in at.metric if m.label == label], [str(i.value) for i in at.info]
