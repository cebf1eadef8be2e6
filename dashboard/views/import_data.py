"""Nhập dữ liệu: templates, a file checked and previewed before anything is written, the
history of imports with rollback. Writing needs a signed-in editor, limited to their provinces."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import access, data, ui
from dashboard.i18n import t
from metrics.escaping import markdown_literal
from metrics.fmt import fmt_int
from metrics.indicators import registry
from metrics.inputs import MAX_FILE_BYTES, TEMPLATE_FILE_NAMES
from metrics.inputs.flow import preview_changes
from metrics.table_columns import Kind, ShownTable

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
            f"Tài khoản {markdown_literal(who.display_name)} chỉ được xem; vẫn kiểm tra được tệp. Cần vai trò biên tập "
            "viên để ghi dữ liệu.",
            icon=":material/lock:",
        )
    elif accounts is not None and not accounts.account and not access.oidc_configured():
        st.info(
            "Chưa có tài khoản biên tập nào, nên chưa ghi được dữ liệu vào kho; vẫn kiểm tra được tệp. "
            "Quản trị viên tạo tài khoản bằng lệnh `xhht accounts add TÊN --province MÃ_TỈNH` "
            "(mật khẩu nhập từ bàn phím, chỉ lưu dạng băm).",
            icon=":material/lock:",
        )
    else:
        st.markdown("**Đăng nhập để ghi dữ liệu** (xem và kiểm tra tệp không cần đăng nhập)")
        access.sign_in_choices(accounts)
allowed = None if account is None else account.allowed_provinces

# --- Templates ------------------------------------------------------------------------------
st.subheader("Biểu mẫu")
st.caption(
    "Mỗi biểu mẫu có trang hướng dẫn và một dòng mẫu; điền số liệu của đơn vị rồi tải lên bên dưới."
)
labels = {
    "wide": "Kết quả — dạng ngang (mỗi xã một dòng)",
    "long": "Kết quả — dạng dọc (mỗi chỉ tiêu một dòng)",
    "targets": "Mục tiêu",
}
cols = st.columns(3)
for col, (kind, label) in zip(cols, labels.items(), strict=True):
    col.download_button(
        label,
        data=data.template(kind),
        file_name=TEMPLATE_FILE_NAMES[kind],
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{PAGE}__tpl_{kind}",
        on_click="ignore",
    )

# --- A file: check, preview, write ------------------------------------------------------------
st.subheader("Nhập tệp")
upload = st.file_uploader(
    f"Tệp Excel (.xlsx, .xls) hoặc CSV, tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB — loại tệp được nhận biết theo nội dung",
    key=f"{PAGE}__file_{st.session_state.get(f'{PAGE}__uploads', 0)}",  # a new key empties it after a write
)
if upload is not None:
    content = upload.getvalue()
    # Read and checked once; reruns and the write reuse it (data.preview_import).
    result = data.preview_import(key, upload.name, content, None, allowed)
    sheets = result.sheet_names
    auto = "(tự tìm trang có bảng)"
    sheet = (
        st.selectbox("Trang", [auto, *sheets], key=f"{PAGE}__sheet") if len(sheets) > 1 else auto
    )
    chosen = None if sheet == auto else sheet
    if chosen is not None:
        result = data.preview_import(key, upload.name, content, chosen, allowed)
    for note in result.notes:
        st.caption(f"· {markdown_literal(note)}")
    if result.status == "refused":
        st.error(
            f"Không nhập được tệp {markdown_literal(upload.name)}: {len(result.problems)} lỗi. Kho dữ liệu không thay đổi. "
            "Sửa các dòng dưới đây trong tệp rồi tải lên lại.",
            icon=":material/error:",
        )
        ui.problems_table(
            [(p.sheet, p.row, p.column, p.message) for p in result.problems],
            name=upload.name.rsplit(".", 1)[0],
            key=f"{PAGE}__problems_csv",
        )
    else:
        kind = "số liệu kết quả" if result.kind == "results" else "mục tiêu"
        st.success(
            f"Tệp hợp lệ: {fmt_int(result.rows)} dòng {kind} (trang “{markdown_literal(result.sheet)}”) — "
            f"**{fmt_int(result.new)} mới, {fmt_int(result.changed)} thay đổi, {fmt_int(result.unchanged)} không đổi**.",
            icon=":material/check_circle:",
        )
        if result.preview is not None and result.preview.height:
            change_vi = {"new": "mới", "changed": "thay đổi", "unchanged": "không đổi"}
            short = {i.id: i.short_vi for i in registry().indicator}
            shown = preview_changes(result.preview, result.kind).with_columns(
                pl.col("change").replace_strict(change_vi).alias("Thay đổi"),
                pl.col("indicator").replace_strict(short, default=pl.col("indicator")),
            )
            if result.kind == "results":
                col_kinds = {
                    "Thay đổi": Kind.TEXT,
                    "Dòng": Kind.COUNT,
                    "Địa bàn": Kind.TEXT,
                    "Năm": Kind.YEAR,
                    "Chỉ tiêu": Kind.TEXT,
                    "Tỷ lệ (%): đang có → mới": Kind.TEXT,
                    "Tổng số": Kind.COUNT,
                    "Đăng ký": Kind.COUNT,
                    "Công nhận": Kind.COUNT,
                    "Công nhận (đang có)": Kind.COUNT,
                }
                table = shown.select(
                    "Thay đổi",
                    pl.col("_row").alias("Dòng"),
                    pl.col("_locality").alias("Địa bàn"),
                    pl.col("year").alias("Năm"),
                    pl.col("indicator").alias("Chỉ tiêu"),
                    pl.col("rate_change").alias("Tỷ lệ (%): đang có → mới"),
                    pl.col("total").alias("Tổng số"),
                    pl.col("registered").alias("Đăng ký"),
                    pl.col("recognized").alias("Công nhận"),
                    pl.col("recognized_old").alias("Công nhận (đang có)"),
                )
            else:
                col_kinds = {
                    "Thay đổi": Kind.TEXT,
                    "Dòng": Kind.COUNT,
                    "Địa bàn": Kind.TEXT,
                    "Chỉ tiêu": Kind.TEXT,
                    "Năm": Kind.YEAR,
                    "Mục tiêu (%): đang có → mới": Kind.TEXT,
                }
                table = shown.select(
                    "Thay đổi",
                    pl.col("_row").alias("Dòng"),
                    pl.col("_locality").alias("Địa bàn"),
                    pl.col("indicator").alias("Chỉ tiêu"),
                    pl.col("target_year").alias("Năm"),
                    pl.col("rate_change").alias("Mục tiêu (%): đang có → mới"),
                )
            if table.height > PREVIEW_ROWS:
                # Formatting every cell (pandas Styler) stops at 262.144 cells: a large file shows
                # its first rows, and says how many there are.
                st.caption(
                    f"Hiển thị {fmt_int(PREVIEW_ROWS)} dòng đầu trong tổng số {fmt_int(table.height)} dòng "
                    "(các dòng thay đổi hoặc mới trước)."
                )
                order = pl.col("change").replace_strict({"changed": 0, "new": 1, "unchanged": 2})
                table = (
                    table.with_columns(shown["change"])
                    .sort(order, maintain_order=True)
                    .head(PREVIEW_ROWS)
                    .drop("change")
                )
            ui.table(ShownTable.of(table, col_kinds))
        if result.new == 0 and result.changed == 0:
            st.info("Mọi số liệu trong tệp đã có trong kho: không có gì để ghi.")
        elif account is None:
            st.warning(
                "Đăng nhập bằng tài khoản biên tập để ghi tệp này vào kho.", icon=":material/lock:"
            )
        elif st.button(
            f"Ghi {fmt_int(result.new + result.changed)} số liệu vào kho",
            type="primary",
            key=f"{PAGE}__write",
        ):
            done = data.commit_import(key, result, account.name)
            if done.status == "imported" and done.batch:
                st.session_state[f"{PAGE}__uploads"] = (
                    st.session_state.get(f"{PAGE}__uploads", 0) + 1
                )
                st.session_state[f"{PAGE}__done"] = (
                    f"Đã nhập lô {done.batch}: {fmt_int(done.new)} mới, {fmt_int(done.changed)} thay đổi."
                )
                st.rerun()
            st.error("Không ghi được: " + "; ".join(markdown_literal(p) for p in done.problems))
if msg := st.session_state.pop(f"{PAGE}__done", None):
    st.success(msg, icon=":material/check_circle:")

# --- History and rollback ----------------------------------------------------------------------
st.subheader("Lịch sử nhập")
history = data.batches(key)
kinds = {"registers": "danh mục", "demo": "minh họa", "seed": "báo cáo mẫu", "import": "nhập tệp"}
states = {"active": "đang dùng", "rolled_back": "đã hoàn tác"}
undone = pl.concat_str(
    pl.col("rolled_back_at").dt.strftime("%d/%m/%Y %H:%M"),
    pl.col("rolled_back_by").fill_null("–"),
    separator=", ",
)
history_table = history.select(
    pl.col("id").alias("Lô"),
    pl.col("created_at").dt.strftime("%d/%m/%Y %H:%M").alias("Thời gian"),
    pl.col("created_by").alias("Người nhập"),
    pl.col("kind").replace_strict(kinds, default="khác").alias("Loại"),
    pl.col("file_name").alias("Tệp"),
    pl.col("rows").alias("Số dòng"),
    pl.col("status").replace_strict(states, default="").alias("Trạng thái"),
    undone.alias("Hoàn tác lúc, bởi"),
    pl.col("file_sha256").str.slice(0, 12).alias("Mã băm tệp"),
)
ui.table(
    ShownTable.of(
        history_table,
        {c: Kind.TEXT for c in history_table.columns} | {"Lô": Kind.CODE, "Số dòng": Kind.COUNT},
    )
)
undoable = history.filter((pl.col("kind") == "import") & (pl.col("status") == "active"))
if account is not None and undoable.height:
    # A batch is rolled back whole: an editor sees only the batches lying wholly in their
    # provinces, whoever imported them (the recorded user name proves nothing).
    touched = data.provinces_of_active_imports(key)
    if touched is None:
        st.caption("Kho đang bận ghi; tải lại trang sau ít giây để hoàn tác.")
        touched = {}
    mine_ids = [b for b in undoable["id"].to_list() if account.may_roll_back(touched.get(b, []))]
    mine = undoable.filter(pl.col("id").is_in(mine_ids))
    if mine.height:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        batch_id = c1.selectbox(
            "Hoàn tác lô",
            mine["id"].to_list(),
            key=f"{PAGE}__undo",
            format_func=lambda b: f"Lô {b}",
        )
        asking = st.session_state.get(f"{PAGE}__undo_ask")
        if c2.button("Hoàn tác…", key=f"{PAGE}__undo_btn"):
            st.session_state[f"{PAGE}__undo_ask"] = asking = int(batch_id)
        if asking is not None and asking == batch_id:
            # A second step that names what goes: a rollback cannot itself be undone.
            b = mine.filter(pl.col("id") == asking).row(0, named=True)
            with st.container(border=True):
                st.warning(
                    f"Hoàn tác lô {asking}: tệp **{markdown_literal(b['file_name'] or '–')}**, "
                    f"nhập bởi **{markdown_literal(b['created_by'])}** lúc "
                    f"{b['created_at']:%d/%m/%Y %H:%M}, {fmt_int(b['rows'])} dòng. Các số liệu "
                    "của lô thôi được dùng; số liệu trước đó (nếu có) được dùng lại. Việc hoàn tác "
                    f"được ghi vào lịch sử với tên {markdown_literal(account.name)}.",
                    icon=":material/warning:",
                )
                y, n = st.columns(2)
                if y.button("Xác nhận hoàn tác", type="primary", key=f"{PAGE}__undo_yes"):
                    st.session_state[f"{PAGE}__undo_ask"] = None
                    refused = data.rollback(key, asking, account)
                    if refused is None:
                        st.session_state[f"{PAGE}__done"] = (
                            f"Đã hoàn tác lô {asking}: số liệu trước đó được dùng lại."
                        )
                        st.rerun()
                    st.error(f"Không hoàn tác được lô {asking}: {markdown_literal(refused)}")
                if n.button("Thôi, giữ lô này", key=f"{PAGE}__undo_no"):
                    st.session_state[f"{PAGE}__undo_ask"] = None
                    st.rerun()
