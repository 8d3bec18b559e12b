// The interactive campaign graph of Cobweb's HTML report.
//
// Bundled with esbuild into output/report_graph.min.js (see package.json), which
// the Python report inlines. It reads graphology's serialized graph from
// <script type="application/json" id="cobweb-graph-data"> and draws it with
// sigma.js into #cobweb-graph. Positions come from the report (output/layout.py).
//
// - Labels are drawn only where they fit: on the node's right, else on its left,
//   else not at all (never cut by the canvas edge); sigma's label grid keeps
//   them from piling up, and zooming in shows more.
// - A campaign filter (#cobweb-graph-filter and the campaign list's buttons)
//   shows one campaign with its sites, artifacts and hubs, and zooms to it.
// - A search box (#cobweb-graph-search) highlights the nodes whose label holds
//   the text and zooms to the first one.
// Text from crawled pages only ever reaches the DOM through textContent, and
// sigma draws labels on a canvas.
import Graph from "graphology";
import Sigma from "sigma";

const MAX_LABEL = 40;
const LABEL_COLOR = "#222";

function showStatus(container, message) {
  const p = document.createElement("p");
  p.className = "graph-status";
  p.textContent = message;
  container.replaceChildren(p);
}

function shortLabel(label) {
  const text = String(label || "");
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}\u2026` : text;
}

// Where a label of `width` pixels goes beside a node: right, else left, else null.
function labelX(container, data, width) {
  const gap = data.size + 3;
  const right = data.x + gap;
  if (right + width <= container.clientWidth - 2) return right;
  const left = data.x - gap - width;
  if (left >= 2) return left;
  return null;
}

function labelY(container, data, size) {
  return Math.min(Math.max(data.y + size / 3, size), container.clientHeight - 3);
}

// Labels drawn in the current frame, as [left, top, right, bottom, node] boxes; campaign
// labels are reserved first (see reserveCampaignLabels), so the others make way for them.
const drawnLabels = [];
// Set before each frame; the frame's first label reserves the campaign labels (sigma has by
// then placed the nodes, which it has not yet done when "beforeRender" fires on a first frame).
const frame = { fresh: true, reserve: null };
const scratch = document.createElement("canvas").getContext("2d");

function overlaps(box) {
  return drawnLabels.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]);
}

function fittedLabel(container) {
  return (context, data, settings) => {
    if (frame.fresh && frame.reserve) frame.reserve();
    frame.fresh = false;
    if (!data.label) return;
    const size = settings.labelSize;
    context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    const width = context.measureText(data.label).width;
    const x = labelX(container, data, width);
    if (x === null) return; // fits on neither side: no label rather than a cut one
    const y = labelY(container, data, size);
    const reserved = drawnLabels.find((b) => b[4] === data.key);
    if (!reserved) {
      const box = [x - 2, y - size, x + width + 2, y + 4, null];
      if (overlaps(box)) return; // another label holds this spot: zoom in to see this one
      drawnLabels.push(box);
    }
    context.fillStyle = LABEL_COLOR;
    context.fillText(data.label, x, y);
  };
}

function fittedHover(container) {
  return (context, data, settings) => {
    const size = settings.labelSize;
    context.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
    context.beginPath();
    context.fillStyle = "#fff";
    context.shadowBlur = 8;
    context.shadowColor = "#000";
    context.arc(data.x, data.y, data.size + 2, 0, Math.PI * 2);
    context.fill();
    context.shadowBlur = 0;
    let label = String(data.label || "");
    if (!label) return;
    const room = Math.max(container.clientWidth - data.x, data.x) - data.size - 8;
    while (label.length > 1 && context.measureText(label).width > room) {
      label = `${label.slice(0, -2)}\u2026`;
    }
    const width = context.measureText(label).width;
    const x = labelX(container, data, width) ?? Math.max(2, data.x - data.size - 3 - width);
    const y = labelY(container, data, size);
    context.fillStyle = "#fff";
    context.fillRect(x - 2, y - size, width + 4, size + 5);
    context.fillStyle = LABEL_COLOR;
    context.fillText(label, x, y);
  };
}

// Reserve the spots of the campaign nodes' labels before sigma draws any label.
function reserveCampaignLabels(renderer, graph, container) {
  drawnLabels.length = 0;
  const settings = renderer.getSettings();
  const size = settings.labelSize;
  scratch.font = `${settings.labelWeight} ${size}px ${settings.labelFont}`;
  graph.forEachNode((node, attrs) => {
    if (attrs.kind !== "campaign") return;
    const data = renderer.getNodeDisplayData(node);
    if (!data || data.hidden || !data.label) return;
    const { x, y } = renderer.framedGraphToViewport(data);
    const at = { x, y, size: renderer.scaleSize(data.size) };
    const width = scratch.measureText(data.label).width;
    const lx = labelX(container, at, width);
    if (lx === null) return;
    const ly = labelY(container, at, size);
    const box = [lx - 2, ly - size, lx + width + 2, ly + 4, node];
    if (!overlaps(box)) drawnLabels.push(box);
  });
}

function describeNode(panel, graph, node) {
  const attrs = graph.getNodeAttributes(node);
  const title = document.createElement("h4");
  title.textContent = attrs.full || attrs.label || node;
  const list = document.createElement("dl");
  const add = (key, value) => {
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    list.append(dt, dd);
  };
  for (const key of ["kind", "strength", "campaign", "campaign_label", "pages", "score",
    "first_seen", "last_seen"]) {
    if (attrs[key] === undefined || attrs[key] === "") continue;
    add(key, attrs[key]);
  }
  if (attrs.hub) add("hub", `listed by ${attrs.hub} campaigns`);
  if (attrs.not_drawn) add("not drawn", `${attrs.not_drawn} more sites or artifacts`);
  add("neighbours", graph.degree(node));
  const children = [title, list];
  if (attrs.number) {
    const link = document.createElement("a");
    link.href = `#campaign-${attrs.number}`;
    link.textContent = "Campaign details";
    children.push(link);
  }
  panel.replaceChildren(...children);
}

// Zoom the camera onto a set of nodes (sigma's normalized display coordinates).
function focusOn(renderer, nodes) {
  const points = nodes.map((n) => renderer.getNodeDisplayData(n)).filter(Boolean);
  if (points.length === 0) return;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = (Math.min(...xs) + Math.max(...xs)) / 2;
  const y = (Math.min(...ys) + Math.max(...ys)) / 2;
  const spread = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const ratio = Math.min(Math.max(spread * 1.3, 0.08), 1.2);
  renderer.getCamera().animate({ x, y, ratio }, { duration: 400 });
}

function start() {
  const container = document.getElementById("cobweb-graph");
  const dataElement = document.getElementById("cobweb-graph-data");
  const panel = document.getElementById("cobweb-graph-details");
  const filter = document.getElementById("cobweb-graph-filter");
  const search = document.getElementById("cobweb-graph-search");
  const found = document.getElementById("cobweb-graph-found");
  if (!container || !dataElement) return;

  const graph = new Graph({ type: "undirected", multi: false });
  graph.import(JSON.parse(dataElement.textContent));
  if (graph.order === 0) {
    showStatus(container, "No campaign to draw.");
    return;
  }
  graph.forEachNode((node, attrs) => {
    const short = shortLabel(attrs.label);
    if (short !== attrs.label) graph.mergeNodeAttributes(node, { full: attrs.label, label: short });
  });

  const probe = document.createElement("canvas");
  if (!probe.getContext("webgl2") && !probe.getContext("webgl")) {
    showStatus(container, "The graph view needs WebGL, which this browser does not offer.");
    return;
  }
  let renderer;
  try {
    renderer = new Sigma(graph, container, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 7,
      labelDensity: 0.5,
      labelGridCellSize: 140,
      labelColor: { color: LABEL_COLOR },
      defaultEdgeColor: "#c8c8c8",
      defaultDrawNodeLabel: fittedLabel(container),
      defaultDrawNodeHover: fittedHover(container),
      stagePadding: 24,
      zIndex: true,
    });
  } catch (error) {
    showStatus(container, `The graph view could not start: ${error.message}`);
    return;
  }

  frame.reserve = () => reserveCampaignLabels(renderer, graph, container);
  renderer.on("beforeRender", () => {
    frame.fresh = true;
    drawnLabels.length = 0;
  });

  const state = { hovered: null, campaign: "", matches: new Set() };
  const inCampaign = (node) => {
    if (!state.campaign) return true;
    const attrs = graph.getNodeAttributes(node);
    if (attrs.campaign === state.campaign) return true;
    return attrs.hub !== undefined && graph.areNeighbors(node, `campaign:${state.campaign}`);
  };
  const visible = () => graph.filterNodes((n) => inCampaign(n));

  renderer.setSetting("nodeReducer", (node, data) => {
    if (!inCampaign(node)) return { ...data, hidden: true };
    if (state.matches.size > 0) {
      if (state.matches.has(node)) return { ...data, forceLabel: true, highlighted: true, zIndex: 2 };
      return { ...data, color: "#e4e4e4", label: "", zIndex: 0 };
    }
    if (state.hovered && node !== state.hovered && !graph.areNeighbors(node, state.hovered)) {
      return { ...data, color: "#e4e4e4", label: "", zIndex: 0 };
    }
    if (data.kind === "campaign") return { ...data, forceLabel: true, zIndex: 2 };
    return { ...data, zIndex: 1 };
  });
  renderer.setSetting("edgeReducer", (edge, data) => {
    const [a, b] = graph.extremities(edge);
    if (!inCampaign(a) || !inCampaign(b)) return { ...data, hidden: true };
    if (state.hovered && !graph.hasExtremity(edge, state.hovered)) return { ...data, hidden: true };
    return data;
  });
  renderer.on("enterNode", ({ node }) => {
    state.hovered = node;
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on("leaveNode", () => {
    state.hovered = null;
    renderer.refresh({ skipIndexation: true });
  });
  renderer.on("clickNode", ({ node }) => {
    if (panel) describeNode(panel, graph, node);
  });

  const buttons = Array.from(document.querySelectorAll(".campaign-list button[data-campaign]"));
  const pick = (campaign) => {
    state.campaign = campaign;
    if (filter) filter.value = campaign;
    for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.campaign === campaign));
    renderer.refresh({ skipIndexation: true });
    container.dataset.shown = String(visible().length);
    if (campaign) focusOn(renderer, visible());
    else renderer.getCamera().animatedReset({ duration: 400 });
  };
  if (filter) filter.addEventListener("change", () => pick(filter.value));
  for (const b of buttons) {
    b.addEventListener("click", () => pick(b.dataset.campaign === state.campaign ? "" : b.dataset.campaign));
  }

  const runSearch = () => {
    const query = (search.value || "").trim().toLowerCase();
    state.matches = new Set(
      query
        ? graph.filterNodes((n, a) => inCampaign(n)
          && String(a.full || a.label || "").toLowerCase().includes(query))
        : [],
    );
    if (found) {
      found.textContent = query ? `${state.matches.size} match${state.matches.size === 1 ? "" : "es"}` : "";
    }
    container.dataset.matches = String(state.matches.size);
    renderer.refresh({ skipIndexation: true });
    if (state.matches.size > 0) {
      const first = state.matches.values().next().value;
      focusOn(renderer, [...state.matches].slice(0, 50));
      if (panel && state.matches.size === 1) describeNode(panel, graph, first);
    }
  };
  if (search) search.addEventListener("input", runSearch);

  container.dataset.nodes = String(graph.order);
  container.dataset.edges = String(graph.size);
  container.dataset.shown = String(graph.order);
  container.dataset.ready = "true";
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
