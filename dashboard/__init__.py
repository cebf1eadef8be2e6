"""The Streamlit dashboard: pages → dashboard.data → metrics (queries, report, figures) → store."""
