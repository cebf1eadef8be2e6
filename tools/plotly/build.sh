#!/bin/sh
# Builds dashboard/static/plotly-xhht-<version>.min.js: plotly.js (the version the plotly Python
# package carries, so a chart on a page and its exported image are drawn by the same code) with
# only the trace types the dashboard's figures use — scatter, bar and heatmap. Plotly's own
# "cartesian" build adds box, violin, contour, histogram and more, and took a browser three times
# as long to evaluate (~380 ms against ~120 ms) on each first view of a page with a chart.
# (maplibre's stylesheet, which plotly's core imports for its map traces, is left out.)
# Needs Node.js and npm; the result is committed, so neither the app nor CI needs them.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
version=$(node -p 'require("plotly.js/package.json").version')
out=../../dashboard/static/plotly-xhht-$version.min.js
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --log-level=warning --loader:.css=empty \
  --banner:js="/**
* plotly.js (xhht: scatter, bar, heatmap - minified) v$version
* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license
* (plotly-LICENSE.txt). Built by tools/plotly/build.sh from the npm package plotly.js@$version.
*/" --outfile="$out"
echo "$out"
