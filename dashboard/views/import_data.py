"""Nhập dữ liệu: templates, a file checked and previewed before anything is written, the
history of imports with rollback. Writing needs a signed-in editor, limited to their provinces."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import access, data, ui
from dashboard.i18n import ind_labels, lang, t
from metrics.escaping import markdown_literal
from metrics.fmt import DATETIME_FORMAT, fmt_datetime, fmt_int
from metrics.inputs import MAX_FILE_BYTES, TEMPLATE_FILE_NAMES
from metrics.inputs.flow import preview_changes
from metrics.table_columns import shown_table

PAGE = "import"
PREVIEW_ROWS = 1000  # rows of a checked file shown (all are written)
key = ui.store_key()
ui.banner(key)
st.title(t("import_title"))

# --- Who is writing -----------------------------------------------------------------------
# Signed in once for the whole dashboard (dashboard/access.py): a session cookie or the identity
# provider. Only an editor or admin writes; `account` is that person, or None.
who = access.principal()
account = who if who is not None and who.may_write_any else None
if account is None:
    accounts = access.accounts()
    if who is not None:
        st.info(
            t("import_view_only", name=markdown_literal(who.display_name)), icon=":material/lock:"
        )
    elif accounts is not None and not accounts.account and not access.oidc_configured():
        st.info(t("import_no_editors"), icon=":material/lock:")
    else:
        st.markdown(t("import_sign_in"))
        access.sign_in_choices(accounts)
allowed = None if account is None else account.allowed_provinces

# --- Templates ------------------------------------------------------------------------------
st.subheader(t("import_templates"))
st.caption(t("import_templates_caption"))
labels = {
    "wide": t("import_template_wide"),
    "long": t("import_template_long"),
    "targets": t("import_template_targets"),
    "list": t("import_template_list"),
    "context": t("import_template_context"),
    "education": t("import_template_education"),
    "plans": t("import_template_plans"),
}
# Two a row: four buttons in one row cut their labels at 1440 px.
cols = st.columns(2)
for i, (kind, label) in enumerate(labels.items()):
    cols[i % 2].download_button(
        label,
        data=data.template(kind),
        file_name=TEMPLATE_FILE_NAMES[kind],
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{PAGE}__tpl_{kind}",
        on_click="ignore",
    )

# --- A file: check, preview, write ------------------------------------------------------------
st.subheader(t("import_file_heading"))
upload = st.file_uploader(
    t("import_file_label", mb=MAX_FILE_BYTES // (1024 * 1024)),
    key=f"{PAGE}__file_{st.session_state.get(f'{PAGE}__uploads', 0)}",  # a new key empties it after a write
)
if upload is not None:
    content = upload.getvalue()
    # Read and checked once; reruns and the write reuse it (data.preview_import).
    result = data.preview_import(key, upload.name, content, None, allowed)
    sheets = result.sheet_names
    auto = t("import_sheet_auto")
    sheet = (
        st.selectbox(t("import_sheet"), [auto, *sheets], key=f"{PAGE}__sheet")
        if len(sheets) > 1
        else auto
    )
    chosen = None if sheet == auto else sheet
    if chosen is not None:
        result = data.preview_import(key, upload.name, content, chosen, allowed)
    for note in result.notes:
        st.caption(f"· {markdown_literal(note)}")
    if result.status == "refused":
        st.error(
            t(
                "import_refused",
                name=markdown_literal(upload.name),
                count=fmt_int(len(result.problems), lang=lang()),
            ),
            icon=":material/error:",
        )
        ui.problems_table(
            [(p.sheet, p.row, p.column, p.message) for p in result.problems],
            name=upload.name.rsplit(".", 1)[0],
            key=f"{PAGE}__problems_csv",
        )
    else:
        st.success(
            t(
                "import_valid",
                rows=fmt_int(result.rows, lang=lang()),
                kind={
                    "results": t("import_kind_results"),
                    "targets": t("import_kind_targets"),
                    "recognitions": t("import_kind_recognitions"),
                    "context": t("import_kind_context"),
                    "education": t("import_kind_education"),
                    "plans": t("import_kind_plans"),
                }[result.kind or "results"],
                sheet=markdown_literal(result.sheet),
                new=fmt_int(result.new, lang=lang()),
                changed=fmt_int(result.changed, lang=lang()),
                unchanged=fmt_int(result.unchanged, lang=lang()),
            ),
            icon=":material/check_circle:",
        )
        for warning in result.warnings:  # written all the same, once the officer has looked
            st.warning(markdown_literal(warning), icon=":material/warning:")
        if result.preview is not None and result.preview.height:
            changes = {
                "new": t("import_change_new"),
                "changed": t("import_change_changed"),
                "unchanged": t("import_change_unchanged"),
            }
            shown = preview_changes(result.preview, result.kind, lang()).with_columns(
                pl.col("change").alias("_order"),
                pl.col("change").replace_strict(changes),
                pl.col("_row").alias("row"),
                pl.col("_locality").alias("locality"),
                (
                    pl.col("indicator").replace_strict(
                        ind_labels(short=True), default=pl.col("indicator")
                    )
                    if "indicator" in result.preview.columns
                    else pl.lit(None, dtype=pl.String)  # a context or education row has none
                ).alias("indicator_label"),
            )
            if result.kind == "results":
                fields = ["change", "row", "locality", "year", "indicator_label", "rate_change"]
                fields += ["total", "registered", "recognized", "recognized_old"]
            elif result.kind == "recognitions":
                shown = shown.rename(
                    {
                        "rate_change": "result_change",
                        "name": "unit_name",
                        "decision_number": "decision",
                    }
                )
                fields = ["change", "row", "locality", "year", "indicator_label", "unit_name"]
                fields += ["result_change", "decision"]
            elif result.kind in ("context", "education"):
                said = f"{result.kind}_change"
                shown = shown.rename({"rate_change": said})
                fields = ["change", "row", "locality", "year", said]
            elif result.kind == "plans":
                shown = shown.rename(
                    {"rate_change": "target_change", "item_text": "plan_item"}
                ).with_columns(pl.col("source").alias("plan_source"))
                fields = ["change", "row", "locality", "plan_item", "target_year"]
                fields += ["target_change", "plan_source"]
            else:
                shown = shown.rename({"rate_change": "target_change"})
                fields = ["change", "row", "locality", "indicator_label", "target_year"]
                fields += ["target_change"]
            if shown.height > PREVIEW_ROWS:
                # Formatting every cell (pandas Styler) stops at 262.144 cells: a large file shows
                # its first rows, and says how many there are.
                st.caption(
                    t(
                        "import_preview_first",
                        shown=fmt_int(PREVIEW_ROWS, lang=lang()),
                        total=fmt_int(shown.height, lang=lang()),
                    )
                )
                order = pl.col("_order").replace_strict({"changed": 0, "new": 1, "unchanged": 2})
                shown = shown.sort(order, maintain_order=True).head(PREVIEW_ROWS)
            ui.table(shown_table(shown, fields, lang()))
        if result.new == 0 and result.changed == 0:
            st.info(t("import_nothing_new"))
        elif account is None:
            st.warning(t("import_sign_in_to_write"), icon=":material/lock:")
        else:
            # The file as checked: pressed twice, it is written once.
            token = f"{result.file_sha256}:{result.sheet}:{result.new}:{result.changed}"
            if ui.write_button(
                t("import_write", count=fmt_int(result.new + result.changed, lang=lang())),
                type="primary",
                key=f"{PAGE}__write",
                token=token,
            ):
                with ui.write_status(f"{PAGE}__write", token, t("import_writing")) as w:
                    done = data.commit_import(key, result, account.name)
                    w.ok = done.status == "imported" and bool(done.batch)
                    if w.ok:
                        # Kept before anything is drawn: a rerun asked meanwhile stops the
                        # script at its next element, and the outcome must survive it.
                        st.session_state[f"{PAGE}__uploads"] = (
                            st.session_state.get(f"{PAGE}__uploads", 0) + 1
                        )
                        st.session_state[f"{PAGE}__done"] = t(
                            "import_done",
                            batch=done.batch,
                            new=fmt_int(done.new, lang=lang()),
                            changed=fmt_int(done.changed, lang=lang()),
                        )
                    w.box.update(
                        label=t("import_write_ok") if w.ok else t("import_write_not_ok"),
                        state="complete" if w.ok else "error",
                    )
                if w.ok:
                    st.rerun()
                st.error(
                    t(
                        "import_write_failed",
                        problems="; ".join(map(markdown_literal, done.problems)),
                    )
                )
if msg := st.session_state.pop(f"{PAGE}__done", None):
    st.success(msg, icon=":material/check_circle:")

# --- History and rollback ----------------------------------------------------------------------
st.subheader(t("import_history"))
history = data.batches(key)
kinds = {
    "registers": t("import_batch_registers"),
    "demo": t("import_batch_demo"),
    "seed": t("import_batch_seed"),
    "import": t("import_batch_import"),
    "round": t("import_batch_round"),
}
states = {"active": t("import_batch_active"), "rolled_back": t("import_batch_rolled_back")}
undone = pl.concat_str(
    pl.col("rolled_back_at").dt.strftime(DATETIME_FORMAT),
    pl.col("rolled_back_by").fill_null("–"),
    separator=", ",
)
history_table = history.select(
    pl.col("id").alias("batch"),
    pl.col("created_at").dt.strftime(DATETIME_FORMAT),
    "created_by",
    pl.col("kind").replace_strict(kinds, default=t("import_batch_other")).alias("batch_kind"),
    "file_name",
    "rows",
    pl.col("status").replace_strict(states, default="").alias("batch_status"),
    undone.alias("rolled_back"),
    pl.col("file_sha256").str.slice(0, 12),
)
ui.table(shown_table(history_table, history_table.columns, lang()))
undoable = history.filter(
    pl.col("kind").is_in(["import", "round"]) & (pl.col("status") == "active")
)
if account is not None and undoable.height:
    # A batch is rolled back whole: an editor sees only the batches lying wholly in their
    # provinces, whoever imported them (the recorded user name proves nothing).
    touched = data.provinces_of_active_imports(key)
    if touched is None:
        st.caption(t("import_store_busy"))
        touched = {}
    mine_ids = [b for b in undoable["id"].to_list() if account.may_roll_back(touched.get(b, []))]
    mine = undoable.filter(pl.col("id").is_in(mine_ids))
    if mine.height:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        batch_id = c1.selectbox(
            t("import_undo_batch"),
            mine["id"].to_list(),
            key=f"{PAGE}__undo",
            format_func=lambda b: t("import_batch_name", batch=b),
        )
        asking = st.session_state.get(f"{PAGE}__undo_ask")
        if c2.button(t("import_undo"), key=f"{PAGE}__undo_btn"):
            st.session_state[f"{PAGE}__undo_ask"] = asking = int(batch_id)
        if asking is not None and asking == batch_id:
            # A second step that names what goes: a rollback cannot itself be undone.
            b = mine.filter(pl.col("id") == asking).row(0, named=True)
            with st.container(border=True):
                st.warning(
                    t(
                        "import_undo_confirm",
                        batch=asking,
                        file=markdown_literal(b["file_name"] or "–"),
                        who=markdown_literal(b["created_by"]),
                        when=f"{fmt_datetime(b['created_at'])}",
                        rows=fmt_int(b["rows"], lang=lang()),
                        me=markdown_literal(account.name),
                    ),
                    icon=":material/warning:",
                )
                y, n = st.columns(2)
                yes = f"{PAGE}__undo_yes"
                with y:
                    pressed = ui.write_button(
                        t("import_undo_yes"), type="primary", key=yes, token=str(asking)
                    )
                if pressed:
                    with ui.write_status(yes, str(asking), t("import_undoing", batch=asking)) as w:
                        refused = data.rollback(key, asking, account)
                        w.ok = refused is None
                        if w.ok:
                            st.session_state[f"{PAGE}__undo_ask"] = None
                            st.session_state[f"{PAGE}__done"] = t("import_undone", batch=asking)
                        w.box.update(
                            label=t("import_undo_ok") if w.ok else t("import_write_not_ok"),
                            state="complete" if w.ok else "error",
                        )
                    if w.ok:
                        st.rerun()
                    st.error(
                        t("import_undo_failed", batch=asking, reason=markdown_literal(refused))
                    )
                if n.button(t("import_undo_no"), key=f"{PAGE}__undo_no"):
                    st.session_state[f"{PAGE}__undo_ask"] = None
                    st.rerun()
