/**
 * A choice on the page that outlives a reload or a visit to another page of the host: kept
 * in this browser tab's sessionStorage (another tab starts afresh), and for a choice whose
 * scope is "browser" in localStorage too, where a new tab starts from. A stored value the
 * guard refuses (an older shape, a hand edit) reads as the initial one.
 */
import { useCallback, useState } from "react";

const PREFIX = "identity-images.";

/** This tab only, or this tab and, as the starting point of a new tab, the browser. */
export type Scope = "tab" | "browser";

/** A new value, or how the last one becomes the new one (as React's `setState` takes it). */
export type Update<T> = T | ((last: T) => T);

export function useSessionState<T>(
  name: string,
  initial: T,
  guard: (value: unknown) => value is T,
  scope: Scope = "tab",
): [T, (update: Update<T>) => void] {
  const [value, setValue] = useState<T>(() => read(name, initial, guard, scope));
  const set = useCallback(
    (update: Update<T>) =>
      setValue((last) => {
        const next = update instanceof Function ? update(last) : update;
        write(name, next, scope); // the same value again is not written again
        return next;
      }),
    [name, scope],
  );
  return [value, set];
}

export function read<T>(name: string, initial: T, guard: (value: unknown) => value is T, scope: Scope = "tab"): T {
  try {
    const raw =
      globalThis.sessionStorage?.getItem(PREFIX + name) ??
      (scope === "browser" ? globalThis.localStorage?.getItem(PREFIX + name) : null);
    if (raw === null || raw === undefined) return initial;
    const parsed: unknown = JSON.parse(raw);
    return guard(parsed) ? parsed : initial;
  } catch {
    return initial; // storage blocked (privacy settings) or not JSON
  }
}

/** Stores `value` under `name`, unless it is there already: a write can come several times a
 * second (an upload's progress changes nothing kept) and be tens of KB (photos' small copies). */
export function write(name: string, value: unknown, scope: Scope = "tab"): void {
  try {
    const text = JSON.stringify(value);
    const stores = scope === "browser" ? [globalThis.sessionStorage, globalThis.localStorage] : [globalThis.sessionStorage];
    for (const storage of stores) if (storage?.getItem(PREFIX + name) !== text) storage?.setItem(PREFIX + name, text);
  } catch {
    // Full or blocked: the page still works, it only forgets on reload.
  }
}

/** The choices that say nothing about a person: this browser's habits (the options of the
 * next generation, the history's and Compare's views), kept when the rest goes. Without them
 * every log in opened on the config's defaults, the dearest size among them. */
const HABITS: ReadonlySet<string> = new Set(
  ["aspectRatio", "imageSize", "variants", "historyView", "historyHidesFailed", "compareView"].map((name) => PREFIX + name),
);

/** Forgets every choice of the page about a person, in this tab and in the browser: the next
 * admin at this browser starts without the last one's photos, prompt, user or identity (the
 * options stay: see `HABITS`). */
export function forgetAll(): void {
  for (const storage of [globalThis.sessionStorage, globalThis.localStorage]) {
    try {
      const names = Array.from({ length: storage?.length ?? 0 }, (_, index) => storage?.key(index));
      for (const name of names) if (name?.startsWith(PREFIX) && !HABITS.has(name)) storage?.removeItem(name);
    } catch {
      // Blocked storage holds nothing of ours.
    }
  }
}

/**
 * Makes the stored draft `admin`'s: one left by another admin at this browser (their session
 * ended, and someone else logged in) is forgotten first. Idempotent.
 */
export function claimDraft(admin: string): void {
  // The tab's draft and the browser's choices may each have been left by someone else.
  const owners = [globalThis.sessionStorage, globalThis.localStorage].map((storage) => {
    try {
      return storage?.getItem(PREFIX + "owner") ?? null;
    } catch {
      return null;
    }
  });
  if (owners.some((owner) => owner !== null && owner !== JSON.stringify(admin))) forgetAll();
  write("owner", admin, "browser");
}

export const isString = (value: unknown): value is string => typeof value === "string";
export const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
export const isStringOrNull = (value: unknown): value is string | null => value === null || isString(value);
export const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every(isString);
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
