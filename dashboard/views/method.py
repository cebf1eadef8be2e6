"""Phương pháp: what each indicator counts, the national targets and their legal sources, how
rates are aggregated and how progress is judged."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import ui
from dashboard.i18n import lang, t
from metrics import progress as pm
from metrics.fmt import fmt_num, fmt_pct
from metrics.indicators import registry
from metrics.method_doc import method_text
from metrics.progress import STATUS_STYLE, Status

key = ui.store_key()
ui.banner(key)
st.title(t("method_title"))
vi = lang() == "vi"
reg = registry()

st.header("Các chỉ tiêu" if vi else "Indicators")
st.dataframe(
    pl.DataFrame(
        [
            {
                "Mã": i.id,
                "Chỉ tiêu": i.label_vi if vi else i.label_en,
                "Tử số": i.numerator_vi if vi else i.numerator_en,
                "Mẫu số": i.denominator_vi if vi else i.denominator_en,
                "Căn cứ": i.legal_basis,
                "Xếp loại / mức độ": ", ".join(reg.level_label(x) for x in i.levels) or "–",
            }
            for i in reg.ordered()
        ]
    ).to_pandas(),
    hide_index=True,
)

st.header("Mục tiêu quốc gia" if vi else "National targets")
st.dataframe(
    pl.DataFrame(
        [
            {
                "Chỉ tiêu": i.label_vi if vi else i.label_en,
                "Năm": str(nt.year),
                "Mục tiêu": fmt_pct(nt.percent),
                "Đã đối chiếu văn bản": "✔ có" if nt.confirmed else "○ chưa (đọc từ kế hoạch của tỉnh)",
                "Nguồn": nt.source,
            }
            for i in reg.ordered()
            for nt in i.national_target
        ],
        schema={"Chỉ tiêu": pl.String, "Năm": pl.String, "Mục tiêu": pl.String, "Đã đối chiếu văn bản": pl.String, "Nguồn": pl.String},
    ).to_pandas(),
    hide_index=True,
)
# The method itself is written once, in docs/method.md (and its English twin), and shown here.
st.markdown(method_text("vi" if vi else "en"))

st.subheader("Các mức đánh giá tiến độ" if vi else "Progress statuses")
thresholds = {
    Status.TARGET_MET: "giá trị hiện tại ≥ mục tiêu" if vi else "current value ≥ target",
    Status.ON_TRACK: f"tỷ số ≥ {fmt_num(pm.ON_TRACK_RATIO, 2)}" if vi else f"ratio ≥ {pm.ON_TRACK_RATIO}",
    Status.TOO_SLOW: f"{fmt_num(pm.TOO_SLOW_RATIO, 2)} ≤ tỷ số < {fmt_num(pm.ON_TRACK_RATIO, 2)}" if vi else f"{pm.TOO_SLOW_RATIO} ≤ ratio < {pm.ON_TRACK_RATIO}",
    Status.LIMITED: f"0 ≤ tỷ số < {fmt_num(pm.TOO_SLOW_RATIO, 2)}" if vi else f"0 ≤ ratio < {pm.TOO_SLOW_RATIO}",
    Status.FALLING: "tỷ số < 0 (giảm so với năm gốc)" if vi else "ratio < 0",
    Status.NOT_ASSESSABLE: "dưới 2 năm số liệu, hoặc chưa có mục tiêu" if vi else "fewer than two years of data, or no target",
}
for s in sorted(Status, key=lambda s: STATUS_STYLE[s].order):
    style = STATUS_STYLE[s]
    label = style.label_vi if vi else style.label_en
    st.markdown(
        f"<span style='color:{style.colour};font-weight:600'>{style.symbol} {label}</span> — {thresholds[s]}",
        unsafe_allow_html=True,
    )
st.caption("Màu theo bảng Okabe–Ito, dễ đọc với người mù màu; mỗi mức độ luôn có kèm ký hiệu và chữ.")

st.header("“Dữ liệu minh họa” là gì?" if vi else "What is “illustrative data”?")
st.markdown(
    "Kho minh họa (`make demo` / `xhht demo`) chứa số liệu **tổng hợp ngẫu nhiên có kiểm soát** cho 3.321 xã, "
    "dùng để thử bảng điều khiển khi chưa có số liệu thật. Khi kho có số liệu minh họa, mọi trang và mọi biểu đồ đều "
    "ghi “Dữ liệu minh họa”. Một vài số liệu lấy từ báo cáo mẫu thật (ví dụ huyện Ia H'Drai năm 2023: 23/23 đơn vị "
    "xếp loại Tốt) và mục tiêu riêng của xã Đăk Long (Quảng Ngãi) được giữ nguyên từ văn bản gốc."
    if vi
    else "The demo store holds synthetic figures for all 3,321 communes; every page and chart says so while they are present."
)
