// A chart of the dashboard (dashboard/chart_view.py): a plotly figure drawn with the dashboard's
// plotly.js build (tools/plotly/build.sh), when it comes near the screen.
//
// The figure arrives as plotly's JSON with plotly.js's address, the config (mode bar, file name of the camera's PNG)
// and whether a click on a point is sent back ("select": the points' customdata, as plotly's
// own selection gives them). plotly.js is one classic <script> shared by every chart of the
// page: asked for at once when a chart is on screen, else at the first scroll or a moment after
// the page has come (not while its first view is still being drawn), so a chart scrolled to
// later finds it ready. A chart is drawn, and redrawn with new data, only near the screen; it
// keeps the room its figure takes, drawn or not, so nothing below it moves when it is drawn.

const NEAR = "200px"; // drawn when this close to the screen
// A chart narrower than this draws the figure's phone variant, where it has one
// (layout.meta.narrow, metrics/figures/style.py NARROW_PX).
const NARROW_PX = 600;
const DEFAULT_HEIGHT = 450; // plotly's own, for a figure that sets none

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__xhhtPlotly) {
    window.__xhhtPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => {
        window.__xhhtPlotly = null; // a later chart tries again
        reject(new Error("plotly.js could not be loaded from " + src));
      });
      document.head.appendChild(script);
    });
  }
  return window.__xhhtPlotly;
}

const LATER_MS = 2500; // after the first view of a page whose charts are all further down

function later(fn) {
  let started = false;
  const go = () => {
    if (started) return;
    started = true;
    document.removeEventListener("scroll", go, true);
    fn();
  };
  document.addEventListener("scroll", go, { capture: true, passive: true });
  setTimeout(go, LATER_MS);
}

function nearScreen(el) {
  const r = el.getBoundingClientRect();
  return r.bottom > -200 && r.top < window.innerHeight + 200;
}

function pointsOf(ev) {
  return ev.points.map((p) => ({
    customdata: p.customdata === undefined ? null : [].concat(p.customdata),
    x: p.x,
    y: p.y,
    curve_number: p.curveNumber,
    point_index: p.pointIndex,
  }));
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let box = parentElement.querySelector(".xhht-chart");
  if (!box) {
    box = document.createElement("div");
    box.className = "xhht-chart";
    box.dataset.testid = "xhht-chart";
    parentElement.appendChild(box);
  }
  const figure = JSON.parse(data.figure);
  const layout = Object.assign({}, figure.layout, { autosize: true });
  delete layout.width; // the chart takes its column's width, as Streamlit's chart did
  box.style.minHeight = (layout.height || DEFAULT_HEIGHT) + "px";
  const narrow = layout.meta && layout.meta.narrow;
  const width = box.getBoundingClientRect().width || parentElement.clientWidth;
  if (narrow && width > 0 && width < NARROW_PX) {
    for (const [i, props] of Object.entries(narrow.traces || {})) {
      if (figure.data && figure.data[+i]) Object.assign(figure.data[+i], props);
    }
  }
  box.setAttribute("aria-label", (layout.title && layout.title.text) || "");
  box.__xhhtSelect = data.select ? setTriggerValue : null;

  let alive = true;
  const draw = () =>
    loadPlotly(data.plotly_src)
      .then((Plotly) => {
        if (!alive) return null;
        return Plotly.react(box, figure.data || [], layout, Object.assign({ responsive: true }, data.config));
      })
      .then((drawn) => {
        if (!drawn || box.__xhhtBound) return;
        box.__xhhtBound = true;
        box.on("plotly_click", (ev) => {
          if (box.__xhhtSelect) box.__xhhtSelect("select", { points: pointsOf(ev) });
        });
      })
      .catch((err) => {
        box.textContent = String(err.message || err);
      });

  let observer = null;
  if (nearScreen(box)) {
    draw();
  } else {
    observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          observer = null;
          draw();
        }
      },
      { rootMargin: NEAR },
    );
    observer.observe(box);
    later(() => loadPlotly(data.plotly_src).catch(() => {}));
  }
  return () => {
    alive = false;
    if (observer) observer.disconnect();
  };
}
