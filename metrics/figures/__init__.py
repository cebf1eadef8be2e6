"""Figure builders: polars frames and IndicatorProgress in, plotly figures out. Pure functions.

Pages, exports and tests share them, so a chart is the same wherever it is shown. No Streamlit
here. Every figure works offline (no map tiles, no CDN) and writes numbers in its language:
`layout.separators` (",." Vietnamese, ".," English) makes the axes read 85,5 and 3.783 (85.5 and
3,783), and hover/text use metrics.fmt.
Status is never colour alone: every status mark carries its symbol (✔ ▲ ► ■ ▼ ○) too.

- style.py: the colours, font and layout every figure shares, and the "Dữ liệu minh họa" mark
- progress_chart.py: one indicator of one locality over time, against its targets
- comparison.py: the children of a locality side by side (ranked bar, heatmap, status map)
- counts.py: small count bars (levels by year, children per status)
"""
