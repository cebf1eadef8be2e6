// A ranking drawn as HTML bars (dashboard/ranking_view.py): the server's block, escaped there,
// put in the page as it is; a click on a row (or Enter/Space on its name, a button) sends that
// row's locality id back, in the shape a chart's click has ({points: [{customdata: [id]}]}).

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let box = parentElement.querySelector(".xhht-ranking");
  if (!box) {
    box = document.createElement("div");
    box.className = "xhht-ranking";
    box.dataset.testid = "xhht-ranking";
    parentElement.appendChild(box);
    box.addEventListener("click", (ev) => {
      const row = ev.target.closest("[data-id]");
      if (row && box.__xhhtSelect) {
        box.__xhhtSelect("select", { points: [{ customdata: [row.dataset.id] }] });
      }
    });
  }
  box.__xhhtSelect = data.select ? setTriggerValue : null;
  if (box.__xhhtHtml !== data.html) {
    box.__xhhtHtml = data.html;
    box.innerHTML = data.html;
  }
}
