// A placeholder for what a page draws only once it is needed (dashboard/near_view.py): it holds
// that element's room, and says "near" when it comes within NEAR of the screen, at the first
// scroll, or a moment after the page has come, whichever is first, so the element is there
// before anyone reaches it and nothing below it moves.

const NEAR = "200px";
const LATER_MS = 2500;

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let box = parentElement.querySelector(".xhht-near");
  if (!box) {
    box = document.createElement("div");
    box.className = "xhht-near";
    box.dataset.testid = "xhht-near";
    box.setAttribute("aria-busy", "true");
    parentElement.appendChild(box);
  }
  box.style.height = data.height + "px";
  let sent = false;
  let observer = null;
  let timer = null;
  const stop = () => {
    if (observer) observer.disconnect();
    observer = null;
    if (timer) clearTimeout(timer);
    timer = null;
    document.removeEventListener("scroll", go, true);
  };
  function go() {
    if (sent) return;
    sent = true;
    stop();
    setStateValue("near", true);
  }
  observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) go();
  }, { rootMargin: NEAR });
  observer.observe(box);
  document.addEventListener("scroll", go, { capture: true, passive: true });
  timer = setTimeout(go, LATER_MS);
  return stop;
}
