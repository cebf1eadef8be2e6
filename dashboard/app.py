"""The dashboard's script: the page setup, the language, who is signed in (and, when viewing needs
it, the sign-in gate) and the navigation; each page is a short script in dashboard/views/ (not
pages/, which Streamlit would also read as its older multipage layout). The server that runs it,
with the sign-in pages beside it, is dashboard/server.py: `streamlit run dashboard/server.py`."""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts dashboard/ on sys.path, not the project root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import access, ui  # noqa: E402
from dashboard.i18n import LANGS, t  # noqa: E402

# An emoji, not a ":material/…" icon: Streamlit fetches those favicons from Google's font
# servers, and the dashboard must show nothing from outside the office network.
st.set_page_config(page_title="Xã hội học tập", page_icon="🎓", layout="wide")

# Vietnamese by default; ?lang=en opens the English interface.
st.sidebar.radio(
    "Ngôn ngữ / Language",
    list(LANGS),
    index=list(LANGS).index(st.query_params.get("lang", "vi"))
    if st.query_params.get("lang") in LANGS
    else 0,
    format_func=LANGS.__getitem__,
    key="lang",
    horizontal=True,
)
if st.session_state["lang"] != "vi":
    st.query_params["lang"] = st.session_state["lang"]
elif "lang" in st.query_params:
    del st.query_params["lang"]

# Streamlit's own widget words ("Upload", "Select all") in that language; pills that wrap.
ui.widget_style()

access.gate()  # before any page: when viewing needs a sign-in, nobody unsigned gets further

PAGES = Path(__file__).resolve().parent / "views"
nav = st.navigation(
    [
        st.Page(
            PAGES / "overview.py",
            title=t("nav_overview"),
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page(PAGES / "compare.py", title=t("nav_compare"), icon=":material/leaderboard:"),
        st.Page(PAGES / "profile.py", title=t("nav_profile"), icon=":material/location_city:"),
        st.Page(PAGES / "export.py", title=t("nav_export"), icon=":material/download:"),
        st.Page(
            PAGES / "import_data.py",
            title=t("nav_import"),
            icon=":material/upload_file:",
            url_path="import",
        ),
        st.Page(
            PAGES / "report_form.py",
            title=t("nav_report"),
            icon=":material/edit_note:",
            url_path="bao-cao-xa",
        ),
        st.Page(
            PAGES / "review.py",
            title=t("nav_review"),
            icon=":material/fact_check:",
            url_path="duyet-bao-cao",
        ),
        st.Page(PAGES / "method.py", title=t("nav_method"), icon=":material/menu_book:"),
    ]
)
st.sidebar.caption(t("app_title"))
ui.store_key()  # a missing or foreign store stops here with instructions, not a traceback
nav.run()
