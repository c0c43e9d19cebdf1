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
  opinionSteps,
  ROLES,
  type Role,
  STEP_KEYS,
  type Workflow,
  workflowFor,
} from "../../src/rules/index";

const maps: (Partial<Record<Ground, boolean>> | undefined)[] = [
  undefined,
  Object.fromEntries(GROUNDS.map((g) => [g, true])),
  Object.fromEntries(GROUNDS.map((g) => [g, false])),
];

// D4: no extra opinion-giver, one, and the most an institution may name (three).
const extras: (readonly Role[])[] = [
  [],
  ["unit_head"],
  ["unit_head", "deputy_academic", "deputy_upbringing"],
];

function* everyWorkflow(): Generator<[string, Workflow]> {
  for (const g of GROUNDS) {
    for (const category of CATEGORIES) {
      for (const conscriptServed of [true, false]) {
        for (const [i, reimbursement] of maps.entries()) {
          for (const endorsers of extras) {
            yield [
              `${g}/${category}/served=${conscriptServed}/map${i}/extra=${endorsers.length}`,
              workflowFor(g, { category, conscriptServed, reimbursement, endorsers }),
            ];
          }
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
    expect(workflows).toBe(GROUNDS.length * CATEGORIES.length * 2 * maps.length * extras.length);
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

// Every statutory period in the product is one the Kazakh text states (docs/procedure.md, the last table;
// D2 for the triggers, D3 for cl. 20 read both ways, D7 for which document carries cl. 15/21). Anything else
// is an institution target (D3): no product step may carry, or eat into, a statutory period of its own.
const STATUTORY: Record<string, string> = {
  "instruct 2 registered": "cl. 20",
  "conversation 2 opened": "cl. 20",
  "submit_academic 3 registered": "cl. 14",
  "order 2 decision": "cl. 15, 18, 21 (cadets; every learner in ch. 3)",
  "submission 2 decision": "cl. 15, 21 (master's, doctoral)",
  "order 3 decision": "cl. 26",
  "notify_personnel_dept 5 order_date": "cl. 7",
};

describe("statutory periods: only those the text states (cl. 7, 14, 15, 18, 20, 21, 26)", () => {
  it("cl. 7, 14, 15, 18, 20, 21, 26: every statutory period is in the table; the rest are D3 targets", () => {
    const used = new Set<string>();
    for (const [name, wf] of everyWorkflow()) {
      for (const s of wf.steps) {
        if (s.deadline?.kind !== "statutory") continue;
        const row = `${s.key} ${s.deadline.workingDays} ${s.deadline.from}`;
        expect(Object.keys(STATUTORY), `${name}: ${row}`).toContain(row);
        // the period's cite names the clause that states it
        expect(s.deadline.cite, `${name}: ${row}`).toMatch(/cl\. (7|14|15|18|20|21|26)\b/);
        used.add(row);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(STATUTORY).sort());
  });

  it("D2, D7: cl. 15 / 21 binds the order for cadets and the submission for master's and doctoral students", () => {
    for (const g of ["own_will", "academic_failure"] as const) {
      for (const category of CATEGORIES) {
        const wf = workflowFor(g, { category, conscriptServed: true });
        const bound = wf.steps.filter(
          (s) => s.deadline?.kind === "statutory" && s.deadline.from === "decision",
        );
        expect(
          bound.map((s) => s.key),
          `${g}/${category}`,
        ).toEqual([category === "cadet" ? "order" : "submission"]);
      }
    }
  });

  it("D4: opinions carry a target, never a statutory period, and nothing waits for them", () => {
    for (const [name, wf] of everyWorkflow()) {
      const opinions = opinionSteps(wf);
      for (const s of opinions) {
        expect(s.deadline?.kind, `${name}: ${s.key}`).toBe("target");
        expect(s.opensAfter, `${name}: ${s.key}`).toEqual([]);
        expect(s.role, `${name}: ${s.key}`).not.toBe("head");
      }
      const keys = new Set(opinions.map((s) => s.key));
      for (const s of wf.steps)
        for (const dep of s.opensAfter) expect(keys.has(dep), `${name}: ${s.key}`).toBe(false);
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
