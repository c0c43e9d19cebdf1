/** What every page needs: the API, the launch, and the words of the user's language. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Me } from "../../src/dashboard/contract";
import type { Api } from "./api";
import type { Launch } from "./telegram";
import { fill, type LabelKind, labelOf } from "./text";

export interface Ctx {
  me: Me;
  api: Api;
  launch: Launch;
  t: (key: string, vars?: Record<string, string | number>) => string;
  label: (kind: LabelKind, value: string) => string;
}

export const AppContext = createContext<Ctx | null>(null);

export function makeCtx(me: Me, api: Api, launch: Launch): Ctx {
  return {
    me,
    api,
    launch,
    t: (key, vars) => fill(me.strings, key, vars),
    label: (kind, value) => labelOf(me.labels, kind, value),
  };
}

export function useApp(): Ctx {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("useApp outside AppContext");
  return ctx;
}
