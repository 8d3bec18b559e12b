// Gephi Lite opens graphology's serialized JSON: Cobweb's graphology export must load with
// Graph.from() and hold what graphology-gexf reads from the GEXF export of the same view.
//
// pytest (tests/test_output_graphology.py) writes pairs NAME.json / NAME.gexf and runs
// `node --test tests/node_graphology/` with COBWEB_GRAPHOLOGY_FILES set to the .json paths,
// separated by the platform's path delimiter. npm packages come from output/js (`make install`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "output", "js", "package.json"));
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const files = (process.env.COBWEB_GRAPHOLOGY_FILES || "").split(delimiter).filter(Boolean);

test("COBWEB_GRAPHOLOGY_FILES names the graphology files to load", () => {
  assert.ok(files.length > 0, "run through pytest tests/test_output_graphology.py, which sets it");
});

for (const file of files) {
  test(`graphology loads ${file} with the GEXF's nodes, edges, attributes and viz`, () => {
    const graph = Graph.from(JSON.parse(readFileSync(file, "utf8")));
    const fromGexf = gexf.parse(Graph, readFileSync(file.replace(/\.json$/, ".gexf"), "utf8"));
    const expected = JSON.parse(readFileSync(file + ".expect.json", "utf8"));
    assert.equal(graph.order, expected.nodes);
    assert.equal(graph.size, expected.edges);
    assert.equal(graph.type, fromGexf.type);
    assert.equal(graph.order, fromGexf.order);
    assert.equal(graph.size, fromGexf.size);
    fromGexf.forEachNode((node, attrs) => {
      assert.ok(graph.hasNode(node), `missing ${node}`);
      const mine = graph.getNodeAttributes(node);
      for (const [key, value] of Object.entries(attrs)) {
        assert.deepEqual(mine[key], value, `${node}.${key}`);
      }
      assert.equal(typeof mine.x, "number", `${node} has no x`);
      assert.equal(typeof mine.y, "number", `${node} has no y`);
      assert.ok(mine.size > 0 && /^rgba\(/.test(mine.color), `${node} has no viz`);
    });
    fromGexf.forEachEdge((edge, attrs, source, target) => {
      assert.ok(graph.hasEdge(edge), `missing edge ${edge}`);
      assert.equal(graph.source(edge), source);
      assert.equal(graph.target(edge), target);
      assert.deepEqual(graph.getEdgeAttributes(edge), attrs, `edge ${edge}`);
    });
    for (const [node, attrs] of Object.entries(expected.check)) {
      for (const [key, value] of Object.entries(attrs)) {
        assert.deepEqual(graph.getNodeAttribute(node, key), value, `${node}.${key}`);
      }
    }
  });
}
