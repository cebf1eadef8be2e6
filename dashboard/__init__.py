"""The Streamlit dashboard: pages → dashboard.data → metrics (queries, locality_progress, figures) → store."""
