// Every rule says where it comes from, and every workflow is well-formed, for every combination.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  DOCUMENT_KEYS,
  expulsionOutcome,
  GROUND_RULES,
  GROUNDS,
  type Ground,
  ROLES,
  STEP_KEYS,
  type Workflow,
  workflowFor,
} from "../../src/rules/index";

const maps: (Partial<Record<Ground, boolean>> | undefined)[] = [
  undefined,
  Object.fromEntries(GROUNDS.map((g) => [g, true])),
  Object.fromEntries(GROUNDS.map((g) => [g, false])),
];

function* everyWorkflow(): Generator<[string, Workflow]> {
  for (const g of GROUNDS) {
    for (const category of CATEGORIES) {
      for (const conscriptServed of [true, false]) {
        for (const [i, reimbursement] of maps.entries()) {
          yield [
            `${g}/${category}/served=${conscriptServed}/map${i}`,
            workflowFor(g, { category, conscriptServed, reimbursement }),
          ];
        }
      }
    }
  }
}

const nonEmpty = (s: unknown): boolean => typeof s === "string" && s.trim().length > 0;

describe("cites", () => {
  it("every Workflow, StepDef and DeadlineRule has a non-empty cite (grounds × categories × conscript × D5 maps)", () => {
    let workflows = 0;
    for (const [name, wf] of everyWorkflow()) {
      workflows++;
      expect(nonEmpty(wf.cite), name).toBe(true);
      expect(nonEmpty(wf.chapter), name).toBe(true);
      for (const s of wf.steps) {
        expect(nonEmpty(s.cite), `${name}: ${s.key}`).toBe(true);
        if (s.deadline !== null) expect(nonEmpty(s.deadline.cite), `${name}: ${s.key}.deadline`).toBe(true);
      }
    }
    expect(workflows).toBe(GROUNDS.length * CATEGORIES.length * 2 * maps.length);
  });

  it("cites name a clause or a decision", () => {
    for (const [name, wf] of everyWorkflow()) {
      for (const c of [wf.cite, ...wf.steps.flatMap((s) => [s.cite, s.deadline?.cite ?? "cl."])]) {
        expect(c, name).toMatch(/cl\. \d|D\d/);
      }
    }
    for (const g of GROUNDS) {
      expect(GROUND_RULES[g].cite).toMatch(/cl\. \d/);
      for (const c of CATEGORIES) expect(expulsionOutcome(g, c).cite).toMatch(/cl\. \d/);
    }
  });
});

describe("workflow structure", () => {
  it("unique known step keys; opensAfter points to earlier steps; known roles and documents", () => {
    for (const [name, wf] of everyWorkflow()) {
      const seen = new Set<string>();
      for (const s of wf.steps) {
        expect(STEP_KEYS, name).toContain(s.key);
        expect(seen.has(s.key), `${name}: duplicate ${s.key}`).toBe(false);
        for (const dep of s.opensAfter) expect(seen.has(dep), `${name}: ${s.key} after ${dep}`).toBe(true);
        expect(ROLES).toContain(s.role);
        expect(s.role).not.toBe("admin");
        expect(s.produces.length, `${name}: ${s.key}`).toBeGreaterThan(0);
        for (const d of s.produces) expect(DOCUMENT_KEYS as readonly string[]).toContain(d);
        if (s.deadline)
          expect(Number.isInteger(s.deadline.workingDays) && s.deadline.workingDays >= 1).toBe(true);
        seen.add(s.key);
      }
      expect(wf.steps.filter((s) => s.opensAfter.length === 0).length, name).toBeGreaterThan(0);
    }
  });
});

describe("purity of src/rules (no I/O, no clock, no project imports)", () => {
  const dir = join(__dirname, "../../src/rules");
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s", (file) => {
    const src = readFileSync(join(dir, file), "utf8");
    expect(src).not.toMatch(/Date\.now\s*\(/);
    expect(src).not.toMatch(/new Date\(\s*\)/);
    expect(src).not.toMatch(/DateTime\.(now|local)\s*\(/);
    expect(src).not.toMatch(/performance\.now|process\.|require\(/);
    const imports = [...src.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
    if (file === "index.ts") expect(imports.length).toBeGreaterThan(5); // the pattern does see re-exports
    for (const spec of imports)
      expect(spec === "luxon" || /^\.\/[a-z-]+$/.test(spec ?? ""), `${file}: ${spec}`).toBe(true);
  });
});
