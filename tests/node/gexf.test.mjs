// graphology-gexf (the GEXF parser of Gephi Lite) must parse Cobweb's GEXF exports.
//
// pytest (tests/test_output_node.py) writes the files and runs `node --test tests/node/`
// with COBWEB_GEXF_FILES set to their paths, separated by the platform's path delimiter.
// The npm packages come from output/js (installed by `make install`).
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

const files = (process.env.COBWEB_GEXF_FILES || "").split(delimiter).filter(Boolean);

test("COBWEB_GEXF_FILES names the GEXF files to parse", () => {
  assert.ok(files.length > 0, "run through pytest tests/test_output_node.py, which sets it");
});

for (const file of files) {
  test(`graphology-gexf parses ${file}`, () => {
    const graph = gexf.parse(Graph, readFileSync(file, "utf8"), { allowUndeclaredAttributes: false });
    assert.ok(graph.order > 0, "no node was read");
    const expected = JSON.parse(readFileSync(file + ".expect.json", "utf8"));
    assert.equal(graph.order, expected.nodes);
    assert.equal(graph.size, expected.edges);
    graph.forEachNode((node, attrs) => {
      assert.equal(typeof attrs.kind, "string", `${node} has no kind`);
      assert.equal(typeof attrs.label, "string", `${node} has no label`);
      assert.match(attrs.color, /^rgba?\(/, `${node} has no viz colour`);
      assert.ok(attrs.size > 0, `${node} has no viz size`);
    });
    for (const [node, attrs] of Object.entries(expected.check)) {
      assert.ok(graph.hasNode(node), `missing ${node}`);
      for (const [key, value] of Object.entries(attrs)) {
        assert.deepEqual(graph.getNodeAttribute(node, key), value, `${node}.${key}`);
      }
    }
  });
}
