// The interactive campaign graph of Cobweb's HTML report.
//
// Bundled with esbuild into output/report_graph.min.js (see package.json), which
// the Python report inlines. It reads graphology's serialized graph from
// <script type="application/json" id="cobweb-graph-data"> and draws it with
// sigma.js into #cobweb-graph. Text from crawled pages only ever reaches the DOM
// through textContent, and sigma draws labels on a canvas.
import Graph from "graphology";
import Sigma from "sigma";

function showStatus(container, message) {
  const p = document.createElement("p");
  p.className = "graph-status";
  p.textContent = message;
  container.replaceChildren(p);
}

function describeNode(panel, graph, node) {
  const attrs = graph.getNodeAttributes(node);
  const title = document.createElement("h4");
  title.textContent = attrs.label || node;
  const list = document.createElement("dl");
  for (const key of ["kind", "campaign", "pages", "score", "first_seen", "last_seen"]) {
    if (attrs[key] === undefined || attrs[key] === "") continue;
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    dd.textContent = String(attrs[key]);
    list.append(dt, dd);
  }
  const dt = document.createElement("dt");
  dt.textContent = "neighbours";
  const dd = document.createElement("dd");
  dd.textContent = String(graph.degree(node));
  list.append(dt, dd);
  panel.replaceChildren(title, list);
}

function start() {
  const container = document.getElementById("cobweb-graph");
  const dataElement = document.getElementById("cobweb-graph-data");
  const panel = document.getElementById("cobweb-graph-details");
  if (!container || !dataElement) return;

  const graph = new Graph({ type: "undirected", multi: false });
  graph.import(JSON.parse(dataElement.textContent));
  if (graph.order === 0) {
    showStatus(container, "No campaign to draw.");
    return;
  }

  const probe = document.createElement("canvas");
  if (!probe.getContext("webgl2") && !probe.getContext("webgl")) {
    showStatus(container, "The graph view needs WebGL, which this browser does not offer.");
    return;
  }
  let renderer;
  try {
    renderer = new Sigma(graph, container, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 6,
      defaultEdgeColor: "#c8c8c8",
      zIndex: true,
    });
  } catch (error) {
    showStatus(container, `The graph view could not start: ${error.message}`);
    return;
  }

  let hovered = null;
  renderer.setSetting("nodeReducer", (node, data) => {
    if (hovered && node !== hovered && !graph.areNeighbors(node, hovered)) {
      return { ...data, color: "#e4e4e4", label: "", zIndex: 0 };
    }
    return { ...data, zIndex: 1 };
  });
  renderer.setSetting("edgeReducer", (edge, data) => {
    if (hovered && !graph.hasExtremity(edge, hovered)) return { ...data, hidden: true };
    return data;
  });
  renderer.on("enterNode", ({ node }) => {
    hovered = node;
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on("leaveNode", () => {
    hovered = null;
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on("clickNode", ({ node }) => {
    if (panel) describeNode(panel, graph, node);
  });

  container.dataset.nodes = String(graph.order);
  container.dataset.edges = String(graph.size);
  container.dataset.ready = "true";
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
