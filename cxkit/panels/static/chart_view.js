// cxkit.panels.ChartView in the page: the kernel's SVG (`value`), or, once a participant
// moved a slider, a compiled Vega spec (`spec`) that this page draws itself with the Vega
// bundle served beside the notebooks (static/cxkit-vega.js, written by `make install`;
// nothing comes from the internet). Text in a chart is set as SVG text by Vega, never as
// HTML. If the bundle cannot be loaded, the kernel is told and sends SVG again.
const BUNDLE = "static/cxkit-vega.js";

function loadVega() {
  if (window.vegaEmbed) return Promise.resolve(window.vegaEmbed);
  if (!window.__cxkitVega) {
    window.__cxkitVega = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(BUNDLE, document.baseURI).href;
      script.onload = () => (window.vegaEmbed ? resolve(window.vegaEmbed) : reject(new Error("no vegaEmbed")));
      script.onerror = () => reject(new Error("the chart bundle could not be loaded"));
      document.head.appendChild(script);
    });
  }
  return window.__cxkitVega;
}

function render({ model, el }) {
  let shown = 0; // the latest drawing asked for: an older one that lands late is dropped
  const show = async () => {
    const turn = ++shown;
    const text = model.get("spec");
    if (!text) {
      el.innerHTML = model.get("value");
      el.dataset.drawnBy = "kernel";
      return;
    }
    try {
      const { spec, locale } = JSON.parse(text);
      const embed = await loadVega();
      const box = document.createElement("div");
      const options = { renderer: "svg", actions: false, mode: "vega" };
      if (locale) options.formatLocale = locale;
      await embed(box, spec, options);
      if (turn !== shown) return;
      const svg = box.querySelector("svg");
      if (svg) {
        el.replaceChildren(svg);
        el.dataset.drawnBy = "page";
      }
    } catch (error) {
      if (turn === shown) model.send({ event: "no-vega", error: String(error) });
    }
  };
  model.on("change:spec", show);
  model.on("change:value", show);
  show();
  // fetch the bundle while the page is idle, so that the first move does not wait for it
  if (model.get("live")) (window.requestIdleCallback || setTimeout)(() => loadVega().catch(() => {}));
}

export default { render };
